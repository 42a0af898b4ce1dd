// The ends of a process image that skip the runtime's atexit flush. _exit() and _Exit() end the
// process without atexit handlers: forked workers, lbzip2 and many servers end that way, and
// their traces kept only a header. exec() replaces the image. The runtime defines each: it writes
// what it recorded, then calls the next definition (libc's, or the program's own runtime's when
// this is the preload library's copy).
#include <dlfcn.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdarg>
#include <vector>

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

// exec() replaces the process image: what was recorded must reach the file first (the trace's
// descriptor is close-on-exec). The end record says "exec"; should the exec fail, the process
// goes on recording and its exit writes another end record. glibc's execvp and friends reach
// execve inside libc, past any interposer, so each entry point is defined here.
namespace {

template <class Function>
Function next_function(const char* name) {
  return reinterpret_cast<Function>(::dlsym(RTLD_NEXT, name));
}

// The arguments of execl, execlp and execle, up to their terminating null, as an argv array.
// `after_null` receives what follows the null (execle's envp).
std::vector<char*> collect_arguments(const char* first, va_list args, char* const** after_null = nullptr) {
  std::vector<char*> argv{const_cast<char*>(first)};
  while (char* next = va_arg(args, char*)) argv.push_back(next);
  argv.push_back(nullptr);
  if (after_null) *after_null = va_arg(args, char* const*);
  return argv;
}

using Execve = int (*)(const char*, char* const[], char* const[]);
using Execv = int (*)(const char*, char* const[]);
using Fexecve = int (*)(int, char* const[], char* const[]);

}  // namespace

extern "C" LOCKGRAPH_API int execve(const char* path, char* const argv[], char* const envp[]) {
  lockgraph::rt::flush_before_exec();
  return next_function<Execve>("execve")(path, argv, envp);
}

extern "C" LOCKGRAPH_API int execv(const char* path, char* const argv[]) {
  lockgraph::rt::flush_before_exec();
  return next_function<Execv>("execv")(path, argv);
}

extern "C" LOCKGRAPH_API int execvp(const char* file, char* const argv[]) {
  lockgraph::rt::flush_before_exec();
  return next_function<Execv>("execvp")(file, argv);
}

extern "C" LOCKGRAPH_API int execvpe(const char* file, char* const argv[], char* const envp[]) {
  lockgraph::rt::flush_before_exec();
  return next_function<Execve>("execvpe")(file, argv, envp);
}

extern "C" LOCKGRAPH_API int fexecve(int fd, char* const argv[], char* const envp[]) {
  lockgraph::rt::flush_before_exec();
  return next_function<Fexecve>("fexecve")(fd, argv, envp);
}

extern "C" LOCKGRAPH_API int execl(const char* path, const char* arg, ...) {
  va_list args;
  va_start(args, arg);
  std::vector<char*> argv = collect_arguments(arg, args);
  va_end(args);
  return execv(path, argv.data());
}

extern "C" LOCKGRAPH_API int execlp(const char* file, const char* arg, ...) {
  va_list args;
  va_start(args, arg);
  std::vector<char*> argv = collect_arguments(arg, args);
  va_end(args);
  return execvp(file, argv.data());
}

extern "C" LOCKGRAPH_API int execle(const char* path, const char* arg, ...) {
  va_list args;
  va_start(args, arg);
  char* const* envp = nullptr;
  std::vector<char*> argv = collect_arguments(arg, args, &envp);
  va_end(args);
  return execve(path, argv.data(), envp);
}
