// Maps one process's raw ids (locks, threads, stacks, modules, chains) to model indices, creating
// a placeholder on first reference: traces are written from per-thread buffers, so a record may
// refer to one that comes later in the file (or, in a cut-off trace, never).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

class ModelBuilder {
 public:
  ModelBuilder(TraceModel& model, std::uint32_t process) : model_(model), process_(process) {}

  LockIndex lock(std::uint64_t raw) {
    return intern(locks_, model_.locks, raw, [&](Lock& l) {
      l.process = process_;
      l.id = raw;
    });
  }

  ThreadIndex thread(std::uint64_t raw) {
    return intern(threads_, model_.threads, raw, [&](Thread& t) {
      t.process = process_;
      t.tid = raw;
    });
  }

  StackIndex stack(std::uint64_t raw) {
    if (raw == 0) return 0;
    auto [it, inserted] = stacks_.try_emplace(raw, static_cast<StackIndex>(model_.stacks.size()));
    if (inserted) model_.stacks.emplace_back();
    return it->second;
  }

  std::uint32_t module(std::uint64_t raw) {
    if (raw == 0) return 0;
    auto [it, inserted] =
        modules_.try_emplace(raw, static_cast<std::uint32_t>(model_.modules.size()));
    if (inserted) model_.modules.emplace_back();
    return it->second;
  }

  VariableIndex variable(std::uint64_t raw) {
    return intern(variables_, model_.variables, raw, [&](Variable& v) {
      v.process = process_;
      v.id = raw;
      v.address_based = (raw >> 63) != 0;
    });
  }

  // The chain with this raw id, or -1 if none was read yet.
  std::int64_t find_chain(std::uint64_t raw) const {
    auto it = chains_.find(raw);
    return it == chains_.end() ? -1 : static_cast<std::int64_t>(it->second);
  }
  Chain& new_chain(std::uint64_t raw) {
    chains_[raw] = model_.chains.size();
    return model_.chains.emplace_back();
  }
  // Counts that arrive before their chain record wait here.
  std::unordered_map<std::uint64_t, std::uint64_t> early_counts;

  std::uint32_t process() const { return process_; }
  // Raw module id -> index into model().modules, for this process.
  const std::unordered_map<std::uint64_t, std::uint32_t>& module_indices() const { return modules_; }
  TraceModel& model() { return model_; }

 private:
  // The index of `raw` in `items`, appending a new item set up by `init` on first sight.
  template <class Item, class Init>
  std::uint32_t intern(std::unordered_map<std::uint64_t, std::uint32_t>& index,
                       std::vector<Item>& items, std::uint64_t raw, Init&& init) {
    auto [it, inserted] = index.try_emplace(raw, static_cast<std::uint32_t>(items.size()));
    if (inserted) init(items.emplace_back());
    return it->second;
  }

  TraceModel& model_;
  std::uint32_t process_;
  std::unordered_map<std::uint64_t, LockIndex> locks_;
  std::unordered_map<std::uint64_t, ThreadIndex> threads_;
  std::unordered_map<std::uint64_t, StackIndex> stacks_;
  std::unordered_map<std::uint64_t, std::uint32_t> modules_;
  std::unordered_map<std::uint64_t, std::size_t> chains_;
  std::unordered_map<std::uint64_t, VariableIndex> variables_;
};

}  // namespace lockgraph::analysis
