#include "lock_wrapper_frame.h"

#include <cctype>
#include <set>
#include <vector>

namespace lockgraph::analysis {
namespace {

// The components of a demangled function name, outermost first, without its parameters, return
// type or template arguments: "void ns::Guard<int>::lock() const" -> {"ns", "Guard", "lock"}.
std::vector<std::string> name_components(std::string function) {
  static const std::string kAnonymous = "(anonymous namespace)";
  for (std::size_t at; (at = function.find(kAnonymous)) != std::string::npos;)
    function.replace(at, kAnonymous.size(), "anonymous");
  std::vector<std::string> parts(1);
  int angle = 0;
  for (std::size_t i = 0; i < function.size(); ++i) {
    char c = function[i];
    if (c == '<') ++angle;
    else if (c == '>') --angle;
    else if (angle > 0) continue;
    else if (c == '(') break;  // the parameters
    else if (c == ' ') parts.assign(1, std::string());  // what came before was the return type
    else if (c == ':' && i + 1 < function.size() && function[i + 1] == ':') {
      parts.emplace_back();
      ++i;
    } else {
      parts.back() += c;
    }
  }
  return parts;
}

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool is_lock_wrapper_function(const std::string& function) {
  std::vector<std::string> parts = name_components(function);
  if (parts.size() < 2) return false;
  const std::string method = lowercase(parts.back());
  const std::string& name = parts[parts.size() - 2];
  const std::string cls = lowercase(name);
  auto has = [&cls](const char* word) { return cls.find(word) != std::string::npos; };
  // "lock" as a word of the name (SpinLock, rw_lock, lock_guard, rwlock), not inside one (Block,
  // Clock).
  bool lock_word = name.find("Lock") != std::string::npos || cls.rfind("lock", 0) == 0 || has("_lock") ||
                   has("rwlock");
  bool lock_class = lock_word || has("mutex") || has("spin") || has("guard");
  if (!lock_class) return false;
  if (method == cls || method == "~" + cls) return true;
  static const std::set<std::string> kLockMethods = {
      "lock", "unlock", "trylock", "try_lock", "lock_shared", "unlock_shared", "try_lock_shared",
      "readerlock", "readerunlock", "writerlock", "writerunlock", "readlock", "readunlock",
      "writelock", "writeunlock", "lockshared", "unlockshared", "reader_lock", "reader_unlock",
      "writer_lock", "writer_unlock", "rdlock", "wrlock", "acquire", "release", "acquireread",
      "acquirewrite", "releaseread", "releasewrite"};
  return kLockMethods.count(method) > 0;
}

}  // namespace lockgraph::analysis
