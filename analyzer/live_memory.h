// The memory the race pass (memory_log.h) is at, as it goes through a run in time order: pieces
// of the address space, cut wherever a recorded range or a heap block begins or ends, so that
// every range covers a piece whole or not at all. A piece has lives: the current one, and older
// ones that ranges still waiting to be checked may belong to (memory_log.h says which life an
// access belongs to). A life keeps, per group of accesses (thread, read/write, atomic, free,
// stack, held locks, sampling period), only its latest epoch: FastTrack's insight, an earlier
// access of a group precedes whatever its latest precedes. Memory thus grows with the memory the
// program has live and the threads and sites that touch it, not with the length of the run: a
// freed block's pieces go as soon as nothing waits for them.
#pragma once

#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

class LiveMemory {
 public:
  static constexpr std::uint64_t kNoLife = ~std::uint64_t{0};  // memory no allocation covered yet
  static constexpr std::uint32_t kNoVariable = ~std::uint32_t{0};

  // A heap block or a thread's stack, as a variable in it is named.
  struct BlockInfo {
    std::uint64_t address = 0;
    std::uint64_t size = 0;
    ThreadIndex thread = 0;
    StackIndex stack = 0;
    bool thread_stack = false;
  };
  // One group's accesses to a piece in one life: the latest (its epoch) and how many there were.
  struct Group {
    Access latest;  // its `variable` is not used
    std::uint64_t period = 0;
    std::uint64_t count = 0;
  };
  struct Life {
    std::uint64_t id = kNoLife;
    std::shared_ptr<const BlockInfo> block;  // an allocation's life: the block
    std::uint32_t waiting = 0;               // pending ranges that began their epoch in it
    std::vector<Group> groups;
    std::uint32_t variable = kNoVariable;    // the model's, once a race was found in it
    std::vector<std::pair<StackIndex, StackIndex>> reported;  // site pairs found racing in it
  };
  struct Piece {
    std::uint64_t end = 0;
    // The latest allocation over the piece: its sequence number (0: none) and life.
    std::uint64_t last_allocation = 0;
    std::uint64_t allocation_life = kNoLife;
    std::uint32_t pending = 0;  // ranges registered on it and not yet checked
    std::vector<Life> lives;    // the current one last
    Life& current() { return lives.back(); }
    Life* life(std::uint64_t id) {
      for (auto it = lives.rbegin(); it != lives.rend(); ++it)
        if (it->id == id) return &*it;
      return nullptr;
    }
  };
  using Pieces = std::map<std::uint64_t, Piece>;  // by where each begins

  // Calls visit(begin, piece) for every piece in [begin, end), cut so that none reaches outside
  // it. With `fill`, memory there without a piece gets one first (no life of its own yet).
  // Pieces left with nothing in them are dropped after their visit (see forget_if_empty).
  template <class Visit>
  void for_each(std::uint64_t begin, std::uint64_t end, bool fill, const Visit& visit) {
    if (begin >= end) return;
    cut_at(begin);
    cut_at(end);
    auto it = pieces_.lower_bound(begin);
    for (std::uint64_t at = begin; at < end;) {
      if (fill && (it == pieces_.end() || it->first > at)) {
        Piece fresh;
        fresh.end = it == pieces_.end() ? end : std::min(end, it->first);
        fresh.lives.emplace_back();
        it = pieces_.emplace_hint(it, at, std::move(fresh));
      }
      if (it == pieces_.end() || it->first >= end) break;
      visit(it->first, it->second);
      at = it->second.end;
      it = forget_if_empty(it);
    }
  }

  std::size_t size() const { return pieces_.size(); }

 private:
  // Cuts the piece holding `at` (if any begins before it) in two at `at`: both halves have its
  // lives, waiting ranges and all.
  void cut_at(std::uint64_t at) {
    auto it = pieces_.upper_bound(at);
    if (it == pieces_.begin()) return;
    --it;
    if (it->first == at || it->second.end <= at) return;
    Piece tail = it->second;
    it->second.end = at;
    pieces_.emplace_hint(std::next(it), at, std::move(tail));
  }
  // Drops the older lives nothing can come to any more, and the piece itself when nothing waits
  // for it and its current life is neither a live block nor holds an access. Returns the next.
  Pieces::iterator forget_if_empty(Pieces::iterator it) {
    Piece& p = it->second;
    if (p.lives.size() > 1) {
      auto keep = [&](const Life& l) {
        return &l == &p.lives.back() || (p.pending > 0 && (l.waiting > 0 || l.id == p.allocation_life));
      };
      std::size_t kept = 0;
      for (std::size_t i = 0; i < p.lives.size(); ++i)
        if (keep(p.lives[i])) {
          if (kept != i) p.lives[kept] = std::move(p.lives[i]);
          ++kept;
        }
      p.lives.resize(kept);
    }
    const Life& now = p.current();
    if (p.pending == 0 && p.lives.size() == 1 && !now.block && now.groups.empty()) return pieces_.erase(it);
    return std::next(it);
  }

  Pieces pieces_;
};

}  // namespace lockgraph::analysis
