// The only file that sees libunwind's headers (/usr/include/libunwind also holds an unwind.h that
// must not shadow the compiler's for the rest of the runtime).
#include "stack_capture.h"

#include <dlfcn.h>
#include <link.h>
#include <libunwind.h>

#include <algorithm>

#include "cfi_unwinder.h"

namespace lockgraph::rt {
namespace {

struct AddressRange {
  std::uintptr_t begin = 0;
  std::uintptr_t end = 0;
  bool contains(std::uintptr_t ip) const { return ip >= begin && ip < end; }
};

// The loaded extent of the object that holds this runtime, found once through the loader.
AddressRange own_object_range() {
  static const AddressRange range = [] {
    AddressRange found;
    Dl_info info{};
    if (!::dladdr(reinterpret_cast<void*>(&capture_stack), &info)) return found;
    struct Query {
      const void* base;
      AddressRange* out;
    } query{info.dli_fbase, &found};
    ::dl_iterate_phdr(
        [](dl_phdr_info* phdr, std::size_t, void* data) -> int {
          auto* q = static_cast<Query*>(data);
          std::uintptr_t lowest = ~std::uintptr_t{0}, highest = 0;
          for (int i = 0; i < phdr->dlpi_phnum; ++i) {
            const auto& segment = phdr->dlpi_phdr[i];
            if (segment.p_type != PT_LOAD) continue;
            std::uintptr_t start = phdr->dlpi_addr + segment.p_vaddr;
            if (start < lowest) lowest = start;
            if (start + segment.p_memsz > highest) highest = start + segment.p_memsz;
          }
          if (reinterpret_cast<std::uintptr_t>(q->base) < lowest ||
              reinterpret_cast<std::uintptr_t>(q->base) >= highest)
            return 0;
          *q->out = {lowest, highest};
          return 1;
        },
        &query);
    return found;
  }();
  return range;
}


// Runs `walk(frames, room)` with room for the runtime's own frames on top of `max_frames`, then
// keeps from the first frame outside the runtime on (they are all innermost), moved to the front.
// -1 from `walk` (it gave up) is passed on. The walk goes straight into the caller's buffer, not
// into one on this stack (why: StackScratch, stack_depot.h).
template <class Walk>
long keep_program_frames(Walk walk, std::uintptr_t* frames, std::size_t max_frames) {
  max_frames = std::min(max_frames, kMaxStackDepth);
  long n = walk(frames, max_frames + kOwnFramesAllowance);
  if (n < 0) return n;
  const AddressRange own = own_object_range();
  std::size_t first = 0;
  while (first < static_cast<std::size_t>(n) && own.contains(frames[first])) ++first;
  std::size_t kept = std::min(static_cast<std::size_t>(n) - first, max_frames);
  std::copy(frames + first, frames + first + kept, frames);
  return static_cast<long>(kept);
}

}  // namespace

bool in_runtime_object(std::uintptr_t address) noexcept { return own_object_range().contains(address); }

std::size_t walk_libunwind(std::uintptr_t* frames, std::size_t max_frames) noexcept {
  unw_context_t context;
  unw_cursor_t cursor;
  if (max_frames == 0 || unw_getcontext(&context) != 0 || unw_init_local(&cursor, &context) != 0)
    return 0;
  std::size_t count = 0;
  while (count < max_frames && unw_step(&cursor) > 0) {
    unw_word_t ip = 0;
    if (unw_get_reg(&cursor, UNW_REG_IP, &ip) != 0 || ip == 0) break;
    frames[count++] = ip;
  }
  return count;
}

std::size_t capture_stack_libunwind(std::uintptr_t* frames, std::size_t max_frames) noexcept {
  return static_cast<std::size_t>(keep_program_frames(
      [](std::uintptr_t* out, std::size_t room) { return static_cast<long>(walk_libunwind(out, room)); },
      frames, max_frames));
}

std::size_t capture_stack(std::uintptr_t* frames, std::size_t max_frames) noexcept {
  if (max_frames == 0) return 0;
  long kept = keep_program_frames(
      [](std::uintptr_t* out, std::size_t room) { return static_cast<long>(cfi_walk(current_registers(), out, room)); },
      frames, max_frames);
  return kept < 0 ? capture_stack_libunwind(frames, max_frames) : static_cast<std::size_t>(kept);
}

}  // namespace lockgraph::rt
