// pthread_create/join/detach/setname_np: what std::thread compiles to (and C11's thrd_*). The child runs a
// trampoline that tells the runtime its ticket (parent and the parent's segment) before the
// program's function; a table maps pthread_t to the runtime's thread id for join.
#include <pthread.h>
#include <threads.h>

#include <atomic>
#include <cstdlib>

#include "interposer.h"
#include "real_functions.h"

using namespace lockgraph;
using lockgraph::preload::real;

namespace {

// What the child runs, with the ticket it hands the runtime first. `Function` is a pthread start
// routine (void* (*)(void*)) or a C11 one (int (*)(void*)).
template <class Function>
struct Start {
  Function function;
  void* argument;
  rt::ThreadTicket ticket;
};

template <class Result>
Result trampoline(void* raw) {
  auto start = *static_cast<Start<Result (*)(void*)>*>(raw);
  rt::thread_started(start.ticket);  // first: the thread's state is made with the ticket's id
  {
    rt::ReentryGuard own;  // the runtime's memory, not the program's (race-flag builds see frees)
    std::free(raw);
  }
  return start.function(start.argument);
}

// Starts a thread through `create(function, argument)` (the real pthread_create or thrd_create,
// whose result means success when it is `ok`) with the trampoline in front, and sets `child` to
// the new thread's trace id (0 if it was not recorded).
template <class Result, class Create>
int start_thread(Result (*function)(void*), void* argument, int ok, rt::ThreadId& child, Create create) {
  using Record = Start<Result (*)(void*)>;
  child = 0;
  Record* start;
  {
    rt::ReentryGuard own;  // the runtime's memory, not the program's
    start = static_cast<Record*>(std::malloc(sizeof(Record)));
  }
  if (!start) return create(function, argument);
  *start = {function, argument, rt::thread_forking()};
  child = start->ticket.child;  // read now: the new thread frees `start`
  int rc = create(&trampoline<Result>, start);
  if (rc != ok) {
    rt::ReentryGuard own;
    std::free(start);
    child = 0;
  }
  return rc;
}

// pthread_t -> runtime thread id, for the join. Lock-free; a full table only loses join order.
constexpr std::size_t kThreads = 4096;
struct Entry {
  std::atomic<pthread_t> handle{0};
  std::atomic<rt::ThreadId> tid{0};
};
Entry g_threads[kThreads];

void remember(pthread_t handle, rt::ThreadId tid) {
  std::size_t start = std::hash<pthread_t>{}(handle) % kThreads;
  for (std::size_t i = 0; i < kThreads; ++i) {
    Entry& e = g_threads[(start + i) % kThreads];
    pthread_t expected = 0;
    if (e.handle.compare_exchange_strong(expected, handle)) {
      e.tid.store(tid, std::memory_order_release);
      return;
    }
  }
}

rt::ThreadId take(pthread_t handle) {
  std::size_t start = std::hash<pthread_t>{}(handle) % kThreads;
  for (std::size_t i = 0; i < kThreads; ++i) {
    Entry& e = g_threads[(start + i) % kThreads];
    if (e.handle.load(std::memory_order_acquire) != handle) continue;
    rt::ThreadId tid = e.tid.exchange(0, std::memory_order_acq_rel);
    e.handle.store(0, std::memory_order_release);
    return tid;
  }
  return 0;
}

}  // namespace

extern "C" {

__attribute__((visibility("default"))) int pthread_create(pthread_t* thread, const pthread_attr_t* attr,
                                                          void* (*function)(void*), void* argument) {
  if (preload::passes_through()) return real().create(thread, attr, function, argument);
  rt::ThreadId child;
  int rc = start_thread(function, argument, 0, child,
                        [&](void* (*f)(void*), void* a) { return real().create(thread, attr, f, a); });
  if (child != 0) remember(*thread, child);
  return rc;
}

__attribute__((visibility("default"))) int pthread_join(pthread_t thread, void** result) {
  int rc = real().join(thread, result);
  if (rc == 0 && !preload::passes_through())
    if (rt::ThreadId child = take(thread)) rt::thread_joined(child);
  return rc;
}

__attribute__((visibility("default"))) int pthread_detach(pthread_t thread) {
  if (!preload::passes_through()) take(thread);
  return real().detach(thread);
}

// C11 <threads.h>: glibc's thrd_* call its pthread functions internally, unseen above.
__attribute__((visibility("default"))) int thrd_create(thrd_t* thread, thrd_start_t function, void* argument) {
  if (preload::passes_through()) return real().thrd_create(thread, function, argument);
  rt::ThreadId child;
  int rc = start_thread(function, argument, thrd_success, child,
                        [&](int (*f)(void*), void* a) { return real().thrd_create(thread, f, a); });
  if (child != 0) remember(*thread, child);
  return rc;
}

__attribute__((visibility("default"))) int thrd_join(thrd_t thread, int* result) {
  int rc = real().thrd_join(thread, result);
  if (rc == thrd_success && !preload::passes_through())
    if (rt::ThreadId child = take(thread)) rt::thread_joined(child);
  return rc;
}

__attribute__((visibility("default"))) int thrd_detach(thrd_t thread) {
  if (!preload::passes_through()) take(thread);
  return real().thrd_detach(thread);
}

__attribute__((visibility("default"))) int pthread_setname_np(pthread_t thread, const char* name) {
  if (!preload::passes_through() && pthread_equal(thread, pthread_self())) rt::set_thread_name(name);
  return real().setname(thread, name);
}

}  // extern "C"
