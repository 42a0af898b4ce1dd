// Bad input gets a clear error naming file and line; a trace cut at any byte loads up to the cut
// and never yields an edge that was not in the part kept.
#include <gtest/gtest.h>

#include <set>

#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/trace_error.h"
#include "lockgraph/analysis/trace_loader.h"
#include "lockgraph/trace_format.h"
#include "compact_line.h"
#include "support/sync_list.h"
#include "support/synthetic_trace.h"
#include "support/temp_dir.h"

namespace lockgraph::analysis {
namespace {

using lockgraph::testing::SyntheticTrace;
using lockgraph::testing::TempDir;

std::string load_error(const std::string& content) {
  TempDir dir;
  std::string path = dir.write("bad.lgtrace", content);
  try {
    load_traces({path});
  } catch (const TraceError& e) {
    std::string message = e.what();
    EXPECT_EQ(message.rfind(path, 0), 0u) << "the error must start with the file: " << message;
    return message.substr(path.size());
  }
  return "(no error)";
}

TEST(TraceReader, RejectsWhatIsNotATrace) {
  EXPECT_NE(load_error("hello world\n").find("not a trace"), std::string::npos);
  EXPECT_NE(load_error("").find("empty file"), std::string::npos);
  EXPECT_NE(load_error("{\"k\":\"lock\",\"id\":1}\n").find(":1: not a lockgraph trace"), std::string::npos);
}

// A name with bytes that are not UTF-8 (a thread named from a Latin-1 string, a path on a
// non-UTF-8 file system) used to make the whole trace unreadable: the record is kept, the bytes
// shown as \xNN, and a warning says so. A malformed line stays an error.
TEST(TraceReader, NamesThatAreNotUtf8AreKept) {
  SyntheticTrace t;
  t.lock(1, std::string("caf\xe9") + " lock").lock(2, "B").thread(1, 0, 0, std::string("w\xff\xfe"));
  t.chain(1, 2, {{1, 0}}).end();
  TempDir dir;
  TraceModel model = load_traces({dir.write("t.lgtrace", t.text())});
  ASSERT_EQ(model.locks.size(), 2u);
  EXPECT_EQ(model.locks[0].name, "caf\\xe9 lock");
  EXPECT_EQ(model.threads[0].name, "w\\xff\\xfe");
  EXPECT_EQ(model.chains.size(), 1u);
  bool warned = false;
  for (const auto& w : model.warnings) warned |= w.find("t.lgtrace:2: 2 record(s) hold bytes that are not UTF-8") != std::string::npos;
  EXPECT_TRUE(warned);
  // Well-formed multi-byte UTF-8 is left alone.
  SyntheticTrace u;
  u.lock(1, "\xc3\xa9t\xc3\xa9 \xe2\x9c\x93").end();
  TraceModel utf8 = load_traces({dir.write("u.lgtrace", u.text())});
  EXPECT_EQ(utf8.locks[0].name, "\xc3\xa9t\xc3\xa9 \xe2\x9c\x93");
  EXPECT_TRUE(utf8.warnings.empty());
  EXPECT_NE(load_error(u.text() + "{\"k\":\"lock\",\"id\":\xff}\n").find("malformed record"), std::string::npos);
}

// A process killed while records were being copied into its mapped trace leaves NUL bytes: after
// the last record (the rest of the file's last chunk) and where a thread was still copying one.
TEST(TraceReader, SkipsTheUnwrittenBytesOfAKilledProcess) {
  SyntheticTrace t;
  t.lock(1, "A").lock(2, "B");
  std::string cut = R"({"k":"chain","id":7,"t":1,"seg":0,"l":2,"f":0,"s":0,"he)";
  std::string text = t.text() + cut + std::string(40, '\0');
  SyntheticTrace rest;
  rest.thread(1, 0, 0, "w").chain(1, 2, {{1, 0}});
  text += rest.text().substr(rest.text().find('\n') + 1);  // without its header
  text += std::string(4096, '\0');
  TempDir dir;
  TraceModel model = load_traces({dir.write("killed.lgtrace", text)});
  EXPECT_EQ(model.locks.size(), 2u);
  EXPECT_EQ(model.chains.size(), 1u) << "the whole record after the cut one is read";
  EXPECT_FALSE(model.processes[0].complete);
  bool warned = false;
  for (const auto& w : model.warnings)
    warned |= w.find("1 record(s) cut short, the first at byte " + std::to_string(t.text().size())) !=
              std::string::npos;
  EXPECT_TRUE(warned);
  // Only NULs after the last record: nothing cut, nothing to warn about but the missing end.
  TraceModel tail = load_traces({dir.write("tail.lgtrace", t.text() + std::string(100, '\0'))});
  EXPECT_EQ(tail.locks.size(), 2u);
  EXPECT_EQ(tail.warnings.size(), 1u) << tail.warnings.front();
}

TEST(TraceReader, WarnsOfRecordsTheRuntimeCouldNotWrite) {
  SyntheticTrace t;
  t.lock(1, "A").line(R"({"k":"end","reason":"exit","write_error":"ENOSPC","lost_bytes":1234})");
  TempDir dir;
  TraceModel model = load_traces({dir.write("full.lgtrace", t.text())});
  ASSERT_EQ(model.warnings.size(), 1u);
  EXPECT_NE(model.warnings[0].find("could not write 1234 bytes of records (ENOSPC)"), std::string::npos)
      << model.warnings[0];
}

TEST(TraceReader, ARunWhoseRecordingWasBlockedIsNotChecked) {
  // A race-flag program linked with TSan's runtime too: the runtime says why it recorded nothing.
  SyntheticTrace t;
  t.line(R"({"k":"race_check","by":"instrumentation","blocked":"TSan's runtime is linked too"})")
      .line(R"({"k":"end","reason":"exit"})");
  TempDir dir;
  TraceModel model = load_traces({dir.write("blocked.lgtrace", t.text())});
  ASSERT_EQ(model.processes.size(), 1u);
  EXPECT_EQ(model.processes[0].recording_blocked, "TSan's runtime is linked too");
  EXPECT_FALSE(model.races_checked());
  EXPECT_TRUE(model.records_lost());
  ASSERT_EQ(model.warnings.size(), 1u);
  EXPECT_NE(model.warnings[0].find("recorded nothing of this program"), std::string::npos) << model.warnings[0];
  // Without the field, the same record means races were checked.
  SyntheticTrace checked;
  checked.line(R"({"k":"race_check","by":"instrumentation"})").line(R"({"k":"end","reason":"exit"})");
  TraceModel fine = load_traces({dir.write("checked.lgtrace", checked.text())});
  EXPECT_TRUE(fine.races_checked());
  EXPECT_FALSE(fine.records_lost());
}

TEST(TraceReader, RejectsAnotherMajorVersion) {
  std::string e = load_error(R"({"k":"header","magic":"lockgraph-trace","version":"2.0"})" "\n");
  EXPECT_NE(e.find(":1: trace format version 2.0 is not supported"), std::string::npos) << e;
}

TEST(TraceReader, NamesTheLineOfAMalformedRecord) {
  SyntheticTrace t;
  t.lock(1, "A").line("{\"k\":\"chain\",\"id\":1,").lock(2, "B");
  std::string e = load_error(t.text());
  EXPECT_NE(e.find(":3: malformed record"), std::string::npos) << e;
}

TEST(TraceReader, NamesAMissingField) {
  SyntheticTrace t;
  t.line(R"({"k":"chain","id":1,"t":2,"seg":0})");
  std::string e = load_error(t.text());
  EXPECT_NE(e.find(":2: record \"chain\" lacks the number \"l\""), std::string::npos) << e;
}

TEST(TraceReader, RejectsWrongTypes) {
  SyntheticTrace t;
  t.line(R"({"k":"lock","id":-4})");
  EXPECT_NE(load_error(t.text()).find("negative"), std::string::npos);
  SyntheticTrace u;
  u.line(R"({"k":"lock","id":{"x":1}})");
  EXPECT_NE(load_error(u.text()).find("nested object"), std::string::npos);
}

TEST(TraceReader, EventLinesAreCountedAndMalformedOnesStillRejected) {
  TempDir dir;
  SyntheticTrace good;
  good.line(R"({"k":"acq","q":1,"t":2,"c":3})").line(R"({"k":"rel","q":2,"t":2,"l":3})").end();
  EXPECT_EQ(load_traces({dir.write("good.lgtrace", good.text())}).events, 4u);
  // Same kinds with another key order still read (through the full parser).
  SyntheticTrace reordered;
  reordered.line(R"({"t":2,"k":"acq","c":3,"q":1})").end();
  EXPECT_EQ(load_traces({dir.write("reordered.lgtrace", reordered.text())}).events, 3u);
  for (const char* bad : {R"({"k":"acq","q":1,"t":2,"c":})", R"({"k":"acq","q":1,"t":2,"c":3}})",
                          R"({"k":"rel","q":-1,"t":2,"l":3})", R"({"k":"acq","q":1,"t":2,"c":3)"}) {
    SyntheticTrace t;
    t.line(bad).end();
    std::string e = load_error(t.text());
    EXPECT_NE(e.find(":2: malformed record"), std::string::npos) << bad << " -> " << e;
  }
}

// A trace of lock 10 and threads 1 and 2 (started by 1), with these lines.
TraceModel load_with_lock_and_two_threads(const std::vector<std::string>& lines) {
  SyntheticTrace t;
  t.lock(10, "L").thread(1, 0, 0).thread(2, 1, 0);
  for (const std::string& line : lines) t.line(line);
  TempDir dir;
  return load_traces({dir.write("run.lgtrace", t.end().text())});
}

// The same accesses, field by field, with the same held locks.
void expect_same_accesses(const TraceModel& compact, const TraceModel& json) {
  ASSERT_EQ(compact.accesses.size(), json.accesses.size());
  for (std::size_t i = 0; i < compact.accesses.size(); ++i) {
    const Access &c = compact.accesses[i], &j = json.accesses[i];
    EXPECT_EQ(c.thread, j.thread);
    EXPECT_EQ(c.epoch, j.epoch);
    EXPECT_EQ(c.write, j.write);
    EXPECT_EQ(c.atomic, j.atomic);
    EXPECT_EQ(c.frees, j.frees);
    EXPECT_EQ(c.bytes, j.bytes);
    EXPECT_EQ(c.variable, j.variable);
    EXPECT_EQ(compact.locksets[c.held], json.locksets[j.held]);
  }
}

// The compact lines of a race-flag build (trace_format.h) read as the JSON records they stand
// for: the same syncs, the same accesses (two threads, one lock held by the second).
TEST(TraceReader, CompactLinesReadAsTheRecordsTheyStandFor) {
  auto load = load_with_lock_and_two_threads;
  TraceModel json = load({R"({"k":"mem","t":1,"e":1,"a":4096,"z":8,"f":1,"s":0,"h":[]})",
                          R"({"k":"sync","t":2,"e":2,"q":26,"op":"a","ok":"l","o":10})",
                          R"({"k":"mem","t":2,"e":2,"a":4100,"z":4,"f":2,"s":0,"h":[10]})"});
  TraceModel compact = load({"M 1 1 1000 8 1 0", "S 2 2 1a al a", "M 2 2 1004 4 2 0 a"});
  const std::vector<SyncEvent> compact_syncs = testing::sync_list(compact.syncs);
  ASSERT_EQ(compact_syncs.size(), 1u);
  EXPECT_EQ(compact_syncs[0].sequence, 26u);
  EXPECT_FALSE(compact_syncs[0].release);
  EXPECT_EQ(compact_syncs[0].object, testing::sync_list(json.syncs).at(0).object);
  ASSERT_EQ(compact.accesses.size(), 2u);
  expect_same_accesses(compact, json);
  const auto& held = compact.locksets[compact.accesses[1].held];
  ASSERT_EQ(held.size(), 1u);
  EXPECT_EQ(compact.locks[held[0]].id, 10u);
}

// Since 1.6 a relaxed store after a release fence is a release, on its address, of the epochs
// before the fence's: it names the fence's epoch and begins none of its own.
TEST(TraceReader, AFencedReleaseIsAnAddressReleaseOfTheFencesEpoch) {
  auto load = load_with_lock_and_two_threads;
  TraceModel json = load({R"({"k":"sync","t":1,"e":3,"q":7,"op":"a","ok":"f","o":0})",
                          R"({"k":"sync","t":1,"e":3,"q":9,"op":"r","ok":"F","o":4096})"});
  TraceModel compact = load({"S 1 3 7 af 0", "S 1 3 9 rF 1000"});
  for (const TraceModel* model : {&json, &compact}) {
    const std::vector<SyncEvent> syncs = testing::sync_list(model->syncs);
    ASSERT_EQ(syncs.size(), 2u);
    const SyncEvent& fence = syncs[0];
    const SyncEvent& store = syncs[1];
    EXPECT_FALSE(fence.release);
    EXPECT_FALSE(fence.fenced);
    EXPECT_TRUE(store.release);
    EXPECT_TRUE(store.fenced);
    EXPECT_EQ(store.epoch, 3u);
    EXPECT_EQ(store.sequence, 9u);
    EXPECT_EQ(store.object, (std::uint64_t{'a'} << 56) ^ 4096);  // the address, as any release on it
  }
}

// Since 1.4 allocations and frees have compact lines too, and held locks may be marked shared: a
// heap block's life and its free (a write of all of it, under a lock held shared) read the same.
TEST(TraceReader, CompactAllocationsAndFreesReadAsTheirRecords) {
  auto load = load_with_lock_and_two_threads;
  TraceModel json = load({R"({"k":"alloc","t":1,"e":1,"q":5,"a":4096,"z":16,"s":0})",
                          R"({"k":"mem","t":1,"e":1,"a":4096,"z":8,"f":1,"s":0,"h":[]})",
                          R"({"k":"free","t":2,"e":3,"q":9,"a":4096,"z":16,"s":0,"h":[9223372036854775818]})"});
  TraceModel compact = load({"A 1 1 5 1000 10 0 0", "M 1 1 1000 8 1 0", "F 2 3 9 1000 10 0 800000000000000a"});
  ASSERT_EQ(compact.accesses.size(), 2u);  // the write and the free, on the block's one life
  expect_same_accesses(compact, json);
  const Access& free = compact.accesses[1];
  ASSERT_TRUE(free.frees);
  ASSERT_EQ(compact.locksets[free.held].size(), 1u);
  const LockIndex held = compact.locksets[free.held][0];
  EXPECT_TRUE(LockSets::is_shared(held));
  EXPECT_EQ(compact.locks[LockSets::lock_of(held)].id, 10u);
}

TEST(TraceReader, NamesWhatIsWrongWithACompactLine) {
  const std::pair<const char*, const char*> cases[] = {
      {"S 1 2 3 xl 1", "field 4 of a sync line must be two letters"},
      {"S 1 2 3 rl", "a sync line has 5 fields"},
      {"M 1 2 3 4 5", "a memory line has at least 6 fields"},
      {"M 1 2 1G 8 1 0", "field 3 must be lowercase hex digits"},
      {"M 1 2  8 1 0 0", "field 3 must be 1 to 16 lowercase hex digits"},
      {"M 1 2 10000000000000000 8 1 0", "field 3 must be 1 to 16"},
      {"M 1 2 ffffffffffffffff 8 1 0", "lies outside the address space"},
      {"A 1 2 3 1000 8 0", "an allocation line has 7 fields"},
      {"A 1 2 3 1000 8 0 0 0", "an allocation line has 7 fields"},
      {"F 1 2 3 1000 8", "a free line has at least 6 fields"},
      {"F 1 2 3 ffffffffffffffff 8 0", "lies outside the address space"},
      {"S 1 2 3 aF 1000", "a fenced release (object kind \"F\") needs op \"r\""},
      {"S 1 2 4000000000000000 rl 1", "sequence number \"q\" must be below 2^62"},
  };
  for (const auto& [line, expected] : cases) {
    SyntheticTrace t;
    t.line(line).end();
    std::string e = load_error(t.text());
    EXPECT_NE(e.find(":2: "), std::string::npos) << line << " -> " << e;
    EXPECT_NE(e.find(expected), std::string::npos) << line << " -> " << e;
  }
}

// A compact line cut between two digits may still parse: without its newline it is never read.
// One torn by a kill (NUL bytes, then a piece of it) is skipped with the cut records' warning.
TEST(TraceReader, CutOrTornCompactLinesAreSkippedWithAWarning) {
  TempDir dir;
  SyntheticTrace t;
  t.thread(1, 0, 0).thread(2, 1, 0).line("M 1 1 1000 8 1 0");
  TraceModel cut = load_traces({dir.write("cut.lgtrace", t.text() + "M 2 1 1000 8 1 1")});
  EXPECT_TRUE(cut.accesses.empty()) << "the cut line must not make a race";
  ASSERT_FALSE(cut.warnings.empty());
  EXPECT_NE(cut.warnings[0].find("ends mid-record"), std::string::npos) << cut.warnings[0];
  std::string torn = t.text() + "M 2 1 10" + std::string(12, '\0') + "0 8 1 1\n";
  TraceModel skipped = load_traces({dir.write("torn.lgtrace", torn + "{\"k\":\"end\",\"reason\":\"exit\"}\n")});
  EXPECT_TRUE(skipped.accesses.empty());
  EXPECT_TRUE(skipped.processes[0].complete) << "the records after the torn one are read";
  bool warned = false;
  for (const auto& w : skipped.warnings) warned |= w.find("record(s) cut short") != std::string::npos;
  EXPECT_TRUE(warned);
}

// The runtime's packed lines (trace_format.h, namespace packed): read as their hex twins; and a
// copy a kill interrupted (any head and any tail of the line, NULs between, as memcpy may store
// either end first) never reads as a record, whatever its bytes: only a whole line does.
TEST(TraceReader, PackedLinesReadWholeAndNeverTorn) {
  TempDir dir;
  SyntheticTrace t;
  t.lock(0xd, "L").thread(1, 0, 0).thread(2, 1, 0).line("M 1 1 7ffd12345678 8 1 0");
  char out[7 * rt::CompactLine::kNumberRoom + 2];
  // Thread 2 writes the same 8 bytes at stack 0x13 and holding lock 0xd: packed, the bytes 'S'
  // and 'M' (0x40 | n), as a hex line's letters would be.
  const std::size_t length = rt::CompactLine(out, sizeof out, trace::packed::kMemory)
                                 .number(2).number(1).number(0x7ffd12345678).number(8).number(1)
                                 .number(0x13).number(0xd).end();
  const std::string line(out, length);
  const std::string end = "{\"k\":\"end\",\"reason\":\"exit\"}\n";
  TraceModel whole = load_traces({dir.write("whole.lgtrace", t.text() + line + end)});
  ASSERT_EQ(whole.accesses.size(), 2u);
  EXPECT_TRUE(whole.warnings.empty()) << whole.warnings.front();
  EXPECT_EQ(whole.accesses.size(), load_traces({dir.write("hex.lgtrace", t.text() + "M 2 1 7ffd12345678 8 1 13 d\n" + end)}).accesses.size());
  const std::size_t without = load_traces({dir.write("without.lgtrace", t.text() + end)}).accesses.size();
  for (std::size_t head = 0; head + 1 < length; ++head)
    for (std::size_t tail = head + 1; tail < length; ++tail) {
      const std::string torn = line.substr(0, head) + std::string(tail - head, '\0') + line.substr(tail);
      TraceModel model = load_traces({dir.write("torn.lgtrace", t.text() + torn + end)});
      ASSERT_EQ(model.accesses.size(), without) << "head " << head << ", tail from " << tail;
      EXPECT_TRUE(model.processes[0].complete) << "the records after the torn one are read";
    }
}

TEST(TraceReader, SkipsUnknownKindsWithAWarning) {
  TempDir dir;
  SyntheticTrace t;
  t.line(R"({"k":"future_thing","x":1})").end();
  TraceModel model = load_traces({dir.write("t.lgtrace", t.text())});
  ASSERT_EQ(model.warnings.size(), 1u);
  EXPECT_NE(model.warnings[0].find(":2: unknown record kind \"future_thing\" skipped"), std::string::npos);
}

TEST(TraceReader, MissingFileAndEmptyDirectoryAreClearErrors) {
  TempDir dir;
  EXPECT_THROW(load_traces({dir.file("nope.lgtrace")}), TraceError);
  EXPECT_THROW(load_traces({dir.path().string()}), TraceError);
}

std::set<std::pair<std::uint64_t, std::uint64_t>> edges_of(const TraceModel& model) {
  std::set<std::pair<std::uint64_t, std::uint64_t>> edges;
  for (const Chain& c : model.chains)
    for (const HeldLock& h : c.held) edges.insert({model.locks[h.lock].id, model.locks[c.lock].id});
  return edges;
}

TEST(TraceReader, ACutAtEveryByteLoadsUpToTheCut) {
  SyntheticTrace t;
  t.lock(1, "A").lock(2, "B").lock(3, "C").thread(2, 1, 0).thread(3, 1, 1);
  t.chain(2, 2, {{1, 0}}).chain(2, 3, {{1, 0}, {2, 0}}).chain(3, 1, {{3, 0}}).end();
  const std::string full = t.text();
  TempDir dir;
  auto all_edges = edges_of(load_traces({dir.write("full.lgtrace", full)}));
  ASSERT_EQ(all_edges.size(), 4u);
  std::size_t header_end = full.find('\n');
  for (std::size_t cut = 1; cut < full.size(); ++cut) {
    std::string kept = full.substr(0, cut);
    std::string path = dir.write("cut.lgtrace", kept);
    if (cut < header_end) {
      EXPECT_THROW(load_traces({path}), TraceError) << "cut " << cut;
      continue;
    }
    TraceModel model = load_traces({path});
    bool only_newline_lost = cut == full.size() - 1;
    EXPECT_EQ(model.warnings.empty(), only_newline_lost) << "a cut trace must say so, cut " << cut;
    // Edges from the kept lines only: every chain line completely inside the cut.
    auto edges = edges_of(model);
    for (const auto& e : edges) EXPECT_TRUE(all_edges.count(e)) << "cut " << cut;
    std::size_t complete_chain_lines = 0, pos = 0;
    while ((pos = kept.find("\"k\":\"chain\"", pos)) != std::string::npos) {
      if (kept.find('}', pos) != std::string::npos) ++complete_chain_lines;
      ++pos;
    }
    EXPECT_EQ(model.chains.size(), complete_chain_lines) << "cut " << cut;
  }
}

}  // namespace
}  // namespace lockgraph::analysis
