// _exit() and _Exit() end the process without atexit handlers, so without the runtime's final
// flush: forked workers, lbzip2 and many servers end that way, and their traces kept only a
// header. The runtime defines both: it writes what it recorded, then calls the next definition
// (libc's, or the program's own runtime's when this is the preload library's copy).
#include <dlfcn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lockgraph/runtime.h"
#include "trace_writer.h"

namespace {

using ExitFunction = void (*)(int);

[[noreturn]] void call_next(const char* name, int status) {
  auto next = reinterpret_cast<ExitFunction>(::dlsym(RTLD_NEXT, name));
  if (next != nullptr) next(status);
  ::syscall(SYS_exit_group, status);
  __builtin_unreachable();
}

}  // namespace

extern "C" [[noreturn]] LOCKGRAPH_API void _exit(int status) {
  lockgraph::rt::flush_before_immediate_exit();
  call_next("_exit", status);
}

extern "C" [[noreturn]] LOCKGRAPH_API void _Exit(int status) noexcept {
  lockgraph::rt::flush_before_immediate_exit();
  call_next("_Exit", status);
}
