#include "report_output.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace lockgraph::cli {
namespace {

bool use_color(const std::string& output, DefaultStream stream) {
  int fd = stream == DefaultStream::kStderr ? STDERR_FILENO : STDOUT_FILENO;
  return output.empty() && ::isatty(fd) && std::getenv("NO_COLOR") == nullptr;
}

}  // namespace

void write_report(const Analysis& analysis, const std::string& format, const std::string& output,
                  DefaultStream stream) {
  std::ostringstream out;
  if (format == "json")
    analysis::write_json_report(out, analysis.report);
  else if (format == "sarif")
    analysis::write_sarif_report(out, analysis.report);
  else
    analysis::write_text_report(out, analysis.report, *analysis.symbolizer, use_color(output, stream));
  if (format != "text")
    for (const auto& w : analysis.model->warnings) std::cerr << "lockgraph: warning: " << w << "\n";
  if (output.empty() && stream == DefaultStream::kStderr) {
    std::cerr << out.str() << std::flush;
    return;
  }
  write_output(output, out.str());
}

}  // namespace lockgraph::cli
