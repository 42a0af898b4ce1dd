// Maps exceptions to the documented exit codes, with one clear line on stderr.
#include <cstdio>
#include <exception>

#include "lockgraph/analysis/trace_error.h"
#include "lockgraph/analysis/triage.h"

namespace lockgraph::cli {

template <class Body>
int guarded(Body&& body) {
  try {
    return body();
  } catch (const analysis::TraceError& e) {
    std::fprintf(stderr, "lockgraph: error: %s\n", e.what());
    return kExitBadInput;
  } catch (const analysis::UsageError& e) {
    std::fprintf(stderr, "lockgraph: error: %s\n", e.what());
    return kExitUsage;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "lockgraph: error: out of memory\n");
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lockgraph: error: %s\n", e.what());
    return kExitBadInput;
  }
}

}  // namespace lockgraph::cli
