#include "event_stream_builder.h"

#include <algorithm>

#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {
namespace {

// Thread numbers start at 0 in these formats, but tid 0 means "unknown" in the model.
std::uint64_t model_tid(std::uint64_t thread) { return thread + 1; }

}  // namespace

EventStreamBuilder::EventStreamBuilder(TraceModel& model, const std::string& path,
                                       const std::string& format)
    : model_(model), path_(path),
      builder_(model, static_cast<std::uint32_t>(model.processes.size())) {
  Process& p = model_.processes.emplace_back();
  p.trace_path = path;
  p.mode = format;
  p.exe = path;
}

EventStreamBuilder::ThreadRun& EventStreamBuilder::run(std::uint64_t thread) {
  auto [it, inserted] = runs_.try_emplace(thread);
  if (inserted) {
    it->second.index = builder_.thread(model_tid(thread));
    Thread& t = model_.threads[it->second.index];
    t.name = "T" + std::to_string(thread);
    t.name_is_label = true;
    t.started_known = true;
  }
  return it->second;
}

// Each location id becomes a one-frame stack "loc:N": these formats have no files or lines.
StackIndex EventStreamBuilder::location_stack(std::uint64_t location) {
  auto [it, inserted] = location_stacks_.try_emplace(location, 0);
  if (inserted) {
    it->second = builder_.stack(location + 1);
    Frame frame;
    frame.file = "loc";
    frame.line = static_cast<std::uint32_t>(location);
    frame.offset = location;
    model_.stacks[it->second].frames = {frame};
  }
  return it->second;
}

void EventStreamBuilder::record_chain(ThreadRun& t, LockIndex lock, StackIndex stack,
                                      std::uint64_t position) {
  std::vector<std::uint64_t> key{t.index, t.segment, lock, stack};
  for (const Held& h : t.held) {
    key.push_back(h.lock);
    key.push_back(h.stack);
    key.push_back(h.segment);
  }
  auto [it, inserted] = chain_index_.try_emplace(std::move(key), model_.chains.size());
  if (inserted) {
    Chain& c = model_.chains.emplace_back();
    c.thread = t.index;
    c.segment = t.segment;
    c.lock = lock;
    c.stack = stack;
    c.first_event = position;
    for (const Held& h : t.held) c.held.push_back({h.lock, h.stack, 0, h.segment});
  }
  ++model_.chains[it->second].count;
}

void EventStreamBuilder::sync(ThreadRun& t, bool release, char object_kind, std::uint64_t object,
                              std::uint64_t position) {
  ++t.epoch;
  t.accessed.clear();
  SyncEvent e;
  e.thread = t.index;
  e.epoch = t.epoch;
  e.sequence = position;
  e.release = release;
  e.object = (std::uint64_t(static_cast<unsigned char>(object_kind)) << 56) ^ object;
  model_.syncs.push_back(e);
}

void EventStreamBuilder::add(const StreamEvent& e, std::uint64_t position) {
  ++model_.events;
  ThreadRun& t = run(e.thread);
  // Producers put every thread's `begin` marker first, before the fork that starts it.
  if (e.op != StreamOp::kBegin && e.op != StreamOp::kEnd && e.op != StreamOp::kBranch) t.ran = true;
  switch (e.op) {
    case StreamOp::kRequest: {
      LockIndex lock = builder_.lock(e.operand);
      bool reentrant = std::any_of(t.held.begin(), t.held.end(),
                                   [&](const Held& h) { return h.lock == lock; });
      if (reentrant) return;  // a monitor re-entered never waits
      StackIndex stack = location_stack(e.location);
      record_chain(t, lock, stack, position);
      t.pending = true;
      t.pending_lock = lock;
      t.pending_stack = stack;
      return;
    }
    case StreamOp::kAcquire: return acquire(t, e, position);
    case StreamOp::kRelease: return release(t, e, position);
    case StreamOp::kRead: return access(t, e, false, position);
    case StreamOp::kWrite: return access(t, e, true, position);
    case StreamOp::kFork: return fork(t, e, position);
    case StreamOp::kJoin: return join(t, e, position);
    case StreamOp::kBegin:
    case StreamOp::kEnd:
    case StreamOp::kBranch: return;  // transaction and branch markers order nothing here
  }
}

void EventStreamBuilder::acquire(ThreadRun& t, const StreamEvent& e, std::uint64_t position) {
  LockIndex lock = builder_.lock(e.operand);
  for (Held& h : t.held)
    if (h.lock == lock) {  // re-entrant: no new order, no new hold
      ++h.recursion;
      return;
    }
  StackIndex stack = location_stack(e.location);
  if (t.pending && t.pending_lock == lock) {
    t.pending = false;  // its req already recorded the chain
  } else {
    record_chain(t, lock, stack, position);
  }
  t.held.push_back({lock, stack, 0, t.segment});
  sync(t, false, trace::sync_object::kLock, model_.locks[lock].id, position);
}

void EventStreamBuilder::release(ThreadRun& t, const StreamEvent& e, std::uint64_t position) {
  LockIndex lock = builder_.lock(e.operand);
  for (std::size_t i = t.held.size(); i-- > 0;) {
    Held& h = t.held[i];
    if (h.lock != lock) continue;
    if (h.recursion > 0) {
      --h.recursion;
      return;
    }
    t.held.erase(t.held.begin() + static_cast<std::ptrdiff_t>(i));
    sync(t, true, trace::sync_object::kLock, model_.locks[lock].id, position);
    return;
  }
  if (unmatched_releases_++ == 0) first_unmatched_release_ = position;
}

void EventStreamBuilder::access(ThreadRun& t, const StreamEvent& e, bool write,
                                std::uint64_t position) {
  // Within one epoch neither the held set nor the clock changes: the first read and the first
  // write of each variable stand for all the others (the runtime's own rule).
  std::uint8_t bit = write ? 2 : 1;
  std::uint8_t& seen = t.accessed[e.operand];
  if (seen & bit) return;
  seen |= bit;
  Access a;
  a.thread = t.index;
  a.epoch = t.epoch;
  a.variable = builder_.variable(e.operand);
  a.write = write;
  a.stack = location_stack(e.location);
  a.position = position;
  std::vector<LockIndex> held;
  for (const Held& h : t.held) held.push_back(h.lock);
  a.held = model_.locksets.intern(held);
  Variable& v = model_.variables[a.variable];
  if (v.name.empty()) v.name = "V" + std::to_string(e.operand);
  model_.accesses.push_back(std::move(a));
}

void EventStreamBuilder::fork(ThreadRun& parent, const StreamEvent& e, std::uint64_t position) {
  ThreadRun& child = run(e.operand);
  Thread& c = model_.threads[child.index];
  if (child.ran || c.parent_tid != 0) {
    model_.warnings.push_back(path_ + ":" + std::to_string(position) + ": fork of T" +
                              std::to_string(e.operand) +
                              ", which already ran or was forked: ignored as ordering");
    return;
  }
  c.parent_tid = model_.threads[parent.index].tid;
  c.parent_segment = parent.segment++;
  sync(parent, true, trace::sync_object::kThreadStart, e.operand, position);
  sync(child, false, trace::sync_object::kThreadStart, e.operand, position);
}

void EventStreamBuilder::join(ThreadRun& joiner, const StreamEvent& e, std::uint64_t position) {
  ThreadRun& child = run(e.operand);
  sync(child, true, trace::sync_object::kThreadExit, e.operand, position);
  ++joiner.segment;
  Thread& j = model_.threads[joiner.index];
  j.joins.push_back({joiner.segment, model_.threads[child.index].tid});
  j.end_segment = std::max(j.end_segment, joiner.segment);
  Thread& c = model_.threads[child.index];
  c.end_segment = std::max(c.end_segment, child.segment);
  c.ended = true;
  sync(joiner, false, trace::sync_object::kThreadExit, e.operand, position);
}

void EventStreamBuilder::finish() {
  for (auto& [number, t] : runs_) {
    Thread& th = model_.threads[t.index];
    th.end_segment = std::max(th.end_segment, t.segment);
    if (!t.ran) phantom_forks_.push_back(number);
  }
  for (std::size_t i = 0; i < model_.locks.size(); ++i) {
    Lock& l = model_.locks[i];
    if (l.process != builder_.process() || l.defined) continue;
    l.defined = true;
    l.kind = "monitor";
    l.name = "L" + std::to_string(l.id);
  }
  if (!phantom_forks_.empty()) {
    std::sort(phantom_forks_.begin(), phantom_forks_.end());
    std::string list;
    for (std::uint64_t n : phantom_forks_) list += (list.empty() ? "T" : ", T") + std::to_string(n);
    model_.warnings.push_back(path_ + ": fork/join name thread(s) that never ran (" + list +
                              "): the start/join order of the threads that did run is unknown");
  }
  if (unmatched_releases_ > 0)
    model_.warnings.push_back(path_ + ":" + std::to_string(first_unmatched_release_) + ": " +
                              std::to_string(unmatched_releases_) +
                              " release(s) of a lock the thread did not hold: ignored");
  report_observed_deadlocks();
  model_.processes[builder_.process()].complete = true;
  model_.processes[builder_.process()].end_reason = "end of trace";
}

// At the end of the trace, a thread with a request not followed by its acquisition is still
// waiting. It waits for the thread holding that lock; each thread waits for at most one, so the
// wait-for graph is a set of chains, and every cycle among them is a deadlock that happened.
void EventStreamBuilder::report_observed_deadlocks() {
  std::map<LockIndex, std::uint64_t> holder;  // lock -> thread number
  for (const auto& [number, t] : runs_)
    for (const Held& h : t.held) holder[h.lock] = number;
  std::map<std::uint64_t, std::uint64_t> waits_for;
  std::size_t waiting = 0;
  for (const auto& [number, t] : runs_) {
    if (!t.pending) continue;
    ++waiting;
    auto it = holder.find(t.pending_lock);
    if (it != holder.end() && it->second != number) waits_for[number] = it->second;
  }
  std::map<std::uint64_t, int> state;  // 1 on the current path, 2 done
  for (const auto& [start, next_unused] : waits_for) {
    (void)next_unused;
    std::vector<std::uint64_t> path;
    std::uint64_t at = start;
    while (state[at] == 0 && waits_for.count(at)) {
      state[at] = 1;
      path.push_back(at);
      at = waits_for[at];
    }
    if (state[at] == 1) {  // closed a new cycle: from `at` to the end of the path
      Incident incident;
      incident.what = trace::incident::kDeadlockObserved;
      incident.process = builder_.process();
      auto from = std::find(path.begin(), path.end(), at);
      for (auto p = from; p != path.end(); ++p) {
        const ThreadRun& t = runs_.at(*p);
        incident.parties.push_back({t.index, t.pending_lock, true, t.pending_stack,
                                    trace::incident::kWaits});
        for (const Held& h : t.held)
          incident.parties.push_back({t.index, h.lock, true, h.stack, trace::incident::kHolds});
      }
      model_.incidents.push_back(std::move(incident));
    }
    for (std::uint64_t p : path) state[p] = 2;
  }
  if (waiting > 0)
    model_.warnings.push_back(path_ + ": the trace ends with " + std::to_string(waiting) +
                              " thread(s) waiting for a lock (requested, never acquired)");
}

}  // namespace lockgraph::analysis
