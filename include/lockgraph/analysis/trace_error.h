// The error every trace reader throws for input it cannot use: it names the file, the line (or
// byte offset) and what was expected. The CLI turns it into exit code 3.
#pragma once

#include <stdexcept>
#include <string>

namespace lockgraph::analysis {

class TraceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace lockgraph::analysis
