// Does the program carry the lockgraph runtime itself? A program built with the lock wrappers
// and run under this library (`lockgraph run`, or LD_PRELOAD by hand) would otherwise be
// recorded by two runtimes at once. The runtime library exports `lockgraph_runtime_present`;
// this library's own copy of the runtime does not (exports.map), so the name is found only when
// the program (or one of its libraries) brought the runtime.
#include <dlfcn.h>
#include <unistd.h>

#include "interposer.h"

namespace lockgraph::preload {

std::atomic<Role> g_role{Role::kUndecided};

Role decide_role() noexcept {
  // dlsym may lock: whatever it locks passes through while the depth is raised.
  ++rt::tls_lock_path.depth;
  const bool program_has_runtime = ::dlsym(RTLD_DEFAULT, "lockgraph_runtime_present") != nullptr;
  // ThreadSanitizer's runtime (gcc's libtsan, or clang's linked into the program; lockgraph's
  // race runtime does not define this name) intercepts the same calls and runs threads of its
  // own: recording beside it would crash it, so this library only passes calls on (to its
  // interceptors when they come after this library: real_functions.h).
  const bool program_has_tsan = !program_has_runtime && ::dlsym(RTLD_DEFAULT, "__tsan_flush_memory") != nullptr;
  --rt::tls_lock_path.depth;
  Role role = program_has_runtime || program_has_tsan ? Role::kStandsAside : Role::kRecords;
  Role undecided = Role::kUndecided;
  if (g_role.compare_exchange_strong(undecided, role) && role == Role::kStandsAside) {
    static const char kOwnRuntime[] =
        "lockgraph: this program carries the lockgraph runtime (built with the wrappers or the race flags); the "
        "preload library stands aside and the program's own runtime records\n";
    static const char kTsan[] =
        "lockgraph: this program carries ThreadSanitizer's runtime (built with -fsanitize=thread); the preload "
        "library stands aside and records nothing (build with lockgraph's race flags instead to have lockgraph "
        "check it)\n";
    const char* note = program_has_runtime ? kOwnRuntime : kTsan;
    const std::size_t size = program_has_runtime ? sizeof kOwnRuntime - 1 : sizeof kTsan - 1;
    ssize_t ignored = ::write(STDERR_FILENO, note, size);
    (void)ignored;
  }
  return g_role.load(std::memory_order_relaxed);
}

namespace {
// Decided before main, so the note comes first; an interposed call made earlier decides it then.
[[gnu::constructor]] void decide_early() { (void)decide_role(); }
}  // namespace

}  // namespace lockgraph::preload
