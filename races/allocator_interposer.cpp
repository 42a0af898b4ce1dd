// The heap, as race detection needs it: a block that is freed and allocated again is a new object,
// not the old one shared (without this, reused memory looks like a race between its two owners:
// false races in 9 of 24 runs measured, ../shared/design-races.md). free is a write of the whole
// block (freeing memory another thread still uses is a race), then the block's history ends.
// Not synchronisation: ordering a block's successive owners through the allocator hid a real race
// in 14 of 24 runs.
//
// glibc's own entry points (__libc_malloc, ...) are the real functions: no lookup, no allocation.
#include <malloc.h>
#include <cerrno>
#include <cstddef>

#include "lockgraph/memory_access.h"

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void __libc_free(void*);
void* __libc_memalign(std::size_t, std::size_t);
void* __libc_valloc(std::size_t);
void* __libc_pvalloc(std::size_t);
}

namespace {

// Allocation sites are not recorded (pc null): one unwinding per malloc would cost more than the
// allocation, and a site known only by malloc's caller is operator new's for every C++ object.
void* allocated(void* block, const void*) {
  if (block) lockgraph::rt::block_allocated(block, ::malloc_usable_size(block), nullptr);
  return block;
}

void freeing(void* block, const void* pc) {
  if (block) lockgraph::rt::block_freed(block, ::malloc_usable_size(block), pc);
}

}  // namespace

#define LG_EXPORT extern "C" __attribute__((visibility("default")))
#define LG_PC() __builtin_return_address(0)

LG_EXPORT void* malloc(std::size_t size) { return allocated(__libc_malloc(size), LG_PC()); }
LG_EXPORT void* calloc(std::size_t count, std::size_t size) {
  return allocated(__libc_calloc(count, size), LG_PC());
}
LG_EXPORT void free(void* block) {
  freeing(block, LG_PC());
  __libc_free(block);
}
LG_EXPORT void cfree(void* block) { free(block); }
LG_EXPORT void* realloc(void* block, std::size_t size) {
  // A realloc may move the block: the old one ends (a write of all of it), a new one begins. A
  // failed realloc leaves the block as it was: recording its end too is only an extra write.
  if (!block) return malloc(size);
  freeing(block, LG_PC());
  if (size == 0) {
    __libc_free(block);
    return nullptr;
  }
  return allocated(__libc_realloc(block, size), LG_PC());
}
LG_EXPORT void* memalign(std::size_t alignment, std::size_t size) {
  return allocated(__libc_memalign(alignment, size), LG_PC());
}
LG_EXPORT void* aligned_alloc(std::size_t alignment, std::size_t size) {
  return allocated(__libc_memalign(alignment, size), LG_PC());
}
LG_EXPORT int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
  if (alignment % sizeof(void*) != 0 || (alignment & (alignment - 1)) != 0) return EINVAL;
  void* block = __libc_memalign(alignment, size);
  if (!block) return ENOMEM;
  *out = allocated(block, LG_PC());
  return 0;
}
LG_EXPORT void* valloc(std::size_t size) { return allocated(__libc_valloc(size), LG_PC()); }
LG_EXPORT void* pvalloc(std::size_t size) { return allocated(__libc_pvalloc(size), LG_PC()); }
