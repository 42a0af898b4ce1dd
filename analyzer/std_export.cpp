#include "lockgraph/analysis/std_export.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

namespace lockgraph::analysis {
namespace {

class StdWriter {
 public:
  StdWriter(std::ostream& out, const TraceModel& model, std::uint32_t process)
      : out_(out), model_(model) {
    for (ThreadIndex t = 0; t < model.threads.size(); ++t)
      if (model.threads[t].process == process) by_tid_[model.threads[t].tid] = t;
    for (std::size_t c = 0; c < model.chains.size(); ++c) {
      const Chain& chain = model.chains[c];
      if (model.threads[chain.thread].process == process)
        chains_[{chain.thread, chain.segment}].push_back(c);
    }
  }

  void write() {
    // Roots (no known parent) in id order; each writes its children where it forked them.
    for (const auto& [tid, t] : by_tid_) {
      const Thread& th = model_.threads[t];
      if (th.parent_tid == 0 || !by_tid_.count(th.parent_tid)) write_thread(t);
    }
  }

 private:
  std::string thread_name(ThreadIndex t) const {
    const Thread& th = model_.threads[t];
    return th.name_is_label ? th.name : "T" + std::to_string(th.tid);
  }
  std::string lock_name(LockIndex l) const {
    const Lock& lock = model_.locks[l];
    return "L" + std::to_string(lock.id);
  }
  std::uint64_t location(StackIndex s) const {
    const Stack& stack = model_.stacks[s];
    if (!stack.frames.empty() && stack.frames.front().file == "loc") return stack.frames.front().line;
    return s;
  }
  void event(ThreadIndex t, const std::string& op, std::uint64_t loc) {
    out_ << thread_name(t) << '|' << op << '|' << loc << '\n';
  }

  void write_thread(ThreadIndex t) {
    if (!written_.insert(t).second) return;  // a malformed parent cycle must not recurse forever
    const Thread& th = model_.threads[t];
    std::uint32_t last = th.end_segment;
    for (std::uint32_t segment = 0; segment <= last; ++segment) {
      for (const auto& join : th.joins)
        if (join.segment == segment)
          if (auto child = by_tid_.find(join.joined_tid); child != by_tid_.end())
            event(t, "join(" + thread_name(child->second) + ")", 0);
      if (auto it = chains_.find({t, segment}); it != chains_.end())
        for (std::size_t c : it->second) write_chain(model_.chains[c]);
      for (const auto& [tid, child] : by_tid_) {
        const Thread& ch = model_.threads[child];
        if (ch.parent_tid == th.tid && ch.parent_segment == segment) {
          event(t, "fork(" + thread_name(child) + ")", 0);
          write_thread(child);
        }
      }
    }
  }

  void write_chain(const Chain& chain) {
    for (const HeldLock& h : chain.held) {
      event(chain.thread, "req(" + lock_name(h.lock) + ")", location(h.stack));
      event(chain.thread, "acq(" + lock_name(h.lock) + ")", location(h.stack));
    }
    event(chain.thread, "req(" + lock_name(chain.lock) + ")", location(chain.stack));
    event(chain.thread, "acq(" + lock_name(chain.lock) + ")", location(chain.stack));
    event(chain.thread, "rel(" + lock_name(chain.lock) + ")", location(chain.stack));
    for (auto h = chain.held.rbegin(); h != chain.held.rend(); ++h)
      event(chain.thread, "rel(" + lock_name(h->lock) + ")", location(h->stack));
  }

  std::ostream& out_;
  const TraceModel& model_;
  std::map<std::uint64_t, ThreadIndex> by_tid_;
  std::map<std::pair<ThreadIndex, std::uint32_t>, std::vector<std::size_t>> chains_;
  std::set<ThreadIndex> written_;
};

}  // namespace

void write_std(std::ostream& out, const TraceModel& model, std::uint32_t process) {
  StdWriter(out, model, process).write();
}

}  // namespace lockgraph::analysis
