// The trace file contract between the runtime (writer) and the analyzer (reader).
//
// A trace is JSON Lines: one self-delimiting JSON object per line, appended in chunks, so a file cut
// at any byte is readable up to its last complete line. The first line is the header; every other
// line carries its record kind in the key "k". Since 1.3 the two records a race-flag build writes
// most (memory accesses and synchronisation) may instead be compact lines: a letter, then numbers
// in lowercase hexadecimal separated by single spaces (namespace compact); since 1.7 the runtime
// writes them packed (namespace packed). docs/trace-format.md describes every field.
//
// Compatibility: readers refuse a different major version with a clear message; a newer minor version
// may add record kinds and fields, which readers of an older minor skip with a warning.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lockgraph::trace {

inline constexpr const char* kMagic = "lockgraph-trace";
inline constexpr int kVersionMajor = 1;
inline constexpr int kVersionMinor = 7;

// Record kinds: the value of "k" on each line.
namespace kind {
inline constexpr const char* kHeader = "header";          // magic, version, pid, mode, exe
inline constexpr const char* kModule = "module";          // id, path, base, size: frames are module+offset
inline constexpr const char* kStack = "stack";            // id, frames [[module, offset], ...]
inline constexpr const char* kLock = "lock";              // id, kind, name, s (creation stack), t
inline constexpr const char* kLockDestroy = "lock_end";   // id, t
inline constexpr const char* kThread = "thread";          // t, parent, pseg, s (where it was started), name
inline constexpr const char* kThreadName = "thread_name"; // t, name
inline constexpr const char* kThreadEnd = "thread_end";   // t, seg
inline constexpr const char* kJoin = "join";              // t (joiner), joined, seg (joiner's new segment)
// Since 1.1, written only when the thread holds locks as its segment changes (it starts or joins a
// thread while holding them): t, seg (the segment it enters), held [lock, ...]. Tells the
// analyzer that those holds began in an earlier segment.
inline constexpr const char* kSegmentHeld = "seg_held";
inline constexpr const char* kChain = "chain";            // id, t, seg, l, f, s, held [[lock, stack, flags]...]
inline constexpr const char* kCount = "count";            // t, c [[chain, delta], ...]
inline constexpr const char* kAcquire = "acq";            // full mode: q (sequence), t, c (chain)
inline constexpr const char* kRelease = "rel";            // full mode: q, t, l
inline constexpr const char* kTryFail = "tryfail";        // full mode: q, t, l, s
inline constexpr const char* kVariable = "var";           // id, name, s (creation stack), t
inline constexpr const char* kAccess = "access";          // t, e (sync epoch), v, w, s, h [held locks], n
inline constexpr const char* kSync = "sync";              // t, e (new epoch), q, op ("r"|"a"), ok, o
// Since 1.2, from programs compiled with the race flags (memory_access.h):
inline constexpr const char* kMemory = "mem";             // t, e, a (address), z (size), f (flags), s, h
inline constexpr const char* kAlloc = "alloc";            // t, e (new epoch), q, a, z, s, st (1: a thread stack)
inline constexpr const char* kFree = "free";              // t, e (epoch of its write; e+1 follows), q, a, z, s, h
inline constexpr const char* kBenign = "benign";          // a, z, s: races there are not reported
inline constexpr const char* kRaceCheck = "race_check";   // by: "instrumentation" (the race flags are on)
inline constexpr const char* kRaceSample = "race_sample"; // mode "periods", on_ms, every_ms, since ("start"|"budget")
inline constexpr const char* kIncident = "incident";      // what, p [[thread, lock, stack, role]...]
inline constexpr const char* kEnd = "end";                // reason: the process finished writing
}  // namespace kind

// Bits of the "f" (flags) field of an acquisition.
namespace flag {
inline constexpr std::uint32_t kTry = 1u << 0;        // try_lock / try_lock_for: it never waits
inline constexpr std::uint32_t kShared = 1u << 1;     // reader (shared) acquisition
// 1u << 2 is reserved: a re-entrant acquisition of a held recursive lock adds no order and is
// never written.
inline constexpr std::uint32_t kTimed = 1u << 3;      // timed wait: gives up after a deadline
// Passed by recursive wrappers to the runtime only (never written): the holder may take it again.
inline constexpr std::uint32_t kMayReenter = 1u << 8;
// Passed to lock_contended only (never written): the lock answers a holder that takes it again
// with an error (an error-checking mutex: EDEADLK) instead of hanging, so a relock is reported,
// never aborted.
inline constexpr std::uint32_t kRefusesRelock = 1u << 9;
}  // namespace flag

// Since 1.4, a held lock of an access record ("h" of access, mem and free; a compact memory
// line's fields after the sixth) with this bit set is held shared: it does not keep another
// shared holder out, so it orders nothing between two shared holds.
inline constexpr std::uint64_t kSharedHold = std::uint64_t{1} << 63;

// What an incident record (something the runtime saw happen, not a prediction) is about.
namespace incident {
inline constexpr const char* kDeadlockObserved = "deadlock-observed";  // a wait-for cycle, now
inline constexpr const char* kSelfDeadlock = "self-deadlock";    // relocking a held non-recursive lock
inline constexpr const char* kUnlockNotHeld = "unlock-not-held";  // unlock of a lock nobody holds
inline constexpr const char* kUnlockNotOwner = "unlock-not-owner";  // unlock of another thread's lock
inline constexpr const char* kDestroyHeld = "destroy-held";      // a held lock destroyed or freed
inline constexpr const char* kExitHolding = "exit-holding";      // a thread ended holding locks
inline constexpr const char* kWaitNotHeld = "wait-not-held";     // condition wait without its mutex
inline constexpr const char* kReinitLive = "reinit-live";        // init of a lock that is held
inline constexpr const char* kCondMutexMismatch = "cond-mutex-mismatch";  // one cond, two mutexes at once
inline constexpr const char* kSemMisuse = "sem-misuse";          // a semaphore call refused (EINVAL, EOVERFLOW)
inline constexpr const char* kBarrierMisuse = "barrier-misuse";  // a barrier call refused (EINVAL)
inline constexpr const char* kInvalidLock = "invalid-lock";      // a lock call on memory that is no lock
inline constexpr const char* kUseDestroyed = "use-destroyed";    // a lock call on a destroyed lock
inline constexpr const char* kCondDestroyBusy = "cond-destroy-busy";  // destroy of a cond with waiters

// The part a thread plays in an incident: the 4th number of each "p" row.
enum Role : std::uint32_t {
  kHere = 0,   // the thread does the offending operation on `lock` here
  kHolds = 1,  // the thread holds `lock`, taken at the stack
  kWaits = 2,  // the thread waits for `lock` here
};
}  // namespace incident

// Since 1.3: compact lines, the same fields as the JSON records "mem" and "sync" in a fixed order,
// every number in lowercase hex (no leading zeros), one space between fields:
//   M t e a z f s [h ...]     a memory access (kind::kMemory), held locks last, outermost first
//   S t e q <op><ok> o        a sync (kind::kSync): op 'r' or 'a' and the object kind, two letters
// Cheaper to write than JSON (shifts, not divisions) and about half as long.
namespace compact {
inline constexpr char kMemory = 'M';
inline constexpr char kSync = 'S';
inline constexpr char kAlloc = 'A';  // since 1.4
inline constexpr char kFree = 'F';   // since 1.4
}  // namespace compact

// Since 1.7 the runtime writes the compact lines packed: a digit naming the record (below), then
// the same numbers in a fixed-width-free binary form, then '\n'. A number is written 7 bits at a
// time from its lowest: every byte but its last is 0x80 | 7 bits, its last 0x40 | 6 bits (a
// number below 64 is one byte, an address of 47 bits seven). So every byte of the numbers is
// 0x40 or more: never a NUL (which readers skip as unwritten), never '\n', and never the digit
// that begins a line, so the tail of a record whose copy a kill interrupted never reads as a
// record. A sync's two letters are one number: (object kind << 1) | 1 for a release, 0 for an
// acquire. About half the bytes of a hex line, and no digits to compute.
namespace packed {
inline constexpr char kMemory = '0';
inline constexpr char kSync = '1';
inline constexpr char kAlloc = '2';
inline constexpr char kFree = '3';
inline constexpr unsigned char kMore = 0x80;  // a byte with more of its number after it
inline constexpr unsigned char kLast = 0x40;  // the last byte of a number
inline constexpr unsigned kMoreBits = 7, kLastBits = 6;
// Bytes a 64-bit number takes at most: 9 of 7 bits and a last one.
inline constexpr std::size_t kNumberRoom = 10;
// The compact letter a packed line's first byte stands for, or 0.
constexpr char letter_of(char first) {
  return first == kMemory ? compact::kMemory
         : first == kSync ? compact::kSync
         : first == kAlloc ? compact::kAlloc
         : first == kFree ? compact::kFree
                          : 0;
}
}  // namespace packed

// Kinds of synchronisation object in a sync record's "ok" field.
namespace sync_object {
inline constexpr char kLock = 'l';         // o = lock id
inline constexpr char kThreadStart = 's';  // o = started thread's id (released by the parent)
inline constexpr char kThreadExit = 'x';   // o = ended thread's id (acquired by the joiner)
inline constexpr char kAddress = 'a';      // o = user object address (annotations, sync wrappers)
// Since 1.5, op "a" only, not synchronisation: o = the sampling period the thread's epoch from
// here on is in (race_sample=periods; odd: a recording period, even: the pause after one).
inline constexpr char kPeriod = 'p';
// Since 1.6, fences of a race-flag build (both compilers call __tsan_atomic_thread_fence).
// Op "a" only, not synchronisation: a release fence, which begins the thread's epoch `e`.
inline constexpr char kFence = 'f';
// Since 1.6, op "r" only: a relaxed atomic store (or read-modify-write) to address o after the
// thread's release fence: a release, on the address (as kind kAddress), of what the thread did
// before epoch `e`, the one its last release fence began. It begins no epoch.
inline constexpr char kFencedRelease = 'F';
}  // namespace sync_object

// Lock kinds, as written in the "kind" field of a lock record.
enum class LockKind : std::uint8_t {
  kMutex,
  kRecursiveMutex,
  kTimedMutex,
  kRecursiveTimedMutex,
  kSharedMutex,
  kSharedTimedMutex,
  kSpinLock,
};

inline constexpr const char* lock_kind_name(LockKind kind) {
  switch (kind) {
    case LockKind::kMutex: return "mutex";
    case LockKind::kRecursiveMutex: return "recursive_mutex";
    case LockKind::kTimedMutex: return "timed_mutex";
    case LockKind::kRecursiveTimedMutex: return "recursive_timed_mutex";
    case LockKind::kSharedMutex: return "shared_mutex";
    case LockKind::kSharedTimedMutex: return "shared_timed_mutex";
    case LockKind::kSpinLock: return "spinlock";
  }
  return "unknown";
}

inline constexpr bool lock_kind_is_recursive(LockKind kind) {
  return kind == LockKind::kRecursiveMutex || kind == LockKind::kRecursiveTimedMutex;
}

// A module record's build_id: the hex of the NT_GNU_BUILD_ID note among `notes` (the bytes of one
// PT_NOTE segment, in memory or read from the file), at most 32 bytes of it, written to `hex`
// (NUL-terminated). False, `hex` empty, if there is none. The runtime reads the running modules,
// the analyzer the files on disk: one reader, so the two always agree.
inline bool gnu_build_id_hex(const unsigned char* notes, std::size_t size, char (&hex)[65]) {
  hex[0] = 0;
  auto word = [notes](std::size_t at) {  // the note header: three 32-bit words, ELF32 and ELF64 alike
    return std::uint32_t(notes[at]) | std::uint32_t(notes[at + 1]) << 8 | std::uint32_t(notes[at + 2]) << 16 |
           std::uint32_t(notes[at + 3]) << 24;
  };
  constexpr std::uint32_t kGnuBuildId = 3;  // NT_GNU_BUILD_ID
  std::size_t at = 0;
  while (at + 12 <= size) {
    std::uint32_t name_size = word(at), desc_size = word(at + 4), type = word(at + 8);
    std::size_t name = at + 12, desc = name + ((std::size_t(name_size) + 3) & ~std::size_t(3));
    if (desc > size || desc_size > size - desc) return false;
    if (type == kGnuBuildId && name_size == 4 && notes[name] == 'G' && notes[name + 1] == 'N' &&
        notes[name + 2] == 'U' && notes[name + 3] == 0) {
      static constexpr char kHex[] = "0123456789abcdef";
      std::uint32_t n = desc_size < 32 ? desc_size : 32;
      for (std::uint32_t b = 0; b < n; ++b) {
        hex[2 * b] = kHex[notes[desc + b] >> 4];
        hex[2 * b + 1] = kHex[notes[desc + b] & 15];
      }
      hex[2 * n] = 0;
      return n > 0;
    }
    at = desc + ((std::size_t(desc_size) + 3) & ~std::size_t(3));
  }
  return false;
}

// Traces are UTF-8, names are bytes (a thread, lock or path name as the system gave it). The
// length of the well-formed UTF-8 sequence at `s` (`size` bytes left), or 0 if the byte there
// starts none: the writer then writes it as the text \xNN, and the reader repairs old traces so.
inline std::size_t utf8_sequence_length(const unsigned char* s, std::size_t size) {
  unsigned char c = s[0];
  std::size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
  if (length == 0 || length > size || (length == 2 && c < 0xc2)) return 0;
  for (std::size_t k = 1; k < length; ++k)
    if ((s[k] & 0xc0) != 0x80) return 0;
  if (length == 3 && ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0))) return 0;  // overlong, surrogate
  if (length == 4 && ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90) || c > 0xf4)) return 0;
  return length;
}

}  // namespace lockgraph::trace
