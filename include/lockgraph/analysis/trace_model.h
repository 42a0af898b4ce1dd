// The analyzer's in-memory model of one or more traces: processes, threads, locks, stacks and the
// lock chains they recorded. Every report is computed from this model; nothing reads traces twice.
//
// Identity: runtime ids are per process, so the model numbers everything globally (vector
// indices) and keeps the process and the raw id beside it. Index 0 of stacks is "no stack".
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lockgraph::analysis {

using StackIndex = std::uint32_t;   // into TraceModel::stacks; 0 = no stack recorded
using LockIndex = std::uint32_t;    // into TraceModel::locks
using ThreadIndex = std::uint32_t;  // into TraceModel::threads

struct Module {
  std::string path;
};

struct Frame {
  std::uint32_t module = 0;  // into TraceModel::modules; 0 = unknown (offset is then an address)
  std::uint64_t offset = 0;  // return address relative to the module's load bias
  // Set by formats that carry source positions directly (no symbolization needed).
  std::string file;
  std::uint32_t line = 0;
};

struct Stack {
  std::vector<Frame> frames;  // innermost first
};

struct Process {
  std::string trace_path;  // the file it came from
  std::uint64_t pid = 0;
  std::string exe;
  std::string mode;
  bool complete = false;   // the trace has its end record
  std::string end_reason;
};

struct Thread {
  std::uint32_t process = 0;
  std::uint64_t tid = 0;            // the runtime's id
  std::uint64_t parent_tid = 0;     // 0 = unknown
  std::uint32_t parent_segment = 0;
  std::uint32_t end_segment = 0;    // its last segment
  bool started_known = false;       // a thread record was read
  bool ended = false;
  std::string name;
  struct Join {
    std::uint32_t segment;          // the joiner's segment after the join
    std::uint64_t joined_tid;
  };
  std::vector<Join> joins;
};

struct Lock {
  std::uint32_t process = 0;
  std::uint64_t id = 0;
  std::string kind;
  std::string name;
  StackIndex creation = 0;
  bool defined = false;             // a lock record was read (else only referenced)
  bool destroyed = false;
};

struct HeldLock {
  LockIndex lock = 0;
  StackIndex stack = 0;
  std::uint32_t flags = 0;
};

// One distinct acquisition context: a thread took `lock` while holding `held` (innermost last).
struct Chain {
  ThreadIndex thread = 0;
  std::uint32_t segment = 0;
  LockIndex lock = 0;
  std::uint32_t flags = 0;
  StackIndex stack = 0;
  std::vector<HeldLock> held;
  std::uint64_t count = 0;          // acquisitions on this chain (from count records)
  std::uint64_t first_event = 0;    // for formats with event positions: where it was first seen
};

struct TraceModel {
  std::vector<Process> processes;
  std::vector<Thread> threads;
  std::vector<Lock> locks;
  std::vector<Stack> stacks{Stack{}};
  std::vector<Module> modules{Module{}};
  std::vector<Chain> chains;
  std::uint64_t events = 0;           // records (or events, for event formats) read
  std::vector<std::string> warnings;  // non-fatal problems, each naming file and line

  std::string thread_label(ThreadIndex t) const {
    const Thread& th = threads[t];
    std::string label = "thread " + std::to_string(th.tid);
    if (!th.name.empty()) label += " (" + th.name + ")";
    if (processes.size() > 1) label += " of pid " + std::to_string(processes[th.process].pid);
    return label;
  }
};

}  // namespace lockgraph::analysis
