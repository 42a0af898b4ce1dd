// What the analyzer and `lockgraph run` read from ELF files on disk (64-bit only).
#pragma once

#include <string>
#include <vector>

namespace lockgraph::analysis {

// The hex of the NT_GNU_BUILD_ID note of the ELF file at `path`; "" if it cannot be read, is not
// a 64-bit ELF file or has no such note.
std::string read_build_id(const std::string& path);

// The DT_NEEDED names of the ELF file at `path` (its direct dependencies); empty if it is not a
// 64-bit ELF file, or has none.
std::vector<std::string> read_needed_libraries(const std::string& path);

// Whether the ELF file at `path` defines `name` among its dynamic symbols (.dynsym, read through
// the section headers); false if it is not a 64-bit ELF file or has no such section.
bool defines_dynamic_symbol(const std::string& path, const std::string& name);

}  // namespace lockgraph::analysis
