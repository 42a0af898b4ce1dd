// The one happens-before engine of the analyzer, for deadlock verdicts and for races alike.
//
// A run is a set of timelines (threads, and sync objects for races), each a sequence of points
// (a thread's segments or sync epochs). Point i of a timeline precedes point i+1, and edges say
// that one point precedes another on another timeline (a thread start, a join, a release read by
// an acquire). `ordered(a, b)` answers whether a precedes b in every schedule: reachability in
// that DAG, as vector clocks would give it.
//
// Clocks are never stored whole. A timeline's first point extends one point of another timeline
// (its base: the parent's segment that started the thread); after that, each timeline keeps only
// what it learned and when: for every other timeline u, the increasing list of (point, value of u)
// at which its knowledge of u grew. A query is a binary search in that list, then, if it finds
// nothing, the same on the base's timeline, up the chain of starts. Memory is one entry per
// increase (a main thread that starts and joins 8,000 threads keeps 8,000 entries, not the
// 761 MB of dense clocks), and everything is iterative: 300,000 segments need no deep stack.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
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
  // dropped, in timeline order, so every query still has an answer. Only the first `queried`
  // timelines (all by default) can be asked about in covers(): the others (sync objects) only
  // carry order between them, and nothing keeps what a point knows of them.
  HappensBefore(std::vector<std::uint32_t> points,
                const std::vector<std::pair<TimelinePoint, TimelinePoint>>& edges,
                std::uint32_t queried = 0xffffffffu);

  // Deadlock verdicts: one timeline per thread (model.threads order), points are segments,
  // edges are thread starts and joins only: the orders no schedule can change.
  static HappensBefore from_start_join(const TraceModel& model);
  // Races: one timeline per thread (points are sync epochs) and one per sync object; a release
  // adds a point to its object's timeline, an acquire reads the object's latest point (TSan's
  // accumulating clocks). Sync events are taken in their global sequence order. Each thread has
  // points for its syncs' and the model's accesses' epochs, and at least `epochs_reached[t]`
  // (for accesses not in the model).
  // Sequence order is a topological order of those edges in any trace a runtime wrote, so they
  // are learned as they come, never held: a trace has millions of syncs, and the list of edges
  // with Kahn's bookkeeping was most of the analysis's memory. A trace whose sequence numbers
  // contradict its epochs (corrupt) is built from the list, as any edges are.
  static HappensBefore from_syncs(const TraceModel& model, const std::vector<std::uint32_t>& epochs_reached = {});

  // True if point a precedes or is point b.
  bool ordered(TimelinePoint a, TimelinePoint b) const;
  // The latest point of `timeline` that precedes or is `p`, plus one; 0 if none does.
  std::uint32_t covers(TimelinePoint p, std::uint32_t timeline) const;
  // A topological position: if a precedes b and a != b, rank(a) < rank(b). Only an engine built
  // from a list of edges (the constructor, from_start_join) has ranks: the races' engine is asked
  // about order only, and ranks were 4 bytes for each of its millions of points.
  std::uint32_t rank(TimelinePoint p) const {
    return p.timeline < timelines() && p.index < points(p.timeline) && !rank_.empty() ? rank_[id(p)] : 0;
  }

  std::size_t timelines() const { return offset_.size() - 1; }
  std::uint32_t points(std::uint32_t timeline) const {
    return offset_[timeline + 1] - offset_[timeline];
  }
  std::size_t stored_entries() const { return entries_; }  // for tests of its memory

 private:
  static constexpr std::uint32_t kNone = 0xffffffffu;
  // Timelines with `points` each and no edge yet; `streamed`: edges then arrive() from the syncs
  // in sequence order (from_syncs), else from the list constructor, which ranks the points.
  HappensBefore(std::vector<std::uint32_t> points, std::uint32_t queried, bool streamed);
  // The edge from -> to, once everything before `from` and every earlier edge into `to` has
  // arrived: `to` learns what `from` knows (or, as its timeline's first point, extends it).
  void arrive(TimelinePoint from, TimelinePoint to);
  // Gives ranks, in order, to the points of p's timeline up to p that have none yet.
  void rank_up_to(TimelinePoint p);

  using Entry = std::pair<std::uint32_t, std::uint32_t>;  // (point index, value)

  std::uint32_t id(TimelinePoint p) const { return offset_[p.timeline] + p.index; }
  TimelinePoint point(std::uint32_t node) const;
  static std::uint64_t key(std::uint32_t timeline, std::uint32_t learned) {
    return (std::uint64_t{timeline} << 32) | learned;
  }
  // What point `at` of its timeline had learned of `learned` itself, not through its base.
  const Entry* own_knowledge(TimelinePoint at, std::uint32_t learned) const;
  // Point `target` learns everything `from` knows.
  void learn(TimelinePoint from, TimelinePoint target);
  void note(TimelinePoint target, std::uint32_t learned, std::uint32_t value);

  std::vector<std::uint32_t> offset_;                 // timeline -> first node; total last
  // Built from the syncs' stream (from_syncs): no ranks; and every read of a sync object's
  // timeline is of its latest point, so each of its lists keeps only its latest entry, and no
  // thread takes an object's point as its base (whose history would be asked for).
  bool streamed_ = false;
  std::uint32_t queried_ = 0;                         // timelines below this are kept in clocks
  std::vector<TimelinePoint> base_;                   // per timeline; timeline kNone: none
  std::vector<std::uint32_t> rank_;                   // node -> its place in the order (if ranked)
  std::vector<std::uint32_t> ranked_;                 // per timeline: its points ranked so far
  std::uint32_t next_rank_ = 0;
  std::unordered_map<std::uint64_t, std::vector<Entry>> learned_at_;  // (timeline, learned)
  std::vector<std::vector<std::uint32_t>> learned_;   // per timeline: what it has entries for
  std::vector<std::uint32_t> seen_stamp_;             // per timeline, scratch for learn()
  std::vector<Entry> scratch_;                        // (timeline, value) found by learn()
  std::uint32_t stamp_ = 0;
  std::size_t entries_ = 0;
};

// One sentence naming how thread a's segment comes to precede thread b's, through starts and
// joins (call only when they are ordered that way).
std::string explain_start_join(const TraceModel& model, ThreadIndex a, std::uint32_t segment_a,
                               ThreadIndex b, std::uint32_t segment_b);

}  // namespace lockgraph::analysis
