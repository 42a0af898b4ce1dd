#include "temporary_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace lockgraph::analysis {
namespace {

std::string temporary_directory() {
  const char* dir = std::getenv("TMPDIR");
  return dir && *dir ? dir : "/tmp";
}

}  // namespace

TemporaryFile::TemporaryFile() : directory_(temporary_directory()) {
  std::string pattern = directory_ + "/lockgraph-analysis-XXXXXX";
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  fd_ = mkostemp(name.data(), O_CLOEXEC);
  if (fd_ < 0)
    throw std::runtime_error("cannot create a temporary file in " + directory_ + " (set TMPDIR): " +
                             std::strerror(errno));
  unlink(name.data());
}

TemporaryFile::~TemporaryFile() { close(fd_); }

void TemporaryFile::write_at(std::uint64_t offset, const void* data, std::size_t size) {
  const char* bytes = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = pwrite(fd_, bytes, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw std::runtime_error("cannot write the analysis's temporary file in " + directory_ + " (set TMPDIR): " +
                               std::strerror(n < 0 ? errno : ENOSPC));
    bytes += n;
    offset += static_cast<std::uint64_t>(n);
    size -= static_cast<std::size_t>(n);
  }
}

void TemporaryFile::read_at(std::uint64_t offset, void* data, std::size_t size) const {
  char* bytes = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = pread(fd_, bytes, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw std::runtime_error("cannot read back the analysis's temporary file in " + directory_ + ": " +
                               (n < 0 ? std::strerror(errno) : "it is shorter than written"));
    bytes += n;
    offset += static_cast<std::uint64_t>(n);
    size -= static_cast<std::size_t>(n);
  }
}

}  // namespace lockgraph::analysis
