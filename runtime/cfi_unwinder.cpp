// Stack walking from DWARF call-frame information, with a process-wide cache of rules.
//
// Algorithm (DWARF 5, section 6.4 "Call Frame Information"; the .eh_frame and .eh_frame_hdr
// layouts of the Linux Standard Base Core specification):
//   1. Find the object and its .eh_frame_hdr for a return address (glibc's _dl_find_object,
//      lock-free), binary-search the header's sorted table for the FDE that covers it.
//   2. Run the CIE's initial instructions and the FDE's instructions up to the address to get the
//      rule: CFA = rsp or rbp + offset, return address and (maybe) saved rbp at CFA + offsets.
//   3. Cache the rule under the return address; a frame then costs a lookup and two loads:
//      caller's sp = CFA, caller's ip = *(CFA + ra_offset), caller's rbp as saved or unchanged.
// The walk stops at a frame whose return address is undefined (the outermost: _start, clone).
#include "cfi_unwinder.h"

#include <dlfcn.h>

#include <atomic>
#include <climits>
#include <cstring>

namespace lockgraph::rt {

#if defined(__x86_64__) && defined(__linux__)

namespace {

constexpr int kRegRbp = 6, kRegRsp = 7, kRegRa = 16;
constexpr std::int32_t kUnchanged = INT32_MIN;

struct Rule {
  std::int32_t cfa_offset = 0;
  std::int32_t ra_offset = kUnchanged;   // kUnchanged: the return address is undefined (outermost)
  std::int32_t rbp_offset = kUnchanged;  // kUnchanged: rbp is the caller's too
  std::uint8_t cfa_reg = 0;              // kRegRsp or kRegRbp
};

// --- Reading DWARF encodings -------------------------------------------------------------------

struct Reader {
  const std::uint8_t* p;
  const std::uint8_t* end;
  bool ok = true;

  template <class T>
  T fixed() {
    if (end - p < static_cast<std::ptrdiff_t>(sizeof(T))) {
      ok = false;
      return T{};
    }
    T v;
    std::memcpy(&v, p, sizeof v);
    p += sizeof v;
    return v;
  }
  std::uint64_t uleb() {
    std::uint64_t v = 0;
    for (int shift = 0; ok; shift += 7) {
      if (p >= end || shift > 63) {
        ok = false;
        break;
      }
      std::uint8_t b = *p++;
      v |= std::uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) break;
    }
    return v;
  }
  std::int64_t sleb() {
    std::int64_t v = 0;
    int shift = 0;
    std::uint8_t b = 0;
    do {
      if (p >= end || shift > 63) {
        ok = false;
        return 0;
      }
      b = *p++;
      v |= std::int64_t{b & 0x7f} << shift;
      shift += 7;
    } while (b & 0x80);
    if (shift < 64 && (b & 0x40)) v |= -(std::int64_t{1} << shift);
    return v;
  }
  // A pointer in encoding `enc` (DW_EH_PE_*): absolute, pc-relative or relative to `data_base`.
  std::uintptr_t pointer(std::uint8_t enc, std::uintptr_t data_base) {
    if (enc == 0xff) return 0;  // omitted
    const auto field = reinterpret_cast<std::uintptr_t>(p);
    std::uint64_t v = 0;
    switch (enc & 0x0f) {
      case 0x00: v = fixed<std::uint64_t>(); break;
      case 0x01: v = uleb(); break;
      case 0x02: v = fixed<std::uint16_t>(); break;
      case 0x03: v = fixed<std::uint32_t>(); break;
      case 0x04: v = fixed<std::uint64_t>(); break;
      case 0x09: v = static_cast<std::uint64_t>(sleb()); break;
      case 0x0a: v = static_cast<std::uint64_t>(std::int64_t{fixed<std::int16_t>()}); break;
      case 0x0b: v = static_cast<std::uint64_t>(std::int64_t{fixed<std::int32_t>()}); break;
      case 0x0c: v = fixed<std::uint64_t>(); break;
      default: ok = false; return 0;
    }
    switch (enc & 0x70) {
      case 0x00: break;
      case 0x10: v += field; break;
      case 0x30: v += data_base; break;
      default: ok = false; return 0;
    }
    if (enc & 0x80) ok = false;  // indirect: not used by .eh_frame on x86-64
    return static_cast<std::uintptr_t>(v);
  }
};

// --- Step 1: the FDE covering a return address -------------------------------------------------

// The FDE's address for `pc`, or null.
const std::uint8_t* find_fde(std::uintptr_t pc) {
  dl_find_object found;
  if (_dl_find_object(reinterpret_cast<void*>(pc), &found) != 0 || found.dlfo_eh_frame == nullptr)
    return nullptr;
  const auto* hdr = static_cast<const std::uint8_t*>(found.dlfo_eh_frame);
  const auto base = reinterpret_cast<std::uintptr_t>(hdr);
  // version 1, then the encodings of eh_frame_ptr, fde_count and the table (datarel sdata4 pairs).
  if (hdr[0] != 1 || hdr[3] != 0x3b) return nullptr;
  Reader r{hdr + 4, hdr + 4 + 16};
  r.pointer(hdr[1], base);
  std::uint64_t count = r.pointer(hdr[2], base);
  if (!r.ok || count == 0) return nullptr;
  const auto* table = reinterpret_cast<const std::int32_t*>(r.p);
  // The last entry whose initial location is <= pc.
  std::uint64_t lo = 0, hi = count;
  while (hi - lo > 1) {
    std::uint64_t mid = (lo + hi) / 2;
    if (base + static_cast<std::uintptr_t>(std::intptr_t{table[2 * mid]}) <= pc)
      lo = mid;
    else
      hi = mid;
  }
  if (base + static_cast<std::uintptr_t>(std::intptr_t{table[2 * lo]}) > pc) return nullptr;
  return hdr + table[2 * lo + 1];
}

// --- Step 2: the rule at an address ------------------------------------------------------------

struct CieInfo {
  std::uint64_t code_align = 1;
  std::int64_t data_align = -8;
  std::uint8_t fde_encoding = 0;
  bool has_augmentation_data = false;
  const std::uint8_t* instructions = nullptr;
  const std::uint8_t* end = nullptr;
};

bool parse_cie(const std::uint8_t* cie, CieInfo& out) {
  std::uint32_t length;
  std::memcpy(&length, cie, 4);
  if (length == 0 || length == 0xffffffff) return false;
  Reader r{cie + 4, cie + 4 + length};
  if (r.fixed<std::uint32_t>() != 0) return false;  // not a CIE
  std::uint8_t version = r.fixed<std::uint8_t>();
  if (version != 1 && version != 3) return false;
  const char* augmentation = reinterpret_cast<const char*>(r.p);
  std::size_t aug_length = ::strnlen(augmentation, static_cast<std::size_t>(r.end - r.p));
  r.p += aug_length + 1;
  out.code_align = r.uleb();
  out.data_align = r.sleb();
  std::uint64_t ra_register = version == 1 ? r.fixed<std::uint8_t>() : r.uleb();
  if (!r.ok || ra_register != kRegRa) return false;
  if (augmentation[0] == 'z') {
    out.has_augmentation_data = true;
    std::uint64_t data_length = r.uleb();
    const std::uint8_t* data_end = r.p + data_length;
    for (const char* a = augmentation + 1; *a && r.ok; ++a) {
      switch (*a) {
        case 'R': out.fde_encoding = r.fixed<std::uint8_t>(); break;
        case 'L': r.fixed<std::uint8_t>(); break;
        case 'P': {  // the personality routine: skipped (its "indirect" bit only says how to use it)
          std::uint8_t encoding = r.fixed<std::uint8_t>();
          r.pointer(encoding & 0x7f, 0);
          break;
        }
        default: return false;  // 'S' (signal frame) and anything newer
      }
    }
    r.p = data_end;
  } else if (augmentation[0] != 0) {
    return false;
  }
  out.instructions = r.p;
  out.end = r.end;
  return r.ok && r.p <= r.end;
}

struct RowState {
  std::uint8_t cfa_reg = kRegRsp;
  std::int64_t cfa_offset = 8;
  std::int64_t ra_offset = -8;
  bool ra_undefined = false;
  std::int64_t rbp_offset = kUnchanged;
};

// Runs CFA instructions until the location passes `target`. False: something not modelled.
bool run_instructions(Reader r, const CieInfo& cie, std::uintptr_t& loc, std::uintptr_t target,
                      RowState& row, const RowState& initial) {
  RowState remembered[8];
  int depth = 0;
  auto set_offset = [&](std::uint64_t reg, std::int64_t offset) {
    if (reg == kRegRa) row.ra_offset = offset, row.ra_undefined = false;
    if (reg == kRegRbp) row.rbp_offset = offset;
    return reg != kRegRsp;  // the CFA is the caller's rsp: a rule for rsp itself is not modelled
  };
  auto special = [&](std::uint64_t reg) { return reg == kRegRa || reg == kRegRbp || reg == kRegRsp; };
  auto restore = [&](std::uint64_t reg) {
    if (reg == kRegRa) row.ra_offset = initial.ra_offset, row.ra_undefined = initial.ra_undefined;
    if (reg == kRegRbp) row.rbp_offset = initial.rbp_offset;
  };
  auto advance = [&](std::uint64_t delta) {  // true once the row for `target` is complete
    loc += delta * cie.code_align;
    return loc > target;
  };
  auto set_cfa_register = [&](std::uint64_t reg) {  // false: a CFA register not modelled
    if (reg != kRegRsp && reg != kRegRbp) return false;
    row.cfa_reg = static_cast<std::uint8_t>(reg);
    return true;
  };
  while (r.p < r.end && r.ok) {
    std::uint8_t op = *r.p++;
    std::uint8_t high = op & 0xc0, low = op & 0x3f;
    if (high == 0x40) {  // advance_loc
      if (advance(low)) return true;
      continue;
    }
    if (high == 0x80) {  // offset
      if (!set_offset(low, static_cast<std::int64_t>(r.uleb()) * cie.data_align)) return false;
      continue;
    }
    if (high == 0xc0) {  // restore
      restore(low);
      continue;
    }
    switch (op) {
      case 0x00: break;  // nop
      case 0x02: if (advance(r.fixed<std::uint8_t>())) return true; break;
      case 0x03: if (advance(r.fixed<std::uint16_t>())) return true; break;
      case 0x04: if (advance(r.fixed<std::uint32_t>())) return true; break;
      case 0x05: {  // offset_extended
        std::uint64_t reg = r.uleb();
        if (!set_offset(reg, static_cast<std::int64_t>(r.uleb()) * cie.data_align)) return false;
        break;
      }
      case 0x11: {  // offset_extended_sf
        std::uint64_t reg = r.uleb();
        if (!set_offset(reg, r.sleb() * cie.data_align)) return false;
        break;
      }
      case 0x06: restore(r.uleb()); break;  // restore_extended
      case 0x07: {  // undefined
        std::uint64_t reg = r.uleb();
        if (reg == kRegRa) row.ra_undefined = true;
        if (reg == kRegRbp || reg == kRegRsp) return false;
        break;
      }
      case 0x08: {  // same_value
        std::uint64_t reg = r.uleb();
        if (reg == kRegRbp) row.rbp_offset = kUnchanged;
        if (reg == kRegRa || reg == kRegRsp) return false;
        break;
      }
      case 0x09: {  // register
        std::uint64_t reg = r.uleb();
        r.uleb();
        if (special(reg)) return false;
        break;
      }
      case 0x0a:  // remember_state
        if (depth == 8) return false;
        remembered[depth++] = row;
        break;
      case 0x0b:  // restore_state
        if (depth == 0) return false;
        row = remembered[--depth];
        break;
      case 0x0c:  // def_cfa
        if (!set_cfa_register(r.uleb())) return false;
        row.cfa_offset = static_cast<std::int64_t>(r.uleb());
        break;
      case 0x12:  // def_cfa_sf
        if (!set_cfa_register(r.uleb())) return false;
        row.cfa_offset = r.sleb() * cie.data_align;
        break;
      case 0x0d:  // def_cfa_register
        if (!set_cfa_register(r.uleb())) return false;
        break;
      case 0x0e: row.cfa_offset = static_cast<std::int64_t>(r.uleb()); break;  // def_cfa_offset
      case 0x13: row.cfa_offset = r.sleb() * cie.data_align; break;           // def_cfa_offset_sf
      case 0x10:    // expression
      case 0x16: {  // val_expression
        std::uint64_t reg = r.uleb();
        std::uint64_t length = r.uleb();
        if (special(reg)) return false;
        r.p += length;
        break;
      }
      case 0x14:    // val_offset
      case 0x15: {  // val_offset_sf
        std::uint64_t reg = r.uleb();
        if (op == 0x14) r.uleb(); else r.sleb();
        if (special(reg)) return false;
        break;
      }
      case 0x2e: r.uleb(); break;  // GNU_args_size
      default: return false;       // def_cfa_expression and anything else
    }
  }
  return r.ok;
}

// The rule for return address `ra` (looked up at ra - 1, inside the call). False: not modelled.
bool compute_rule(std::uintptr_t ra, Rule& out) {
  const std::uintptr_t pc = ra - 1;
  const std::uint8_t* fde = find_fde(pc);
  if (fde == nullptr) return false;
  std::uint32_t length, cie_pointer;
  std::memcpy(&length, fde, 4);
  if (length == 0 || length == 0xffffffff) return false;
  std::memcpy(&cie_pointer, fde + 4, 4);
  CieInfo cie;
  if (cie_pointer == 0 || !parse_cie(fde + 4 - cie_pointer, cie)) return false;
  Reader r{fde + 8, fde + 4 + length};
  std::uintptr_t begin = r.pointer(cie.fde_encoding, 0);
  std::uintptr_t range = r.pointer(cie.fde_encoding & 0x0f, 0);
  if (!r.ok || pc < begin || pc >= begin + range) return false;
  if (cie.has_augmentation_data) r.p += r.uleb();
  RowState row;
  std::uintptr_t loc = begin;
  if (!run_instructions(Reader{cie.instructions, cie.end}, cie, loc, ~std::uintptr_t{0}, row, row))
    return false;
  const RowState initial = row;
  loc = begin;
  if (!run_instructions(r, cie, loc, pc, row, initial)) return false;
  if (row.cfa_offset < 0 || row.cfa_offset > INT32_MAX) return false;
  out.cfa_reg = row.cfa_reg;
  out.cfa_offset = static_cast<std::int32_t>(row.cfa_offset);
  out.ra_offset = row.ra_undefined ? kUnchanged : static_cast<std::int32_t>(row.ra_offset);
  out.rbp_offset = static_cast<std::int32_t>(row.rbp_offset);
  return true;
}

// --- Step 3: the cache --------------------------------------------------------------------------

// Open addressing, never erased: readers need no lock (an entry's key is published after its
// rule); writers serialise on a flag. Full: rules are computed but not kept.
constexpr std::size_t kCacheSlots = 1 << 14;
constexpr std::size_t kMaxProbe = 64;
struct CacheSlot {
  std::atomic<std::uintptr_t> key{0};
  Rule rule;
  bool modelled = false;
};
CacheSlot g_cache[kCacheSlots];
std::atomic_flag g_cache_busy = ATOMIC_FLAG_INIT;

std::size_t home(std::uintptr_t ra) { return (ra * 0x9e3779b97f4a7c15ULL) >> 50; }

// The rule for `ra`; false if its frame is not modelled.
bool rule_for(std::uintptr_t ra, Rule& out) {
  for (std::size_t i = 0, slot = home(ra); i < kMaxProbe; ++i, slot = (slot + 1) % kCacheSlots) {
    std::uintptr_t key = g_cache[slot].key.load(std::memory_order_acquire);
    if (key == ra) {
      out = g_cache[slot].rule;
      return g_cache[slot].modelled;
    }
    if (key == 0) break;
  }
  bool modelled = compute_rule(ra, out);
  while (g_cache_busy.test_and_set(std::memory_order_acquire)) {
  }
  for (std::size_t i = 0, slot = home(ra); i < kMaxProbe; ++i, slot = (slot + 1) % kCacheSlots) {
    std::uintptr_t key = g_cache[slot].key.load(std::memory_order_relaxed);
    if (key == ra) break;  // another thread added it meanwhile
    if (key != 0) continue;
    g_cache[slot].rule = out;
    g_cache[slot].modelled = modelled;
    g_cache[slot].key.store(ra, std::memory_order_release);
    break;
  }
  g_cache_busy.clear(std::memory_order_release);
  return modelled;
}

}  // namespace

// The caller's return point, stack pointer after the return, and rbp: written in assembly so that
// nothing of a compiled prologue changes them first.
extern "C" void lockgraph_current_registers(WalkStart* out) noexcept;
asm(R"(
    .text
    .p2align 4
    .hidden lockgraph_current_registers
    .type lockgraph_current_registers, @function
lockgraph_current_registers:
    .cfi_startproc
    movq (%rsp), %rax
    movq %rax, 0(%rdi)
    leaq 8(%rsp), %rax
    movq %rax, 8(%rdi)
    movq %rbp, 16(%rdi)
    ret
    .cfi_endproc
    .size lockgraph_current_registers, .-lockgraph_current_registers
)");
static_assert(sizeof(WalkStart) == 24 && offsetof(WalkStart, sp) == 8 && offsetof(WalkStart, bp) == 16);

WalkStart current_registers() noexcept {
  // Inlined into nothing: its own frame is one more the walk passes through, which is fine.
  WalkStart start;
  lockgraph_current_registers(&start);
  return start;
}

int cfi_walk(const WalkStart& start, std::uintptr_t* frames, std::size_t max_frames) noexcept {
  std::uintptr_t ip = start.ip, sp = start.sp, bp = start.bp;
  std::size_t count = 0;
  while (count < max_frames) {
    frames[count++] = ip;
    Rule rule;
    if (!rule_for(ip, rule)) return -1;
    if (rule.ra_offset == kUnchanged) break;  // the outermost frame
    std::uintptr_t cfa = (rule.cfa_reg == kRegRsp ? sp : bp) + static_cast<std::uintptr_t>(rule.cfa_offset);
    // A CFA below the frame, or absurdly far above it, means a rule or a register went wrong.
    if (cfa <= sp || cfa - sp > (std::uintptr_t{1} << 28)) return -1;
    std::uintptr_t caller_ip = *reinterpret_cast<const std::uintptr_t*>(cfa + static_cast<std::intptr_t>(rule.ra_offset));
    if (rule.rbp_offset != kUnchanged)
      bp = *reinterpret_cast<const std::uintptr_t*>(cfa + static_cast<std::intptr_t>(rule.rbp_offset));
    sp = cfa;
    if (caller_ip == 0) break;
    ip = caller_ip;
  }
  return static_cast<int>(count);
}

#else  // Elsewhere the walker models nothing: every capture goes to libunwind.

WalkStart current_registers() noexcept { return {}; }
int cfi_walk(const WalkStart&, std::uintptr_t*, std::size_t) noexcept { return -1; }

#endif

}  // namespace lockgraph::rt
