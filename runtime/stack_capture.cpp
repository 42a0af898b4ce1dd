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


// Keeps the frames from the first one outside the runtime on (they are all innermost).
std::size_t drop_own_frames(std::uintptr_t* frames, std::size_t count) {
  const AddressRange own = own_object_range();
  std::size_t first = 0;
  while (first < count && own.contains(frames[first])) ++first;
  for (std::size_t i = first; i < count; ++i) frames[i - first] = frames[i];
  return count - first;
}

}  // namespace

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
  constexpr std::size_t kOwnFramesAllowance = 16;
  std::uintptr_t walked[kMaxStackDepth + kOwnFramesAllowance];
  std::size_t room = std::min(max_frames, kMaxStackDepth) + kOwnFramesAllowance;
  std::size_t kept = std::min(drop_own_frames(walked, walk_libunwind(walked, room)), max_frames);
  std::copy(walked, walked + kept, frames);
  return kept;
}

std::size_t capture_stack(std::uintptr_t* frames, std::size_t max_frames) noexcept {
  if (max_frames == 0) return 0;
  // The runtime's own frames come first and are dropped: walk that many more.
  constexpr std::size_t kOwnFramesAllowance = 16;
  std::uintptr_t walked[kMaxStackDepth + kOwnFramesAllowance];
  std::size_t room = std::min(max_frames, kMaxStackDepth) + kOwnFramesAllowance;
  int n = cfi_walk(current_registers(), walked, room);
  if (n < 0) return capture_stack_libunwind(frames, max_frames);
  std::size_t kept = std::min(drop_own_frames(walked, static_cast<std::size_t>(n)), max_frames);
  std::copy(walked, walked + kept, frames);
  return kept;
}

}  // namespace lockgraph::rt
