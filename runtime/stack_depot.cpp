#include "stack_depot.h"

#include <algorithm>
#include <climits>
#include <link.h>
#include <mutex>
#include <new>
#include <string_view>
#include <unistd.h>
#include <unordered_map>
#include <vector>

#include "chain_cache.h"
#include "lockgraph/trace_format.h"
#include "options.h"
#include "record_builder.h"
#include "stack_capture.h"

namespace lockgraph::rt {
namespace {

struct Module {
  std::uintptr_t begin = 0;
  std::uintptr_t end = 0;
  std::uintptr_t load_bias = 0;  // dlpi_addr: offsets are relative to it, as symbolizers expect
  std::string path;
  // Hex of the NT_GNU_BUILD_ID note ("" if it has none; a longer one is cut at 32 bytes). Not a
  // std::string: the module list is re-read on the lock path's slow path, and a 41-byte heap
  // block there would take the chunk a program's just-freed 40-byte std::mutex left.
  char build_id[65] = {};
  std::uint32_t id = 0;
  bool written = false;
};

struct Depot {
  std::mutex mu;
  std::unordered_map<std::uint64_t, std::uint32_t> ids;  // stack hash -> id
  std::uint32_t next_id = 1;
  std::vector<Module> modules;
};

Depot& depot() {
  static Depot* instance = new Depot();  // lives until the last record is written
  return *instance;
}

std::string self_executable() {
  char buffer[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

// The hex of the module's GNU build-id note (trace::gnu_build_id_hex) into `hex`, "" if none:
// the analyzer compares it with the file on disk, so a trace symbolized after a rebuild says so.
void build_id_of(const dl_phdr_info* info, char (&hex)[65]) {
  hex[0] = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const auto& segment = info->dlpi_phdr[i];
    if (segment.p_type != PT_NOTE) continue;
    const auto* notes = reinterpret_cast<const unsigned char*>(info->dlpi_addr + segment.p_vaddr);
    if (trace::gnu_build_id_hex(notes, segment.p_memsz, hex)) return;
  }
}

// Re-reads the loaded objects (after a dlopen a frame may fall outside the known ones).
void refresh_modules(Depot& d) {
  std::vector<Module> found;
  ::dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) -> int {
        auto* out = static_cast<std::vector<Module>*>(data);
        Module m;
        m.begin = ~std::uintptr_t{0};
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const auto& segment = info->dlpi_phdr[i];
          if (segment.p_type != PT_LOAD) continue;
          std::uintptr_t start = info->dlpi_addr + segment.p_vaddr;
          if (start < m.begin) m.begin = start;
          if (start + segment.p_memsz > m.end) m.end = start + segment.p_memsz;
        }
        m.load_bias = info->dlpi_addr;
        m.path = info->dlpi_name ? info->dlpi_name : "";
        build_id_of(info, m.build_id);
        if (m.end > 0) out->push_back(std::move(m));
        return 0;
      },
      &found);
  for (Module& m : found) {
    if (m.path.empty()) m.path = self_executable();
    bool known = false;
    for (const Module& old : d.modules)
      if (old.begin == m.begin && old.path == m.path) known = true;
    if (!known) {
      m.id = static_cast<std::uint32_t>(d.modules.size() + 1);
      d.modules.push_back(std::move(m));
    }
  }
}

Module* find_module(Depot& d, std::uintptr_t ip) {
  for (Module& m : d.modules)
    if (ip >= m.begin && ip < m.end) return &m;
  return nullptr;
}

Module* locate(Depot& d, std::uintptr_t ip, std::string& records) {
  Module* m = find_module(d, ip);
  if (!m) {
    refresh_modules(d);
    m = find_module(d, ip);
  }
  if (m && !m->written) {
    RecordBuilder module_record(records, trace::kind::kModule);
    module_record.num("id", m->id)
        .str("path", m->path)
        .num("base", m->load_bias)
        .num("size", m->end - m->begin);
    if (m->build_id[0] != 0) module_record.str("build_id", m->build_id);
    module_record.end();
    m->written = true;
  }
  return m;
}

}  // namespace

std::uint32_t capture_and_intern_stack(std::string& records, StackScratch& scratch,
                                       const void* innermost) noexcept {
  std::uintptr_t* frames = scratch.frames;
  std::size_t depth = static_cast<std::size_t>(options().stack_depth);
  if (depth > kMaxStackDepth) depth = kMaxStackDepth;
  constexpr std::size_t kLinkedEntryFrames = 4;  // the entry point and what it calls in the program
  std::size_t n = capture_stack(frames, innermost ? std::min(depth + kLinkedEntryFrames, kMaxStackDepth) : depth);
  if (innermost) {
    for (std::size_t i = 0; i < n && i < kLinkedEntryFrames; ++i)
      if (frames[i] == reinterpret_cast<std::uintptr_t>(innermost)) {
        frames += i;
        n -= i;
        break;
      }
    n = std::min(n, depth);
  }
  scratch.first = static_cast<std::size_t>(frames - scratch.frames);
  scratch.count = n;
  if (n == 0) return 0;

  std::uint64_t hash = 0x5ac0;
  for (std::size_t i = 0; i < n; ++i) hash = hash_mix(hash, frames[i]);

  Depot& d = depot();
  std::lock_guard<std::mutex> guard(d.mu);
  auto [it, inserted] = d.ids.emplace(hash, d.next_id);
  if (!inserted) return it->second;
  std::uint32_t id = d.next_id++;

  // Module records first, so a reader meets a module before the stack that uses it.
  std::uint32_t* const module_of = scratch.module_of;
  std::uintptr_t* const offset_of = scratch.offset_of;
  for (std::size_t i = 0; i < n; ++i) {
    Module* m = locate(d, frames[i], records);
    module_of[i] = m ? m->id : 0;
    offset_of[i] = m ? frames[i] - m->load_bias : frames[i];
  }
  RecordBuilder stack(records, trace::kind::kStack);
  stack.num("id", id).open_array("frames");
  for (std::size_t i = 0; i < n; ++i) stack.array_tuple(module_of[i], offset_of[i]);
  stack.close_array().end();
  return id;
}

bool locate_address(std::uintptr_t address, std::string& records, std::uint32_t& module,
                    std::uint64_t& offset) noexcept {
  Depot& d = depot();
  std::lock_guard<std::mutex> guard(d.mu);
  Module* m = locate(d, address, records);
  if (!m) return false;
  module = m->id;
  offset = address - m->load_bias;
  return true;
}

void forget_interned_stacks() noexcept {
  Depot& d = depot();
  // Called in a fork child, where no other thread can hold the mutex's logical state.
  new (&d.mu) std::mutex();
  d.ids.clear();
  d.next_id = 1;
  for (Module& m : d.modules) m.written = false;
}

}  // namespace lockgraph::rt
