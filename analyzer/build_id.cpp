#include "build_id.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <vector>

namespace lockgraph::analysis {
namespace {

template <class T>
bool read_at(std::ifstream& in, std::uint64_t offset, T& out) {
  in.seekg(static_cast<std::streamoff>(offset));
  return static_cast<bool>(in.read(reinterpret_cast<char*>(&out), sizeof out));
}

// The build-id among the notes in `notes` (one PT_NOTE segment's bytes).
std::string build_id_in(const std::vector<char>& notes) {
  std::size_t at = 0;
  while (at + sizeof(Elf64_Nhdr) <= notes.size()) {
    Elf64_Nhdr note;
    std::memcpy(&note, notes.data() + at, sizeof note);
    std::size_t name = at + sizeof note;
    std::size_t desc = name + ((note.n_namesz + 3) & ~3u);
    if (desc + note.n_descsz > notes.size()) break;
    if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 && std::memcmp(notes.data() + name, "GNU", 4) == 0) {
      static constexpr char kHex[] = "0123456789abcdef";
      std::string hex;
      for (std::size_t b = 0; b < note.n_descsz; ++b) {
        auto byte = static_cast<unsigned char>(notes[desc + b]);
        hex += kHex[byte >> 4];
        hex += kHex[byte & 15];
      }
      return hex;
    }
    at = desc + ((note.n_descsz + 3) & ~3u);
  }
  return {};
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
    if (std::string id = build_id_in(notes); !id.empty()) return id;
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
