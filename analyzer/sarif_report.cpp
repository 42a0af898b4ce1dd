// SARIF 2.1.0 for code-scanning services: one result per finding, with a stable
// partialFingerprint from lock names and creation sites, and one threadFlow per thread showing
// where it took its held lock and where it waits.
#include "json_views.h"

#include <cctype>
#include <map>
#include <regex>

#include "lockgraph/analysis/report.h"

namespace lockgraph::analysis {
namespace {

// A path as a URI reference: every byte but unreserved characters and '/' percent-encoded.
std::string uri_path(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// Pids change with every run: a message carrying one would make every run's alert new.
std::string without_pids(std::string text) {
  static const std::regex kPid(" of pid [0-9]+");
  return std::regex_replace(text, kPid, "");
}

// Where a finding is, for code scanning: a file under the source root relative to it (uriBaseId
// %SRCROOT%, which originalUriBaseIds resolves), so the alert lands on the checkout wherever the
// build ran; any other file (a system header) by its absolute file:// URI.
class Locations {
 public:
  explicit Locations(std::string root) : root_(std::move(root)) {}

  nlohmann::json operator()(const SourceFrame& frame, const std::string& message) const {
    nlohmann::json loc = {{"message", {{"text", without_pids(message)}}}};
    if (frame.file.empty()) return loc;
    nlohmann::json artifact;
    if (under_root(frame.file))
      artifact = {{"uri", uri_path(frame.file.substr(root_.size() + 1))}, {"uriBaseId", "%SRCROOT%"}};
    else
      artifact = {{"uri", frame.file.front() == '/' ? "file://" + uri_path(frame.file) : uri_path(frame.file)}};
    nlohmann::json region = {{"startLine", frame.line > 0 ? frame.line : 1}};
    if (frame.column > 0) region["startColumn"] = frame.column;
    loc["physicalLocation"] = {{"artifactLocation", artifact}, {"region", region}};
    return loc;
  }

  // The run's originalUriBaseIds (null without a root).
  nlohmann::json base_ids() const {
    if (root_.empty()) return nullptr;
    return {{"%SRCROOT%", {{"uri", "file://" + uri_path(root_ == "/" ? "/" : root_ + "/")}}}};
  }

 private:
  bool under_root(const std::string& file) const {
    return !root_.empty() && root_ != "/" && file.size() > root_.size() + 1 &&
           file.compare(0, root_.size(), root_) == 0 && file[root_.size()] == '/';
  }
  std::string root_;
};

// Each rule with a helpUri into docs/findings-format.md where the build says where the docs are
// published (LOCKGRAPH_DOCS_URL; CMakeLists.txt).
nlohmann::json with_help_uris(nlohmann::json rules) {
  const std::string docs = LOCKGRAPH_DOCS_URL;
  if (docs.empty()) return rules;
  const std::string page = docs + (docs.back() == '/' ? "" : "/") + "findings-format.md";
  const std::map<std::string, std::string> anchors = {{"lock-order-inversion", "#a-lock-order-cycle"},
                                                      {"data-race", "#a-data-race"},
                                                      {"lock-misuse", "#an-incident-something-the-run-did"}};
  for (nlohmann::json& rule : rules) rule["helpUri"] = page + anchors.at(rule["id"].get<std::string>());
  return rules;
}

nlohmann::json rules() {
  return with_help_uris(nlohmann::json::array(
      {{{"id", "lock-order-inversion"},
        {"name", "LockOrderInversion"},
        {"shortDescription", {{"text", "Potential deadlock: locks taken in opposite orders"}}},
        {"fullDescription",
         {{"text", "Locks are taken in opposite orders with no common lock held. Level error: "
                   "threads of this run could deadlock (or the search could not decide). Level "
                   "warning: a code-level inversion, where this run's threads happened not to "
                   "overlap (one thread, or ordered by start/join) but the same code paths run "
                   "by two threads at once would deadlock."}}},
        {"help",
         {{"text", "Take the locks in one global order everywhere (or together, with std::scoped_lock), "
                   "or hold a common lock around both sections. The scenario table and the two "
                   "stacks per edge show where each order is taken."}}},
        {"defaultConfiguration", {{"level", "error"}}}},
       {{"id", "data-race"},
        {"name", "DataRace"},
        {"shortDescription", {{"text", "Data race: shared memory accessed without a common lock or ordering"}}},
        {"fullDescription",
         {{"text", "Two threads access the same variable, at least one writes, they hold no common "
                   "lock and no happens-before relation orders the accesses."}}},
        {"help",
         {{"text", "Protect every access to the variable with one lock, make it atomic, or order "
                   "the accesses (join, condition variable, semaphore) before the second one."}}},
        {"defaultConfiguration", {{"level", "error"}}}},
       {{"id", "lock-misuse"},
        {"name", "LockMisuse"},
        {"shortDescription", {{"text", "Lock misuse or a deadlock that happened in the recorded run"}}},
        {"fullDescription",
         {{"text", "The run itself deadlocked, or misused a lock: relocking a non-recursive lock, "
                   "unlocking a lock it does not hold, destroying a held lock, ending a thread "
                   "with locks held, waiting on a condition without its mutex, one condition "
                   "variable with two mutexes, destroying a condition variable threads still wait "
                   "on, initialising a held lock again, locking a destroyed lock or memory that is "
                   "no lock, a semaphore or barrier call refused."}}},
        {"help",
         {{"text", "Each party's stack shows the offending operation; an observed deadlock lists "
                   "every thread with the lock it holds and the one it waits for."}}},
        {"defaultConfiguration", {{"level", "error"}}}}}));
}

}  // namespace

// GitHub code scanning rejects a run with more results than this (its ingestion limits); the
// results past it are left out of the SARIF file, and a notification says how many.
constexpr std::size_t kMaxResultsPerRun = 25000;

void write_sarif_report(std::ostream& out, const Report& report) {
  const Locations location(report.source_root);
  auto produce_all = [&](const Emit& emit) {
    // What happened comes before what could happen.
    for (const ReportedIncident& i : report.incidents) {
      const IncidentView& view = i.view;
      nlohmann::json flows = nlohmann::json::array();
      for (const IncidentPartyView& p : view.parties)
        flows.push_back({{"message", {{"text", without_pids(p.thread_label)}}},
                         {"locations", nlohmann::json::array(
                                           {{{"location", location(p.site, p.thread_label + " " + p.action)}}})}});
      nlohmann::json result = {
          {"ruleId", "lock-misuse"},
          {"ruleIndex", 2},
          {"level", "error"},
          {"message", {{"text", without_pids(view.headline + ": " + view.explanation)}}},
          {"partialFingerprints", {{"lockgraphIncident/v1", view.fingerprint}}},
          {"codeFlows", nlohmann::json::array({{{"threadFlows", flows}}})}};
      if (!view.parties.empty())
        result["locations"] = nlohmann::json::array(
            {location(view.parties.front().site, view.parties.front().thread_label + " " +
                                                     view.parties.front().action)});
      if (!i.suppressed_by.empty())
        result["suppressions"] = nlohmann::json::array(
            {{{"kind", "external"}, {"justification", "matched '" + i.suppressed_by + "'"}}});
      emit(result);
    }
    for (const ReportedCycle& c : report.cycles) {
      if (!report.shows(c)) continue;
      const CycleView& view = c.view;
      nlohmann::json flows = nlohmann::json::array();
      for (const EdgeView& e : view.edges) {
        flows.push_back(
            {{"message", {{"text", without_pids(e.thread_label)}}},
             {"locations",
              nlohmann::json::array(
                  {{{"location", location(e.held_site, e.thread_label + " takes " + e.from)}},
                   {{"location", location(e.acquire_site, e.thread_label + " waits for " + e.to +
                                                              " while holding " + e.from)}}})}});
      }
      nlohmann::json result = {
          {"ruleId", "lock-order-inversion"},
          {"ruleIndex", 0},
          {"level", view.cycle->verdict == Verdict::kDeadlock || view.cycle->verdict == Verdict::kUnknown
                        ? "error"
                    : verdict_is_finding(view.cycle->verdict) ? "warning"
                                                              : "note"},
          {"message", {{"text", without_pids("Lock-order cycle " + view.chain + ": " +
                                             verdict_name(view.cycle->verdict) + ". " + view.cycle->reason)}}},
          {"partialFingerprints", {{"lockgraphCycle/v1", view.fingerprint}}},
          {"codeFlows", nlohmann::json::array({{{"threadFlows", flows}}})}};
      if (!view.edges.empty())
        result["locations"] = nlohmann::json::array({location(view.edges.front().acquire_site,
                                                              "waits here: " + view.chain)});
      if (!c.suppressed_by.empty())
        result["suppressions"] = nlohmann::json::array(
            {{{"kind", "external"}, {"justification", "matched '" + c.suppressed_by + "'"}}});
      emit(result);
    }
    for (const ReportedRace& r : report.races) {
      const RaceView& view = r.view;
      auto access_text = [](const AccessView& a) {
        return a.what + " by " + a.thread_label;
      };
      nlohmann::json flows = nlohmann::json::array();
      for (const AccessView* a : {&view.second, &view.first})
        flows.push_back({{"message", {{"text", without_pids(a->thread_label)}}},
                         {"locations", nlohmann::json::array(
                                           {{{"location", location(a->site, access_text(*a))}}})}});
      nlohmann::json result = {
          {"ruleId", "data-race"},
          {"ruleIndex", 1},
          {"level", "error"},
          {"message", {{"text", without_pids("Data race on " + view.variable + ": " + access_text(view.second) +
                                             " and " + access_text(view.first) +
                                             " " + view.unguarded + " and nothing orders them; " + view.unordered +
                                             (view.same_sites.empty() ? "" : "; " + view.same_sites) + ".")}}},
          {"partialFingerprints", {{"lockgraphRace/v1", view.fingerprint}}},
          {"locations", nlohmann::json::array({location(view.second.site, access_text(view.second))})},
          {"codeFlows", nlohmann::json::array({{{"threadFlows", flows}}})}};
      if (!r.suppressed_by.empty())
        result["suppressions"] = nlohmann::json::array(
            {{{"kind", "external"}, {"justification", "matched '" + r.suppressed_by + "'"}}});
      emit(result);
    }
  };
  // One result per incident, race and shown cycle (the loops above), counted without making them.
  std::size_t results = report.incidents.size() + report.races.size();
  for (const ReportedCycle& c : report.cycles) results += report.shows(c) ? 1 : 0;
  auto produce = [&](const Emit& emit) {
    std::size_t written = 0;
    produce_all([&](const nlohmann::json& result) {
      if (written++ < kMaxResultsPerRun) emit(result);
    });
  };
  // A bound that left cycles unchecked is said where code-scanning services show tool problems.
  nlohmann::json invocation = {{"executionSuccessful", !report.findings->incomplete()}};
  nlohmann::json notifications = nlohmann::json::array();
  auto notify = [&](const char* level, const char* id, const std::string& text) {
    notifications.push_back(
        {{"level", level}, {"descriptor", {{"id", id}}}, {"message", {{"text", "lockgraph: " + text}}}});
  };
  if (report.findings->incomplete()) notify("error", "analysis-incomplete", incompleteness(*report.findings));
  // No result about races is not "no race" when nothing was checked, nor all races when sampled.
  if (!report.findings->model->races_checked()) notify("note", "races-not-checked", races_text(report));
  if (!report.findings->model->races_sampled().empty()) notify("note", "races-sampled", races_text(report));
  if (results > kMaxResultsPerRun)
    notify("warning", "results-left-out",
           std::to_string(results - kMaxResultsPerRun) + " of " + std::to_string(results) +
               " results left out of this SARIF file (code scanning accepts at most " +
               std::to_string(kMaxResultsPerRun) + " per run): the text and JSON reports list them all");
  if (!notifications.empty()) invocation["toolExecutionNotifications"] = notifications;
  nlohmann::json doc = {
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs", nlohmann::json::array(
                   {{{"tool", {{"driver", {{"name", "lockgraph"}, {"version", LOCKGRAPH_VERSION},
                                          {"rules", rules()}}}}},
                     {"invocations", nlohmann::json::array({invocation})},
                     {"results", kStreamedArray}}})}};
  if (nlohmann::json base_ids = location.base_ids(); !base_ids.is_null())
    doc["runs"][0]["originalUriBaseIds"] = base_ids;
  write_streamed(out, doc, produce);
  out << "\n";
}

}  // namespace lockgraph::analysis
