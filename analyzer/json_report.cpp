// The findings as JSON: the format named "lockgraph-findings", described in
// docs/findings-format.md. Also what --baseline reads back.
#include "json_views.h"
#include "lockgraph/analysis/report.h"
#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {
namespace {

nlohmann::json lock_json(const LockView& lock) {
  return {{"id", lock.id},        {"label", lock.label}, {"name", lock.name},
          {"kind", lock.kind},    {"members", lock.members}, {"site", frame_json(lock.site)},
          {"site_is", lock.site_is_first_lock ? "first-lock" : "creation"}};
}

nlohmann::json edge_json(const Findings& findings, const EdgeView& e) {
  const Thread& thread = findings.model->threads[e.thread];
  return {{"from", e.from},
          {"to", e.to},
          {"thread", {{"id", thread.tid}, {"name", thread.name}, {"label", e.thread_label},
                      {"pid", findings.model->processes[thread.process].pid},
                      {"started", frame_json(e.thread_started)}}},
          {"flags", flags_json(e.flags)},
          {"held_flags", flags_json(e.held_flags)},
          {"count", e.count},
          {"also_held", e.also_held},
          {"held_site", frame_json(e.held_site)},
          {"acquire_site", frame_json(e.acquire_site)},
          {"held_stack", stack_json(e.held_stack)},
          {"acquire_stack", stack_json(e.acquire_stack)}};
}

nlohmann::json access_json(const Findings& findings, const AccessView& a) {
  const Thread& thread = findings.model->threads[a.thread];
  return {{"thread", {{"id", thread.tid}, {"name", thread.name}, {"label", a.thread_label},
                      {"started", frame_json(a.thread_started)}}},
          {"write", a.write},
          {"access", a.what},
          {"held", a.held},
          {"site", frame_json(a.site)},
          {"stack", stack_json(a.stack)}};
}

}  // namespace

void write_json_report(std::ostream& out, const Report& report) {
  const Findings& findings = *report.findings;
  const TraceModel& model = *findings.model;
  const SummaryCounts counts = summary_counts(report);
  nlohmann::json traces = nlohmann::json::array();
  for (const Process& p : model.processes)
    traces.push_back({{"path", p.trace_path}, {"pid", p.pid}, {"exe", p.exe},
                      {"complete", p.complete}, {"end", p.end_reason}});
  nlohmann::json verdicts = nlohmann::json::object();
  for (Verdict v : kAllVerdicts) verdicts[verdict_name(v)] = findings.count(v);

  auto produce = [&](const Emit& emit) {
    // What happened comes before what could happen.
    for (const ReportedIncident& i : report.incidents) {
      nlohmann::json parties = nlohmann::json::array();
      for (const IncidentPartyView& p : i.view.parties) {
        const Thread& thread = findings.model->threads[p.thread];
        parties.push_back({{"thread", {{"id", thread.tid}, {"name", thread.name}, {"label", p.thread_label},
                                       {"started", frame_json(p.thread_started)}}},
                           {"lock", p.lock},
                           {"role", p.role == trace::incident::kHolds   ? "holds"
                                    : p.role == trace::incident::kWaits ? "waits"
                                                                        : "here"},
                           {"action", p.action},
                           {"site", frame_json(p.site)},
                           {"stack", stack_json(p.stack)}});
      }
      emit({{"kind", i.view.incident->what},
                      {"verdict", "observed"},
                      {"finding", true},
                      {"fails", i.fails()},
                      {"reason", i.view.explanation},
                      {"headline", i.view.headline},
                      {"fingerprint", i.view.fingerprint},
                      {"suppressed_by", i.suppressed_by},
                      {"in_baseline", i.in_baseline},
                      {"parties", parties}});
    }
    for (const ReportedCycle& c : report.cycles) {
      if (!report.shows(c)) continue;
      const CycleView& view = c.view;
      nlohmann::json locks = nlohmann::json::array(), edges = nlohmann::json::array();
      for (const LockView& lock : view.locks) locks.push_back(lock_json(lock));
      for (const EdgeView& e : view.edges) edges.push_back(edge_json(findings, e));
      emit({{"kind", "lock-order-inversion"},
                      {"category", finding_kind(view.cycle->verdict)},
                      {"verdict", verdict_name(view.cycle->verdict)},
                      {"finding", verdict_is_finding(view.cycle->verdict)},
                      {"fails", c.fails()},
                      {"reason", view.cycle->reason},
                      {"chain", view.chain},
                      {"fingerprint", view.fingerprint},
                      {"suppressed_by", c.suppressed_by},
                      {"in_baseline", c.in_baseline},
                      {"locks", locks},
                      {"edges", edges}});
    }
    for (const ReportedRace& r : report.races) {
      emit({{"kind", "data-race"},
                      {"verdict", "race"},
                      {"finding", true},
                      {"fails", r.fails()},
                      {"reason", "the accesses " + r.view.unguarded + " and nothing orders them; " + r.view.unordered},
                      {"variable", r.view.variable},
                      {"created", frame_json(r.view.created)},
                      {"created_how", r.view.created_how},
                      {"lockset", r.view.protection},
                      {"same_sites", r.view.same_sites},
                      {"same_sites_variables", r.view.race->same_sites.size()},
                      {"fingerprint", r.view.fingerprint},
                      {"suppressed_by", r.suppressed_by},
                      {"in_baseline", r.in_baseline},
                      {"accesses", nlohmann::json::array({access_json(findings, r.view.second),
                                                          access_json(findings, r.view.first)})}});
    }
  };
  nlohmann::json doc = {
      {"format", kFindingsFormat},
      {"version", kFindingsVersion},
      {"traces", traces},
      {"warnings", model.warnings},
      {"summary",
       {{"failing", report.failing()},
        {"cycles", verdicts},
        {"cycles_truncated", findings.cycles_truncated},
        {"complete", !findings.incomplete()},
        {"incomplete", incompleteness(findings)},
        {"complete_cycle_length", findings.complete_length},
        {"fail_on", report.fail_on == FailOn::kDeadlock ? "deadlock" : "findings"},
        {"cycles_without_stacks", report.cycles_not_listed},
        {"races", report.races.size()},
        {"races_checked", model.races_checked()},
        {"races_sampled", model.races_sampled()},
        {"incidents", report.incidents.size()},
        {"suppressed", counts.suppressed},
        {"baseline_known", counts.baseline_known},
        {"locks", model.locks.size()},
        {"threads", model.threads.size()},
        {"events", model.events}}},
      {"findings", kStreamedArray}};
  write_streamed(out, doc, produce);
  out << "\n";
}

}  // namespace lockgraph::analysis
