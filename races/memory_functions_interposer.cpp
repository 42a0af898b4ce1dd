// memcpy, memmove and memset called by the program: libc is not instrumented, so without this a
// copy into shared memory would be invisible (gcc calls libc for most of them; newer clang calls
// __tsan_memcpy instead). The ranges go through the entry points linked into the program (the one
// first-access filter), found as weak references: a program linked without them (not built with
// the race flags) just copies.
#include <dlfcn.h>
#include <link.h>

#include <cstddef>
#include <cstdint>

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

// Looked up before main; the loader's own copies do not come through here.
[[gnu::constructor(101)]] void find_real_functions() {
  g_memcpy = reinterpret_cast<Copy>(::dlsym(RTLD_NEXT, "memcpy"));
  g_memmove = reinterpret_cast<Copy>(::dlsym(RTLD_NEXT, "memmove"));
  g_memset = reinterpret_cast<Fill>(::dlsym(RTLD_NEXT, "memset"));
}

// This library's own extent: its calls are the runtime's, never the program's.
std::uintptr_t g_own_begin = 0, g_own_end = 0;
[[gnu::constructor(101)]] void find_own_extent() {
  Dl_info info{};
  if (!::dladdr(reinterpret_cast<void*>(&find_own_extent), &info)) return;
  ::dl_iterate_phdr(
      [](dl_phdr_info* phdr, std::size_t, void* base) -> int {
        if (reinterpret_cast<void*>(phdr->dlpi_addr) != base) return 0;
        for (int i = 0; i < phdr->dlpi_phnum; ++i) {
          const auto& segment = phdr->dlpi_phdr[i];
          if (segment.p_type != PT_LOAD) continue;
          std::uintptr_t start = phdr->dlpi_addr + segment.p_vaddr, end = start + segment.p_memsz;
          if (g_own_begin == 0 || start < g_own_begin) g_own_begin = start;
          if (end > g_own_end) g_own_end = end;
        }
        return 1;
      },
      info.dli_fbase);
}

// Only the program's calls: not the runtime's (raised depth, or a call from this library).
bool program_call(const void* caller) {
  auto at = reinterpret_cast<std::uintptr_t>(caller);
  return lockgraph::rt::tls_lock_path.depth == 0 && __tsan_read_range_pc != nullptr &&
         __tsan_write_range_pc != nullptr && !(at >= g_own_begin && at < g_own_end);
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
