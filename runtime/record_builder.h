// Formats one trace record (a JSON object on one line) into a caller's string.
//
// Used on the recording paths: it appends into memory the caller already owns and allocates only
// when that string must grow. Numbers go through std::to_chars; strings are JSON-escaped.
#pragma once

#include <charconv>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "lockgraph/trace_format.h"

namespace lockgraph::rt {

class RecordBuilder {
 public:
  // Starts the record {"k":"<kind>" in `out`.
  RecordBuilder(std::string& out, std::string_view kind) : out_(out) {
    out_ += "{\"k\":\"";
    out_ += kind;
    out_ += '"';
  }

  RecordBuilder& num(std::string_view key, std::uint64_t value) {
    field(key);
    append_number(value);
    return *this;
  }

  RecordBuilder& str(std::string_view key, std::string_view value) {
    field(key);
    append_string(value);
    return *this;
  }

  // Starts an array field; fill it with array_item()/array_pair() then close_array().
  RecordBuilder& open_array(std::string_view key) {
    field(key);
    out_ += '[';
    first_in_array_ = true;
    return *this;
  }
  RecordBuilder& array_item(std::uint64_t value) {
    separate_item();
    append_number(value);
    return *this;
  }
  // Appends [a,b] or [a,b,c] (c omitted when `with_third` is false).
  RecordBuilder& array_tuple(std::uint64_t a, std::uint64_t b, std::uint64_t c = 0,
                             bool with_third = false) {
    separate_item();
    out_ += '[';
    append_number(a);
    out_ += ',';
    append_number(b);
    if (with_third) {
      out_ += ',';
      append_number(c);
    }
    out_ += ']';
    return *this;
  }
  // Appends [a,b,...]: one row of numbers.
  RecordBuilder& array_row(std::initializer_list<std::uint64_t> values) {
    separate_item();
    out_ += '[';
    bool first = true;
    for (std::uint64_t v : values) {
      if (!first) out_ += ',';
      first = false;
      append_number(v);
    }
    out_ += ']';
    return *this;
  }
  RecordBuilder& close_array() {
    out_ += ']';
    return *this;
  }

  // Closes the record and its line.
  void end() { out_ += "}\n"; }

 private:
  void field(std::string_view key) {
    out_ += ",\"";
    out_ += key;
    out_ += "\":";
  }
  void separate_item() {
    if (!first_in_array_) out_ += ',';
    first_in_array_ = false;
  }
  void append_number(std::uint64_t value) {
    char digits[24];
    auto result = std::to_chars(digits, digits + sizeof digits, value);
    out_.append(digits, result.ptr);
  }
  // JSON-escaped; a byte that is not part of well-formed UTF-8 (names are the system's bytes) is
  // written as the text \xNN, so the trace stays valid UTF-8 and the name readable.
  void append_string(std::string_view value) {
    static const char hex[] = "0123456789abcdef";
    const auto* bytes = reinterpret_cast<const unsigned char*>(value.data());
    out_ += '"';
    for (std::size_t i = 0; i < value.size();) {
      unsigned char u = bytes[i];
      if (u == '"' || u == '\\') {
        out_ += '\\';
        out_ += value[i++];
      } else if (u < 0x20) {
        out_ += "\\u00";
        out_ += hex[u >> 4];
        out_ += hex[u & 15];
        ++i;
      } else if (std::size_t length = trace::utf8_sequence_length(bytes + i, value.size() - i)) {
        out_.append(value.substr(i, length));
        i += length;
      } else {
        out_ += "\\\\x";
        out_ += hex[u >> 4];
        out_ += hex[u & 15];
        ++i;
      }
    }
    out_ += '"';
  }

  std::string& out_;
  bool first_in_array_ = true;
};

}  // namespace lockgraph::rt
