// Offline symbolization of recorded frames (module + offset) to function, file and line.
//
// One long-lived `llvm-symbolizer --output-style=JSON` process answers every query; answers are
// cached per (module, offset). Inlined frames are expanded, so a lock_guard inlined into the
// caller still shows the caller's line. Without llvm-symbolizer, frames stay module+offset.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "lockgraph/analysis/trace_model.h"

namespace lockgraph::analysis {

struct SourceFrame {
  std::string function;  // demangled; empty if unknown
  std::string file;      // empty if unknown
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string module;    // the binary it is in
  std::uint64_t offset = 0;
  bool user = true;      // false for lockgraph's wrappers, the standard library and libc
  bool own = false;      // lockgraph's own: its libraries, its headers (shared<T>), its functions

  // "function file:line", or "module+0xoffset" when nothing better is known.
  std::string describe() const;
};

// Sets `frame`'s `own` and `user` from its module, file and function, and writes its file without
// "." and ".." segments (as clang names the standard headers: /usr/bin/../lib/gcc/...): done to
// every frame the symbolizer resolves.
void classify_frame(SourceFrame& frame);

// The frames a report shows of a stack (innermost first): the program's own frames, or every
// frame when it has none, up to kFramesShown; and, for an operation made inside library code the
// program called, the two ends of the library's part: the frame that made it and the library
// function the program called, so that two findings differing only inside the library read
// differently. Which library frames count: for a memory access all (std::vector's push_back, a
// queue's enqueue); for a lock operation those beyond the standard library (asio's scheduler,
// not std::mutex::lock, which every lock_guard goes through). lockgraph's own frames are never
// shown where another is.
enum class LibraryFrames { kAll, kBeyondTheStandardLibrary };
struct ShownFrames {
  static constexpr std::size_t kFramesShown = 8;
  std::vector<const SourceFrame*> frames;
  std::size_t hidden = 0;                 // frames of the stack not shown
  const SourceFrame* quoted = nullptr;    // the frame whose source line is worth quoting
};
ShownFrames shown_frames(const std::vector<SourceFrame>& stack, LibraryFrames library);

class Symbolizer {
 public:
  // `program`: the llvm-symbolizer to run; "" tries llvm-symbolizer, then llvm-symbolizer-14.
  explicit Symbolizer(const TraceModel& model, std::string program = "");
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // Whether a symbolizer runs (started on first use): without one, frames are module+offset.
  bool available();
  // What was tried, for a message ("llvm-symbolizer, llvm-symbolizer-14").
  std::string tried() const;

  // The stack, innermost first, with inlined frames expanded.
  std::vector<SourceFrame> stack(StackIndex stack);

  // The first frame of the program's own code in the stack (or the innermost one), passing over
  // the program's lock wrapper classes (a lock, unlock, constructor or destructor of a class
  // named like a lock: leveldb's port::Mutex::Lock, a MutexLock guard) while a frame of the
  // program lies outside them: what a user reads as where the lock was made or taken. A stack
  // with no frame of the program's (a library without debug information) gets its first frame
  // outside lockgraph and outside lock wrappers.
  SourceFrame user_frame(StackIndex stack);
  // A key for user_frame's site (module, file, line; module and offset without a file), or "".
  std::string site_key(StackIndex stack);

  // The global or static object at `address` (module + offset): its symbol, "name+0x8" for a
  // member of one, or empty (heap, stack, unknown).
  std::string data_name(const Frame& address);

  // Up to `before` lines before `line` of `file` and the line itself, numbered, or empty.
  std::vector<std::pair<std::uint32_t, std::string>> snippet(const std::string& file,
                                                             std::uint32_t line,
                                                             std::uint32_t before);

 private:
  std::vector<SourceFrame> resolve(const Frame& frame);
  nlohmann::json ask(const std::string& question);
  std::string lookup_data_name(const Frame& address);
  std::vector<SourceFrame> query(const std::string& module, std::uint64_t offset);

  const TraceModel& model_;
  std::string program_;
  struct Process;
  std::unique_ptr<Process> process_;
  bool tried_start_ = false;
  std::map<std::pair<std::string, std::uint64_t>, std::vector<SourceFrame>> cache_;
  std::map<std::string, std::vector<std::string>> files_;
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::string> data_cache_;
};

}  // namespace lockgraph::analysis
