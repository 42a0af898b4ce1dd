// Formats one compact trace line (trace_format.h, namespace compact) into a caller's fixed array:
// a letter, then numbers in lowercase hex, one space before each. No allocation, no division: it
// runs inside the program's critical sections (a release is recorded before the real unlock) and
// in signal handlers (the final flush of open access runs).
#pragma once

#include <cstddef>
#include <cstdint>

namespace lockgraph::rt {

class CompactLine {
 public:
  // A 64-bit number takes 16 digits and its space.
  static constexpr std::size_t kNumberRoom = 17;

  CompactLine(char* out, std::size_t room, char letter) noexcept : at_(out), begin_(out), limit_(out + room) {
    *at_++ = letter;
  }

  CompactLine& number(std::uint64_t value) noexcept {
    if (limit_ - at_ < static_cast<std::ptrdiff_t>(kNumberRoom + 1)) return *this;  // the caller sized it
    *at_++ = ' ';
    const int digits = value == 0 ? 1 : (67 - __builtin_clzll(value)) / 4;
    char* digit = at_ + digits;
    at_ = digit;
    do {
      *--digit = "0123456789abcdef"[value & 0xf];
      value >>= 4;
    } while (value != 0);
    return *this;
  }

  // Two letters as one field (a sync's operation and object kind).
  CompactLine& letters(char first, char second) noexcept {
    if (limit_ - at_ < 4) return *this;
    *at_++ = ' ';
    *at_++ = first;
    *at_++ = second;
    return *this;
  }

  // Ends the line; returns its length.
  std::size_t end() noexcept {
    *at_++ = '\n';
    return static_cast<std::size_t>(at_ - begin_);
  }

 private:
  char* at_;
  char* begin_;
  char* limit_;
};

}  // namespace lockgraph::rt
