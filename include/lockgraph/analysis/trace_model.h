// The analyzer's in-memory model of one or more traces: processes, threads, locks, stacks and the
// lock chains they recorded. Every report is computed from this model; nothing reads traces twice.
//
// Identity: runtime ids are per process, so the model numbers everything globally (vector
// indices) and keeps the process and the raw id beside it. Index 0 of stacks is "no stack".
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "lockgraph/analysis/sync_log.h"

namespace lockgraph::analysis {

using StackIndex = std::uint32_t;   // into TraceModel::stacks; 0 = no stack recorded
using LockIndex = std::uint32_t;    // into TraceModel::locks
using ThreadIndex = std::uint32_t;  // into TraceModel::threads
using LockSetIndex = std::uint32_t; // into TraceModel::locksets; 0 = no lock held

struct Module {
  std::string path;
  std::string build_id;  // hex, from the running process; "" if unknown
  std::uint64_t base = 0;  // load bias and extent in the process (to name globals by address)
  std::uint64_t size = 0;
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
  bool races_checked = false;  // built with the race flags, or it recorded annotated accesses
  std::string races_sampled;   // how memory accesses were sampled ("" = all were recorded)
  std::string write_error;     // why the runtime could not write some records (a full disk), or ""
  std::uint64_t lost_bytes = 0;  // how many bytes of records it could not write
  std::string recording_blocked;  // why its runtime could record nothing of the program, or ""
};

struct Thread {
  std::uint32_t process = 0;
  std::uint64_t tid = 0;            // the runtime's id
  std::uint64_t parent_tid = 0;     // 0 = unknown
  std::uint32_t parent_segment = 0;
  std::uint32_t end_segment = 0;    // its last segment
  StackIndex creation = 0;          // where its parent started it (0: unknown)
  bool started_known = false;       // a thread record was read
  bool ended = false;
  std::string name;
  bool name_is_label = false;       // event formats: the name ("T3") is the thread's only identity
  struct Join {
    std::uint32_t segment;          // the joiner's segment after the join
    std::uint64_t joined_tid;
  };
  std::vector<Join> joins;
  // Sampled traces (race_sample=periods): the epochs at which the thread's accesses entered a new
  // sampling period, in epoch order, as (first epoch, period). Before the first, period 1.
  std::vector<std::pair<std::uint32_t, std::uint64_t>> race_periods;
};

struct Lock {
  std::uint32_t process = 0;
  std::uint64_t id = 0;
  std::string kind;
  std::string name;
  StackIndex creation = 0;
  Frame address;                    // where the lock object lives, if in a module (a global)
  bool defined = false;             // a lock record was read (else only referenced)
  bool destroyed = false;
  bool first_use = false;           // `creation` is where it was first locked, not created
};

struct HeldLock {
  LockIndex lock = 0;
  StackIndex stack = 0;
  std::uint32_t flags = 0;
  // The holder's segment when this hold began: the chain's own segment unless the thread held
  // the lock across a start or join (then earlier). A hold spans segments [segment, chain's].
  std::uint32_t segment = 0;
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

using VariableIndex = std::uint32_t;  // into TraceModel::variables

// Where the memory of a variable known by address lives (programs built with the race flags).
enum class Storage : std::uint8_t {
  kUnknown,  // annotated, or not in a module, the heap or a thread's stack
  kGlobal,   // inside a loaded module: `address` names it by its data symbol
  kHeap,     // a heap block: `block_size` bytes allocated at `creation`, `offset` into it
  kStack,    // a thread's stack (or the TLS at its top)
};

struct Variable {
  std::uint32_t process = 0;
  std::uint64_t id = 0;        // the runtime's id (an address, for annotated plain variables)
  bool address_based = false;  // LOCKGRAPH_READ/WRITE of an address rather than a shared<T>
  std::string name;
  StackIndex creation = 0;
  // Programs built with the race flags: the variable is `size` bytes at `id`'s address (a piece of
  // memory every recorded access covers whole or not at all).
  std::uint64_t size = 0;
  Storage storage = Storage::kUnknown;
  std::uint32_t module = 0;         // kGlobal: module and offset from its load bias
  std::uint64_t module_offset = 0;
  std::uint64_t block_size = 0;     // kHeap, kStack: the block's size and the granule's offset
  std::uint64_t offset = 0;
  ThreadIndex stack_owner = 0;      // kStack: whose stack
};

// One recorded access: the first read or write of a variable in a sync epoch of a thread.
struct Access {
  ThreadIndex thread = 0;
  std::uint32_t epoch = 0;
  VariableIndex variable = 0;
  bool write = false;
  std::uint8_t bytes = 0xff;  // which bytes of the variable (all, unless a format says otherwise)
  bool atomic = false;        // an atomic operation: never races with another atomic one
  bool frees = false;         // the write of a free(): the block's life ends
  StackIndex stack = 0;
  LockSetIndex held = 0;       // the locks its thread held, outermost first
  std::uint64_t position = 0;  // where it was read (for formats with an event order)
};

// The distinct lists of held locks, each kept once: a trace of millions of accesses holds a few
// of them, so an access names its list by index instead of carrying a copy.
class LockSets {
 public:
  // A set's entries are lock indexes, with this bit set for a lock held shared.
  static constexpr LockIndex kSharedHold = LockIndex{1} << 31;
  static LockIndex lock_of(LockIndex entry) { return entry & ~kSharedHold; }
  static bool is_shared(LockIndex entry) { return (entry & kSharedHold) != 0; }

  LockSets() : sets_(1) {}
  LockSetIndex intern(const std::vector<LockIndex>& locks) {
    if (locks.empty()) return 0;
    auto [it, inserted] = index_.try_emplace(locks, static_cast<LockSetIndex>(sets_.size()));
    if (inserted) sets_.push_back(locks);
    return it->second;
  }
  const std::vector<LockIndex>& operator[](LockSetIndex set) const { return sets_[set]; }
  std::size_t size() const { return sets_.size(); }

 private:
  std::vector<std::vector<LockIndex>> sets_;
  std::map<std::vector<LockIndex>, LockSetIndex> index_;
};

// One thread's part in an incident (trace_format.h, incident::Role).
struct IncidentParty {
  ThreadIndex thread = 0;
  LockIndex lock = 0;
  bool has_lock = false;
  StackIndex stack = 0;
  std::uint32_t role = 0;
};

// Something that happened in the recorded run rather than a prediction: an observed deadlock
// (a wait-for cycle seen by the watchdog, or at the end of an event trace) or a lock misuse.
struct Incident {
  std::string what;  // trace::incident::k*
  std::uint32_t process = 0;
  std::vector<IncidentParty> parties;
  std::uint64_t position = 0;  // line or event number it was read at, for event formats
};

struct TraceModel {
  std::vector<Process> processes;
  std::vector<Thread> threads;
  std::vector<Lock> locks;
  std::vector<Stack> stacks{Stack{}};
  std::vector<Module> modules{Module{}};
  std::vector<Chain> chains;
  std::vector<Variable> variables;
  std::vector<Access> accesses;
  LockSets locksets;
  SyncLog syncs;
  std::vector<Incident> incidents;
  std::uint64_t events = 0;           // records (or events, for event formats) read
  std::vector<std::string> warnings;  // non-fatal problems, each naming file and line

  // Whether memory accesses were checked at all: a process built with the race flags, or any
  // recorded access (annotated, or an event format's reads and writes). "0 data races" is said
  // only then.
  bool races_checked() const {
    for (const Process& p : processes)
      if (p.races_checked) return true;
    return !accesses.empty();
  }
  // How a process's memory accesses were sampled, if any was ("" when every access was recorded):
  // its races are then a subset of what a full recording would show.
  std::string races_sampled() const {
    for (const Process& p : processes)
      if (!p.races_sampled.empty()) return p.races_sampled;
    return {};
  }

  // Whether the runtime of some process could not write all of its records, or could record
  // nothing (another runtime took the program's threads and locks): what they held was never
  // checked, so the analysis is incomplete.
  bool records_lost() const {
    for (const Process& p : processes)
      if (!p.write_error.empty()) return true;
    return recording_blocked();
  }
  // Whether the runtime of some process recorded nothing of its program (Process::recording_blocked).
  bool recording_blocked() const {
    for (const Process& p : processes)
      if (!p.recording_blocked.empty()) return true;
    return false;
  }

  // "deadlock_example (pid 1234)": the program a process ran (its executable's file name).
  std::string program_label(std::uint32_t process) const {
    const Process& p = processes[process];
    std::string exe = p.exe.substr(p.exe.rfind('/') == std::string::npos ? 0 : p.exe.rfind('/') + 1);
    return (exe.empty() ? std::string("pid ") : exe + " (pid ") + std::to_string(p.pid) + (exe.empty() ? "" : ")");
  }

  std::string thread_label(ThreadIndex t) const {
    const Thread& th = threads[t];
    std::string label = th.name_is_label ? th.name : "thread " + std::to_string(th.tid);
    if (!th.name.empty() && !th.name_is_label) label += " (" + th.name + ")";
    if (processes.size() > 1) label += " of pid " + std::to_string(processes[th.process].pid);
    return label;
  }
};

}  // namespace lockgraph::analysis
