#include "lockgraph/analysis/sync_log.h"

#include <algorithm>

#include "sorted_spill.h"

namespace lockgraph::analysis {
namespace {

struct BySequence {
  bool operator()(const SyncEvent& a, const SyncEvent& b) const { return a.sequence < b.sequence; }
};
using Spill = SortedSpill<SyncEvent, BySequence>;

}  // namespace

struct SyncLog::Impl {
  explicit Impl(std::size_t in_memory) : in_memory(in_memory), events(in_memory) {}
  std::size_t in_memory;
  Spill events;
};

struct SyncLog::Reader::Impl {
  explicit Impl(Spill& spill) : reader(spill.read()) {}
  Spill::Reader reader;
};

SyncLog::SyncLog(std::size_t in_memory) : impl_(std::make_unique<Impl>(in_memory)) {}
SyncLog::SyncLog(const SyncLog& other) : SyncLog(other.impl_->in_memory) {
  Reader reader = other.in_sequence_order();
  for (SyncEvent e; reader.next(e);) push_back(e);
}
SyncLog& SyncLog::operator=(const SyncLog& other) {
  if (this != &other) *this = SyncLog(other);
  return *this;
}
SyncLog::SyncLog(SyncLog&&) noexcept = default;
SyncLog& SyncLog::operator=(SyncLog&&) noexcept = default;
SyncLog::~SyncLog() = default;

void SyncLog::push_back(const SyncEvent& event) {
  impl_->events.push(event);
  if (event.thread >= epochs_reached_.size()) epochs_reached_.resize(std::size_t{event.thread} + 1, 0);
  epochs_reached_[event.thread] = std::max(epochs_reached_[event.thread], event.epoch + 1);
}

std::uint64_t SyncLog::size() const { return impl_->events.size(); }

SyncLog::Reader SyncLog::in_sequence_order() const { return Reader(std::make_unique<Reader::Impl>(impl_->events)); }

SyncLog::Reader::Reader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SyncLog::Reader::Reader(Reader&&) noexcept = default;
SyncLog::Reader::~Reader() = default;
bool SyncLog::Reader::next(SyncEvent& out) { return impl_->reader.next(out); }

}  // namespace lockgraph::analysis
