// Sampling of the memory accesses of race-flag builds (race_sampler.cpp).
#pragma once

#include "lockgraph/lock_path.h"

namespace lockgraph::rt {

// Starts the sampler thread if race_sample=periods or race_budget_mb asks for it, or site
// sampling for race_sample=sites. Once a process.
void start_race_sampler() noexcept;

// race_sample=sites: whether this first access from a code site is left out. `site` is the
// site's entry in the thread's cache (site_entry), whose count keeps how many it has made.
bool site_sampled_out(ChainEntry& site) noexcept;

// In a fork child: the sampler thread is gone; recording goes on unpaused.
void race_sampler_forked() noexcept;

}  // namespace lockgraph::rt
