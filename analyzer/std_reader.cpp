// STD: `thread|op|loc`, exactly three fields. `op` is acq/rel/req(L), r/w(V), fork/join(T), or
// begin/end/branch without operand. Operands are `L3`, `V3`, `T3` or a bare number (some
// producers write `fork(9)` for `fork(T9)`); the README of ../shared/traces lists the quirks.
#include "std_reader.h"

#include <charconv>
#include <fstream>

#include "event_stream_builder.h"
#include "lockgraph/analysis/trace_error.h"

namespace lockgraph::analysis {
namespace {

struct OpName {
  std::string_view name;
  StreamOp op;
  char operand;  // the operand's letter, or 0 for none
};

constexpr OpName kOps[] = {
    {"acq", StreamOp::kAcquire, 'L'}, {"rel", StreamOp::kRelease, 'L'},
    {"req", StreamOp::kRequest, 'L'}, {"r", StreamOp::kRead, 'V'},
    {"w", StreamOp::kWrite, 'V'},     {"fork", StreamOp::kFork, 'T'},
    {"join", StreamOp::kJoin, 'T'},   {"begin", StreamOp::kBegin, 0},
    {"end", StreamOp::kEnd, 0},       {"branch", StreamOp::kBranch, 0},
};

// A whole field as a number, with an optional leading letter (`T3`, `L3` or `3`).
bool parse_id(std::string_view text, char letter, std::uint64_t& out) {
  if (!text.empty() && letter != 0 && text.front() == letter) text.remove_prefix(1);
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

// Parses one line; returns what was wrong, or empty.
std::string parse_line(std::string_view line, StreamEvent& e) {
  std::size_t bar1 = line.find('|');
  std::size_t bar2 = bar1 == std::string_view::npos ? bar1 : line.find('|', bar1 + 1);
  if (bar2 == std::string_view::npos || line.find('|', bar2 + 1) != std::string_view::npos)
    return "expected three fields `thread|operation|location`";
  if (!parse_id(line.substr(0, bar1), 'T', e.thread))
    return "expected a thread `T<number>` in the first field";
  std::string_view op = line.substr(bar1 + 1, bar2 - bar1 - 1);
  if (!parse_id(line.substr(bar2 + 1), 0, e.location))
    return "expected a location number in the third field";
  std::size_t paren = op.find('(');
  std::string_view name = op.substr(0, paren);
  for (const OpName& candidate : kOps) {
    if (candidate.name != name) continue;
    e.op = candidate.op;
    if (candidate.operand == 0) {
      if (paren != std::string_view::npos) return "`" + std::string(name) + "` takes no operand";
      return {};
    }
    if (paren == std::string_view::npos || op.back() != ')')
      return "expected `" + std::string(name) + "(" + candidate.operand + "<number>)`";
    if (!parse_id(op.substr(paren + 1, op.size() - paren - 2), candidate.operand, e.operand))
      return "expected `" + std::string(name) + "(" + candidate.operand + "<number>)`";
    return {};
  }
  return "unknown operation `" + std::string(op) +
         "` (expected acq, rel, req, r, w, fork, join, begin, end or branch)";
}

}  // namespace

bool looks_like_std(const std::string& first_bytes) {
  std::size_t bar = first_bytes.find('|');
  if (bar == std::string::npos || bar == 0) return false;
  for (std::size_t i = 0; i < bar; ++i) {
    char c = first_bytes[i];
    if (!(c == 'T' && i == 0) && !(c >= '0' && c <= '9')) return false;
  }
  return true;
}

void read_std(const std::string& path, TraceModel& model) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(path + ": cannot open for reading");
  EventStreamBuilder builder(model, path, "std");
  std::string line;
  std::uint64_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    bool has_newline = !in.eof();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    StreamEvent event;
    std::string problem = parse_line(line, event);
    if (!problem.empty()) {
      if (!has_newline) {
        model.warnings.push_back(path + ":" + std::to_string(number) +
                                 ": the trace ends mid-event (cut off); read up to the line before");
        break;
      }
      throw TraceError(path + ":" + std::to_string(number) + ": " + problem + ", got `" +
                       line.substr(0, 80) + "`");
    }
    builder.add(event, number);
  }
  if (number == 0) throw TraceError(path + ": empty file, not an STD trace");
  builder.finish();
}

}  // namespace lockgraph::analysis
