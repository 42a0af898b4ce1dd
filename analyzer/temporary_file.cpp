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

// Moves `size` bytes at `offset` through `io` (pread or pwrite), retrying partial transfers and
// interruptions. Returns 0, or the errno of the failure (`at_zero` when a call moved no byte: the
// file ended, or the disk took nothing).
template <class Bytes, class Io>
int transfer_all(Io io, int fd, Bytes* bytes, std::size_t size, std::uint64_t offset, int at_zero) {
  while (size > 0) {
    const ssize_t n = io(fd, bytes, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return at_zero;
    bytes += n;
    offset += static_cast<std::uint64_t>(n);
    size -= static_cast<std::size_t>(n);
  }
  return 0;
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
  if (int error = transfer_all(::pwrite, fd_, static_cast<const char*>(data), size, offset, ENOSPC))
    throw std::runtime_error("cannot write the analysis's temporary file in " + directory_ + " (set TMPDIR): " +
                             std::strerror(error));
}

void TemporaryFile::read_at(std::uint64_t offset, void* data, std::size_t size) const {
  if (int error = transfer_all(::pread, fd_, static_cast<char*>(data), size, offset, ENODATA))
    throw std::runtime_error("cannot read back the analysis's temporary file in " + directory_ + ": " +
                             (error == ENODATA ? "it is shorter than written" : std::strerror(error)));
}

}  // namespace lockgraph::analysis
