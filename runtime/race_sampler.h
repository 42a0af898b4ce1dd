// Sampling of the memory accesses of race-flag builds (race_sampler.cpp).
#pragma once

namespace lockgraph::rt {

// Starts the sampler thread if race_sample=periods or race_budget_mb asks for it. Once a process.
void start_race_sampler() noexcept;

// In a fork child: the sampler thread is gone; recording goes on unpaused.
void race_sampler_forked() noexcept;

}  // namespace lockgraph::rt
