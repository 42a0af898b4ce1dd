#include "lgtrace_reader.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <tuple>
#include <utility>

#include "compact_record.h"
#include "flat_record.h"
#include "lockgraph/analysis/trace_error.h"
#include "lockgraph/trace_format.h"
#include "memory_log.h"
#include "model_builder.h"

namespace lockgraph::analysis {
namespace {

// Where a 64-bit process's addresses end (x86-64 with 5-level paging, AArch64): an access range
// beyond it is a corrupt record.
constexpr std::uint64_t kAddressSpaceEnd = std::uint64_t{1} << 57;

namespace k = trace::kind;

// Full-mode event lines only count toward the analysis, and they are most of a full trace. One
// that has exactly the runtime's shape ({"k":"acq","q":N,"t":N,"c":N}, likewise rel and tryfail)
// is accepted without a JSON parse; anything else, including every malformed variant, goes
// through the full parser and its error messages.
bool is_plain_event_line(std::string_view line) {
  static constexpr std::string_view kPrefixes[] = {
      R"({"k":"acq","q":)", R"({"k":"rel","q":)", R"({"k":"tryfail","q":)"};
  std::string_view rest;
  for (std::string_view prefix : kPrefixes)
    if (line.substr(0, prefix.size()) == prefix) rest = line.substr(prefix.size());
  if (rest.empty()) return false;
  auto digits = [&rest]() {
    std::size_t n = 0;
    while (n < rest.size() && rest[n] >= '0' && rest[n] <= '9') ++n;
    if (n == 0 || n > 19) return false;
    rest.remove_prefix(n);
    return true;
  };
  auto literal = [&rest](std::string_view text) {
    if (rest.substr(0, text.size()) != text) return false;
    rest.remove_prefix(text.size());
    return true;
  };
  if (!digits() || !literal(R"(,"t":)") || !digits()) return false;
  if (!literal(R"(,"c":)") && !literal(R"(,"l":)")) return false;
  return digits() && rest == "}";
}

// The line with every byte that is not part of well-formed UTF-8 written as the text \xNN (a
// JSON-escaped backslash, then x and two hex digits). Such bytes only occur inside strings (a
// thread, lock or path name as the system gave it), so the line parses afterwards.
std::string escape_invalid_utf8(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  const auto* bytes = reinterpret_cast<const unsigned char*>(line.data());
  for (std::size_t i = 0; i < line.size();) {
    unsigned char c = bytes[i];
    if (std::size_t length = trace::utf8_sequence_length(bytes + i, line.size() - i)) {
      out.append(line.substr(i, length));
      i += length;
      continue;
    }
    static constexpr char kHex[] = "0123456789abcdef";
    out += "\\\\x";
    out += kHex[c >> 4];
    out += kHex[c & 0xf];
    ++i;
  }
  return out;
}

class LgtraceReader {
 public:
  LgtraceReader(const std::string& path, TraceModel& model, const LoadOptions& options)
      : path_(path), model_(model),
        builder_(model, static_cast<std::uint32_t>(model.processes.size())),
        memory_(path_, options.accesses_in_memory) {
    model_.processes.emplace_back().trace_path = path;
  }

  void read() {
    std::ifstream in(path_, std::ios::binary);
    if (!in) throw TraceError(path_ + ": cannot open for reading");
    std::string line;
    std::uint64_t line_number = 0;
    std::uint64_t offset = 0;
    while (std::getline(in, line)) {
      ++line_number;
      bool has_newline = !in.eof();
      std::uint64_t line_offset = offset;
      offset += line.size() + (has_newline ? 1 : 0);
      const bool torn = line.find('\0') != std::string::npos;
      if (torn) skip_unwritten_bytes(line, line_number, line_offset);
      if (line.empty()) continue;
      if (line_number > 1 && is_plain_event_line(line)) {
        ++model_.events;
        continue;
      }
      const bool compact = line_number > 1 && is_compact_line(line);
      // Without its newline a compact line may be cut between two digits and still parse.
      std::string problem = compact ? (has_newline ? parse_compact(line, compact_) : "cut")
                                    : parse_flat_record(line, record_);
      if (!compact && !problem.empty() && has_newline) {
        // A name with bytes that are not UTF-8 (written by an older runtime as it came): keep
        // the record, the bytes shown as \xNN.
        std::string repaired = escape_invalid_utf8(line);
        if (repaired != line && parse_flat_record(repaired, record_).empty()) {
          problem.clear();
          if (non_utf8_lines_++ == 0) first_non_utf8_line_ = line_number;
        }
      }
      if (!problem.empty()) {
        if (!has_newline) {
          warn_cut(line_number, line_offset);
          break;
        }
        if (torn) {
          skip_torn_record(line_number, line_offset);
          continue;
        }
        fail(line_number, (compact ? "malformed compact line: " : "malformed record: ") + problem);
      }
      if (compact)
        read_compact(line_number);
      else if (line_number == 1)
        read_header(line_number);
      else
        dispatch(line_number);
      ++model_.events;
    }
    if (line_number == 0) throw TraceError(path_ + ": empty file, not a lockgraph trace");
    if (!header_read_)
      throw TraceError(path_ + ":1: the trace ends inside its header record (cut at byte " +
                       std::to_string(offset) + "): nothing to read");
    finish();
  }

 private:
  [[noreturn]] void fail(std::uint64_t line, const std::string& what) {
    throw TraceError(path_ + ":" + std::to_string(line) + ": " + what);
  }
  void warn(std::uint64_t line, const std::string& what) {
    model_.warnings.push_back(path_ + ":" + std::to_string(line) + ": " + what);
  }
  // The last line, cut off mid-record.
  void warn_cut(std::uint64_t line, std::uint64_t offset) {
    warn(line, "the trace ends mid-record at byte " + std::to_string(offset) +
                   " (the process was killed or the file cut); read up to there");
  }

  std::uint64_t need(std::uint64_t line, std::string_view key) {
    const std::uint64_t* value = record_.number(key);
    if (!value) fail(line, "record \"" + kind_ + "\" lacks the number \"" + std::string(key) + "\"");
    return *value;
  }
  std::uint64_t optional(std::string_view key, std::uint64_t fallback = 0) {
    const std::uint64_t* value = record_.number(key);
    return value ? *value : fallback;
  }
  std::string text(std::string_view key) {
    const std::string* value = record_.text(key);
    return value ? *value : std::string();
  }

  void read_header(std::uint64_t line) {
    kind_ = text("k");
    if (kind_ != k::kHeader || text("magic") != trace::kMagic)
      fail(line, std::string("not a lockgraph trace: the first line must be the header record "
                             "with magic \"") + trace::kMagic + "\"");
    std::string version = text("version");
    int major = std::atoi(version.c_str());
    if (major != trace::kVersionMajor)
      fail(line, "trace format version " + version + " is not supported (this analyzer reads " +
                     std::to_string(trace::kVersionMajor) + ".x)");
    minor_ = std::atoi(version.substr(version.find('.') + 1).c_str());
    header_read_ = true;
    Process& p = model_.processes.back();
    p.pid = optional("pid");
    p.exe = text("exe");
    p.mode = text("mode");
  }

  void dispatch(std::uint64_t line) {
    const std::string* kind = record_.text("k");
    if (!kind) fail(line, "record lacks its kind \"k\"");
    kind_ = *kind;
    if (kind_ == k::kChain) return read_chain(line);
    if (kind_ == k::kCount) return read_counts(line);
    if (kind_ == k::kAcquire || kind_ == k::kRelease || kind_ == k::kTryFail) return;
    if (kind_ == k::kStack) return read_stack(line);
    if (kind_ == k::kIncident) return read_incident(line);
    if (kind_ == k::kSync) return read_sync(line);
    if (kind_ == k::kAccess) return read_access(line);
    if (kind_ == k::kMemory || kind_ == k::kFree) return read_memory(line);
    if (kind_ == k::kAlloc) return read_allocation(line);
    if (kind_ == k::kBenign) {
      const auto [address, size] = need_range(line);
      return memory_.benign(address, size);
    }
    if (kind_ == k::kRaceCheck) {
      Process& p = model_.processes.back();
      if (const std::string* blocked = record_.text("blocked")) {
        p.recording_blocked = *blocked;
        warn(line, "the runtime recorded nothing of this program: " + *blocked);
      } else {
        p.races_checked = true;
      }
      return;
    }
    if (kind_ == k::kRaceSample) {
      model_.processes.back().races_sampled =
          text("mode") == "sites"
              ? "memory accesses recorded: each code site's first " + std::to_string(optional("first")) +
                    " per thread, then one in " + std::to_string(optional("every"))
              : "memory accesses recorded " + std::to_string(optional("on_ms")) + " ms of every " +
                    std::to_string(optional("every_ms")) + " ms" +
                    (text("since") == "budget" ? ", from when the trace passed race_budget_mb" : "") +
                    (text("syncs") == "periods" ? ", synchronisation too: accesses compared within a period" : "");
      return;
    }
    if (kind_ == k::kVariable) {
      Variable& v = model_.variables[builder_.variable(need(line, "id"))];
      v.name = text("name");
      v.creation = builder_.stack(optional("s"));
      return;
    }
    if (kind_ == k::kModule) {
      Module& module = model_.modules[builder_.module(need(line, "id"))];
      module.path = text("path");
      if (const std::string* build_id = record_.text("build_id")) module.build_id = *build_id;
      module.base = optional("base");
      module.size = optional("size");
      return;
    }
    if (kind_ == k::kLock) return read_lock(line);
    if (kind_ == k::kLockDestroy) {
      model_.locks[builder_.lock(need(line, "id"))].destroyed = true;
      return;
    }
    if (kind_ == k::kThread) return read_thread(line);
    if (kind_ == k::kThreadName) {
      model_.threads[builder_.thread(need(line, "t"))].name = text("name");
      return;
    }
    if (kind_ == k::kThreadEnd) {
      Thread& t = model_.threads[builder_.thread(need(line, "t"))];
      t.ended = true;
      t.end_segment = std::max(t.end_segment, static_cast<std::uint32_t>(need(line, "seg")));
      return;
    }
    if (kind_ == k::kJoin) {
      Thread& t = model_.threads[builder_.thread(need(line, "t"))];
      auto segment = static_cast<std::uint32_t>(need(line, "seg"));
      t.joins.push_back({segment, need(line, "joined")});
      t.end_segment = std::max(t.end_segment, segment);
      return;
    }
    if (kind_ == k::kSegmentHeld) {
      ThreadIndex t = builder_.thread(need(line, "t"));
      auto segment = static_cast<std::uint32_t>(need(line, "seg"));
      std::vector<LockIndex>& locks = held_across_[{t, segment}];
      if (const auto* held = record_.array("held"))
        for (const auto& row : held->rows)
          if (!row.empty()) locks.push_back(builder_.lock(row[0]));
      std::sort(locks.begin(), locks.end());
      return;
    }
    if (kind_ == k::kEnd) {
      Process& p = model_.processes.back();
      p.complete = true;
      p.end_reason = text("reason");
      if (const std::string* error = record_.text("write_error")) {
        p.write_error = *error;
        p.lost_bytes = optional("lost_bytes");
        warn(line, "the runtime could not write " + std::to_string(p.lost_bytes) + " bytes of records (" +
                       *error + "): lock orders and accesses in them are missing from this analysis");
      }
      return;
    }
    if (kind_ == k::kHeader) fail(line, "a second header record in one trace");
    if (unknown_kinds_.insert(kind_).second)
      warn(line, "unknown record kind \"" + kind_ + "\" skipped" +
                     (minor_ > trace::kVersionMinor ? " (written by a newer minor version)" : ""));
  }

  void read_chain(std::uint64_t line) {
    std::uint64_t raw = need(line, "id");
    if (builder_.find_chain(raw) >= 0) fail(line, "chain " + std::to_string(raw) + " defined twice");
    std::uint32_t tid = static_cast<std::uint32_t>(need(line, "t"));
    Chain chain;
    chain.thread = builder_.thread(tid);
    chain.segment = static_cast<std::uint32_t>(need(line, "seg"));
    Thread& owner = model_.threads[chain.thread];
    owner.end_segment = std::max(owner.end_segment, chain.segment);
    chain.lock = builder_.lock(need(line, "l"));
    chain.flags = static_cast<std::uint32_t>(optional("f"));
    chain.stack = builder_.stack(optional("s"));
    if (const auto* held = record_.array("held")) {
      for (const auto& row : held->rows) {
        if (row.size() < 2) fail(line, "each \"held\" entry must be [lock, stack, flags]");
        chain.held.push_back({builder_.lock(row[0]), builder_.stack(row[1]),
                              static_cast<std::uint32_t>(row.size() > 2 ? row[2] : 0),
                              chain.segment});
      }
    }
    if (auto early = builder_.early_counts.find(raw); early != builder_.early_counts.end()) {
      chain.count = early->second;
      builder_.early_counts.erase(early);
    }
    builder_.new_chain(raw) = std::move(chain);
  }

  void read_counts(std::uint64_t line) {
    const auto* pairs = record_.array("c");
    if (!pairs) fail(line, "record \"count\" lacks the array \"c\"");
    for (const auto& row : pairs->rows) {
      if (row.size() != 2) fail(line, "each count must be [chain, delta]");
      std::int64_t chain = builder_.find_chain(row[0]);
      if (chain >= 0)
        model_.chains[static_cast<std::size_t>(chain)].count += row[1];
      else
        builder_.early_counts[row[0]] += row[1];
    }
  }

  void read_sync(std::uint64_t line) {
    std::string op = text("op"), object_kind = text("ok");
    if ((op != "r" && op != "a") || object_kind.size() != 1)
      fail(line, "record \"sync\" needs op \"r\" or \"a\" and a one-letter object kind \"ok\"");
    add_sync(line, need(line, "t"), need(line, "e"), need(line, "q"), op == "r", object_kind[0], need(line, "o"));
  }

  void add_sync(std::uint64_t line, std::uint64_t tid, std::uint64_t epoch, std::uint64_t sequence, bool release,
                char object_kind, std::uint64_t object) {
    if (object_kind == trace::sync_object::kPeriod) return add_period(tid, epoch, sequence, object);
    // A relaxed store after a release fence releases, on its address, the epochs before the
    // fence's; the thread's own epoch goes on.
    const bool fenced = object_kind == trace::sync_object::kFencedRelease;
    if (fenced && !release) fail(line, "a fenced release (object kind \"F\") needs op \"r\"");
    if (fenced) object_kind = trace::sync_object::kAddress;
    if (sequence >> 62) fail(line, "a sync's sequence number \"q\" must be below 2^62");
    SyncEvent e;
    e.thread = builder_.thread(tid);
    e.epoch = static_cast<std::uint32_t>(epoch);
    e.sequence = sequence;
    e.release = release;
    e.fenced = fenced;
    e.object = (std::uint64_t(static_cast<unsigned char>(object_kind)) << 56) ^ object;
    model_.syncs.push_back(e);
  }

  // A thread's marker of a new sampling period: not synchronisation, but it begins an epoch.
  void add_period(std::uint64_t tid, std::uint64_t epoch, std::uint64_t sequence, std::uint64_t period) {
    const ThreadIndex t = builder_.thread(tid);
    model_.threads[t].race_periods.emplace_back(static_cast<std::uint32_t>(epoch), period);
    memory_.epoch_started(t, static_cast<std::uint32_t>(epoch), sequence);
  }

  // A compact line (trace_format.h, namespace compact): the same records as "sync" and "mem".
  void read_compact(std::uint64_t line) {
    const std::vector<std::uint64_t>& n = compact_.numbers;
    if (compact_.letter == trace::compact::kSync) {
      kind_ = k::kSync;
      return add_sync(line, n[0], n[1], n[2], compact_.op == 'r', compact_.object_kind, n[3]);
    }
    if (compact_.letter == trace::compact::kAlloc) {
      kind_ = k::kAlloc;
      return add_allocation(line, n[0], n[1], n[2], n[3], n[4], n[5], n[6] != 0);
    }
    held_scratch_.clear();
    for (std::size_t i = 6; i < n.size(); ++i) held_scratch_.push_back(held_lock(n[i]));
    const LockSetIndex held = model_.locksets.intern(held_scratch_);
    if (compact_.letter == trace::compact::kFree) {
      kind_ = k::kFree;
      return add_free(memory_range(line, n[0], n[1], n[3], n[4], n[5], held), n[2]);
    }
    kind_ = k::kMemory;
    MemoryLog::Range r = memory_range(line, n[0], n[1], n[2], n[3], n[5], held);
    access_flags(r, n[4]);
    memory_.access(r);
  }

  // The parts of a recorded range that "mem", "free" and a compact memory line share.
  MemoryLog::Range memory_range(std::uint64_t line, std::uint64_t tid, std::uint64_t epoch, std::uint64_t address,
                                std::uint64_t size, std::uint64_t stack, LockSetIndex held) {
    MemoryLog::Range r;
    r.thread = builder_.thread(tid);
    r.epoch = static_cast<std::uint32_t>(epoch);
    std::tie(r.address, r.size) = checked_range(line, address, size);
    r.stack = builder_.stack(stack);
    r.held = held;
    return r;
  }
  // The "f" bits of a memory access: 1 write, 2 atomic.
  static void access_flags(MemoryLog::Range& r, std::uint64_t flags) {
    r.write = (flags & 1) != 0;
    r.atomic = (flags & 2) != 0;
  }

  // The locks of the record's "h" array (held locks, outermost first), as a lockset of the model.
  LockSetIndex held_set() {
    held_scratch_.clear();
    if (const auto* held = record_.array("h"))
      for (const auto& row : held->rows)
        if (!row.empty()) held_scratch_.push_back(held_lock(row[0]));
    return model_.locksets.intern(held_scratch_);
  }
  // One held lock of an access record (trace::kSharedHold marks a shared hold) as a lockset entry.
  LockIndex held_lock(std::uint64_t field) {
    const LockIndex lock = builder_.lock(field & ~trace::kSharedHold);
    return (field & trace::kSharedHold) ? lock | LockSets::kSharedHold : lock;
  }

  // The memory range [a, a + z) of a record, which must lie in the address space.
  std::pair<std::uint64_t, std::uint64_t> need_range(std::uint64_t line) {
    return checked_range(line, need(line, "a"), need(line, "z"));
  }
  std::pair<std::uint64_t, std::uint64_t> checked_range(std::uint64_t line, std::uint64_t address,
                                                        std::uint64_t size) {
    if (address + size < address || address + size > kAddressSpaceEnd)
      fail(line, "the range of record \"" + kind_ + "\" lies outside the address space");
    return {address, size};
  }

  // An access of a program built with the race flags ("mem"), or the write of a free ("free",
  // which also ends the thread's epoch).
  void read_memory(std::uint64_t line) {
    const std::uint64_t tid = need(line, "t"), epoch = need(line, "e"), address = need(line, "a"),
                        size = need(line, "z");
    MemoryLog::Range r = memory_range(line, tid, epoch, address, size, optional("s"), held_set());
    if (kind_ == k::kFree) return add_free(r, need(line, "q"));
    access_flags(r, need(line, "f"));
    memory_.access(r);
  }

  // A free ("free", or a compact free line) at `sequence`: a write of the whole block, which also
  // ends the thread's epoch.
  void add_free(MemoryLog::Range r, std::uint64_t sequence) {
    r.write = r.frees = true;
    memory_.epoch_started(r.thread, r.epoch + 1, sequence);
    memory_.freed(r.thread, r.address, r.size, sequence);
    memory_.access(r);
  }

  void read_allocation(std::uint64_t line) {
    add_allocation(line, need(line, "t"), need(line, "e"), need(line, "q"), need(line, "a"), need(line, "z"),
                   optional("s"), optional("st") != 0);
  }
  // An allocation ("alloc", or a compact allocation line).
  void add_allocation(std::uint64_t line, std::uint64_t tid, std::uint64_t epoch, std::uint64_t sequence,
                      std::uint64_t address, std::uint64_t size, std::uint64_t stack, bool thread_stack) {
    MemoryLog::Block b;
    b.thread = builder_.thread(tid);
    b.sequence = sequence;
    std::tie(b.address, b.size) = checked_range(line, address, size);
    b.stack = builder_.stack(stack);
    b.thread_stack = thread_stack;
    memory_.allocation(b, static_cast<std::uint32_t>(epoch));
  }

  void read_access(std::uint64_t line) {
    Access a;
    a.thread = builder_.thread(need(line, "t"));
    a.epoch = static_cast<std::uint32_t>(need(line, "e"));
    a.variable = builder_.variable(need(line, "v"));
    a.write = need(line, "w") != 0;
    a.stack = builder_.stack(optional("s"));
    a.held = held_set();
    if (const std::string* name = record_.text("n"); name && !name->empty())
      model_.variables[a.variable].name = *name;
    model_.accesses.push_back(std::move(a));
  }

  void read_incident(std::uint64_t line) {
    Incident incident;
    incident.what = text("what");
    if (incident.what.empty()) fail(line, "record \"incident\" lacks its text \"what\"");
    incident.process = builder_.process();
    incident.position = line;
    if (const auto* parties = record_.array("p")) {
      for (const auto& row : parties->rows) {
        if (row.size() != 4) fail(line, "each incident party must be [thread, lock, stack, role]");
        incident.parties.push_back({builder_.thread(row[0]), row[1] != 0 ? builder_.lock(row[1]) : 0,
                                    row[1] != 0, builder_.stack(row[2]),
                                    static_cast<std::uint32_t>(row[3])});
      }
    }
    if (incident.parties.empty()) fail(line, "record \"incident\" lacks its parties \"p\"");
    model_.incidents.push_back(std::move(incident));
  }

  void read_stack(std::uint64_t line) {
    Stack& stack = model_.stacks[builder_.stack(need(line, "id"))];
    stack.frames.clear();
    if (const auto* frames = record_.array("frames")) {
      for (const auto& row : frames->rows) {
        if (row.size() != 2) fail(line, "each frame must be [module, offset]");
        Frame f;
        f.module = builder_.module(row[0]);
        f.offset = row[1];
        stack.frames.push_back(std::move(f));
      }
    }
  }

  void read_lock(std::uint64_t line) {
    Lock& l = model_.locks[builder_.lock(need(line, "id"))];
    l.kind = text("kind");
    l.name = text("name");
    l.creation = builder_.stack(optional("s"));
    l.first_use = optional("first_use") != 0;
    if (const auto* address = record_.array("a"); address && address->rows.size() == 1 &&
                                                   address->rows[0].size() == 2) {
      l.address.module = builder_.module(address->rows[0][0]);
      l.address.offset = address->rows[0][1];
    }
    l.defined = true;
  }

  void read_thread(std::uint64_t line) {
    Thread& t = model_.threads[builder_.thread(need(line, "t"))];
    t.parent_tid = optional("parent");
    t.parent_segment = static_cast<std::uint32_t>(optional("pseg"));
    if (std::uint64_t stack = optional("s"); stack != 0) t.creation = builder_.stack(stack);
    t.started_known = true;
    if (const std::string* name = record_.text("name"); name && t.name.empty()) t.name = *name;
  }

  // A hold that the thread kept across a start or join began in an earlier segment: walk back
  // while the lock was held as each segment began.
  void date_holds() {
    if (held_across_.empty()) return;
    auto held_entering = [&](ThreadIndex t, std::uint32_t segment, LockIndex lock) {
      auto it = held_across_.find({t, segment});
      return it != held_across_.end() && std::binary_search(it->second.begin(), it->second.end(), lock);
    };
    for (std::size_t c = first_chain_; c < model_.chains.size(); ++c) {
      Chain& chain = model_.chains[c];
      for (HeldLock& h : chain.held)
        while (h.segment > 0 && held_entering(chain.thread, h.segment, h.lock)) --h.segment;
    }
  }

  // A process killed while threads were copying records into the mapped trace (trace_file.h)
  // leaves NUL bytes where they had not written yet: before a run of them is the start of a record
  // cut short, after the last run a whole record. `line` becomes that record (or empty).
  void skip_unwritten_bytes(std::string& line, std::uint64_t line_number, std::uint64_t& line_offset) {
    std::size_t piece = 0;
    while (piece < line.size()) {
      std::size_t nul = line.find('\0', piece);
      if (nul == std::string::npos) break;
      if (nul > piece && cut_records_++ == 0) {
        first_cut_line_ = line_number;
        first_cut_offset_ = line_offset + piece;
      }
      piece = line.find_first_not_of('\0', nul);
      if (piece == std::string::npos) piece = line.size();
    }
    line_offset += piece;
    line.erase(0, piece);
  }

  // What followed the NUL bytes of a line did not parse either: memcpy does not always store
  // front to back, so a copy the kill interrupted can leave its middle or tail without its head.
  void skip_torn_record(std::uint64_t line_number, std::uint64_t line_offset) {
    if (cut_records_++ == 0) {
      first_cut_line_ = line_number;
      first_cut_offset_ = line_offset;
    }
  }

  void finish() {
    date_holds();
    memory_.resolve(builder_);
    if (cut_records_ > 0)
      warn(first_cut_line_, std::to_string(cut_records_) + " record(s) cut short, the first at byte " +
                                std::to_string(first_cut_offset_) +
                                ": the process ended while writing them (killed); they are skipped");
    if (non_utf8_lines_ > 0)
      warn(first_non_utf8_line_, std::to_string(non_utf8_lines_) +
                                     " record(s) hold bytes that are not UTF-8 (in a thread, lock or "
                                     "path name); they are shown as \\xNN");
    const Process& p = model_.processes.back();
    if (!p.complete)
      model_.warnings.push_back(path_ + ": the trace has no end record: the process did not finish "
                                        "writing (killed, still running, or the file was cut)");
    std::size_t undefined = 0;
    for (const Lock& l : model_.locks)
      if (l.process == builder_.process() && !l.defined) ++undefined;
    if (undefined > 0)
      model_.warnings.push_back(path_ + ": " + std::to_string(undefined) +
                                " lock(s) are used but their creation was not recorded (created "
                                "before a fork, or the record was lost)");
  }

  std::string path_;
  TraceModel& model_;
  ModelBuilder builder_;
  FlatRecord record_;
  CompactRecord compact_;
  std::vector<LockIndex> held_scratch_;
  MemoryLog memory_;
  std::string kind_;
  int minor_ = 0;
  bool header_read_ = false;
  std::set<std::string> unknown_kinds_;
  std::size_t first_chain_ = model_.chains.size();
  std::uint64_t non_utf8_lines_ = 0, first_non_utf8_line_ = 0;
  std::uint64_t cut_records_ = 0, first_cut_line_ = 0, first_cut_offset_ = 0;
  std::map<std::pair<ThreadIndex, std::uint32_t>, std::vector<LockIndex>> held_across_;
};

}  // namespace

bool looks_like_lgtrace(const std::string& first_bytes) {
  return first_bytes.rfind("{\"k\":\"header\"", 0) == 0 ||
         (first_bytes.size() > 0 && first_bytes[0] == '{');
}

void read_lgtrace(const std::string& path, TraceModel& model, const LoadOptions& options) {
  LgtraceReader(path, model, options).read();
}

}  // namespace lockgraph::analysis
