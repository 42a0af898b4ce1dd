#include "flat_record.h"

namespace lockgraph::analysis {
namespace {

using json = nlohmann::json;

// Accepts exactly: one object whose values are numbers, strings, booleans, arrays of numbers or
// arrays of arrays of numbers. Anything else is an error naming the key.
class FlatRecordSax : public nlohmann::json_sax<json> {
 public:
  explicit FlatRecordSax(FlatRecord& record) : record_(record) {}
  std::string error;

  bool null() override { return fail("null is not a valid value"); }
  bool boolean(bool value) override { return put_number(value ? 1 : 0); }
  bool number_integer(number_integer_t value) override {
    if (value < 0) return fail("a negative number");
    return put_number(static_cast<std::uint64_t>(value));
  }
  bool number_unsigned(number_unsigned_t value) override { return put_number(value); }
  bool number_float(number_float_t, const string_t&) override {
    return fail("a fractional number where an integer was expected");
  }
  bool string(string_t& value) override {
    if (depth_ == 0) return not_an_object();
    if (depth_ != 1) return fail("a string inside an array");
    record_.texts.push_back({std::move(key_), std::move(value)});
    return true;
  }
  bool binary(binary_t&) override { return fail("binary data"); }
  bool start_object(std::size_t) override {
    if (depth_ != 0) return fail("a nested object");
    ++depth_;
    return true;
  }
  bool end_object() override {
    --depth_;
    return true;
  }
  bool key(string_t& value) override {
    key_ = std::move(value);
    return true;
  }
  bool start_array(std::size_t) override {
    if (depth_ == 0) return not_an_object();
    if (depth_ == 1) {
      record_.tuples.push_back({std::move(key_), {}});
    } else if (depth_ == 2) {
      record_.tuples.back().rows.emplace_back();
    } else {
      return fail("arrays nested more than two deep");
    }
    ++depth_;
    return true;
  }
  bool end_array() override {
    --depth_;
    return true;
  }
  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) override {
    error = "column " + std::to_string(position) + ": " + strip_prefix(ex.what());
    return false;
  }

 private:
  static std::string strip_prefix(const std::string& what) {
    auto colon = what.find("error ");
    return colon == std::string::npos ? what : what.substr(colon);
  }
  bool fail(const std::string& what) {
    error = what + (key_.empty() ? "" : " (key \"" + key_ + "\")");
    return false;
  }
  bool not_an_object() { return fail("a bare value where a record object {...} was expected"); }
  bool put_number(std::uint64_t value) {
    if (depth_ == 0) return not_an_object();
    if (depth_ == 1) {
      record_.numbers.push_back({std::move(key_), value});
    } else if (depth_ == 2) {
      record_.tuples.back().rows.push_back({value});
    } else {
      record_.tuples.back().rows.back().push_back(value);
    }
    return true;
  }

  FlatRecord& record_;
  std::string key_;
  int depth_ = 0;
};

}  // namespace

std::string parse_flat_record(std::string_view line, FlatRecord& record) {
  record.clear();
  FlatRecordSax sax(record);
  bool ok = json::sax_parse(line.begin(), line.end(), &sax);
  if (!ok && sax.error.empty()) sax.error = "malformed JSON";
  return ok ? std::string() : sax.error;
}

}  // namespace lockgraph::analysis
