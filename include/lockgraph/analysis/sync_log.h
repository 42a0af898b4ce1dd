// The sync events of the traces read, held as the analysis needs them: in global sequence order,
// read as often as wanted, and not all in memory. A trace of a sync-heavy program holds tens of
// millions (an atomic flag passed back and forth, every release of a lock-free structure), and
// held whole they were most of the analysis's memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace lockgraph::analysis {

using ThreadIndex = std::uint32_t;

// A release or acquire of a synchronisation object; `sequence` orders them across threads.
struct SyncEvent {
  ThreadIndex thread = 0;
  std::uint32_t epoch = 0;  // the thread's epoch after this event
  // A global sequence number and two flags share one word: 24 bytes a sync event, not 32.
  std::uint64_t sequence : 62;
  std::uint64_t release : 1;
  // A relaxed atomic store after a release fence (trace_format.h, kFencedRelease): it releases
  // the epochs before `epoch`, the one the fence began, and is no event of the thread's own
  // epochs (which it does not begin).
  std::uint64_t fenced : 1;
  std::uint64_t object = 0;  // kind in the top byte, id below
  SyncEvent() : sequence(0), release(0), fenced(0) {}
};
static_assert(sizeof(SyncEvent) == 24);

class SyncLog {
 public:
  // Up to `in_memory` events are held in memory; past that they go, sorted by sequence number, to
  // a temporary file in $TMPDIR (or /tmp) and are merged back whenever they are read.
  explicit SyncLog(std::size_t in_memory = std::size_t{1} << 18);
  SyncLog(const SyncLog& other);
  SyncLog& operator=(const SyncLog& other);
  SyncLog(SyncLog&&) noexcept;
  SyncLog& operator=(SyncLog&&) noexcept;
  ~SyncLog();

  // Throws std::runtime_error if the temporary file cannot be written.
  void push_back(const SyncEvent& event);
  std::uint64_t size() const;
  bool empty() const { return size() == 0; }
  // Per thread: one past the highest epoch its events reach (0, or past the end, if none).
  const std::vector<std::uint32_t>& epochs_reached() const { return epochs_reached_; }

  // The events pushed so far by sequence number, those with equal ones in the order pushed. A
  // push while one is read makes the reader invalid.
  class Reader {
   public:
    Reader(Reader&&) noexcept;
    ~Reader();
    bool next(SyncEvent& out);

   private:
    friend class SyncLog;
    struct Impl;
    explicit Reader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
  };
  Reader in_sequence_order() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::vector<std::uint32_t> epochs_reached_;
};

}  // namespace lockgraph::analysis
