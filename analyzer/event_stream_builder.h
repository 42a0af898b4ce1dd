// Builds the model from a plain event stream (the research formats: RAPID STD, RapidBin), where
// every lock operation, access, fork and join is one event in the order it happened.
//
// It derives what lockgraph's runtime records directly: the held chain at each acquisition (one
// Chain per distinct context, with a count), segments at fork/join, sync epochs and first
// accesses per epoch for race detection, and, at the end, the threads still waiting for a lock
// held by another: a wait-for cycle there is the recorded run's own deadlock.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "lockgraph/analysis/trace_model.h"
#include "model_builder.h"

namespace lockgraph::analysis {

enum class StreamOp : std::uint8_t {
  kAcquire, kRelease, kRead, kWrite, kFork, kJoin, kBegin, kEnd, kRequest, kBranch
};

struct StreamEvent {
  std::uint64_t thread = 0;
  StreamOp op = StreamOp::kBegin;
  std::uint64_t operand = 0;   // lock, variable or thread number, by op
  std::uint64_t location = 0;  // the producer's source location id
};

class EventStreamBuilder {
 public:
  // `path` names the trace in warnings; `format` goes into the process's mode ("std", "rapidbin").
  EventStreamBuilder(TraceModel& model, const std::string& path, const std::string& format);

  // Adds one event; `position` (line or event number, from 1) is kept for reports.
  void add(const StreamEvent& event, std::uint64_t position);

  // Ends the trace: pending requests become an observed deadlock where they form a cycle.
  void finish();

 private:
  struct Held {
    LockIndex lock;
    StackIndex stack;
    std::uint32_t recursion;
    std::uint32_t segment;  // the thread's segment when it took the lock
  };
  struct ThreadRun {
    ThreadIndex index = 0;
    std::uint32_t segment = 0;
    std::uint32_t epoch = 0;
    bool ran = false;               // it has had an event of its own
    std::vector<Held> held;
    bool pending = false;           // a req not yet followed by its acq
    LockIndex pending_lock = 0;
    StackIndex pending_stack = 0;
    std::unordered_map<std::uint64_t, std::uint8_t> accessed;  // variable -> 1 read, 2 write, this epoch
  };

  ThreadRun& run(std::uint64_t thread);
  StackIndex location_stack(std::uint64_t location);
  void record_chain(ThreadRun& t, LockIndex lock, StackIndex stack, std::uint64_t position);
  void sync(ThreadRun& t, bool release, char object_kind, std::uint64_t object, std::uint64_t position);
  void acquire(ThreadRun& t, const StreamEvent& e, std::uint64_t position);
  void release(ThreadRun& t, const StreamEvent& e, std::uint64_t position);
  void access(ThreadRun& t, const StreamEvent& e, bool write, std::uint64_t position);
  void fork(ThreadRun& parent, const StreamEvent& e, std::uint64_t position);
  void join(ThreadRun& joiner, const StreamEvent& e, std::uint64_t position);
  void report_observed_deadlocks();

  TraceModel& model_;
  std::string path_;
  ModelBuilder builder_;
  std::unordered_map<std::uint64_t, ThreadRun> runs_;
  std::unordered_map<std::uint64_t, StackIndex> location_stacks_;
  std::map<std::vector<std::uint64_t>, std::size_t> chain_index_;  // context -> model chain
  std::vector<std::uint64_t> phantom_forks_;  // fork/join operands naming threads that never ran
  std::uint64_t unmatched_releases_ = 0;
  std::uint64_t first_unmatched_release_ = 0;
};

}  // namespace lockgraph::analysis
