#include "lockgraph/analysis/elf_file.h"

#include <elf.h>

#include <cstring>
#include <fstream>

#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {
namespace {

template <class T>
bool read_at(std::ifstream& in, std::uint64_t offset, T& out) {
  in.seekg(static_cast<std::streamoff>(offset));
  return static_cast<bool>(in.read(reinterpret_cast<char*>(&out), sizeof out));
}

// Reads `count` entries of type T (program or section headers) from `offset`.
template <class T>
bool read_table(std::ifstream& in, std::uint64_t offset, std::size_t count, std::vector<T>& out) {
  out.resize(count);
  for (std::size_t i = 0; i < count; ++i)
    if (!read_at(in, offset + std::uint64_t(i) * sizeof(T), out[i])) return false;
  return true;
}

// Opens the 64-bit ELF file at `path` and reads its header; false if it is not one.
bool open_elf64(const std::string& path, std::ifstream& in, Elf64_Ehdr& header) {
  in.open(path, std::ios::binary);
  return in && read_at(in, 0, header) && std::memcmp(header.e_ident, ELFMAG, SELFMAG) == 0 &&
         header.e_ident[EI_CLASS] == ELFCLASS64;
}

}  // namespace

std::string read_build_id(const std::string& path) {
  std::ifstream in;
  Elf64_Ehdr header;
  if (!open_elf64(path, in, header) || header.e_phentsize != sizeof(Elf64_Phdr)) return {};
  for (std::uint16_t i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr segment;
    if (!read_at(in, header.e_phoff + std::uint64_t(i) * sizeof segment, segment)) return {};
    if (segment.p_type != PT_NOTE || segment.p_filesz > (1u << 20)) continue;
    std::vector<char> notes(segment.p_filesz);
    in.seekg(static_cast<std::streamoff>(segment.p_offset));
    if (!in.read(notes.data(), static_cast<std::streamsize>(notes.size()))) return {};
    char hex[65];
    if (trace::gnu_build_id_hex(reinterpret_cast<const unsigned char*>(notes.data()), notes.size(), hex))
      return hex;
  }
  return {};
}

std::vector<std::string> read_needed_libraries(const std::string& path) {
  std::vector<std::string> needed;
  std::ifstream in;
  Elf64_Ehdr header;
  if (!open_elf64(path, in, header) || header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum > 4096)
    return needed;
  std::vector<Elf64_Phdr> segments;
  if (!read_table(in, header.e_phoff, header.e_phnum, segments)) return needed;
  // The string table is named by its address: find the file offset of the segment holding it.
  auto file_offset = [&](std::uint64_t address) -> std::uint64_t {
    for (const Elf64_Phdr& s : segments)
      if (s.p_type == PT_LOAD && address >= s.p_vaddr && address < s.p_vaddr + s.p_filesz)
        return address - s.p_vaddr + s.p_offset;
    return 0;
  };
  for (const Elf64_Phdr& s : segments) {
    if (s.p_type != PT_DYNAMIC) continue;
    std::vector<Elf64_Dyn> entries;
    for (std::uint64_t at = 0; at + sizeof(Elf64_Dyn) <= s.p_filesz && entries.size() < 4096; at += sizeof(Elf64_Dyn)) {
      Elf64_Dyn entry;
      if (!read_at(in, s.p_offset + at, entry) || entry.d_tag == DT_NULL) break;
      entries.push_back(entry);
    }
    std::uint64_t strings = 0;
    for (const Elf64_Dyn& e : entries)
      if (e.d_tag == DT_STRTAB) strings = file_offset(e.d_un.d_ptr);
    if (strings == 0) return needed;
    for (const Elf64_Dyn& e : entries) {
      if (e.d_tag != DT_NEEDED) continue;
      in.clear();
      in.seekg(static_cast<std::streamoff>(strings + e.d_un.d_val));
      std::string name;
      std::getline(in, name, '\0');
      needed.push_back(name);
    }
  }
  return needed;
}

bool defines_dynamic_symbol(const std::string& path, const std::string& name) {
  std::ifstream in;
  Elf64_Ehdr header;
  if (!open_elf64(path, in, header) || header.e_shentsize != sizeof(Elf64_Shdr) || header.e_shnum > 65000)
    return false;
  std::vector<Elf64_Shdr> sections;
  if (!read_table(in, header.e_shoff, header.e_shnum, sections)) return false;
  for (const Elf64_Shdr& symbols : sections) {
    if (symbols.sh_type != SHT_DYNSYM || symbols.sh_link >= sections.size()) continue;
    const Elf64_Shdr& strings = sections[symbols.sh_link];
    for (std::uint64_t at = 0; at + sizeof(Elf64_Sym) <= symbols.sh_size && at < (std::uint64_t{1} << 26);
         at += sizeof(Elf64_Sym)) {
      Elf64_Sym symbol;
      if (!read_at(in, symbols.sh_offset + at, symbol)) return false;
      if (symbol.st_shndx == SHN_UNDEF || symbol.st_name >= strings.sh_size) continue;
      in.clear();
      in.seekg(static_cast<std::streamoff>(strings.sh_offset + symbol.st_name));
      std::string found;
      std::getline(in, found, '\0');
      if (found == name) return true;
    }
  }
  return false;
}

}  // namespace lockgraph::analysis
