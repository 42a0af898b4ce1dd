// The report for people. Shape borrowed from the two reports engineers already read: TSan's
// greppable "WARNING: ... / SUMMARY: ..." lines, and lockdep's "Chain exists of" with its
// "possible unsafe locking scenario" table, then one stack pair per dependency.
#include <algorithm>

#include <fmt/format.h>

#include "lockgraph/analysis/report.h"
#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {
namespace {

struct Style {
  bool color;
  std::string red(const std::string& s) const { return color ? "\033[1;31m" + s + "\033[0m" : s; }
  std::string bold(const std::string& s) const { return color ? "\033[1m" + s + "\033[0m" : s; }
  std::string dim(const std::string& s) const { return color ? "\033[2m" + s + "\033[0m" : s; }
};

std::string headline(const CycleFinding& cycle) {
  switch (cycle.verdict) {
    case Verdict::kDeadlock: return "lock-order-inversion (potential deadlock)";
    case Verdict::kUnknown: return "lock-order cycle not decided (search bound reached)";
    case Verdict::kSingleThread:
    case Verdict::kOrdered:
      return fmt::format("lock-order-inversion (in code: {} in this run)", verdict_name(cycle.verdict));
    default: return fmt::format("lock-order cycle that cannot deadlock ({})", verdict_name(cycle.verdict));
  }
}

void write_stack(std::ostream& out, const std::vector<SourceFrame>& stack, Symbolizer& symbolizer,
                 const Style& style, LibraryFrames library = LibraryFrames::kBeyondTheStandardLibrary) {
  if (stack.empty()) {
    out << "      (no stack recorded)\n";
    return;
  }
  // The program's own frames tell the story (and, for an operation made inside a library, the two
  // ends of the library's part); the other frames are counted only.
  const ShownFrames shown = shown_frames(stack, library);
  for (std::size_t n = 0; n < shown.frames.size(); ++n) {
    const SourceFrame& f = *shown.frames[n];
    out << fmt::format("      #{} {}\n", n, f.describe());
    if (&f == shown.quoted)
      for (const auto& [number, text] : symbolizer.snippet(f.file, f.line, 1))
        out << style.dim(fmt::format("        {:>5} {} {}\n", number, number == f.line ? ">" : "|", text));
  }
  if (shown.hidden > 0)
    out << style.dim(fmt::format("      ({} library and runtime frames not shown)\n", shown.hidden));
}

// lockdep's table: one column per thread, each first takes its held lock, then waits.
void write_scenario(std::ostream& out, const CycleView& view) {
  const std::size_t n = view.edges.size();
  constexpr std::size_t kWidth = 34;
  out << "  Possible unsafe locking scenario:\n\n";
  std::string header = "        ", rule = "        ";
  for (const EdgeView& e : view.edges) {
    header += fmt::format("{:<{}}", e.thread_label, kWidth);
    rule += fmt::format("{:<{}}", std::string(std::min(e.thread_label.size(), kWidth - 2), '-'), kWidth);
  }
  out << header << "\n" << rule << "\n";
  auto row = [&](std::size_t column, const std::string& text) {
    out << "        " << std::string(column * kWidth, ' ') << text << "\n";
  };
  for (std::size_t i = 0; i < n; ++i)
    row(i, fmt::format("{}({});", view.edges[i].held_call, view.edges[i].from));
  for (std::size_t i = 0; i < n; ++i)
    row(i, fmt::format("{}({});  <- waits for {}", view.edges[i].acquire_call,
                       view.edges[i].to, view.edges[(i + 1) % n].thread_label));
  out << "\n";
}

// The --suppressions line that would suppress an open finding (valgrind's --gen-suppressions).
template <class Reported>
void write_suppression(std::ostream& out, const Reported& reported) {
  if (!is_open(reported)) return;
  std::string line = suppression_line(reported);
  if (!line.empty()) out << "  Suppression (for --suppressions): " << line << "\n";
}

// "thread 3 was started at main file:line", once per thread, for threads whose start is known
// (main's is not), then a blank line if anything was written: "thread 3" traced back to its
// std::thread.
void write_thread_starts(std::ostream& out, const std::vector<std::pair<std::string, SourceFrame>>& threads) {
  std::vector<std::string> said;
  for (const auto& [label, started] : threads) {
    if (started.file.empty() || std::find(said.begin(), said.end(), label) != said.end()) continue;
    out << fmt::format("  {} was started at {}\n", label, started.describe());
    said.push_back(label);
  }
  if (!said.empty()) out << "\n";
}

void write_cycle(std::ostream& out, const ReportedCycle& reported, Symbolizer& symbolizer,
                 const Style& style) {
  const CycleView& view = reported.view;
  const CycleFinding& cycle = *view.cycle;
  bool finding = verdict_is_finding(cycle.verdict);
  out << (finding ? style.red("WARNING: lockgraph: " + headline(cycle))
                  : style.bold("NOTE: lockgraph: " + headline(cycle)))
      << "\n";
  if (finding && !reported.failing_verdict)
    out << "  (does not fail the run: --fail-on deadlock)\n";
  if (!reported.suppressed_by.empty())
    out << "  (suppressed by '" << reported.suppressed_by << "')\n";
  if (reported.in_baseline) out << "  (known: in the baseline)\n";
  out << fmt::format("  verdict: {}: {}\n", verdict_name(cycle.verdict), cycle.reason);
  if (view.stacks_omitted) {  // past the listing bound: one line per edge, no stacks
    out << "  Chain exists of: " << style.bold(view.chain) << "\n";
    for (const EdgeView& e : view.edges)
      out << fmt::format("    {} --> {}: {} at {} then {}\n", e.from, e.to, e.thread_label,
                         e.held_site.describe(), e.acquire_site.describe());
    out << "\n";
    return;
  }
  out << "\n  Chain exists of:\n    " << style.bold(view.chain) << "\n\n";
  out << "  Locks:\n";
  for (const LockView& lock : view.locks)
    out << fmt::format("    {} ({}{}), {} at {}\n", lock.label, lock.kind,
                       lock.members > 1 ? fmt::format(", {} locks grouped", lock.members) : "",
                       lock.site_is_first_lock ? "first locked" : "created", lock.site.describe());
  out << "\n";
  if (view.edges.size() >= 2 && finding) write_scenario(out, view);
  for (const EdgeView& e : view.edges) {
    out << fmt::format("  {} --> {}: {} took {} while holding {}{}{}\n", e.from, e.to,
                       e.thread_label, e.to, e.from,
                       e.also_held.empty() ? "" : fmt::format(" (and {})", fmt::join(e.also_held, ", ")),
                       e.count > 1 ? fmt::format(", {} times", e.count) : "");
    out << fmt::format("    {} was taken at:\n", e.from);
    write_stack(out, e.held_stack, symbolizer, style);
    out << fmt::format("    {} was taken at:\n", e.to);
    write_stack(out, e.acquire_stack, symbolizer, style);
    out << "\n";
  }
  std::vector<std::pair<std::string, SourceFrame>> threads;
  for (const EdgeView& e : view.edges) threads.emplace_back(e.thread_label, e.thread_started);
  write_thread_starts(out, threads);
  if (finding && !view.edges.empty()) {
    write_suppression(out, reported);
    out << fmt::format("SUMMARY: lockgraph: {} {}\n\n", headline(cycle),
                       view.edges.front().acquire_site.describe());
  }
}

void write_access(std::ostream& out, const AccessView& access, const char* prefix,
                  Symbolizer& symbolizer, const Style& style) {
  out << fmt::format("  {}{} by {}, holding {}:\n", prefix, access.what,
                     access.thread_label,
                     access.held.empty() ? "no lock" : fmt::format("{}", fmt::join(access.held, ", ")));
  write_stack(out, access.stack, symbolizer, style, LibraryFrames::kAll);
}

void write_race(std::ostream& out, const ReportedRace& race, Symbolizer& symbolizer, const Style& style) {
  const RaceView& view = race.view;
  out << style.red("WARNING: lockgraph: data race") << "\n";
  if (!race.suppressed_by.empty()) out << "  (suppressed by '" << race.suppressed_by << "')\n";
  if (race.in_baseline) out << "  (known: in the baseline)\n";
  out << fmt::format("  on {}{}\n\n", view.variable,
                     view.created.file.empty() ? "" : ", " + view.created_how + " at " + view.created.describe());
  write_access(out, view.second, "", symbolizer, style);
  out << "\n";
  write_access(out, view.first, "Previous ", symbolizer, style);
  out << "\n";
  write_thread_starts(out, {{view.second.thread_label, view.second.thread_started},
                            {view.first.thread_label, view.first.thread_started}});
  out << "  Nothing orders these two accesses: they " << view.unguarded << "; " << view.unordered << ".\n";
  if (!view.protection.empty()) out << "  Lockset: " << view.protection << ".\n";
  if (!view.same_sites.empty()) out << "  Also: " << view.same_sites << ".\n";
  write_suppression(out, race);
  out << fmt::format("SUMMARY: lockgraph: data race on {} {}\n\n", view.variable,
                     view.second.site.describe());
}

void write_incident(std::ostream& out, const ReportedIncident& reported, Symbolizer& symbolizer,
                    const Style& style) {
  const IncidentView& view = reported.view;
  out << style.red("WARNING: lockgraph: " + view.headline) << "\n";
  if (!reported.suppressed_by.empty()) out << "  (suppressed by '" << reported.suppressed_by << "')\n";
  if (reported.in_baseline) out << "  (known: in the baseline)\n";
  out << "  " << view.explanation << "\n\n";
  std::vector<std::pair<std::string, SourceFrame>> threads;
  for (const IncidentPartyView& p : view.parties) {
    out << fmt::format("  {} {}:\n", p.thread_label, p.action);
    write_stack(out, p.stack, symbolizer, style);
    threads.emplace_back(p.thread_label, p.thread_started);
  }
  out << "\n";
  write_thread_starts(out, threads);
  const SourceFrame& site = view.parties.empty() ? SourceFrame{} : view.parties.front().site;
  write_suppression(out, reported);
  out << fmt::format("SUMMARY: lockgraph: {} {}\n\n", view.headline, site.describe());
}

}  // namespace

void write_text_report(std::ostream& out, const Report& report, Symbolizer& symbolizer, bool color) {
  Style style{color};
  const Findings& findings = *report.findings;
  for (const auto& warning : findings.model->warnings) out << "lockgraph: warning: " << warning << "\n";
  if (!findings.model->warnings.empty()) out << "\n";
  // Suppressed and baselined findings are counted, not printed, unless asked (TSan's way).
  auto listed = [&report](const auto& item) { return report.print_suppressed || is_open(item); };
  for (const ReportedIncident& incident : report.incidents)
    if (listed(incident)) write_incident(out, incident, symbolizer, style);
  for (const ReportedCycle& cycle : report.cycles)
    if (report.shows(cycle) && listed(cycle)) write_cycle(out, cycle, symbolizer, style);
  for (const ReportedRace& race : report.races)
    if (listed(race)) write_race(out, race, symbolizer, style);
  if (report.cycles_not_listed > 0)
    out << fmt::format("lockgraph: {} cycle(s) listed without their stacks (the first {} have them)\n",
                       report.cycles_not_listed, kMaxListedCycles);
  if (findings.incomplete()) out << style.red("lockgraph: " + incompleteness(findings)) << "\n";
  for (const auto& [pattern, hits] : report.suppression_hits)
    out << fmt::format("lockgraph: suppression '{}' matched {} finding(s)\n", pattern, hits);

  const SummaryCounts counts = summary_counts(report);
  if ((counts.suppressed > 0 || counts.baseline_known > 0) && !report.print_suppressed)
    out << fmt::format("lockgraph: {} suppressed and {} known finding(s) not shown (--print-suppressed shows them)\n",
                       counts.suppressed, counts.baseline_known);
  std::size_t others = 0;
  for (const auto& c : findings.cycles) others += !verdict_is_finding(c.verdict);
  std::string tail;
  if (counts.suppressed > 0) tail += fmt::format(", {} suppressed", counts.suppressed);
  if (counts.baseline_known > 0) tail += fmt::format(", {} known from the baseline", counts.baseline_known);
  if (others > 0 && !report.show_all)
    tail += fmt::format(", {} cycle(s) that cannot deadlock (see --all)", others);
  std::string happened;
  if (counts.observed > 0) happened += fmt::format("{} observed deadlock(s), ", counts.observed);
  if (counts.misuse > 0) happened += fmt::format("{} lock misuse(s), ", counts.misuse);
  std::string undecided;
  if (counts.undecided > 0) undecided = fmt::format("{} undecided cycle(s), ", counts.undecided);
  if (findings.incomplete()) tail += ", INCOMPLETE (" + incompleteness_in_short(findings) + ")";
  out << fmt::format("SUMMARY: lockgraph: {} finding(s): {}{} potential deadlock(s), {}{} "
                     "lock-order inversion(s), {}{}; "
                     "{} lock(s), {} thread(s), {} process(es)\n",
                     report.failing(), happened, counts.deadlocks, undecided,
                     counts.inversions, races_text(report), tail,
                     findings.model->locks.size(), findings.model->threads.size(),
                     findings.model->processes.size());
}

}  // namespace lockgraph::analysis
