// Layout (../shared/traces/spd-deadlock-suite/README.md): header i16 threads, i32 locks,
// i32 variables, i64 events, all big-endian; then per event bits 0-9 thread, 10-13 operation,
// 14-47 operand, 48-62 source location.
#include "rapidbin_reader.h"

#include <fstream>
#include <vector>

#include "event_stream_builder.h"
#include "lockgraph/analysis/trace_error.h"

namespace lockgraph::analysis {
namespace {

constexpr std::size_t kHeaderBytes = 18;
constexpr std::size_t kEventBytes = 8;

std::uint64_t big_endian(const unsigned char* p, std::size_t n) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

struct Header {
  std::int64_t threads, locks, variables, events;
};

Header parse_header(const unsigned char* p) {
  return {static_cast<std::int16_t>(big_endian(p, 2)), static_cast<std::int32_t>(big_endian(p + 2, 4)),
          static_cast<std::int32_t>(big_endian(p + 6, 4)), static_cast<std::int64_t>(big_endian(p + 10, 8))};
}

constexpr StreamOp kOps[] = {StreamOp::kAcquire, StreamOp::kRelease, StreamOp::kRead,
                             StreamOp::kWrite,   StreamOp::kFork,    StreamOp::kJoin,
                             StreamOp::kBegin,   StreamOp::kEnd,     StreamOp::kRequest,
                             StreamOp::kBranch};

}  // namespace

bool looks_like_rapidbin(const std::string& path, const std::string& first_bytes,
                         std::uint64_t file_size) {
  if (path.size() >= 5 && path.compare(path.size() - 5, 5, ".data") == 0) return true;
  if (first_bytes.size() < kHeaderBytes) return false;
  Header h = parse_header(reinterpret_cast<const unsigned char*>(first_bytes.data()));
  return h.threads > 0 && h.events >= 0 &&
         static_cast<std::uint64_t>(h.events) * kEventBytes + kHeaderBytes == file_size;
}

void read_rapidbin(const std::string& path, TraceModel& model) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(path + ": cannot open for reading");
  std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (bytes.size() < kHeaderBytes)
    throw TraceError(path + ": byte " + std::to_string(bytes.size()) + ": the RapidBin header needs " +
                     std::to_string(kHeaderBytes) + " bytes (threads, locks, variables, events)");
  Header h = parse_header(bytes.data());
  if (h.threads <= 0 || h.locks < 0 || h.variables < 0 || h.events < 0)
    throw TraceError(path + ": byte 0: not a RapidBin header (threads " + std::to_string(h.threads) +
                     ", locks " + std::to_string(h.locks) + ", variables " +
                     std::to_string(h.variables) + ", events " + std::to_string(h.events) +
                     "; expected threads > 0 and no negative count)");
  std::uint64_t present = (bytes.size() - kHeaderBytes) / kEventBytes;
  std::uint64_t events = static_cast<std::uint64_t>(h.events);
  if (present < events || (bytes.size() - kHeaderBytes) % kEventBytes != 0)
    model.warnings.push_back(path + ": the header promises " + std::to_string(events) +
                             " events but the file ends at byte " + std::to_string(bytes.size()) +
                             " (cut off): read the " + std::to_string(std::min(present, events)) +
                             " whole events before it");
  else if (present > events)
    model.warnings.push_back(path + ": " + std::to_string(present - events) +
                             " event(s) after the header's count of " + std::to_string(events) +
                             " ignored");
  EventStreamBuilder builder(model, path, "rapidbin");
  bool thread_warned = false;
  for (std::uint64_t i = 0; i < std::min(present, events); ++i) {
    std::size_t offset = kHeaderBytes + i * kEventBytes;
    std::uint64_t word = big_endian(bytes.data() + offset, kEventBytes);
    StreamEvent e;
    e.thread = word & 0x3FF;
    std::uint64_t op = (word >> 10) & 0xF;
    e.operand = (word >> 14) & ((std::uint64_t{1} << 34) - 1);
    e.location = (word >> 48) & 0x7FFF;
    if (op >= std::size(kOps))
      throw TraceError(path + ": byte " + std::to_string(offset) + " (event " + std::to_string(i + 1) +
                       "): unknown operation " + std::to_string(op) + " (expected 0-9)");
    e.op = kOps[op];
    if (!thread_warned && static_cast<std::int64_t>(e.thread) >= h.threads) {
      thread_warned = true;
      model.warnings.push_back(path + ": byte " + std::to_string(offset) + ": thread " +
                               std::to_string(e.thread) + " beyond the header's " +
                               std::to_string(h.threads) + " threads");
    }
    builder.add(e, i + 1);
  }
  builder.finish();
}

}  // namespace lockgraph::analysis
