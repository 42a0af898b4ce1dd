#include "report_output.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

namespace lockgraph::cli {
namespace {

bool use_color(const std::string& output) {
  return output.empty() && ::isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
}

}  // namespace

void write_report(const Analysis& analysis, const std::string& format, const std::string& output) {
  std::ostringstream out;
  if (format == "json")
    analysis::write_json_report(out, analysis.report);
  else if (format == "sarif")
    analysis::write_sarif_report(out, analysis.report);
  else
    analysis::write_text_report(out, analysis.report, *analysis.symbolizer, use_color(output));
  if (format != "text")
    for (const auto& w : analysis.model->warnings) std::cerr << "lockgraph: warning: " << w << "\n";
  write_output(output, out.str());
}

}  // namespace lockgraph::cli
