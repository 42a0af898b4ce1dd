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
#include <new>

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

// `pc` is the allocating call's return address: the runtime unwinds once per site and thread.
// operator new and delete are interposed too, so a C++ object's site is its new-expression, not
// operator new's call to malloc (the same for every object).
void* allocated(void* block, const void* pc) {
  if (block) lockgraph::rt::block_allocated(block, ::malloc_usable_size(block), pc);
  return block;
}

// operator new's contract: retry through the new-handler, else throw std::bad_alloc.
void* new_block(std::size_t size, std::size_t alignment, const void* pc) {
  if (size == 0) size = 1;
  for (;;) {
    void* block = alignment > alignof(std::max_align_t) ? __libc_memalign(alignment, size) : __libc_malloc(size);
    if (block) return allocated(block, pc);
    std::new_handler handler = std::get_new_handler();
    if (!handler) throw std::bad_alloc();
    handler();
  }
}

void* new_block_nothrow(std::size_t size, std::size_t alignment, const void* pc) noexcept {
  try {
    return new_block(size, alignment, pc);
  } catch (...) {
    return nullptr;
  }
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

// C++'s allocation functions: every replaceable form, so the site is the new-expression's.
#define LG_NEW __attribute__((visibility("default")))
LG_NEW void* operator new(std::size_t size) { return new_block(size, 0, LG_PC()); }
LG_NEW void* operator new[](std::size_t size) { return new_block(size, 0, LG_PC()); }
LG_NEW void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  return new_block_nothrow(size, 0, LG_PC());
}
LG_NEW void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  return new_block_nothrow(size, 0, LG_PC());
}
LG_NEW void* operator new(std::size_t size, std::align_val_t a) {
  return new_block(size, static_cast<std::size_t>(a), LG_PC());
}
LG_NEW void* operator new[](std::size_t size, std::align_val_t a) {
  return new_block(size, static_cast<std::size_t>(a), LG_PC());
}
LG_NEW void* operator new(std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  return new_block_nothrow(size, static_cast<std::size_t>(a), LG_PC());
}
LG_NEW void* operator new[](std::size_t size, std::align_val_t a, const std::nothrow_t&) noexcept {
  return new_block_nothrow(size, static_cast<std::size_t>(a), LG_PC());
}
#define LG_DELETE(...)                                       \
  LG_NEW void operator delete(__VA_ARGS__) noexcept {        \
    freeing(block, LG_PC());                                 \
    __libc_free(block);                                      \
  }                                                          \
  LG_NEW void operator delete[](__VA_ARGS__) noexcept {      \
    freeing(block, LG_PC());                                 \
    __libc_free(block);                                      \
  }
LG_DELETE(void* block)
LG_DELETE(void* block, std::size_t)
LG_DELETE(void* block, const std::nothrow_t&)
LG_DELETE(void* block, std::align_val_t)
LG_DELETE(void* block, std::size_t, std::align_val_t)
LG_DELETE(void* block, std::align_val_t, const std::nothrow_t&)
