// Runtime options, read once from LOCKGRAPH_OPTIONS (TSan grammar: "name=value" separated by ':',
// ' ', ',' or newlines) on top of the weak lockgraph_default_options() hook.
//
// One X-macro table generates the struct, the parser and the help=1 text, so an option cannot be
// documented and forgotten, or parsed and undocumented.
#pragma once

#include <string>
#include <string_view>
#include <vector>

// X(type, name, default, description). type is one of: Str, Int, Bool.
#define LOCKGRAPH_OPTION_TABLE(X)                                                                    \
  X(Str, trace_path, "lockgraph.%p.lgtrace",                                                       \
    "Where the trace is written; %p becomes the process id. A directory is created if missing.")     \
  X(Str, mode, "summary",                                                                            \
    "summary: each distinct lock chain once with counts. full: also every acquire and release.")     \
  X(Int, stack_depth, 32, "Frames kept per captured stack (0 disables stack capture).")              \
  X(Int, flush_interval_ms, 0,                                                                       \
    "If > 0, acquisition counts are written at least this often (records are written at once).") \
  X(Bool, enabled, true, "Record anything at all. enabled=0 leaves only the plain locks.")          \
  X(Int, verbosity, 1, "0: silent. 1 (or more): one line naming the trace at exit.")                 \
  X(Str, self_deadlock, "abort",                                                                     \
    "A thread locking a non-recursive lock it holds: abort (report, then abort) or hang.")        \
  X(Int, hang_timeout_ms, 0,                                                                         \
    "If > 0, a cycle of threads blocked in locks longer than this is written as an observed deadlock.") \
  X(Str, on_hang, "report",                                                                          \
    "After an observed deadlock is written: report (keep waiting) or abort.")                     \
  X(Str, race_sample, "off",                                                                         \
    "Race-flag builds: off (every first access recorded), periods (memory accesses and "            \
    "synchronisation recorded only race_sample_ms of every race_sample_every_ms) or sites (each "   \
    "code site's first race_sample_site_first accesses per thread, then one in "                   \
    "race_sample_site_every); heap lives always.")                                                 \
  X(Int, race_sample_ms, 10, "With race_sample=periods: how long each recording period lasts.")     \
  X(Int, race_sample_every_ms, 100, "With race_sample=periods: how often a recording period starts.") \
  X(Bool, race_sample_syncs, false,                                                                  \
    "With race_sample=periods: 1 records synchronisation in the pauses too (the lock path's full "  \
    "cost; races are then also found between accesses of different periods).")                    \
  X(Int, race_sample_site_first, 100, "With race_sample=sites: accesses of each site and thread always recorded.") \
  X(Int, race_sample_site_every, 100, "With race_sample=sites: after those, one in this many recorded.") \
  X(Int, race_budget_mb, 0,                                                                          \
    "Race-flag builds: if > 0, race_sample=periods starts when the trace grows past this many MB.")  \
  X(Bool, help, false, "Print every option with its default and exit.")

namespace lockgraph::rt {

struct Options {
#define LOCKGRAPH_OPTION_FIELD_Str(name, def) std::string name = def;
#define LOCKGRAPH_OPTION_FIELD_Int(name, def) long name = def;
#define LOCKGRAPH_OPTION_FIELD_Bool(name, def) bool name = def;
#define LOCKGRAPH_OPTION_FIELD(type, name, def, desc) LOCKGRAPH_OPTION_FIELD_##type(name, def)
  LOCKGRAPH_OPTION_TABLE(LOCKGRAPH_OPTION_FIELD)
#undef LOCKGRAPH_OPTION_FIELD
#undef LOCKGRAPH_OPTION_FIELD_Str
#undef LOCKGRAPH_OPTION_FIELD_Int
#undef LOCKGRAPH_OPTION_FIELD_Bool

  bool full_mode() const { return mode == "full"; }
};

// Parses `text` over `options`. Unknown names and malformed values are reported in `errors`
// (one sentence each) and leave the option unchanged.
void parse_options(std::string_view text, Options& options, std::vector<std::string>& errors);

// The help=1 text: every option, its default and what it does.
std::string options_help();

// The process's options: defaults, then lockgraph_default_options(), then LOCKGRAPH_OPTIONS.
// Errors are printed to stderr once. Safe to call from any thread; parsed on first call.
const Options& options();

// Whether every event is recorded (mode=full). Set once when the writer starts, before any
// thread records anything; a plain load, because the lock path asks on every call.
extern bool g_full_mode;
inline bool full_mode_enabled() { return g_full_mode; }

// Expands %p in a trace path to the process id.
std::string expand_trace_path(const std::string& pattern, long pid);

}  // namespace lockgraph::rt
