// The interposers' role inside liblockgraph_races.so, the runtime of programs compiled with the
// race flags: every pthread lock, thread, condition variable, semaphore and barrier is recorded
// (as under preload), since plain code's happens-before comes from them. The program carries this
// runtime, so the preload library stands aside under `lockgraph run` (preload/own_runtime.cpp).
#include <dlfcn.h>

#include "../preload/interposer.h"
#include "lockgraph/memory_access.h"

namespace lockgraph::preload {

std::atomic<Role> g_role{Role::kRecords};

Role decide_role() noexcept { return Role::kRecords; }

namespace {
// Lock syncs are recorded from the start, and a trace is written even by a program that never
// takes a lock: "no race" is then said over a run that was recorded. Unless ThreadSanitizer's own
// runtime is in the process too (gcc's libtsan, or clang's linked into the program: both export
// __tsan_flush_memory, which lockgraph does not define and AddressSanitizer's runtime lacks).
[[gnu::constructor]] void start_recording() {
  if (::dlsym(RTLD_DEFAULT, "__tsan_flush_memory"))
    rt::races_blocked("ThreadSanitizer's own runtime is linked into this program as well as lockgraph's");
  else
    rt::races_enabled();
  rt::flush();
}
}  // namespace

}  // namespace lockgraph::preload
