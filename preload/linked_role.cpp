// The interposers' role inside the runtime library that programs link (lockgraph::runtime): they
// record what no wrapper sees (std::thread, std::condition_variable, semaphores, barriers) and
// leave the program's locks to the wrappers. The preload library decides its role instead
// (own_runtime.cpp).
#include "interposer.h"

namespace lockgraph::preload {

std::atomic<Role> g_role{Role::kLinked};

Role decide_role() noexcept { return Role::kLinked; }

namespace {
// A linked program writes a trace even if it never takes a lock or starts a thread: "clean" is
// then said over a run that was recorded, not over a missing file.
[[gnu::constructor]] void start_recording() { rt::flush(); }
}  // namespace

}  // namespace lockgraph::preload
