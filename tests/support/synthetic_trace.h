// Builds small lockgraph traces by hand, for tests that need one exact situation.
#pragma once

#include <string>
#include <vector>

namespace lockgraph::testing {

class SyntheticTrace {
 public:
  SyntheticTrace() { line(R"({"k":"header","magic":"lockgraph-trace","version":"1.0","pid":100,"mode":"summary"})"); }

  SyntheticTrace& lock(int id, const std::string& name, const std::string& kind = "mutex") {
    return line(R"({"k":"lock","id":)" + std::to_string(id) + R"(,"kind":")" + kind +
                R"(","name":")" + name + R"(","s":0,"t":1})");
  }
  SyntheticTrace& thread(int tid, int parent, int parent_segment, const std::string& name = "") {
    return line(R"({"k":"thread","t":)" + std::to_string(tid) + R"(,"parent":)" +
                std::to_string(parent) + R"(,"pseg":)" + std::to_string(parent_segment) +
                (name.empty() ? "" : R"(,"name":")" + name + "\"") + "}");
  }
  SyntheticTrace& join(int joiner, int joined, int new_segment) {
    return line(R"({"k":"join","t":)" + std::to_string(joiner) + R"(,"joined":)" +
                std::to_string(joined) + R"(,"seg":)" + std::to_string(new_segment) + "}");
  }
  // Thread `tid` took `lock` (flags) while holding `held` (each [lock, flags]).
  SyntheticTrace& chain(int tid, int lock, std::vector<std::pair<int, int>> held, int flags = 0,
                        int segment = 0) {
    std::string h;
    for (const auto& [l, f] : held)
      h += (h.empty() ? "" : ",") + std::string("[") + std::to_string(l) + ",0," + std::to_string(f) + "]";
    return line(R"({"k":"chain","id":)" + std::to_string(++chains_) + R"(,"t":)" +
                std::to_string(tid) + R"(,"seg":)" + std::to_string(segment) + R"(,"l":)" +
                std::to_string(lock) + R"(,"f":)" + std::to_string(flags) + R"(,"s":0,"held":[)" + h +
                "]}");
  }
  // Thread `tid` entered segment `segment` holding `locks` (the seg_held record).
  SyntheticTrace& held_across(int tid, int segment, const std::vector<int>& locks) {
    std::string ids;
    for (int l : locks) ids += (ids.empty() ? "" : ",") + std::to_string(l);
    return line(R"({"k":"seg_held","t":)" + std::to_string(tid) + R"(,"seg":)" +
                std::to_string(segment) + R"(,"held":[)" + ids + "]}");
  }
  SyntheticTrace& end() { return line(R"({"k":"end","reason":"exit"})"); }
  SyntheticTrace& line(const std::string& text) {
    text_ += text + "\n";
    return *this;
  }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  int chains_ = 0;
};

}  // namespace lockgraph::testing
