#include "lockgraph/analysis/happens_before.h"

#include <algorithm>
#include <map>
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

HappensBefore::HappensBefore(std::vector<std::uint32_t> points,
                             const std::vector<std::pair<TimelinePoint, TimelinePoint>>& edges) {
  offset_.assign(points.size() + 1, 0);
  for (std::size_t t = 0; t < points.size(); ++t) offset_[t + 1] = offset_[t] + points[t];
  const std::uint32_t total = offset_.back();
  owner_.resize(total);
  for (std::uint32_t t = 0; t < points.size(); ++t)
    std::fill(owner_.begin() + offset_[t], owner_.begin() + offset_[t + 1], t);
  nodes_.resize(total);
  seen_stamp_.assign(points.size(), 0);

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

  // Kahn's order over the points; each point's clock is computed once all its sources are.
  std::vector<std::uint32_t> waiting(total, 0);
  std::vector<bool> done(total, false);
  std::vector<std::uint32_t> ready;
  for (std::uint32_t n = 0; n < total; ++n) {
    bool first = n == offset_[owner_[n]];
    waiting[n] = (first ? 0 : 1) + (in_count[n + 1] - in_count[n]);
    if (waiting[n] == 0) ready.push_back(n);
  }
  std::reverse(ready.begin(), ready.end());
  std::uint32_t processed = 0, next_forced = 0;
  std::vector<std::uint32_t> sources;
  auto release = [&](std::uint32_t target) {
    if (done[target]) return;
    if (--waiting[target] == 0) ready.push_back(target);
  };
  while (processed < total) {
    std::uint32_t n;
    if (!ready.empty()) {
      n = ready.back();
      ready.pop_back();
      if (done[n]) continue;
    } else {
      // A cycle of edges (malformed input): take the first point left, with what is known.
      while (done[next_forced]) ++next_forced;
      n = next_forced;
    }
    sources.clear();
    if (n != offset_[owner_[n]] && done[n - 1]) sources.push_back(n - 1);
    for (std::uint32_t i = in_count[n]; i < in_count[n + 1]; ++i)
      if (done[in_list[i]]) sources.push_back(in_list[i]);
    compute(n, sources);
    done[n] = true;
    ++processed;
    if (n + 1 < offset_[owner_[n] + 1]) release(n + 1);
    for (std::uint32_t i = out_count[n]; i < out_count[n + 1]; ++i) release(out_list[i]);
  }
}

std::uint32_t HappensBefore::timeline_of(std::uint32_t node) const { return owner_[node]; }

std::uint32_t HappensBefore::value_at(std::uint32_t node, std::uint32_t timeline) const {
  for (std::uint32_t n = node; n != kNone;) {
    if (owner_[n] == timeline) return n - offset_[timeline] + 1;
    const Node& info = nodes_[n];
    auto first = entries_.begin() + info.begin, last = entries_.begin() + info.end;
    auto it = std::lower_bound(first, last, Entry{timeline, 0});
    if (it != last && it->first == timeline) return it->second;
    if (info.whole) return 0;
    n = info.base;
  }
  return 0;
}

void HappensBefore::learn(std::uint32_t from, std::uint32_t base, std::vector<Entry>& out) {
  ++stamp_;
  auto consider = [&](std::uint32_t timeline, std::uint32_t value) {
    if (seen_stamp_[timeline] == stamp_) return;  // nearer nodes know more: the first one wins
    seen_stamp_[timeline] = stamp_;
    if (base == kNone || value > value_at(base, timeline)) out.push_back({timeline, value});
  };
  for (std::uint32_t n = from; n != kNone;) {
    std::uint32_t t = owner_[n], index = n - offset_[t];
    // A point the base already follows teaches nothing more, and neither does anything before it.
    if (base != kNone && value_at(base, t) >= index + 1) break;
    consider(t, index + 1);
    const Node& info = nodes_[n];
    for (std::uint32_t i = info.begin; i < info.end; ++i) consider(entries_[i].first, entries_[i].second);
    if (info.whole) break;
    n = info.base;
  }
}

void HappensBefore::compute(std::uint32_t node, const std::vector<std::uint32_t>& sources) {
  Node& info = nodes_[node];
  info.begin = info.end = static_cast<std::uint32_t>(entries_.size());
  if (sources.empty()) return;  // a root: it knows only itself
  std::uint32_t base = sources.front();
  std::vector<Entry> learned;
  for (std::size_t i = 1; i < sources.size(); ++i) learn(sources[i], base, learned);
  std::uint32_t depth = nodes_[base].depth + 1;
  bool whole = depth > kMaxDepth;
  if (whole) {
    learn(base, kNone, learned);  // the base's whole clock
    depth = 0;
  }
  // One entry per timeline, the largest; none for the point's own timeline (implicit).
  std::sort(learned.begin(), learned.end());
  const std::uint32_t own = owner_[node];
  for (std::size_t i = 0; i < learned.size(); ++i) {
    if (learned[i].first == own) continue;
    if (i + 1 < learned.size() && learned[i + 1].first == learned[i].first) continue;
    entries_.push_back(learned[i]);
  }
  Node& filled = nodes_[node];  // entries_ may have grown; nodes_ did not move
  filled.end = static_cast<std::uint32_t>(entries_.size());
  filled.base = whole ? kNone : base;
  filled.depth = depth;
  filled.whole = whole;
}

std::uint32_t HappensBefore::covers(TimelinePoint p, std::uint32_t timeline) const {
  if (p.timeline >= timelines() || p.index >= points(p.timeline) || timeline >= timelines()) return 0;
  return value_at(id(p), timeline);
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

HappensBefore HappensBefore::from_syncs(const TraceModel& model) {
  const std::size_t n = model.threads.size();
  std::vector<std::uint32_t> points(n, 1);
  for (const SyncEvent& e : model.syncs) points[e.thread] = std::max(points[e.thread], e.epoch + 1);
  for (const Access& a : model.accesses) points[a.thread] = std::max(points[a.thread], a.epoch + 1);

  std::vector<std::size_t> order(model.syncs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) {
    return model.syncs[x].sequence < model.syncs[y].sequence;
  });
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint32_t> object_timeline;
  std::vector<std::pair<TimelinePoint, TimelinePoint>> edges;
  for (std::size_t index : order) {
    const SyncEvent& e = model.syncs[index];
    auto key = std::make_pair(model.threads[e.thread].process, e.object);
    auto [it, inserted] = object_timeline.try_emplace(key, static_cast<std::uint32_t>(points.size()));
    if (inserted) points.push_back(0);
    std::uint32_t object = it->second;
    if (e.release) {
      // Everything before the release (epochs below its new one) flows into the object.
      if (e.epoch > 0) edges.push_back({{e.thread, e.epoch - 1}, {object, points[object]}});
      ++points[object];
    } else if (points[object] > 0) {
      edges.push_back({{object, points[object] - 1}, {e.thread, e.epoch}});
    }
  }
  return HappensBefore(std::move(points), edges);
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
