// libFuzzer target for one trace reader (chosen at compile time by LOCKGRAPH_FUZZ_READER), with
// the analysis after it: hostile bytes must give a model or a TraceError, never a crash, a hang
// or a sanitizer report. The readers take paths, so each input goes through a file in /dev/shm.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>

#include "lgtrace_reader.h"
#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/trace_error.h"
#include "rapidbin_reader.h"
#include "std_reader.h"

namespace {

const std::string& input_path() {
  static const std::string path = [] {
    std::string suffix = LOCKGRAPH_FUZZ_READER == 2 ? ".data" : LOCKGRAPH_FUZZ_READER == 1 ? ".std" : ".lgtrace";
    return "/dev/shm/lockgraph-fuzz-" + std::to_string(::getpid()) + suffix;
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace lockgraph::analysis;
  {
    std::ofstream out(input_path(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  auto model = std::make_shared<TraceModel>();
  try {
    // A small budget, so that the merge of spilled memory accesses is fuzzed too.
    if (LOCKGRAPH_FUZZ_READER == 0) read_lgtrace(input_path(), *model, LoadOptions{16});
    if (LOCKGRAPH_FUZZ_READER == 1) read_std(input_path(), *model);
    if (LOCKGRAPH_FUZZ_READER == 2) read_rapidbin(input_path(), *model);
  } catch (const TraceError&) {
    return 0;  // a clear refusal is the right answer to bad input
  }
  AnalysisOptions options;
  options.max_cycles = 200;  // enumeration is bounded in the product too; keep each input fast
  Findings findings = analyze(model, options);
  (void)findings;
  return 0;
}
