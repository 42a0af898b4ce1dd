// A file the analysis writes its overflow to: unnamed (removed as soon as it is created, so it
// disappears with the process however that ends), in $TMPDIR or else /tmp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace lockgraph::analysis {

class TemporaryFile {
 public:
  // Throws std::runtime_error naming the directory if no file can be made there.
  TemporaryFile();
  ~TemporaryFile();
  TemporaryFile(const TemporaryFile&) = delete;
  TemporaryFile& operator=(const TemporaryFile&) = delete;

  // Whole reads and writes at `offset`; a failure (a full disk) throws std::runtime_error.
  void write_at(std::uint64_t offset, const void* data, std::size_t size);
  void read_at(std::uint64_t offset, void* data, std::size_t size) const;

 private:
  std::string directory_;
  int fd_ = -1;
};

}  // namespace lockgraph::analysis
