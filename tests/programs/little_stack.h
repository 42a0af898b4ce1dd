// Runs code on a thread with only a few kilobytes of stack left, for the tests of the runtime's
// own stack use (tests/programs/small_stack.cpp with the wrappers, plain_edge_cases.cpp's
// small_stack under the preload library): the runtime runs on the program's thread stacks, so it
// must fit in what a program may leave.
#pragma once

#include <alloca.h>
#include <pthread.h>

#include <cstddef>
#include <cstring>

namespace little_stack {

// The bytes of this thread's stack below the caller's frame (glibc: pthread_getattr_np gives the
// usable stack, above the guard page).
[[gnu::noinline]] inline std::size_t stack_left() {
  pthread_attr_t attr;
  if (pthread_getattr_np(pthread_self(), &attr) != 0) return 0;
  void* lowest = nullptr;
  std::size_t size = 0;
  pthread_attr_getstack(&attr, &lowest, &size);
  pthread_attr_destroy(&attr);
  char here;
  return static_cast<std::size_t>(&here - static_cast<char*>(lowest));
}

struct Job {
  std::size_t leave;
  void (*body)();
  bool ran = false;
};

inline void* run_job(void* arg) {
  auto* job = static_cast<Job*>(arg);
  std::size_t left = stack_left();
  if (left <= job->leave + 1024) return nullptr;
  std::size_t pad = left - job->leave - 512;  // 512: this frame and stack_left's
  char* used = static_cast<char*>(alloca(pad));
  std::memset(used, 1, pad);  // touched, so really in use
  asm volatile("" : : "r"(used) : "memory");
  job->body();
  asm volatile("" : : "r"(used) : "memory");  // the pad stays live across the call
  job->ran = true;
  return nullptr;
}

// Runs body() on a new thread with a 64 KB stack, `leave` bytes of it left free. False if the
// thread could not be started or its stack was too small to leave that much (a test would then
// prove nothing).
inline bool run_with_stack_left(std::size_t leave, void (*body)()) {
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  Job job{leave, body};
  pthread_t thread;
  bool started = pthread_create(&thread, &attr, run_job, &job) == 0;
  pthread_attr_destroy(&attr);
  if (started) pthread_join(thread, nullptr);
  return started && job.ran;
}

}  // namespace little_stack
