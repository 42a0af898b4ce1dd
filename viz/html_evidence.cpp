#include "html_evidence.h"

#include <set>
#include <vector>

namespace lockgraph::viz {
namespace {

using analysis::SourceFrame;

constexpr std::size_t kEvidencePerEdge = 5;
// A page lists at most this many cycles (findings come first); the rest are counted.
constexpr std::size_t kCyclesListed = 1000;

nlohmann::json frames_json(const std::vector<SourceFrame>& stack, analysis::Symbolizer& symbolizer,
                           analysis::LibraryFrames library = analysis::LibraryFrames::kBeyondTheStandardLibrary) {
  nlohmann::json frames = nlohmann::json::array();
  const analysis::ShownFrames shown = analysis::shown_frames(stack, library);
  for (const SourceFrame* f : shown.frames) {
    nlohmann::json frame = {{"where", f->describe()}};
    if (f == shown.quoted) {
      nlohmann::json lines = nlohmann::json::array();
      for (const auto& [number, text] : symbolizer.snippet(f->file, f->line, 1))
        lines.push_back({{"n", number}, {"text", text}, {"here", number == f->line}});
      frame["snippet"] = lines;
    }
    frames.push_back(frame);
  }
  return frames;
}

nlohmann::json edge_json(const analysis::EdgeView& e, analysis::Symbolizer& symbolizer) {
  return {{"from", e.from},
          {"to", e.to},
          {"thread", e.thread_label},
          {"started", e.thread_started.file.empty() ? "" : e.thread_started.describe()},
          {"held_call", e.held_call},
          {"acquire_call", e.acquire_call},
          {"also_held", e.also_held},
          {"count", e.count},
          {"held_stack", frames_json(e.held_stack, symbolizer)},
          {"acquire_stack", frames_json(e.acquire_stack, symbolizer)}};
}

nlohmann::json access_json(const analysis::AccessView& a, analysis::Symbolizer& symbolizer) {
  return {{"thread", a.thread_label},
          {"write", a.write},
          {"access", a.what},
          {"held", a.held},
          {"stack", frames_json(a.stack, symbolizer, analysis::LibraryFrames::kAll)}};
}

}  // namespace

// The threads of a finding's edges, parties or accesses.
template <class Items>
std::vector<analysis::ThreadIndex> thread_indexes(const Items& items) {
  std::vector<analysis::ThreadIndex> threads;
  for (const auto& item : items) threads.push_back(item.thread);
  return threads;
}

// The programs a finding's threads ran in: "deadlock_example (pid 1234)", so that a report over a
// test suite's hundreds of processes says which test each finding came from.
std::string programs_of(const analysis::TraceModel& model, const std::vector<analysis::ThreadIndex>& threads) {
  std::set<std::uint32_t> processes;
  for (analysis::ThreadIndex t : threads) processes.insert(model.threads[t].process);
  std::string out;
  for (std::uint32_t p : processes) out += (out.empty() ? "" : ", ") + model.program_label(p);
  return out;
}

nlohmann::json evidence_json(const analysis::Report& report, analysis::Symbolizer& symbolizer) {
  const analysis::Findings& findings = *report.findings;
  const analysis::TraceModel& model = *findings.model;
  nlohmann::json list = nlohmann::json::array();
  // What happened first: observed deadlocks and misuse, each party with its stack.
  for (const auto& i : report.incidents) {
    nlohmann::json parties = nlohmann::json::array();
    for (const auto& p : i.view.parties)
      parties.push_back({{"what", p.thread_label + " " + p.action}, {"stack", frames_json(p.stack, symbolizer)}});
    list.push_back({{"id", "finding-" + std::to_string(list.size())},
                    {"kind", i.view.incident->what},
                    {"verdict", "observed"},
                    {"fails", i.fails()},
                    {"title", i.view.headline},
                    {"program", programs_of(model, thread_indexes(i.view.parties))},
                    {"reason", i.view.explanation},
                    {"parties", parties}});
  }
  for (std::size_t i = 0; i < report.cycles.size(); ++i) {
    const auto& c = report.cycles[i];
    if (!report.shows(c)) continue;
    nlohmann::json edges = nlohmann::json::array(), nodes = nlohmann::json::array();
    for (const auto& e : c.view.edges) edges.push_back(edge_json(e, symbolizer));
    for (const auto& l : c.view.locks) nodes.push_back("node" + std::to_string(l.node));
    list.push_back({{"id", "finding-" + std::to_string(list.size())},
                    {"kind", "lock-order-inversion"},
                    {"category", analysis::finding_kind(c.view.cycle->verdict)},
                    {"verdict", analysis::verdict_name(c.view.cycle->verdict)},
                    {"fails", c.fails()},
                    {"title", c.view.chain},
                    {"program", programs_of(model, thread_indexes(c.view.edges))},
                    {"reason", c.view.cycle->reason},
                    {"nodes", nodes},
                    {"edges", edges}});
  }
  for (const auto& r : report.races) {
    list.push_back({{"id", "finding-" + std::to_string(list.size())},
                    {"kind", "data-race"},
                    {"verdict", "race"},
                    {"fails", r.fails()},
                    {"title", "data race on " + r.view.variable +
                                  (r.view.created.file.empty() ? std::string()
                                                               : ", " + r.view.created_how + " at " + r.view.created.describe())},
                    {"program", programs_of(model, {r.view.second.thread, r.view.first.thread})},
                    {"reason", "the two accesses " + r.view.unguarded + " and nothing orders them; " + r.view.unordered +
                                   (r.view.protection.empty() ? std::string() : "; " + r.view.protection) +
                                   (r.view.same_sites.empty() ? std::string() : "; " + r.view.same_sites)},
                    {"accesses", nlohmann::json::array({access_json(r.view.second, symbolizer),
                                                        access_json(r.view.first, symbolizer)})}});
  }
  nlohmann::json edges = nlohmann::json::object();
  const auto& graph = *findings.graph;
  for (std::size_t i = 0; i < graph.edges().size(); ++i) {
    const auto& edge = graph.edges()[i];
    nlohmann::json evidence = nlohmann::json::array();
    for (std::size_t k = 0; k < edge.evidence.size() && k < kEvidencePerEdge; ++k)
      evidence.push_back(edge_json(analysis::view_evidence(findings, edge.evidence[k], symbolizer), symbolizer));
    edges["edge" + std::to_string(i)] = {{"count", edge.evidence.size()}, {"evidence", evidence}};
  }
  nlohmann::json nodes = nlohmann::json::object();
  for (std::uint32_t n = 0; n < graph.nodes().size(); ++n) {
    analysis::LockView lock = analysis::view_lock(findings, n, symbolizer);
    nodes["node" + std::to_string(n)] = {{"label", lock.label},
                                         {"kind", lock.kind},
                                         {"members", lock.members},
                                         {"site", lock.site.describe()},
                                         {"first_lock", lock.site_is_first_lock}};
  }
  return {{"findings", list},
          {"edges", edges},
          {"nodes", nodes},
          {"cycles_without_stacks", report.cycles_not_listed},
          {"incomplete", analysis::incompleteness(*report.findings)}};
}

}  // namespace lockgraph::viz
