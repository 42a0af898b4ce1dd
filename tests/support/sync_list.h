// A model's sync events as a list in sequence order, for tests to look at (the model holds them
// in a SyncLog, partly on file).
#pragma once

#include <vector>

#include "lockgraph/analysis/sync_log.h"

namespace lockgraph::testing {

inline std::vector<analysis::SyncEvent> sync_list(const analysis::SyncLog& log) {
  std::vector<analysis::SyncEvent> list;
  analysis::SyncLog::Reader reader = log.in_sequence_order();
  for (analysis::SyncEvent e; reader.next(e);) list.push_back(e);
  return list;
}

}  // namespace lockgraph::testing
