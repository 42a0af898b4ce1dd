// The cached call-frame-information walker against LLVM libunwind, the reference: from the same
// function, both must list the same callers, through plain frames, frames with a frame pointer
// and alloca, deep recursion, a thread's outermost frames, and twice (the second walk from the
// cache). Where the walker gives up (a signal frame) it must say so, not guess.
#include <gtest/gtest.h>

#include <alloca.h>
#include <signal.h>

#include <algorithm>
#include <cstring>
#include <thread>
#include <vector>

#include "cfi_unwinder.h"
#include "stack_capture.h"

namespace lockgraph::rt {
namespace {

struct Walks {
  std::vector<std::uintptr_t> walker, reference;
  int walker_result = 0;
};

// Both walks from the same frame; each is cut to start at this function's return address.
[[gnu::noinline]] Walks walk_both() {
  std::uintptr_t frames[512];
  Walks out;
  out.walker_result = cfi_walk(current_registers(), frames, 512);
  if (out.walker_result > 0) out.walker.assign(frames, frames + out.walker_result);
  // In this test binary every frame is "own" (the runtime is linked in): take the raw walk.
  std::size_t n = walk_libunwind(frames, 512);
  out.reference.assign(frames, frames + n);
  auto here = reinterpret_cast<std::uintptr_t>(__builtin_return_address(0));
  for (auto* list : {&out.walker, &out.reference}) {
    auto at = std::find(list->begin(), list->end(), here);
    list->erase(list->begin(), at);
  }
  return out;
}

void expect_same(const Walks& w) {
  ASSERT_GT(w.walker_result, 0);
  ASSERT_FALSE(w.reference.empty());
  ASSERT_FALSE(w.walker.empty()) << "the walker lost this function's caller";
  EXPECT_EQ(w.walker, w.reference);
}

[[gnu::noinline]] Walks recurse(int depth) {
  volatile char pad[64];
  pad[depth % 64] = 1;
  Walks w = depth == 0 ? walk_both() : recurse(depth - 1);
  pad[0] = pad[depth % 64];
  return w;
}

// A variable-size frame: the compiler addresses the frame (and defines the CFA) through rbp.
[[gnu::noinline]] Walks with_alloca(std::size_t n) {
  volatile char* buffer = static_cast<volatile char*>(alloca(n));
  buffer[0] = 1;
  Walks w = recurse(3);
  buffer[n - 1] = buffer[0];
  return w;
}

TEST(CfiUnwinder, MatchesLibunwindThroughRecursion) {
  for (int depth : {0, 1, 5, 40}) expect_same(recurse(depth));
}

TEST(CfiUnwinder, MatchesLibunwindThroughAFramePointerFrame) {
  expect_same(with_alloca(100));
  expect_same(with_alloca(5000));
}

TEST(CfiUnwinder, MatchesLibunwindOnAThreadAndAgainFromTheCache) {
  std::thread([] {
    expect_same(recurse(2));
    expect_same(recurse(2));
  }).join();
}

Walks g_in_handler;
void on_signal(int) { g_in_handler = recurse(1); }

TEST(CfiUnwinder, GivesUpAtASignalFrameOrAgrees) {
  struct sigaction action {}, previous {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  ASSERT_EQ(::sigaction(SIGUSR1, &action, &previous), 0);
  ::raise(SIGUSR1);
  ::sigaction(SIGUSR1, &previous, nullptr);
  if (g_in_handler.walker_result >= 0) {
    expect_same(g_in_handler);
  } else {
    EXPECT_EQ(g_in_handler.walker_result, -1);
    EXPECT_FALSE(g_in_handler.reference.empty());
  }
}

TEST(CfiUnwinder, StopsAtTheFrameLimit) {
  std::uintptr_t frames[3];
  EXPECT_EQ(cfi_walk(current_registers(), frames, 3), 3);
}

}  // namespace
}  // namespace lockgraph::rt
