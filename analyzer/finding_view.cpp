#include "lockgraph/analysis/finding_view.h"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "lockgraph/trace_format.h"

namespace lockgraph::analysis {
namespace {

// FNV-1a: stable across runs and platforms, unlike std::hash.
std::string stable_hash(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

std::string base_name(const std::string& path) {
  auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

LockView view_lock(const Findings& findings, std::uint32_t node, Symbolizer& symbolizer) {
  const TraceModel& model = *findings.model;
  const LockNode& n = findings.graph->nodes()[node];
  const Lock& lock = model.locks[n.members.front()];
  LockView view;
  view.node = node;
  view.id = lock.id;
  view.name = lock.name;
  view.kind = lock.kind.empty() ? "lock" : lock.kind;
  view.members = n.members.size();
  view.site = symbolizer.user_frame(lock.creation);
  view.site_is_first_lock = lock.first_use;
  // Unnamed (a plain std::mutex under the preload library): a global is named by its symbol.
  if (view.name.empty() && lock.address.module != 0) view.name = symbolizer.data_name(lock.address);
  view.label = view.name.empty() ? view.kind + "#" + std::to_string(lock.id)
               : findings.shared_names.count(view.name) ? view.name + " (#" + std::to_string(lock.id) + ")"
                                                         : view.name;
  return view;
}

// The call an acquisition was, as a scenario table writes it: lock, lock_shared, try_lock, ...
std::string acquisition_call(std::uint32_t flags) {
  std::string word = (flags & trace::flag::kShared) ? "lock_shared" : "lock";
  if (flags & trace::flag::kTry) word = "try_" + word;
  if (flags & trace::flag::kTimed) word = "timed_" + word;
  return word;
}

EdgeView view_evidence(const Findings& findings, const Evidence& evidence, Symbolizer& symbolizer,
                       bool with_stacks) {
  const TraceModel& model = *findings.model;
  const LockGraph& graph = *findings.graph;
  const Chain& chain = model.chains[evidence.chain];
  const HeldLock& held = chain.held[evidence.held_index];
  EdgeView edge;
  edge.from = view_lock(findings, graph.node_of(held.lock), symbolizer).label;
  edge.to = view_lock(findings, graph.node_of(chain.lock), symbolizer).label;
  edge.thread = chain.thread;
  edge.thread_label = model.thread_label(chain.thread);
  edge.thread_started = symbolizer.user_frame(model.threads[chain.thread].creation);
  edge.flags = chain.flags;
  edge.held_flags = held.flags;
  edge.held_call = acquisition_call(held.flags);
  edge.acquire_call = acquisition_call(chain.flags);
  edge.count = chain.count;
  for (std::size_t i = 0; i < chain.held.size(); ++i)
    if (i != evidence.held_index)
      edge.also_held.push_back(view_lock(findings, graph.node_of(chain.held[i].lock), symbolizer).label);
  if (with_stacks) {
    edge.held_stack = symbolizer.stack(held.stack);
    edge.acquire_stack = symbolizer.stack(chain.stack);
  }
  edge.held_site = symbolizer.user_frame(held.stack);
  edge.acquire_site = symbolizer.user_frame(chain.stack);
  return edge;
}

namespace {

AccessView view_access(const Findings& findings, const Access& access, Symbolizer& symbolizer) {
  const TraceModel& model = *findings.model;
  AccessView view;
  view.thread = access.thread;
  view.thread_label = model.thread_label(access.thread);
  view.thread_started = symbolizer.user_frame(model.threads[access.thread].creation);
  view.write = access.write;
  view.what = access.frees ? "free" : std::string(access.atomic ? "atomic " : "") + (access.write ? "write" : "read");
  for (LockIndex l : findings.model->locksets[access.held])
    view.held.push_back(view_lock(findings, findings.graph->node_of(LockSets::lock_of(l)), symbolizer).label +
                        (LockSets::is_shared(l) ? " (shared)" : ""));
  view.stack = symbolizer.stack(access.stack);
  view.site = symbolizer.user_frame(access.stack);
  return view;
}

}  // namespace

namespace {

// The label of a lock both accesses hold, else "": both hold it shared (an exclusive hold would
// have kept the other out).
std::string lock_held_by_both(const Findings& findings, const RaceFinding& race, Symbolizer& symbolizer) {
  const TraceModel& model = *findings.model;
  for (LockIndex l : model.locksets[model.accesses[race.first].held])
    for (LockIndex m : model.locksets[model.accesses[race.second].held])
      if (LockSets::lock_of(l) == LockSets::lock_of(m))
        return view_lock(findings, findings.graph->node_of(LockSets::lock_of(l)), symbolizer).label;
  return "";
}

// What lock would have ordered the two accesses: Eraser's lockset question, asked only of what
// happens-before already found unordered (so it never raises a false alarm of its own).
// `shared_lock`: lock_held_by_both.
std::string protection(const Findings& findings, const RaceFinding& race, const RaceView& view,
                       const std::string& shared_lock, Symbolizer& symbolizer) {
  const AccessView& a = view.first;
  const AccessView& b = view.second;
  if (a.what == "free" || b.what == "free")
    return "the block is freed while the other thread may still use it: end that use (a join, a "
           "hand-off) before the free";
  if (!shared_lock.empty()) {
    const AccessView& writer = a.write ? a : b;
    return "a shared hold keeps no other shared holder out: the " + writer.what + " by " + writer.thread_label +
           " must hold " + shared_lock + " exclusively";
  }
  if (!a.held.empty() && !b.held.empty())
    return "they hold different locks (" + a.held.front() + ", " + b.held.front() +
           "): one lock taken by both would order them";
  if (!a.held.empty() || !b.held.empty()) {
    const AccessView& locked = a.held.empty() ? b : a;
    const AccessView& bare = a.held.empty() ? a : b;
    return "the " + locked.what + " by " + locked.thread_label + " holds " + locked.held.front() + "; the " +
           bare.what + " by " + bare.thread_label + " holds none: take " + locked.held.front() + " there too";
  }
  if (race.has_guard && race.guarded_accesses > 0) {
    std::string lock = view_lock(findings, findings.graph->node_of(race.guard), symbolizer).label;
    return std::to_string(race.guarded_accesses) + " of the " + std::to_string(race.accesses) +
           " recorded accesses to it hold " + lock + ", these two do not: take " + lock + " here";
  }
  return "no recorded access to it holds a lock: protect it with one lock, or make it atomic";
}

// A release as a person reads it ("its unlock of M", "its start of thread 4", ...).
std::string release_text(const Findings& findings, const SyncEvent& e, Symbolizer& symbolizer) {
  const TraceModel& model = *findings.model;
  const char kind = static_cast<char>(e.object >> 56);
  const std::uint64_t id = e.object & ((std::uint64_t{1} << 56) - 1);
  const std::uint32_t process = model.threads[e.thread].process;
  switch (kind) {
    case trace::sync_object::kLock:
      for (LockIndex l = 0; l < model.locks.size(); ++l)
        if (model.locks[l].process == process && model.locks[l].id == id)
          return "its unlock of " + view_lock(findings, findings.graph->node_of(l), symbolizer).label;
      return "its unlock of lock#" + std::to_string(id);
    case trace::sync_object::kThreadStart:
      for (ThreadIndex t = 0; t < model.threads.size(); ++t)
        if (model.threads[t].process == process && model.threads[t].tid == id)
          return "its start of " + model.thread_label(t);
      return "its start of thread " + std::to_string(id);
    case trace::sync_object::kThreadExit:
      return "its end, which a join acquires";
    case trace::sync_object::kFence:
      return "its release fence (published by its relaxed atomic stores after it)";
    default: {
      char text[96];
      std::snprintf(text, sizeof text, "its release at 0x%llx (an atomic store or an annotated hand-off)",
                    static_cast<unsigned long long>(id));
      return text;
    }
  }
}

// Why the earlier access does not happen before the later one, from the events the race
// detector found (race_detector.h): what the later thread had last learned of the earlier one,
// and where the earlier thread's next release went.
std::string unordered_because(const Findings& findings, const RaceFinding& race, const RaceView& view,
                              Symbolizer& symbolizer) {
  const AccessView& a = view.first;
  const AccessView& b = view.second;
  std::string text =
      "by the time of " + b.thread_label + "'s " + b.what + ", " +
      (race.last_seen_sync
           ? "the last of " + a.thread_label + "'s events it had learned of was " +
                 release_text(findings, *race.last_seen_sync, symbolizer) + ", before the " + a.what
           : "it had learned of nothing " + a.thread_label + " did");
  if (!race.next_release)
    return text + "; and " + a.thread_label + " released nothing after its " + a.what +
           " (no unlock, thread start or end, or atomic release) that could order it";
  return text + "; and " + a.thread_label + "'s next release after its " + a.what + " (" +
         release_text(findings, *race.next_release, symbolizer) + ") was " +
         (race.next_release_acquired_later ? "acquired by " + b.thread_label + " only after that " + b.what
                                           : "not acquired by " + b.thread_label);
}

// "the same two accesses race on 3 more pieces of memory, from 0x1000 to 0x1040" (or on
// the variables named, for annotated ones), "" if they race on one variable only.
std::string same_sites_text(const TraceModel& model, const RaceFinding& race) {
  if (race.same_sites.empty()) return {};
  const std::size_t more = race.same_sites.size();
  std::vector<std::string> names;
  std::uint64_t low = ~std::uint64_t{0}, high = 0;
  bool all_named = true;
  for (VariableIndex v : race.same_sites) {
    const Variable& variable = model.variables[v];
    all_named &= !variable.name.empty();
    if (names.size() < 3 && !variable.name.empty()) names.push_back(variable.name);
    const std::uint64_t at = variable.id & ~(std::uint64_t{1} << 63);
    low = std::min(low, at);
    high = std::max(high, at + std::max<std::uint64_t>(variable.size, 1));
  }
  std::string text = "the same two accesses race on ";
  if (all_named) {
    for (std::size_t i = 0; i < names.size(); ++i) text += (i == 0 ? "" : i + 1 == names.size() && more == names.size() ? " and " : ", ") + names[i];
    if (more > names.size()) text += " and " + std::to_string(more - names.size()) + " more";
    return text;
  }
  char span[64];
  std::snprintf(span, sizeof span, "0x%llx to 0x%llx", static_cast<unsigned long long>(low),
                static_cast<unsigned long long>(high));
  return text + std::to_string(more) + " more " + (more == 1 ? "piece" : "pieces") + " of memory, from " + span;
}

}  // namespace

RaceView view_race(const Findings& findings, const RaceFinding& race, Symbolizer& symbolizer) {
  const TraceModel& model = *findings.model;
  const Variable& variable = model.variables[race.variable];
  RaceView view;
  view.race = &race;
  view.first = view_access(findings, model.accesses[race.first], symbolizer);
  view.second = view_access(findings, model.accesses[race.second], symbolizer);
  view.created = symbolizer.user_frame(variable.creation);
  // A variable of a race-flag build is an 8-byte granule: the race is on the first byte both
  // accesses touch, which names the object (a 4-byte int in the granule's upper half is not the
  // symbol at the granule's start).
  const unsigned shared_bytes = model.accesses[race.first].bytes & model.accesses[race.second].bytes;
  const std::uint64_t first_byte = shared_bytes != 0 && variable.storage != Storage::kUnknown
                                       ? static_cast<std::uint64_t>(__builtin_ctz(shared_bytes)) : 0;
  const std::uint64_t address = (variable.id & ~(std::uint64_t{1} << 63)) + first_byte;
  auto hex = [](std::uint64_t value) {
    char text[32];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
    return std::string(text);
  };
  if (!variable.name.empty()) {
    view.variable = variable.name;
  } else if (variable.storage == Storage::kGlobal) {
    Frame where;
    where.module = variable.module;
    where.offset = variable.module_offset + first_byte;
    view.variable = symbolizer.data_name(where);
    if (view.variable.empty()) view.variable = "global memory at " + hex(address);
  } else if (variable.storage == Storage::kHeap) {
    view.variable = "a heap block (byte " + std::to_string(variable.offset + first_byte) + " of " +
                    std::to_string(variable.block_size) + " usable, at " + hex(address) + ")";
    view.created_how = "allocated";
  } else if (variable.storage == Storage::kStack) {
    view.variable = "the stack of " + model.thread_label(variable.stack_owner) + " (at " + hex(address) + ")";
  } else if (variable.address_based) {
    char text[32];
    std::snprintf(text, sizeof text, "0x%llx",
                  static_cast<unsigned long long>(variable.id & ~(std::uint64_t{1} << 63)));
    view.variable = std::string("memory at ") + text;
  } else {
    view.variable = "variable #" + std::to_string(variable.id);
  }
  const std::string shared_lock = lock_held_by_both(findings, race, symbolizer);
  if (!shared_lock.empty()) view.unguarded = "hold " + shared_lock + " only shared";
  view.protection = protection(findings, race, view, shared_lock, symbolizer);
  view.unordered = unordered_because(findings, race, view, symbolizer);
  view.same_sites = same_sites_text(model, race);
  std::vector<std::string> sites = {view.first.site.function + "|" + base_name(view.first.site.file),
                                    view.second.site.function + "|" + base_name(view.second.site.file)};
  std::sort(sites.begin(), sites.end());
  view.fingerprint = stable_hash("race\n" + (variable.address_based ? std::string() : variable.name) +
                                 "\n" + sites[0] + "\n" + sites[1]);
  return view;
}

namespace {

struct IncidentText {
  const char* what;
  const char* headline;
  const char* verb;         // the offending operation, for the kHere party
  const char* explanation;
};

constexpr IncidentText kIncidentTexts[] = {
    {trace::incident::kDeadlockObserved, "deadlock (observed)", "",
     "The recorded run deadlocked: each thread below waits for a lock that another of them holds."},
    {trace::incident::kSelfDeadlock, "self-deadlock", "locks again",
     "A thread locks a non-recursive lock it already holds: it waits for itself forever."},
    {trace::incident::kUnlockNotHeld, "unlock of a lock not held", "unlocks",
     "A thread unlocks a lock that no thread holds: undefined behaviour for std::mutex and pthreads."},
    {trace::incident::kUnlockNotOwner, "unlock by a thread that does not own the lock", "unlocks",
     "A thread unlocks a lock another thread holds: undefined behaviour; the owner loses its "
     "exclusion."},
    {trace::incident::kDestroyHeld, "destruction of a held lock", "destroys",
     "A lock is destroyed (or its memory freed) while a thread holds it: undefined behaviour, "
     "and the holder's unlock will touch dead memory."},
    {trace::incident::kExitHolding, "thread ended holding locks", "ends",
     "A thread ended while holding locks: every other thread that needs them waits forever."},
    {trace::incident::kWaitNotHeld, "condition wait without its mutex", "waits on a condition with",
     "A thread waits on a condition variable without holding the mutex it passes: undefined "
     "behaviour, and a notify between its check and its wait is lost."},
    {trace::incident::kReinitLive, "initialisation of a held lock", "initialises",
     "A lock is initialised again while it is held: undefined behaviour; its holder's unlock and "
     "any waiter now act on a different lock."},
    {trace::incident::kCondMutexMismatch, "condition variable used with two mutexes", "waits on a condition with",
     "A thread waits on a condition variable with a mutex other than the one its current waiters "
     "passed: undefined behaviour; a notify may wake a thread whose predicate another mutex guards."},
    {trace::incident::kSemMisuse, "semaphore misuse", "calls a semaphore function",
     "A semaphore call was refused (EINVAL: not a valid semaphore, destroyed or never "
     "initialised; EOVERFLOW: posted past SEM_VALUE_MAX): the hand-off it stood for did not happen."},
    {trace::incident::kBarrierMisuse, "barrier misuse", "calls a barrier function",
     "A barrier call was refused (EINVAL: a count of 0, or not a valid barrier): the threads it "
     "should have lined up run on unordered."},
    {trace::incident::kInvalidLock, "operation on memory that is no lock", "locks",
     "A lock call was made on memory that holds no valid lock (never initialised, or overwritten): "
     "glibc refused it (EINVAL), so the code it should have protected ran unprotected."},
    {trace::incident::kUseDestroyed, "use of a destroyed lock", "uses",
     "A lock is locked, unlocked or destroyed after it was destroyed: undefined behaviour; glibc "
     "refuses it (EINVAL), so the code it should have protected ran unprotected."},
    {trace::incident::kCondDestroyBusy, "condition variable destroyed while waited on", "destroys a condition waited on with",
     "A condition variable is destroyed while threads wait on it that no signal or broadcast has "
     "woken: undefined behaviour; glibc's destroy waits for them, for ever if nobody signals."},
};

const IncidentText& incident_text(const std::string& what) {
  for (const IncidentText& t : kIncidentTexts)
    if (what == t.what) return t;
  static const IncidentText unknown{"", "lock misuse", "uses", "The runtime reported a lock misuse."};
  return unknown;
}

}  // namespace

IncidentView view_incident(const Findings& findings, const Incident& incident, Symbolizer& symbolizer) {
  const TraceModel& model = *findings.model;
  const IncidentText& text = incident_text(incident.what);
  IncidentView view;
  view.incident = &incident;
  view.headline = text.headline;
  view.explanation = text.explanation;
  std::string key = incident.what;
  for (const IncidentParty& p : incident.parties) {
    IncidentPartyView party;
    party.thread = p.thread;
    party.thread_label = model.thread_label(p.thread);
    party.thread_started = symbolizer.user_frame(model.threads[p.thread].creation);
    if (p.has_lock) party.lock = view_lock(findings, findings.graph->node_of(p.lock), symbolizer).label;
    party.role = p.role;
    switch (p.role) {
      case trace::incident::kHolds: party.action = "holds " + party.lock + ", taken at"; break;
      case trace::incident::kWaits: party.action = "waits for " + party.lock + " here"; break;
      default: party.action = std::string(text.verb) + (party.lock.empty() ? "" : " " + party.lock) + " here";
    }
    party.stack = symbolizer.stack(p.stack);
    party.site = symbolizer.user_frame(p.stack);
    key += "\n" + party.lock + "|" + party.site.function + "|" + base_name(party.site.file);
    view.parties.push_back(std::move(party));
  }
  view.fingerprint = stable_hash(key);
  return view;
}

CycleView view_cycle(const Findings& findings, const CycleFinding& cycle, Symbolizer& symbolizer,
                     bool with_stacks) {
  CycleView view;
  view.cycle = &cycle;
  view.stacks_omitted = !with_stacks;
  for (std::uint32_t node : cycle.nodes) view.locks.push_back(view_lock(findings, node, symbolizer));
  for (const Evidence& e : cycle.witness)
    view.edges.push_back(view_evidence(findings, e, symbolizer, with_stacks));
  for (const LockView& lock : view.locks) view.chain += lock.label + " --> ";
  if (!view.locks.empty()) view.chain += view.locks.front().label;

  // The fingerprint must survive rebuilds and reruns: lock names and creation functions and
  // files (not addresses or line numbers, which move with unrelated edits), sorted.
  std::vector<std::string> parts;
  for (const LockView& lock : view.locks)
    parts.push_back(lock.name + "|" + lock.site.function + "|" + base_name(lock.site.file) + "|" +
                    lock.kind);
  std::sort(parts.begin(), parts.end());
  std::string joined = verdict_name(cycle.verdict);
  for (const auto& p : parts) joined += "\n" + p;
  view.fingerprint = stable_hash(joined);
  return view;
}

}  // namespace lockgraph::analysis
