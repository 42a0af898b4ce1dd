// Triage of a report for CI: suppressions in ThreadSanitizer's syntax and a baseline of known
// findings, so only new, unsuppressed findings fail a build.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "lockgraph/analysis/report.h"

namespace lockgraph::analysis {

// A file the user gave that cannot be used: the CLI exits 2 with its message.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// TSan's suppression types: "deadlock" (lock-order cycles), "race", "race_top" (a race by the
// first user frame of either access only), "mutex" (lock misuse); "thread", "signal" and
// "called_from_lib" are accepted so a TSan suppressions file can be reused, and match nothing
// (lockgraph has no thread-leak or signal reports, and no interceptors to switch off).
struct Suppression {
  std::string type;
  std::string pattern;  // TSan wildcard: '*' any run, '^'/'$' anchors
};

// Reads "type:pattern" lines; '#' starts a comment. Throws UsageError naming file and line.
std::vector<Suppression> read_suppressions(const std::string& path);

// True if `text` matches the TSan pattern (unanchored substring match unless ^ or $ given).
bool suppression_matches(const std::string& pattern, const std::string& text);

// Marks the cycles a suppression matches (by lock name, function or file of any frame shown)
// and counts the matches per pattern in report.suppression_hits.
void apply_suppressions(Report& report, const std::vector<Suppression>& suppressions);

// Marks the cycles whose fingerprint appears in a JSON report written earlier. Throws UsageError.
void apply_baseline(Report& report, const std::string& baseline_path);

}  // namespace lockgraph::analysis
