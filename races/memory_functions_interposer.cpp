// memcpy, memmove and memset called by the program: libc is not instrumented, so without this a
// copy into shared memory would be invisible (gcc calls libc for most of them; newer clang calls
// __tsan_memcpy instead). The ranges go through the entry points linked into the program (the one
// first-access filter), found as weak references: a program linked without them (not built with
// the race flags) just copies.
#include <dlfcn.h>

#include <cstddef>
#include <cstdint>

#include "../runtime/stack_capture.h"
#include "lockgraph/lock_path.h"

extern "C" {
void __tsan_read_range_pc(void*, unsigned long, void*) __attribute__((weak));
void __tsan_write_range_pc(void*, unsigned long, void*) __attribute__((weak));
}

namespace {

using Copy = void* (*)(void*, const void*, std::size_t);
using Fill = void* (*)(void*, int, std::size_t);
Copy g_memcpy = nullptr;
Copy g_memmove = nullptr;
Fill g_memset = nullptr;

// Looked up before main; the loader's own copies do not come through here. The runtime's extent
// is found here too, so that no copy has to find it.
[[gnu::constructor(101)]] void find_real_functions() {
  g_memcpy = reinterpret_cast<Copy>(::dlsym(RTLD_NEXT, "memcpy"));
  g_memmove = reinterpret_cast<Copy>(::dlsym(RTLD_NEXT, "memmove"));
  g_memset = reinterpret_cast<Fill>(::dlsym(RTLD_NEXT, "memset"));
  (void)lockgraph::rt::in_runtime_object(0);
}

// Only the program's calls: not the runtime's (raised depth, or a call from this library).
bool program_call(const void* caller) {
  return lockgraph::rt::tls_lock_path.depth == 0 && __tsan_read_range_pc != nullptr &&
         __tsan_write_range_pc != nullptr &&
         !lockgraph::rt::in_runtime_object(reinterpret_cast<std::uintptr_t>(caller));
}

// Before the lookup (other libraries' constructors): a plain loop, which the compiler must not turn
// back into a memcpy call.
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void* copy_bytes(void* to, const void* from,
                                                                      std::size_t size) {
  auto* d = static_cast<volatile unsigned char*>(to);
  auto* s = static_cast<const unsigned char*>(from);
  if (d < s)
    for (std::size_t i = 0; i < size; ++i) d[i] = s[i];
  else
    for (std::size_t i = size; i-- > 0;) d[i] = s[i];
  return to;
}
[[gnu::optimize("no-tree-loop-distribute-patterns")]] void* fill_bytes(void* to, int value, std::size_t size) {
  auto* d = static_cast<volatile unsigned char*>(to);
  for (std::size_t i = 0; i < size; ++i) d[i] = static_cast<unsigned char>(value);
  return to;
}

}  // namespace

#define LG_EXPORT extern "C" __attribute__((visibility("default")))

LG_EXPORT void* memcpy(void* to, const void* from, std::size_t size) {
  if (size != 0 && program_call(__builtin_return_address(0))) {
    __tsan_read_range_pc(const_cast<void*>(from), size, __builtin_return_address(0));
    __tsan_write_range_pc(to, size, __builtin_return_address(0));
  }
  return g_memcpy ? g_memcpy(to, from, size) : copy_bytes(to, from, size);
}

LG_EXPORT void* memmove(void* to, const void* from, std::size_t size) {
  if (size != 0 && program_call(__builtin_return_address(0))) {
    __tsan_read_range_pc(const_cast<void*>(from), size, __builtin_return_address(0));
    __tsan_write_range_pc(to, size, __builtin_return_address(0));
  }
  return g_memmove ? g_memmove(to, from, size) : copy_bytes(to, from, size);
}

LG_EXPORT void* memset(void* to, int value, std::size_t size) {
  if (size != 0 && program_call(__builtin_return_address(0))) __tsan_write_range_pc(to, size, __builtin_return_address(0));
  return g_memset ? g_memset(to, value, size) : fill_bytes(to, value, size);
}
