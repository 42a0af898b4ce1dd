#include "lockgraph/analysis/happens_before.h"

#include <algorithm>
#include <map>
#include <stdexcept>
#include <unordered_map>

namespace lockgraph::analysis {
namespace {

std::uint64_t tid_key(std::uint32_t process, std::uint64_t tid) {
  return (std::uint64_t{process} << 40) ^ tid;
}

std::unordered_map<std::uint64_t, ThreadIndex> threads_by_tid(const TraceModel& model) {
  std::unordered_map<std::uint64_t, ThreadIndex> by_tid;
  for (ThreadIndex t = 0; t < model.threads.size(); ++t)
    by_tid[tid_key(model.threads[t].process, model.threads[t].tid)] = t;
  return by_tid;
}

}  // namespace

HappensBefore::HappensBefore(std::vector<std::uint32_t> points, std::uint32_t queried, bool streamed)
    : streamed_(streamed) {
  queried_ = std::min<std::uint32_t>(queried, static_cast<std::uint32_t>(points.size()));
  offset_.assign(points.size() + 1, 0);
  for (std::size_t t = 0; t < points.size(); ++t) offset_[t + 1] = offset_[t] + points[t];
  base_.assign(points.size(), TimelinePoint{kNone, 0});
  if (!streamed) {
    rank_.assign(offset_.back(), 0);
    ranked_.assign(points.size(), 0);
  }
  learned_.resize(points.size());
  seen_stamp_.assign(points.size(), 0);
}

void HappensBefore::arrive(TimelinePoint from, TimelinePoint to) {
  // A first point extends its first source, unless that is a sync object whose history is not
  // kept (streamed_): then it learns what the object knows now.
  const bool from_forgetful = streamed_ && from.timeline >= queried_;
  if (to.index == 0 && base_[to.timeline].timeline == kNone && !from_forgetful) base_[to.timeline] = from;
  else learn(from, to);
}

void HappensBefore::rank_up_to(TimelinePoint p) {
  for (std::uint32_t& next = ranked_[p.timeline]; next <= p.index; ++next) rank_[id({p.timeline, next})] = next_rank_++;
}

HappensBefore::HappensBefore(std::vector<std::uint32_t> points,
                             const std::vector<std::pair<TimelinePoint, TimelinePoint>>& edges,
                             std::uint32_t queried)
    : HappensBefore(points, queried, false) {
  const std::uint32_t total = offset_.back();

  // Cross edges as two CSR lists (sources per node, targets per node).
  auto valid = [&](TimelinePoint p) { return p.timeline < points.size() && p.index < points[p.timeline]; };
  std::vector<std::uint32_t> in_count(total + 1, 0), out_count(total + 1, 0);
  for (const auto& [from, to] : edges)
    if (valid(from) && valid(to) && id(from) != id(to)) {
      ++in_count[id(to) + 1];
      ++out_count[id(from) + 1];
    }
  for (std::uint32_t n = 0; n < total; ++n) {
    in_count[n + 1] += in_count[n];
    out_count[n + 1] += out_count[n];
  }
  std::vector<std::uint32_t> in_list(in_count.back()), out_list(out_count.back());
  {
    std::vector<std::uint32_t> in_fill(in_count.begin(), in_count.end() - 1);
    std::vector<std::uint32_t> out_fill(out_count.begin(), out_count.end() - 1);
    for (const auto& [from, to] : edges)
      if (valid(from) && valid(to) && id(from) != id(to)) {
        in_list[in_fill[id(to)]++] = id(from);
        out_list[out_fill[id(from)]++] = id(to);
      }
  }

  // Kahn's order over the points: a point learns from its sources once they are all known. A
  // timeline's points come in order, so each list of increases grows at its end.
  std::vector<std::uint32_t> waiting(total, 0);
  std::vector<bool> done(total, false);
  std::vector<std::uint32_t> ready;
  for (std::uint32_t n = total; n-- > 0;) {
    bool first = n == offset_[point(n).timeline];
    waiting[n] = (first ? 0 : 1) + (in_count[n + 1] - in_count[n]);
    if (waiting[n] == 0) ready.push_back(n);
  }
  std::uint32_t processed = 0, next_forced = 0;
  auto release = [&](std::uint32_t target) {
    if (!done[target] && --waiting[target] == 0) ready.push_back(target);
  };
  while (processed < total) {
    std::uint32_t n;
    if (!ready.empty()) {
      n = ready.back();
      ready.pop_back();
      if (done[n]) continue;
    } else {
      // A cycle of edges (malformed input): take the first point left, with what is known.
      // Its timeline's earlier points come first, so lists stay in order.
      while (done[next_forced]) ++next_forced;
      n = next_forced;
    }
    const TimelinePoint here = point(n);
    rank_up_to(here);
    for (std::uint32_t i = in_count[n]; i < in_count[n + 1]; ++i)
      if (done[in_list[i]]) arrive(point(in_list[i]), here);
    done[n] = true;
    ++processed;
    if (n + 1 < offset_[here.timeline + 1]) release(n + 1);
    for (std::uint32_t i = out_count[n]; i < out_count[n + 1]; ++i) release(out_list[i]);
  }
}

TimelinePoint HappensBefore::point(std::uint32_t node) const {
  auto it = std::upper_bound(offset_.begin(), offset_.end(), node);
  std::uint32_t t = static_cast<std::uint32_t>(it - offset_.begin()) - 1;
  return {t, node - offset_[t]};
}

const HappensBefore::Entry* HappensBefore::own_knowledge(TimelinePoint at, std::uint32_t learned) const {
  auto it = learned_at_.find(key(at.timeline, learned));
  if (it == learned_at_.end()) return nullptr;
  const std::vector<Entry>& list = it->second;
  // The last increase at or before `at`.
  auto after = std::upper_bound(list.begin(), list.end(), Entry{at.index, 0xffffffffu});
  return after == list.begin() ? nullptr : &*(after - 1);
}

std::uint32_t HappensBefore::covers(TimelinePoint p, std::uint32_t timeline) const {
  if (p.timeline >= timelines() || p.index >= points(p.timeline) || timeline >= timelines()) return 0;
  // Own knowledge is always the newest: an increase is only noted when it beats the base's.
  for (TimelinePoint at = p; at.timeline != kNone; at = base_[at.timeline]) {
    if (at.timeline == timeline) return at.index + 1;
    if (const Entry* e = own_knowledge(at, timeline)) return e->second;
  }
  return 0;
}

void HappensBefore::note(TimelinePoint target, std::uint32_t learned, std::uint32_t value) {
  std::vector<Entry>& list = learned_at_[key(target.timeline, learned)];
  if (list.empty()) learned_[target.timeline].push_back(learned);
  if (streamed_ && target.timeline >= queried_ && !list.empty()) {
    list.back() = {target.index, value};  // knowledge only grows: the latest is all it needs
    return;
  }
  if (!list.empty() && list.back().first == target.index) {
    list.back().second = std::max(list.back().second, value);
    return;
  }
  list.push_back({target.index, value});
  ++entries_;
}

void HappensBefore::learn(TimelinePoint from, TimelinePoint target) {
  // Collect first, note after: the walk compares with what the target knew before this edge
  // (what it learns on the way must not hide the bases still to be walked).
  ++stamp_;
  std::vector<Entry>& found = scratch_;
  found.clear();
  auto consider = [&](std::uint32_t timeline, std::uint32_t value) {
    if (seen_stamp_[timeline] == stamp_) return;  // nearer knowledge is newer: the first wins
    seen_stamp_[timeline] = stamp_;
    if (timeline != target.timeline && timeline < queried_) found.push_back({timeline, value});
  };
  for (TimelinePoint at = from; at.timeline != kNone; at = base_[at.timeline]) {
    // A point the target already follows teaches nothing more, and neither does its base.
    if (covers(target, at.timeline) >= at.index + 1) break;
    consider(at.timeline, at.index + 1);
    for (std::uint32_t learned : learned_[at.timeline]) {
      if (seen_stamp_[learned] == stamp_) continue;
      if (const Entry* e = own_knowledge(at, learned)) consider(learned, e->second);
    }
  }
  for (const auto& [timeline, value] : found)
    if (value > covers(target, timeline)) note(target, timeline, value);
}

bool HappensBefore::ordered(TimelinePoint a, TimelinePoint b) const {
  if (a.timeline == b.timeline) return a.index <= b.index;
  return covers(b, a.timeline) >= a.index + 1;
}

HappensBefore HappensBefore::from_start_join(const TraceModel& model) {
  const std::size_t n = model.threads.size();
  std::vector<std::uint32_t> last(n, 0);  // the last segment each thread is known to reach
  auto reach = [&](ThreadIndex t, std::uint32_t segment) { last[t] = std::max(last[t], segment); };
  auto by_tid = threads_by_tid(model);
  auto find = [&](std::uint32_t process, std::uint64_t tid) -> std::int64_t {
    if (tid == 0) return -1;
    auto it = by_tid.find(tid_key(process, tid));
    return it == by_tid.end() ? -1 : static_cast<std::int64_t>(it->second);
  };
  for (ThreadIndex t = 0; t < n; ++t) {
    const Thread& th = model.threads[t];
    reach(t, th.end_segment);
    for (const auto& join : th.joins) reach(t, join.segment);
    if (std::int64_t parent = find(th.process, th.parent_tid); parent >= 0)
      reach(static_cast<ThreadIndex>(parent), th.parent_segment);
  }
  for (const Chain& c : model.chains) {
    reach(c.thread, c.segment);
    for (const HeldLock& h : c.held) reach(c.thread, h.segment);
  }
  std::vector<std::pair<TimelinePoint, TimelinePoint>> edges;
  for (ThreadIndex t = 0; t < n; ++t) {
    const Thread& th = model.threads[t];
    if (std::int64_t parent = find(th.process, th.parent_tid); parent >= 0)
      edges.push_back({{static_cast<std::uint32_t>(parent), th.parent_segment}, {t, 0}});
    for (const auto& join : th.joins)
      if (std::int64_t child = find(th.process, join.joined_tid); child >= 0)
        edges.push_back({{static_cast<std::uint32_t>(child), last[child]}, {t, join.segment}});
  }
  std::vector<std::uint32_t> points(n);
  for (ThreadIndex t = 0; t < n; ++t) points[t] = last[t] + 1;
  return HappensBefore(std::move(points), edges);
}

namespace {

// Calls edge(from, to) for each order the syncs give, in their sequence order: a release flows
// the epochs before it into a new point of its object, an acquire reads the object's latest
// point. Objects are timelines from `first_object` on, in the order they first appear. Returns
// how many points each object's timeline has.
template <class Edge>
std::vector<std::uint32_t> sync_edges(const TraceModel& model, std::uint32_t first_object, const Edge& edge) {
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint32_t> object_timeline;
  std::vector<std::uint32_t> object_points;
  SyncLog::Reader syncs = model.syncs.in_sequence_order();
  for (SyncEvent e; syncs.next(e);) {
    auto key = std::make_pair(model.threads[e.thread].process, e.object);
    auto [it, inserted] = object_timeline.try_emplace(key, static_cast<std::uint32_t>(object_points.size()));
    if (inserted) object_points.push_back(0);
    std::uint32_t& points = object_points[it->second];
    const std::uint32_t object = first_object + it->second;
    if (e.release) {
      // Everything before the release (epochs below its new one) flows into the object.
      if (e.epoch > 0) edge(TimelinePoint{e.thread, e.epoch - 1}, TimelinePoint{object, points});
      ++points;
    } else if (points > 0) {
      edge(TimelinePoint{object, points - 1}, TimelinePoint{e.thread, e.epoch});
    }
  }
  return object_points;
}

}  // namespace

HappensBefore HappensBefore::from_syncs(const TraceModel& model, const std::vector<std::uint32_t>& epochs_reached) {
  const std::size_t n = model.threads.size();
  std::vector<std::uint32_t> points(n, 1);
  for (std::size_t t = 0; t < n && t < epochs_reached.size(); ++t) points[t] = std::max(points[t], epochs_reached[t]);
  const std::vector<std::uint32_t>& of_syncs = model.syncs.epochs_reached();
  for (std::size_t t = 0; t < n && t < of_syncs.size(); ++t) points[t] = std::max(points[t], of_syncs[t]);
  for (const Access& a : model.accesses) points[a.thread] = std::max(points[a.thread], a.epoch + 1);
  const auto threads = static_cast<std::uint32_t>(n);

  // Whether the edges come in a topological order that arrive() can take one by one: each
  // timeline's points receive edges in order, and none after it was read from.
  std::vector<std::int64_t> targeted(n, -1), read(n, -1);
  bool in_order = true;
  auto check = [&](TimelinePoint from, TimelinePoint to) {
    for (TimelinePoint p : {from, to})
      if (p.timeline >= targeted.size()) {
        targeted.resize(p.timeline + 1, -1);
        read.resize(p.timeline + 1, -1);
      }
    const std::int64_t at = to.index;
    if (at < targeted[to.timeline] || at <= read[to.timeline]) in_order = false;
    targeted[to.timeline] = std::max(targeted[to.timeline], at);
    read[from.timeline] = std::max<std::int64_t>(read[from.timeline], from.index);
  };
  const std::vector<std::uint32_t> object_points = sync_edges(model, threads, check);
  points.insert(points.end(), object_points.begin(), object_points.end());
  targeted = {};
  read = {};

  if (!in_order) {  // a corrupt trace: its edges, as any edges are taken
    std::vector<std::pair<TimelinePoint, TimelinePoint>> edges;
    sync_edges(model, threads, [&](TimelinePoint from, TimelinePoint to) { edges.push_back({from, to}); });
    return HappensBefore(std::move(points), edges, threads);
  }
  HappensBefore engine(std::move(points), threads, true);
  sync_edges(model, threads, [&](TimelinePoint from, TimelinePoint to) { engine.arrive(from, to); });
  return engine;
}

std::string explain_start_join(const TraceModel& model, ThreadIndex a, std::uint32_t segment_a,
                               ThreadIndex b, std::uint32_t segment_b) {
  const Thread& ta = model.threads[a];
  const Thread& tb = model.threads[b];
  std::string who_a = model.thread_label(a), who_b = model.thread_label(b);
  if (tb.parent_tid == ta.tid && segment_b == 0 && segment_a <= tb.parent_segment)
    return who_a + " did this before it started " + who_b;
  for (const auto& join : tb.joins)
    if (join.joined_tid == ta.tid && join.segment <= segment_b)
      return who_a + " had ended and been joined by " + who_b + " before " + who_b + " did this";
  // The common case: a third thread joins A, then starts B.
  for (ThreadIndex p = 0; p < model.threads.size(); ++p) {
    const Thread& tp = model.threads[p];
    if (tp.process != tb.process || tp.tid != tb.parent_tid) continue;
    for (const auto& join : tp.joins)
      if (join.joined_tid == ta.tid && join.segment <= tb.parent_segment)
        return who_a + " was joined by " + model.thread_label(p) + " before it started " + who_b;
  }
  return who_a + " did this before " + who_b + " could start its part (ordered through thread "
         "start and join)";
}

}  // namespace lockgraph::analysis
