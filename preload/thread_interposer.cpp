// pthread_create/join/detach/setname_np: what std::thread compiles to. The child runs a
// trampoline that tells the runtime its ticket (parent and the parent's segment) before the
// program's function; a table maps pthread_t to the runtime's thread id for join.
#include <pthread.h>

#include <atomic>
#include <cstdlib>

#include "interposer.h"
#include "real_functions.h"

using namespace lockgraph;
using lockgraph::preload::real;

namespace {

struct Start {
  void* (*function)(void*);
  void* argument;
  rt::ThreadTicket ticket;
};

void* trampoline(void* raw) {
  Start start = *static_cast<Start*>(raw);
  std::free(raw);
  rt::thread_started(start.ticket);
  return start.function(start.argument);
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
  auto* start = static_cast<Start*>(std::malloc(sizeof(Start)));
  if (!start) return real().create(thread, attr, function, argument);
  *start = {function, argument, rt::thread_forking()};
  rt::ThreadId child = start->ticket.child;
  int rc = real().create(thread, attr, trampoline, start);
  if (rc != 0) {
    std::free(start);
    return rc;
  }
  remember(*thread, child);
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

__attribute__((visibility("default"))) int pthread_setname_np(pthread_t thread, const char* name) {
  if (!preload::passes_through() && pthread_equal(thread, pthread_self())) rt::set_thread_name(name);
  return real().setname(thread, name);
}

}  // extern "C"
