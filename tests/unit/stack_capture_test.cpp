// How much of the calling thread's stack a capture takes. The runtime captures stacks on the
// threads of the program it checks, which may have been started with small stacks (down to
// PTHREAD_STACK_MIN, 16 KB): a capture that kept its frame arrays on the stack (7 KB of them, as
// it once did) crashed such a thread where the program alone ran fine, and made every new thread
// fault in two more stack pages.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <thread>

#include "stack_depot.h"

namespace lockgraph::rt {
namespace {

constexpr unsigned char kPaint = 0xA5;
constexpr std::size_t kPainted = 32 * 1024;

// Fills the kPainted bytes of stack below the caller's frame with kPaint and returns their
// lowest address (hidden from the compiler, which would otherwise treat it as dangling).
[[gnu::noinline]] unsigned char* paint_stack_below() {
  unsigned char area[kPainted];
  std::memset(area, kPaint, sizeof area);
  auto address = reinterpret_cast<std::uintptr_t>(area);
  asm volatile("" : "+r"(address) : : "memory");
  return reinterpret_cast<unsigned char*>(address);
}

// How far below `top` the stack was written since it was painted from `lowest` up.
[[gnu::noinline]] std::size_t deepest_use(const unsigned char* lowest, const unsigned char* top) {
  const volatile unsigned char* p = lowest;
  while (p < top && *p == kPaint) ++p;
  return static_cast<std::size_t>(top - const_cast<const unsigned char*>(p));
}

TEST(StackCapture, TakesLittleOfTheCallersStack) {
#ifdef LOCKGRAPH_SANITIZED
  GTEST_SKIP() << "sanitizer builds give every frame redzones; the budget is for real builds";
#endif
  auto scratch = std::make_unique<StackScratch>();
  std::size_t used = 0;
  std::thread([&] {
    std::string records;
    capture_and_intern_stack(records, *scratch);  // first use: resolves symbols, fills caches
    volatile unsigned char marker = 0;
    const auto* top = const_cast<const unsigned char*>(&marker);
    unsigned char* lowest = paint_stack_below();
    capture_and_intern_stack(records, *scratch);
    used = deepest_use(lowest, top);
  }).join();
  // The walk itself takes about 1.2 KB (g++ 12 -O2); a 2 KB frame array on the stack would show.
  EXPECT_GT(used, 0u);
  EXPECT_LT(used, 2048u) << "a capture took " << used << " bytes of its caller's stack";
}

}  // namespace
}  // namespace lockgraph::rt
