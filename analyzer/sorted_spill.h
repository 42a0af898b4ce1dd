// Records wanted back in one order, possibly more of them than the analysis should hold in
// memory (a trace's memory accesses and sync events, which grow with the run): up to `in_memory`
// of them are kept in memory; past that each full buffer is sorted and written to a temporary
// file as one run, and reading back merges the runs with what is still in memory. An external
// merge sort, so memory is the buffer plus a block of read-ahead per run; the runs stay on
// file, so the records can be read back in order as often as wanted, and more pushed between.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <vector>

#include "temporary_file.h"

namespace lockgraph::analysis {

template <class T, class Less>
class SortedSpill {
  static_assert(std::is_trivially_copyable_v<T>, "records are written to a file as bytes");

 public:
  // Records equal under `less` come back in the order they were pushed, wherever the runs were
  // cut.
  explicit SortedSpill(std::size_t in_memory, Less less = Less())
      : in_memory_(std::max<std::size_t>(in_memory, 1)), less_(less) {}

  void push(const T& item) {
    if (buffer_.size() == in_memory_) write_run();
    buffer_.push_back(item);
    ++size_;
  }
  std::uint64_t size() const { return size_; }
  // Forgets every record and gives their memory (and the file) back.
  void clear() { *this = SortedSpill(in_memory_, less_); }
  // How many runs went to the temporary file (0: everything stayed in memory).
  std::size_t runs_written() const { return runs_.size(); }

  // Every record pushed so far, in order, once each (a push or clear() while it is read makes
  // the reader invalid).
  class Reader {
   public:
    // The next record in order into `out`; false when none is left.
    bool next(T& out) {
      if (heap_.empty()) return false;
      if (heap_.size() == 1) {  // one source left: no merging
        Source& only = sources_[heap_.front()];
        out = only.items[only.position++];
        if (only.position == only.count && !refill(only)) heap_.clear();
        return true;
      }
      std::pop_heap(heap_.begin(), heap_.end(), heap_order());
      Source& source = sources_[heap_.back()];
      out = source.items[source.position++];
      if (source.position < source.count || refill(source)) std::push_heap(heap_.begin(), heap_.end(), heap_order());
      else heap_.pop_back();
      return true;
    }

   private:
    friend class SortedSpill;
    // A run on file (read `read_ahead_` records at a time into `ahead`) or the records in memory.
    struct Source {
      std::uint64_t offset = 0;  // in the file, of its next unread record
      std::uint64_t left = 0;    // records on file not yet read
      std::vector<T> ahead;
      const T* items = nullptr;
      std::size_t count = 0, position = 0;
    };
    // Records read from a run at a time: 64 KiB, or less when there are many runs (a long trace
    // spills thousands: their read-ahead together stays within 16 MiB, 4 KiB a run at least).
    static std::size_t read_ahead(std::size_t runs) {
      const std::size_t bytes = std::clamp<std::size_t>((std::size_t{16} << 20) / std::max<std::size_t>(runs, 1),
                                                        std::size_t{4} << 10, std::size_t{64} << 10);
      return std::max<std::size_t>(1, bytes / sizeof(T));
    }

    explicit Reader(const SortedSpill& spill)
        : spill_(&spill), read_ahead_(read_ahead(spill.runs_.size())), sources_(spill.runs_.size() + 1) {
      for (std::size_t r = 0; r < spill.runs_.size(); ++r) {
        sources_[r].offset = spill.runs_[r].offset;
        sources_[r].left = spill.runs_[r].count;
        if (refill(sources_[r])) heap_.push_back(r);
      }
      Source& memory = sources_.back();
      memory.items = spill.buffer_.data();
      memory.count = spill.buffer_.size();
      if (memory.count > 0) heap_.push_back(spill.runs_.size());
      std::make_heap(heap_.begin(), heap_.end(), heap_order());
    }
    bool refill(Source& source) {
      if (source.left == 0) return false;
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(source.left, read_ahead_));
      source.ahead.resize(n);
      spill_->file_->read_at(source.offset, source.ahead.data(), n * sizeof(T));
      source.offset += n * sizeof(T);
      source.left -= n;
      source.items = source.ahead.data();
      source.count = n;
      source.position = 0;
      return true;
    }
    // std::make_heap keeps the greatest on top: the source whose next record comes first, of
    // equal ones the source pushed earlier (runs in the order written, memory last).
    auto heap_order() const {
      return [this](std::size_t a, std::size_t b) {
        const T& x = sources_[a].items[sources_[a].position];
        const T& y = sources_[b].items[sources_[b].position];
        const Less& less = spill_->less_;
        return less(y, x) || (!less(x, y) && b < a);
      };
    }

    const SortedSpill* spill_;
    std::size_t read_ahead_;
    std::vector<Source> sources_;
    std::vector<std::size_t> heap_;
  };
  Reader read() {
    std::stable_sort(buffer_.begin(), buffer_.end(), less_);
    return Reader(*this);
  }

 private:
  struct Run {
    std::uint64_t offset;  // in the file
    std::uint64_t count;
  };

  void write_run() {
    std::stable_sort(buffer_.begin(), buffer_.end(), less_);
    if (!file_) file_ = std::make_unique<TemporaryFile>();
    file_->write_at(file_size_, buffer_.data(), buffer_.size() * sizeof(T));
    runs_.push_back({file_size_, buffer_.size()});
    file_size_ += buffer_.size() * sizeof(T);
    buffer_.clear();
  }

  std::size_t in_memory_;
  Less less_;
  std::vector<T> buffer_;
  std::uint64_t size_ = 0;
  std::unique_ptr<TemporaryFile> file_;
  std::uint64_t file_size_ = 0;
  std::vector<Run> runs_;
};

}  // namespace lockgraph::analysis
