#include "trace_file.h"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

namespace lockgraph::rt {
namespace {

// Address space reserved up front (nothing is committed until a chunk of the file is mapped).
// A trace past this keeps growing through pwrite.
constexpr std::uint64_t kAddressRange = std::uint64_t(8) << 30;
constexpr std::uint64_t kChunk = std::uint64_t(1) << 20;
// MADV_POPULATE_WRITE (Linux 5.14), which Debian 12's headers do not name yet.
#ifdef MADV_POPULATE_WRITE
constexpr int kPopulateWrite = MADV_POPULATE_WRITE;
#else
constexpr int kPopulateWrite = 23;
#endif
// The piece a busy writer keeps (TraceRegion): a few hundred race records; what a thread leaves
// unwritten of it when the process ends is at most this much NUL in the file.
constexpr std::uint64_t kRegion = 8 << 10;
// A writer's first bytes go through the shared length: short threads keep no piece.
constexpr std::uint64_t kRegionAfter = 16 << 10;
// Kept back for the end record, so that a full disk still gets an end record saying so.
constexpr std::uint64_t kEndRoom = 4096;
// Waits on another thread (a grow, a copy in flight) give up after this many yields: the thread
// waited on may be the one this signal handler interrupted.
constexpr int kPatience = 100000;

struct MappedTrace {
  std::atomic<int> fd{-1};
  char* base = nullptr;                     // the reserved range; the file is mapped from its start
  std::atomic<std::uint64_t> used{0};       // bytes handed out to appends
  std::atomic<std::uint64_t> mapped{0};     // bytes of the file mapped (and allocated) at base
  std::atomic<bool> direct{false};          // appends pwrite at their offset instead of copying
  std::atomic<int> copying{0};              // appends copying into the mapping right now
  std::atomic_flag file_busy = ATOMIC_FLAG_INIT;  // a grow, a direct write or the final cut
  std::uint64_t released = 0;  // the mapping's pages below this left the process (under file_busy)
  std::atomic<int> error{0};
  std::atomic<std::uint64_t> lost{0};
  std::uint64_t size_limit = 0;  // RLIMIT_FSIZE when the file was opened (0: none)
  std::atomic<std::uint32_t> opening{1};  // bumped at each open and fork: older regions are void
};

MappedTrace g_trace;

// Takes the file flag; false if it stayed taken past our patience.
bool take_file_flag() {
  for (int i = 0; g_trace.file_busy.test_and_set(std::memory_order_acquire); ++i) {
    if (i == kPatience) return false;
    ::sched_yield();
  }
  return true;
}

void note_error(int error, std::uint64_t lost_bytes) {
  int none = 0;
  g_trace.error.compare_exchange_strong(none, error);
  g_trace.lost.fetch_add(lost_bytes, std::memory_order_relaxed);
}

std::uint64_t round_up(std::uint64_t n, std::uint64_t unit) { return (n + unit - 1) / unit * unit; }

// Allocates the file up to `want` bytes (from `have`): 0 or an errno. Past the process's file
// size limit the kernel would answer with SIGXFSZ, which kills a program that has not asked for
// it, so the limit is checked here and answered EFBIG, as the program's own write would be.
int allocate(int fd, std::uint64_t have, std::uint64_t want) {
  if (g_trace.size_limit != 0 && want > g_trace.size_limit) return EFBIG;
  return ::fallocate(fd, 0, static_cast<off_t>(have), static_cast<off_t>(want - have)) == 0 ? 0 : errno;
}

// Maps more of the file so that `needed` bytes (plus the end record's room) fit: a chunk at a
// time, or just what is needed when a chunk no longer fits on the disk (or under the limit), so
// that the trace ends with every record there was room for. Caller holds the file flag.
bool grow_locked(std::uint64_t needed) {
  std::uint64_t have = g_trace.mapped.load(std::memory_order_relaxed);
  if (needed + kEndRoom <= have) return true;
  std::uint64_t want = round_up(needed + kEndRoom, kChunk);
  if (want > kAddressRange) {
    g_trace.direct.store(true);
    return false;
  }
  int fd = g_trace.fd.load(std::memory_order_relaxed);
  int error = allocate(fd, have, want);
  if (error != 0 && error != EOPNOTSUPP) {
    want = round_up(needed + kEndRoom, static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)));
    error = allocate(fd, have, want);
  }
  if (error != 0) {
    if (error != EOPNOTSUPP) {  // ENOSPC, EFBIG, EDQUOT: records are lost from here on
      note_error(error, 0);
      return false;
    }
    // A file system that cannot allocate ahead: a full disk would then be a SIGBUS on a page of
    // the mapping, so write through it instead.
    g_trace.direct.store(true);
    return false;
  }
  void* at = ::mmap(g_trace.base + have, want - have, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
                    fd, static_cast<off_t>(have));
  if (at == MAP_FAILED) {
    g_trace.direct.store(true);
    return false;
  }
  // Its pages made writable now, in one call: a first write to each page of a shared file
  // mapping otherwise faults (the kernel tracks dirty pages), one exception per 4 KB of trace
  // inside whatever the program was doing. Not the first piece: a process that writes little
  // (most do) pays for none of it. Older kernels refuse the advice: they fault as before.
  if (have > 0) ::madvise(at, want - have, kPopulateWrite);
  g_trace.mapped.store(want, std::memory_order_release);
  // The pages written before the last chunk leave the process: without this, a trace of 200 MB
  // made the program's peak RSS 200 MB larger. On a shared file mapping MADV_DONTNEED only unmaps
  // (the data stays in the page cache, on its way to the file), so a copy still in flight there
  // just faults its page back in.
  if (have > kChunk) {
    std::uint64_t behind = have - kChunk;
    if (behind > g_trace.released) {
      ::madvise(g_trace.base + g_trace.released, behind - g_trace.released, MADV_DONTNEED);
      g_trace.released = behind;
    }
  }
  return true;
}

// Reserves [offset, offset + size) inside the mapping. False when the mapping cannot hold it.
bool reserve_mapped(std::size_t size, bool last, std::uint64_t& offset) {
  for (;;) {
    std::uint64_t used = g_trace.used.load(std::memory_order_relaxed);
    std::uint64_t mapped = g_trace.mapped.load(std::memory_order_acquire);
    std::uint64_t limit = last ? mapped : (mapped > kEndRoom ? mapped - kEndRoom : 0);
    if (used + size <= limit) {
      if (g_trace.used.compare_exchange_weak(used, used + size, std::memory_order_relaxed)) {
        offset = used;
        return true;
      }
      continue;
    }
    if (last || g_trace.error.load(std::memory_order_relaxed) != 0 ||
        g_trace.direct.load(std::memory_order_relaxed) || !take_file_flag())
      return false;
    bool grown = grow_locked(used + size);
    g_trace.file_busy.clear(std::memory_order_release);
    if (!grown) return false;
  }
}

void pwrite_all(int fd, const char* data, std::size_t size, std::uint64_t offset) {
  while (size > 0) {
    ssize_t n = ::pwrite(fd, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      note_error(errno, size);
      return;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
}

// Past the mapping: the bytes are written at their offset, under the file flag so that the final
// cut never falls between a reservation and its write.
void append_direct(const char* data, std::size_t size, bool last) {
  if (!last && g_trace.error.load(std::memory_order_relaxed) != 0) {
    note_error(0, size);
    return;
  }
  bool flag = take_file_flag();
  std::uint64_t offset = g_trace.used.fetch_add(size, std::memory_order_relaxed);
  pwrite_all(g_trace.fd.load(std::memory_order_relaxed), data, size, offset);
  if (flag) g_trace.file_busy.clear(std::memory_order_release);
}

}  // namespace

bool trace_file_open(const char* path) noexcept {
  int fd = ::open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  g_trace.opening.fetch_add(1);
  g_trace.used.store(0);
  g_trace.mapped.store(0);
  g_trace.released = 0;
  g_trace.error.store(0);
  g_trace.lost.store(0);
  g_trace.copying.store(0);
  g_trace.file_busy.clear();
  rlimit limit{};
  g_trace.size_limit =
      ::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY ? limit.rlim_cur : 0;
  if (!g_trace.base) {
    void* range = ::mmap(nullptr, kAddressRange, PROT_NONE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (range != MAP_FAILED) g_trace.base = static_cast<char*>(range);
  }
  g_trace.direct.store(g_trace.base == nullptr);
  g_trace.fd.store(fd);
  return true;
}

bool trace_file_is_open() noexcept { return g_trace.fd.load(std::memory_order_relaxed) >= 0; }

namespace {

// Reserves `room` bytes of the mapping and copies `data` to their start, under the final cut's
// protocol; false (nothing written) if the mapping cannot take them. `offset`: where they begin.
bool copy_into_mapping(std::uint64_t room, const char* data, std::size_t size, bool last, std::uint64_t& offset) {
  // Announce the copy before looking at `direct` (both sequentially consistent, as in
  // trace_file_finish): the final cut then either sees this copy or this copy sees the cut.
  g_trace.copying.fetch_add(1);
  const bool reserved = !g_trace.direct.load() && reserve_mapped(room, last, offset);
  if (reserved) std::memcpy(g_trace.base + offset, data, size);
  g_trace.copying.fetch_sub(1, std::memory_order_release);
  return reserved;
}

}  // namespace

void trace_file_append(const char* data, std::size_t size, bool last) noexcept {
  if (size == 0 || !trace_file_is_open()) return;
  std::uint64_t offset;
  if (!copy_into_mapping(size, data, size, last, offset)) append_direct(data, size, last);
}

// Copies into a writer's own piece need no part in the final cut's protocol: the piece was
// reserved under it (so it lies below the used length, where the cut never falls) and its blocks
// were allocated before it was mapped. Only taking a new piece is an append like any other.
void trace_file_append(TraceRegion& region, const char* data, std::size_t size) noexcept {
  if (size == 0 || !trace_file_is_open()) return;
  region.written += size;
  const std::uint32_t opening = g_trace.opening.load(std::memory_order_relaxed);
  if (region.file == opening && region.end - region.at >= size) {
    std::memcpy(g_trace.base + region.at, data, size);
    region.at += size;
    return;
  }
  if (region.written < kRegionAfter || size > kRegion / 4) return trace_file_append(data, size);
  std::uint64_t offset;
  if (copy_into_mapping(kRegion, data, size, false, offset))
    region = {offset + size, offset + kRegion, opening, region.written};
  else
    trace_file_append(data, size);  // no room for a piece (a full disk, the end): maybe for the record
}

void trace_file_finish() noexcept {
  int fd = g_trace.fd.load();
  if (fd < 0) return;
  g_trace.direct.store(true);
  // Copies already reserved in the mapping finish first: cutting the file under one would fault.
  for (int i = 0; g_trace.copying.load() != 0; ++i) {
    if (i == kPatience) return;  // a copy this signal interrupted: leave the tail, the reader skips it
    ::sched_yield();
  }
  if (!take_file_flag()) return;
  if (::ftruncate(fd, static_cast<off_t>(g_trace.used.load())) != 0) {
    // Nothing to do about it: the reader skips the unwritten tail.
  }
  g_trace.file_busy.clear(std::memory_order_release);
}

void trace_file_forget_parent() noexcept {
  g_trace.opening.fetch_add(1);
  int fd = g_trace.fd.exchange(-1);
  if (fd >= 0) ::close(fd);
  // The parent's pages stay the parent's: the child's range is made fresh and private.
  if (g_trace.base &&
      ::mmap(g_trace.base, kAddressRange, PROT_NONE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0) == MAP_FAILED)
    g_trace.base = nullptr;
}

int trace_file_error() noexcept { return g_trace.error.load(); }

std::uint64_t trace_file_lost_bytes() noexcept { return g_trace.lost.load(); }

std::uint64_t trace_file_size() noexcept { return g_trace.used.load(std::memory_order_relaxed); }

}  // namespace lockgraph::rt
