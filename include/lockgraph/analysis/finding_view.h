// Findings made presentable: locks with labels and sites, edges with threads and symbolized
// stacks, the lockdep-style chain text and a stable fingerprint. Text, JSON, SARIF, DOT and HTML
// are all written from these views, so they cannot disagree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lockgraph/analysis/findings.h"
#include "lockgraph/analysis/symbolizer.h"

namespace lockgraph::analysis {

struct LockView {
  std::uint32_t node = 0;
  std::uint64_t id = 0;        // runtime id of the first member lock
  std::string label;           // the name, else kind#id
  std::string name;
  std::string kind;
  SourceFrame site;            // where it was created (first user frame)
  bool site_is_first_lock = false;  // ... or, when its creation was not seen, first locked
  std::size_t members = 1;     // locks grouped into this node
};

struct EdgeView {
  std::string from;            // lock labels
  std::string to;
  ThreadIndex thread = 0;
  std::string thread_label;
  SourceFrame thread_started;  // where the thread was started (empty: unknown, or main)
  std::uint32_t flags = 0;     // of the acquisition of `to`
  std::uint32_t held_flags = 0;
  std::string held_call;       // how each was taken: "lock", "lock_shared", "try_lock", ...
  std::string acquire_call;
  std::uint64_t count = 0;
  std::vector<std::string> also_held;            // other locks held at the time
  std::vector<SourceFrame> held_stack;           // where `from` was taken
  std::vector<SourceFrame> acquire_stack;        // where `to` was taken
  SourceFrame held_site;                         // first user frame of each
  SourceFrame acquire_site;
};

struct CycleView {
  const CycleFinding* cycle = nullptr;
  bool stacks_omitted = false;     // past the report's listing bound: sites only, no stacks
  std::vector<LockView> locks;     // in cycle order
  std::vector<EdgeView> edges;     // edge i: locks[i] -> locks[i+1 mod n]
  std::string chain;               // "A --> B --> A"
  std::string fingerprint;         // stable across runs: from lock sites and names
};

struct AccessView {
  std::string thread_label;
  ThreadIndex thread = 0;
  SourceFrame thread_started;               // where the thread was started (empty: unknown, or main)
  bool write = false;
  std::string what;                         // "read", "write", "atomic read", "atomic write", "free"
  std::vector<std::string> held;            // labels of the locks held
  std::vector<SourceFrame> stack;
  SourceFrame site;
};

struct RaceView {
  const RaceFinding* race = nullptr;
  std::string variable;                     // its name, else "variable #id" / an address
  SourceFrame created;                      // where a shared<T> was made, a heap block allocated
  std::string created_how = "created";      // "created" or "allocated"
  std::string protection;                   // lockset evidence: what lock would have ordered them
  std::string unguarded = "hold no common lock";  // why no lock kept them apart ("hold m only shared")
  std::string unordered;                    // why nothing orders them, from the events (may be empty)
  std::string same_sites;                   // the other variables the same two accesses race on ("" if none)
  AccessView first;                         // the earlier one recorded
  AccessView second;
  std::string fingerprint;
};

struct IncidentPartyView {
  ThreadIndex thread = 0;
  std::string thread_label;
  SourceFrame thread_started;               // where the thread was started (empty: unknown, or main)
  std::string lock;                         // label of the lock it is about, if any
  std::uint32_t role = 0;                   // trace::incident::Role
  std::string action;                       // "waits for lock2 here", "holds lock1, taken at", "unlocks m here"
  std::vector<SourceFrame> stack;
  SourceFrame site;
};

struct IncidentView {
  const Incident* incident = nullptr;
  std::string headline;                     // "deadlock (observed)", "self-deadlock", ...
  std::string explanation;                  // what happened and why it is wrong, one sentence
  std::vector<IncidentPartyView> parties;
  std::string fingerprint;
};

IncidentView view_incident(const Findings& findings, const Incident& incident, Symbolizer& symbolizer);

RaceView view_race(const Findings& findings, const RaceFinding& race, Symbolizer& symbolizer);

// Builds the view of one cycle (symbolizing its stacks, or with `with_stacks` false only the
// first user frame of each).
CycleView view_cycle(const Findings& findings, const CycleFinding& cycle, Symbolizer& symbolizer,
                     bool with_stacks = true);

// The view of one lock-graph node.
LockView view_lock(const Findings& findings, std::uint32_t node, Symbolizer& symbolizer);

// The view of one piece of evidence (one acquisition while holding the edge's source).
EdgeView view_evidence(const Findings& findings, const Evidence& evidence, Symbolizer& symbolizer,
                       bool with_stacks = true);

}  // namespace lockgraph::analysis
