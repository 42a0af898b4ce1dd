#include "program_libraries.h"

#include <elf.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

namespace lockgraph::cli {
namespace {

template <class T>
bool read_at(std::ifstream& in, std::uint64_t offset, T& out) {
  in.seekg(static_cast<std::streamoff>(offset));
  return static_cast<bool>(in.read(reinterpret_cast<char*>(&out), sizeof out));
}

std::string resolve(const std::string& command) {
  if (command.find('/') != std::string::npos) return command;
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = (dir.empty() ? "." : dir) + "/" + command;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

// The DT_NEEDED names of a 64-bit ELF file (empty if it is not one, or has none).
std::vector<std::string> needed_libraries(const std::string& path) {
  std::vector<std::string> needed;
  std::ifstream in(path, std::ios::binary);
  Elf64_Ehdr header;
  if (!in || !read_at(in, 0, header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_phentsize != sizeof(Elf64_Phdr) || header.e_phnum > 4096)
    return needed;
  std::vector<Elf64_Phdr> segments(header.e_phnum);
  for (std::uint16_t i = 0; i < header.e_phnum; ++i)
    if (!read_at(in, header.e_phoff + std::uint64_t(i) * sizeof(Elf64_Phdr), segments[i])) return needed;
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

}  // namespace

bool carries_lockgraph_runtime(const std::string& command) {
  for (const std::string& library : needed_libraries(resolve(command)))
    if (library.rfind("liblockgraph_runtime.so", 0) == 0 || library.rfind("liblockgraph_races.so", 0) == 0)
      return true;
  return false;
}

}  // namespace lockgraph::cli
