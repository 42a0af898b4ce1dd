#include "build_id.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <vector>

#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {
namespace {

template <class T>
bool read_at(std::ifstream& in, std::uint64_t offset, T& out) {
  in.seekg(static_cast<std::streamoff>(offset));
  return static_cast<bool>(in.read(reinterpret_cast<char*>(&out), sizeof out));
}

}  // namespace

std::string read_build_id(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  Elf64_Ehdr header;
  if (!in || !read_at(in, 0, header) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS64 || header.e_phentsize != sizeof(Elf64_Phdr))
    return {};
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

void warn_of_changed_modules(TraceModel& model) {
  for (const Module& module : model.modules) {
    if (module.build_id.empty() || module.path.empty() || module.path.front() != '/') continue;
    std::string on_disk = read_build_id(module.path);
    if (on_disk == module.build_id) continue;
    model.warnings.push_back(
        module.path + (on_disk.empty() ? " is gone or unreadable" : " has changed") +
        " since the trace was recorded (build-id " + module.build_id + " in the trace, " +
        (on_disk.empty() ? std::string("none") : on_disk) +
        " on disk): its frames cannot be symbolized against the file that ran; rebuild and "
        "record again, or analyse where that build is");
  }
}

}  // namespace lockgraph::analysis
