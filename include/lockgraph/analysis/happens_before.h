// The one happens-before engine of the analyzer, for deadlock verdicts and for races alike.
//
// A run is a set of timelines (threads, and sync objects for races), each a sequence of points
// (a thread's segments or sync epochs). Point i of a timeline precedes point i+1, and edges say
// that one point precedes another on another timeline (a thread start, a join, a release read by
// an acquire). `ordered(a, b)` answers whether a precedes b in every schedule: reachability in
// that DAG, as vector clocks would give it.
//
// Clocks are kept sparse and shared: a point stores only what it learned beyond its base (the
// previous point of its timeline, or the point that started it), and every kMaxDepth points of a
// chain one clock is written out whole. A query walks at most that many steps; memory grows with
// what the edges really teach, not with threads x points (a main thread that starts and joins
// 8,000 threads keeps a few MB, not the 761 MB of dense clocks). Everything is iterative: a thread
// with 300,000 segments needs no deep call stack.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

struct TimelinePoint {
  std::uint32_t timeline = 0;
  std::uint32_t index = 0;
};

class HappensBefore {
 public:
  // `points[t]`: how many points timeline t has. `edges`: (from, to) pairs; an edge naming a
  // point outside its timeline is ignored. Edges that would close a cycle (malformed input) are
  // dropped, in timeline order, so every query still has an answer.
  HappensBefore(std::vector<std::uint32_t> points,
                const std::vector<std::pair<TimelinePoint, TimelinePoint>>& edges);

  // Deadlock verdicts: one timeline per thread (model.threads order), points are segments,
  // edges are thread starts and joins only: the orders no schedule can change.
  static HappensBefore from_start_join(const TraceModel& model);
  // Races: one timeline per thread (points are sync epochs) and one per sync object; a release
  // adds a point to its object's timeline, an acquire reads the object's latest point (TSan's
  // accumulating clocks). Sync events are taken in their global sequence order.
  static HappensBefore from_syncs(const TraceModel& model);

  // True if point a precedes or is point b.
  bool ordered(TimelinePoint a, TimelinePoint b) const;
  // The latest point of `timeline` that precedes or is `p`, plus one; 0 if none does.
  std::uint32_t covers(TimelinePoint p, std::uint32_t timeline) const;

  std::size_t timelines() const { return offset_.size() - 1; }
  std::uint32_t points(std::uint32_t timeline) const {
    return offset_[timeline + 1] - offset_[timeline];
  }
  std::size_t stored_entries() const { return entries_.size(); }  // for tests of its memory

  static constexpr std::uint32_t kMaxDepth = 32;

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  struct Node {
    std::uint32_t base = kNone;      // point whose clock this one extends (kNone: a root)
    std::uint32_t depth = 0;         // steps to a root or a whole clock
    std::uint32_t begin = 0, end = 0;  // entries_[begin, end): (timeline, value), by timeline
    bool whole = false;              // the entries are the whole clock (base unused)
  };
  using Entry = std::pair<std::uint32_t, std::uint32_t>;

  std::uint32_t id(TimelinePoint p) const { return offset_[p.timeline] + p.index; }
  std::uint32_t timeline_of(std::uint32_t node) const;
  std::uint32_t value_at(std::uint32_t node, std::uint32_t timeline) const;
  // Entries of `from`'s clock that `base`'s clock lacks, appended to `out` (max per timeline).
  void learn(std::uint32_t from, std::uint32_t base, std::vector<Entry>& out);
  void compute(std::uint32_t node, const std::vector<std::uint32_t>& sources);

  std::vector<std::uint32_t> offset_;        // timeline -> first node; one past the end last
  std::vector<std::uint32_t> owner_;         // node -> timeline
  std::vector<Node> nodes_;
  std::vector<Entry> entries_;
  std::vector<std::uint32_t> seen_stamp_;    // per timeline, scratch for learn()
  std::uint32_t stamp_ = 0;
};

// One sentence naming how thread a's segment comes to precede thread b's, through starts and
// joins (call only when they are ordered that way).
std::string explain_start_join(const TraceModel& model, ThreadIndex a, std::uint32_t segment_a,
                               ThreadIndex b, std::uint32_t segment_b);

}  // namespace lockgraph::analysis
