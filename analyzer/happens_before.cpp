#include "lockgraph/analysis/happens_before.h"

#include <algorithm>

namespace lockgraph::analysis {
namespace {

std::uint64_t point_key(ThreadIndex t, std::uint32_t segment) {
  return (std::uint64_t{t} << 32) | segment;
}
std::uint64_t tid_key(std::uint32_t process, std::uint64_t tid) {
  return (std::uint64_t{process} << 40) ^ tid;
}

}  // namespace

HappensBefore::HappensBefore(const TraceModel& model) : model_(model) {
  slot_.resize(model.threads.size());
  threads_in_process_.assign(model.processes.size(), 0);
  for (ThreadIndex t = 0; t < model.threads.size(); ++t) {
    const Thread& th = model.threads[t];
    slot_[t] = threads_in_process_[th.process]++;
    by_tid_[tid_key(th.process, th.tid)] = t;
  }
}

// The clock of a point: the join of its predecessors (the previous segment, or the parent's
// segment at the start; every thread joined at this segment) plus its own tick.
const HappensBefore::Clock& HappensBefore::clock(ThreadIndex t, std::uint32_t segment) {
  std::uint64_t key = point_key(t, segment);
  if (auto it = clocks_.find(key); it != clocks_.end()) return it->second;
  const Thread& th = model_.threads[t];
  Clock result(threads_in_process_[th.process], 0);
  if (!computing_[key]) {
    computing_[key] = true;
    auto merge = [&](const Clock& other) {
      for (std::size_t i = 0; i < result.size(); ++i) result[i] = std::max(result[i], other[i]);
    };
    if (segment > 0) {
      merge(clock(t, segment - 1));
    } else if (th.parent_tid != 0) {
      if (auto parent = by_tid_.find(tid_key(th.process, th.parent_tid)); parent != by_tid_.end())
        merge(clock(parent->second, th.parent_segment));
    }
    for (const auto& join : th.joins) {
      if (join.segment != segment) continue;
      if (auto child = by_tid_.find(tid_key(th.process, join.joined_tid)); child != by_tid_.end())
        merge(clock(child->second, model_.threads[child->second].end_segment));
    }
    computing_[key] = false;
  }
  result[slot_[t]] = std::max(result[slot_[t]], segment + 1);
  return clocks_.emplace(key, std::move(result)).first->second;
}

bool HappensBefore::ordered(ThreadIndex a, std::uint32_t segment_a, ThreadIndex b,
                            std::uint32_t segment_b) {
  if (model_.threads[a].process != model_.threads[b].process) return false;
  if (a == b) return segment_a <= segment_b;
  return clock(b, segment_b)[slot_[a]] >= segment_a + 1;
}

std::string HappensBefore::explain(ThreadIndex a, std::uint32_t segment_a, ThreadIndex b,
                                   std::uint32_t segment_b) {
  const Thread& ta = model_.threads[a];
  const Thread& tb = model_.threads[b];
  std::string who_a = model_.thread_label(a), who_b = model_.thread_label(b);
  if (tb.parent_tid == ta.tid && segment_b == 0 && segment_a <= tb.parent_segment)
    return who_a + " did this before it started " + who_b;
  for (const auto& join : tb.joins)
    if (join.joined_tid == ta.tid && join.segment <= segment_b)
      return who_a + " had ended and been joined by " + who_b + " before " + who_b + " did this";
  // The common case: a third thread joins A, then starts B.
  if (auto parent = by_tid_.find(tid_key(tb.process, tb.parent_tid)); parent != by_tid_.end()) {
    const Thread& tp = model_.threads[parent->second];
    for (const auto& join : tp.joins)
      if (join.joined_tid == ta.tid && join.segment <= tb.parent_segment)
        return who_a + " was joined by " + model_.thread_label(parent->second) +
               " before it started " + who_b;
  }
  (void)segment_a;
  return who_a + " did this before " + who_b + " could start its part (ordered through thread "
         "start and join)";
}

}  // namespace lockgraph::analysis
