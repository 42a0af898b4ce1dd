// Formats one compact trace line, packed (trace_format.h, namespace packed), into a caller's fixed
// array: the record's digit, then each number 7 bits to a byte, then '\n'. No allocation, no
// division: it runs inside the program's critical sections (a release is recorded before the real
// unlock) and in signal handlers (the final flush of open access runs).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lockgraph/trace_format.h"

namespace lockgraph::rt {

class CompactLine {
 public:
  static constexpr std::size_t kNumberRoom = trace::packed::kNumberRoom;

  // `record`: one of trace::packed's digits.
  CompactLine(char* out, std::size_t room, char record) noexcept : at_(out), begin_(out), limit_(out + room) {
    *at_++ = record;
  }

  CompactLine& number(std::uint64_t value) noexcept {
    namespace p = trace::packed;
    if (limit_ - at_ < static_cast<std::ptrdiff_t>(kNumberRoom + 1)) return *this;  // the caller sized it
    while (value >> p::kLastBits) {
      *at_++ = static_cast<char>(p::kMore | (value & ((1u << p::kMoreBits) - 1)));
      value >>= p::kMoreBits;
    }
    *at_++ = static_cast<char>(p::kLast | value);
    return *this;
  }

  // A sync's operation ('r' or 'a') and object kind, as one number.
  CompactLine& letters(char operation, char object_kind) noexcept {
    return number(static_cast<std::uint64_t>(static_cast<unsigned char>(object_kind)) << 1 |
                  (operation == 'r' ? 1 : 0));
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
