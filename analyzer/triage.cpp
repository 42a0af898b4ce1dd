#include "lockgraph/analysis/triage.h"

#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

namespace lockgraph::analysis {
namespace {

std::string trim(const std::string& s) {
  auto begin = s.find_first_not_of(" \t\r");
  auto end = s.find_last_not_of(" \t\r");
  return begin == std::string::npos ? std::string() : s.substr(begin, end - begin + 1);
}

// Wildcard match of `pattern` (only '*') against all of `text`.
bool glob(const char* p, const char* t) {
  if (*p == '\0') return *t == '\0';
  if (*p == '*') return glob(p + 1, t) || (*t != '\0' && glob(p, t + 1));
  return *t != '\0' && *p == *t && glob(p + 1, t + 1);
}

std::vector<std::string> searchable_texts(const CycleView& view) {
  std::vector<std::string> texts;
  auto add_frame = [&](const SourceFrame& f) {
    if (!f.function.empty()) texts.push_back(f.function);
    if (!f.file.empty()) texts.push_back(f.file);
    if (!f.module.empty()) texts.push_back(f.module);
  };
  for (const LockView& lock : view.locks) {
    texts.push_back(lock.label);
    add_frame(lock.site);
  }
  for (const EdgeView& e : view.edges) {
    for (const auto& f : e.held_stack) add_frame(f);
    for (const auto& f : e.acquire_stack) add_frame(f);
  }
  return texts;
}

std::vector<std::string> searchable_texts(const RaceView& view) {
  std::vector<std::string> texts{view.variable};
  for (const AccessView* access : {&view.first, &view.second})
    for (const SourceFrame& f : access->stack) {
      if (!f.function.empty()) texts.push_back(f.function);
      if (!f.file.empty()) texts.push_back(f.file);
    }
  return texts;
}

std::vector<std::string> searchable_texts(const IncidentView& view) {
  std::vector<std::string> texts{view.incident->what};
  for (const IncidentPartyView& p : view.parties) {
    if (!p.lock.empty()) texts.push_back(p.lock);
    for (const SourceFrame& f : p.stack) {
      if (!f.function.empty()) texts.push_back(f.function);
      if (!f.file.empty()) texts.push_back(f.file);
    }
  }
  return texts;
}

// race_top: only the top frames of each access: the program's first (its site) and, for an access
// made inside a library, the frame that made it (TSan's top frame, so a TSan file's
// `race_top:moodycamel::` means the same here).
std::vector<std::string> top_frames(const RaceView& view) {
  std::vector<std::string> texts;
  auto add = [&](const SourceFrame& f) {
    if (!f.function.empty()) texts.push_back(f.function);
    if (!f.file.empty()) texts.push_back(f.file);
  };
  for (const AccessView* access : {&view.first, &view.second}) {
    add(access->site);
    const ShownFrames shown = shown_frames(access->stack, LibraryFrames::kAll);
    if (!shown.frames.empty() && !shown.frames.front()->user) add(*shown.frames.front());
  }
  return texts;
}

// Marks every unsuppressed item that `s` matches in `items`, by the texts `texts_of` gives of
// its view; returns how many.
template <class Items, class Texts>
std::size_t suppress(Items& items, const Suppression& s, Texts texts_of) {
  std::size_t hits = 0;
  for (auto& item : items) {
    if (!item.suppressed_by.empty()) continue;
    for (const std::string& text : texts_of(item.view)) {
      if (suppression_matches(s.pattern, text)) {
        item.suppressed_by = s.type + ":" + s.pattern;
        ++hits;
        break;
      }
    }
  }
  return hits;
}

}  // namespace

bool suppression_matches(const std::string& pattern, const std::string& text) {
  std::string p = pattern;
  bool anchored_start = !p.empty() && p.front() == '^';
  if (anchored_start) p.erase(0, 1);
  bool anchored_end = !p.empty() && p.back() == '$';
  if (anchored_end) p.pop_back();
  if (!anchored_start) p = "*" + p;
  if (!anchored_end) p += "*";
  return glob(p.c_str(), text.c_str());
}

std::vector<Suppression> read_suppressions(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(path + ": cannot open the suppressions file");
  std::vector<Suppression> result;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    line = trim(line.substr(0, line.find('#')));
    if (line.empty()) continue;
    auto colon = line.find(':');
    std::string type = colon == std::string::npos ? "" : trim(line.substr(0, colon));
    static const std::set<std::string> kTypes = {"deadlock", "race",   "race_top",       "mutex",
                                                  "thread",   "signal", "called_from_lib"};
    if (!kTypes.count(type))
      throw UsageError(path + ":" + std::to_string(number) +
                       ": expected 'deadlock:PATTERN', 'race:PATTERN', 'race_top:PATTERN' or "
                       "'mutex:PATTERN' (or TSan's thread:, signal:, called_from_lib:), got '" +
                       line + "'");
    std::string pattern = trim(line.substr(colon + 1));
    if (pattern.empty())
      throw UsageError(path + ":" + std::to_string(number) + ": empty pattern after '" + type + ":'");
    result.push_back({type, pattern});
  }
  return result;
}

void apply_suppressions(Report& report, const std::vector<Suppression>& suppressions) {
  for (const Suppression& s : suppressions) {
    auto all_texts = [](const auto& view) { return searchable_texts(view); };
    std::size_t hits = s.type == "deadlock"   ? suppress(report.cycles, s, all_texts)
                       : s.type == "race"     ? suppress(report.races, s, all_texts)
                       : s.type == "race_top" ? suppress(report.races, s, top_frames)
                       : s.type == "mutex"    ? suppress(report.incidents, s, all_texts)
                                              : 0;  // thread, signal, called_from_lib
    report.suppression_hits.emplace_back(s.type + ":" + s.pattern, hits);
  }
}

void apply_baseline(Report& report, const std::string& baseline_path) {
  std::ifstream in(baseline_path);
  if (!in) throw UsageError(baseline_path + ": cannot open the baseline file");
  auto doc = nlohmann::json::parse(in, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || doc.value("format", "") != kFindingsFormat ||
      !doc.contains("findings") || !doc["findings"].is_array())
    throw UsageError(baseline_path + ": not a lockgraph JSON report (write one with --format json)");
  std::set<std::string> known;
  for (const auto& f : doc["findings"])
    if (f.is_object() && f.contains("fingerprint") && f["fingerprint"].is_string())
      known.insert(f["fingerprint"].get<std::string>());
  for (ReportedCycle& cycle : report.cycles)
    cycle.in_baseline = known.count(cycle.view.fingerprint) > 0;
  for (ReportedRace& race : report.races) race.in_baseline = known.count(race.view.fingerprint) > 0;
  for (ReportedIncident& incident : report.incidents)
    incident.in_baseline = known.count(incident.view.fingerprint) > 0;
}

}  // namespace lockgraph::analysis
