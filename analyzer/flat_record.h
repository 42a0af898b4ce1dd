// One trace line parsed without a DOM: nlohmann's SAX interface fills a flat record of numeric,
// string and array-of-number-tuple fields, reusing its buffers from line to line. That is the
// shape of every lockgraph record, and it reads several times faster than a json object per line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace lockgraph::analysis {

struct FlatRecord {
  struct Number {
    std::string key;
    std::uint64_t value;
  };
  struct Text {
    std::string key;
    std::string value;
  };
  struct Tuples {
    std::string key;
    std::vector<std::vector<std::uint64_t>> rows;  // a flat array of numbers is one row each
  };

  std::vector<Number> numbers;
  std::vector<Text> texts;
  std::vector<Tuples> tuples;

  void clear() {
    numbers.clear();
    texts.clear();
    tuples.clear();
  }
  const std::uint64_t* number(std::string_view key) const {
    for (const auto& n : numbers)
      if (n.key == key) return &n.value;
    return nullptr;
  }
  const std::string* text(std::string_view key) const {
    for (const auto& t : texts)
      if (t.key == key) return &t.value;
    return nullptr;
  }
  const Tuples* array(std::string_view key) const {
    for (const auto& t : tuples)
      if (t.key == key) return &t;
    return nullptr;
  }
};

// Parses one line into `record`. Returns an empty string on success, else what was wrong
// (with the column).
std::string parse_flat_record(std::string_view line, FlatRecord& record);

}  // namespace lockgraph::analysis
