// Records wanted back in one order, possibly more of them than the analysis should hold in
// memory (a trace's memory accesses, which grow with the run): up to `in_memory` of them are kept
// in memory; past that each full buffer is sorted and written to a temporary file as one run, and
// reading back merges the runs. An external merge sort, so memory is the buffer plus one block of
// read-ahead per run.
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
  // `less` must be a total order (ties broken, e.g. by arrival), so that the order read back
  // does not depend on where the runs were cut.
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

  // Ends the pushes: next() then gives every record, in order, once.
  void finish() {
    if (runs_.empty()) {
      std::sort(buffer_.begin(), buffer_.end(), less_);
      return;
    }
    if (!buffer_.empty()) write_run();
    std::vector<T>().swap(buffer_);
    for (std::size_t r = 0; r < runs_.size(); ++r)
      if (refill(runs_[r])) heap_.push_back(r);
    std::make_heap(heap_.begin(), heap_.end(), heap_order());
  }
  // The next record in order into `out`; false when none is left.
  bool next(T& out) {
    if (runs_.empty()) {
      if (position_ == buffer_.size()) return false;
      out = buffer_[position_++];
      return true;
    }
    if (heap_.empty()) return false;
    std::pop_heap(heap_.begin(), heap_.end(), heap_order());
    Run& run = runs_[heap_.back()];
    out = run.ahead[run.position++];
    if (run.position < run.ahead.size() || refill(run)) std::push_heap(heap_.begin(), heap_.end(), heap_order());
    else heap_.pop_back();
    return true;
  }

 private:
  // Records read from a run at a time while merging.
  static constexpr std::size_t kReadAhead = std::max<std::size_t>(1, (64 << 10) / sizeof(T));
  struct Run {
    std::uint64_t offset;  // in the file, of its next unread record
    std::uint64_t left;    // records not yet read
    std::vector<T> ahead;
    std::size_t position = 0;
  };

  void write_run() {
    std::sort(buffer_.begin(), buffer_.end(), less_);
    if (!file_) file_ = std::make_unique<TemporaryFile>();
    file_->write_at(file_size_, buffer_.data(), buffer_.size() * sizeof(T));
    runs_.push_back({file_size_, buffer_.size(), {}, 0});
    file_size_ += buffer_.size() * sizeof(T);
    buffer_.clear();
  }
  bool refill(Run& run) {
    if (run.left == 0) return false;
    const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(run.left, kReadAhead));
    run.ahead.resize(n);
    file_->read_at(run.offset, run.ahead.data(), n * sizeof(T));
    run.offset += n * sizeof(T);
    run.left -= n;
    run.position = 0;
    return true;
  }
  // std::make_heap keeps the greatest on top: the run whose next record comes first.
  auto heap_order() {
    return [this](std::size_t a, std::size_t b) {
      return less_(runs_[b].ahead[runs_[b].position], runs_[a].ahead[runs_[a].position]);
    };
  }

  std::size_t in_memory_;
  Less less_;
  std::vector<T> buffer_;
  std::size_t position_ = 0;
  std::uint64_t size_ = 0;
  std::unique_ptr<TemporaryFile> file_;
  std::uint64_t file_size_ = 0;
  std::vector<Run> runs_;
  std::vector<std::size_t> heap_;
};

}  // namespace lockgraph::analysis
