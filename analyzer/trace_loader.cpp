#include "lockgraph/analysis/trace_loader.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "build_id.h"
#include "lgtrace_reader.h"
#include "rapidbin_reader.h"
#include "std_reader.h"
#include "lockgraph/analysis/trace_error.h"

namespace lockgraph::analysis {
namespace {

namespace fs = std::filesystem;

bool is_trace_file(const fs::path& path) {
  auto ext = path.extension().string();
  return ext == ".lgtrace" || ext == ".std" || ext == ".data";
}

std::string first_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw TraceError(path + ": cannot open for reading");
  std::string bytes(64, '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  return bytes;
}

}  // namespace

std::vector<std::string> trace_files(const std::vector<std::string>& paths) {
  std::vector<std::string> files;
  for (const auto& path : paths) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (const auto& entry : fs::directory_iterator(path, ec))
        if (entry.is_regular_file() && is_trace_file(entry.path())) found.push_back(entry.path());
      std::sort(found.begin(), found.end());
      if (found.empty())
        throw TraceError(path + ": directory holds no trace files (*.lgtrace, *.std, *.data)");
      files.insert(files.end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      files.push_back(path);
    } else {
      throw TraceError(path + ": no such file or directory");
    }
  }
  return files;
}

TraceModel load_traces(const std::vector<std::string>& paths, const LoadOptions& options) {
  TraceModel model;
  model.syncs = SyncLog(options.accesses_in_memory);
  for (const auto& file : trace_files(paths)) {
    std::string head = first_bytes(file);
    if (head.empty()) throw TraceError(file + ": empty file, not a trace");
    std::error_code ec;
    std::uint64_t size = fs::file_size(file, ec);
    if (looks_like_lgtrace(head)) {
      read_lgtrace(file, model, options);
    } else if (looks_like_std(head)) {
      read_std(file, model);
    } else if (looks_like_rapidbin(file, head, ec ? 0 : size)) {
      read_rapidbin(file, model);
    } else {
      throw TraceError(file + ": not a trace this analyzer reads (expected a lockgraph trace, "
                              "whose first line is {\"k\":\"header\",...}, RAPID STD text "
                              "`T0|acq(L0)|1`, or RapidBin)");
    }
  }
  warn_of_changed_modules(model);
  return model;
}

}  // namespace lockgraph::analysis
