// Sampling of memory accesses for large programs (race_sample=periods, or race_budget_mb): a thread
// of the runtime's own pauses recording outside short periods. race_sample=sites instead records
// each code site's first accesses in each thread and then one in N, so code that runs rarely is
// always seen and a hot loop is thinned (periods may miss a site that ran only between two
// periods); it leaves synchronisation whole.
//
// A pause leaves out synchronisation too (a lock-heavy program's cost is its lock path, so a pause
// of accesses alone saved it little), and the analyzer pairs only accesses of one period. Why
// that stays exact for such pairs: the sampler moves the process through periods by changing one
// word (g_extra_records: the period's number and whether it records), and every thread decides
// each access, release and acquire by one read of it. Reads of one atomic object that are ordered
// by happens-before see its values in the order they were stored (read-read coherence), and a
// period's value is stored once. So if two accesses both read period P, every release and acquire
// on a happens-before chain between them read P as well, and was recorded: the trace orders the
// two exactly as the run did. A pair from different periods may be ordered by events a pause left
// out, so it is never reported: a sampled trace's races are those of the full run's pairs within
// one period (RaceDetector.SampledPeriodsFindThePeriodsRaces), never one more. Each thread writes a
// marker (a sync record on object kind 'p') at its first access of a period, which starts a new
// epoch: the analyzer knows each access's period, and the first-access filter forgets what it saw
// before. Thread starts, joins and heap lives are always recorded (they are rare, and a life's
// start must never be missed); a free in a pause is a write of the pause's, paired with nothing.
// The trace says it was sampled (a race_sample record), and so does every report.
#include "race_sampler.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include "lockgraph/lock_path.h"
#include "lockgraph/memory_access.h"
#include "lockgraph/trace_format.h"
#include "options.h"
#include "own_thread.h"
#include "trace_file.h"
#include "trace_writer.h"

namespace lockgraph::rt {

namespace {

// race_sample=sites: first accesses of a site and thread always recorded, then one in `every`
// (0: not sampling by sites). Set once, before the first access is recorded.
struct SiteSampling {
  std::uint32_t first = 0;
  std::uint32_t every = 0;
};
SiteSampling g_sites;

// Only this thread (and a fork child, race_sampler_forked) pauses and resumes; start_race_tracking
// never resumes a pause, so a period's value of the word is stored once. With race_sample_syncs=1
// a pause leaves synchronisation whole and stops accesses only: every pair may then be compared,
// and no period is numbered.
bool g_pause_syncs = true;
void pause_recording() {
  if (g_pause_syncs) g_extra_records.fetch_and(~kRaceRecords, std::memory_order_relaxed);
  else g_extra_records.fetch_or(kAccessesPaused, std::memory_order_relaxed);
}
void begin_period() {
  if (g_pause_syncs)
    g_extra_records.fetch_add((std::uint64_t{1} << kRacePeriodShift) | kRaceRecords, std::memory_order_relaxed);
  else
    g_extra_records.fetch_and(~kAccessesPaused, std::memory_order_relaxed);
}

// The race_sample record (the trace says how it was sampled): its fields after the kind.
void say_sampled(const char* fields) {
  char record[256];
  int n = std::snprintf(record, sizeof record, "{\"k\":\"%s\",%s}\n", trace::kind::kRaceSample, fields);
  write_records(std::string_view(record, static_cast<std::size_t>(n)));
}

// Runs on the runtime's own thread (own_thread.h).
void* sampler_main(void*) {
  ReentryGuard reentry;  // nothing this thread does is the program's
  const Options& opts = options();
  const bool from_start = opts.race_sample == "periods";
  if (!from_start) {
    const std::uint64_t budget = std::uint64_t(opts.race_budget_mb) << 20;
    while (trace_file_size() < budget) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (finalized()) return nullptr;
    }
  }
  g_pause_syncs = !opts.race_sample_syncs;
  char fields[192];
  std::snprintf(fields, sizeof fields,
                "\"mode\":\"periods\",\"on_ms\":%ld,\"every_ms\":%ld,\"since\":\"%s\",\"syncs\":\"%s\"",
                opts.race_sample_ms, opts.race_sample_every_ms, from_start ? "start" : "budget",
                g_pause_syncs ? "periods" : "always");
  say_sampled(fields);
  const auto on = std::chrono::milliseconds(opts.race_sample_ms);
  const auto off = std::chrono::milliseconds(opts.race_sample_every_ms - opts.race_sample_ms);
  if (off.count() > 0 && g_pause_syncs) g_extra_records.fetch_or(kRacePeriods, std::memory_order_relaxed);
  for (;;) {
    if (off.count() > 0) {
      pause_recording();
      std::this_thread::sleep_for(off);
      begin_period();
    }
    std::this_thread::sleep_for(on);
    if (finalized()) return nullptr;
  }
}

}  // namespace

void start_race_sampler() noexcept {
  const Options& opts = options();
  if (opts.race_sample == "sites") {
    g_sites = {static_cast<std::uint32_t>(opts.race_sample_site_first),
               static_cast<std::uint32_t>(opts.race_sample_site_every)};
    char fields[160];
    std::snprintf(fields, sizeof fields, "\"mode\":\"sites\",\"first\":%u,\"every\":%u", g_sites.first,
                  g_sites.every);
    say_sampled(fields);
    return;
  }
  if (opts.race_sample == "periods" || opts.race_budget_mb > 0) start_own_thread(sampler_main);
}

bool site_sampled_out(ChainEntry& site) noexcept {
  if (g_sites.every == 0) return false;
  // A site's entry is no chain, so its count is free to count the site's first accesses; only
  // the entry's own thread touches it.
  const std::uint32_t made = site.count.load(std::memory_order_relaxed);
  site.count.store(made + 1, std::memory_order_relaxed);
  return made >= g_sites.first && (made - g_sites.first) % g_sites.every != 0;
}

void race_sampler_forked() noexcept {
  // The sampler thread did not survive the fork: the child records everything, from a period of
  // its own if the parent was paused (the one thread left cannot race with the parent's).
  const std::uint64_t word = g_extra_records.load(std::memory_order_relaxed);
  if (accesses_paused(word)) begin_period();
}

}  // namespace lockgraph::rt
