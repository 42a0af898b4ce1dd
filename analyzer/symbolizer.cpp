#include "lockgraph/analysis/symbolizer.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "lockgraph/analysis/child_process.h"
#include "lock_wrapper_frame.h"

namespace lockgraph::analysis {
namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// The file name of a module's path ("libc.so.6" of "/lib/x86_64-linux-gnu/libc.so.6").
std::string_view module_file_name(const std::string& module) {
  std::size_t slash = module.rfind('/');
  return std::string_view(module).substr(slash == std::string::npos ? 0 : slash + 1);
}

// Whether `module` is one of lockgraph's own libraries (the runtime, the preload interposer),
// wherever it is installed.
bool is_lockgraph_module(const std::string& module) { return module_file_name(module).starts_with("liblockgraph_"); }

// lockgraph's own frames: its libraries, its public headers (shared<T>, the wrappers), its
// functions (demangled names of templates start with their return type).
bool is_own_frame(const SourceFrame& f) {
  return is_lockgraph_module(f.module) || f.file.find("include/lockgraph/") != std::string::npos ||
         starts_with(f.function, "lockgraph::") || f.function.find(" lockgraph::") != std::string::npos;
}

// Frames that are not the program's own: lockgraph's, the standard library's, libc's, and
// installed libraries' (their headers under /usr/include, or /usr/local/include for a library
// installed by hand).
bool is_user_frame(const SourceFrame& f) {
  if (f.file.empty() || f.own) return false;
  for (const char* library_module : {"/lib/", "/usr/lib/", "/usr/local/lib/"})
    if (starts_with(f.module, library_module)) return false;
  for (const char* library_file : {"/usr/include/", "/usr/lib/", "/usr/local/include/", "/usr/local/lib/"})
    if (starts_with(f.file, library_file)) return false;
  if (starts_with(f.function, "std::")) return false;
  return true;
}

// The C and C++ standard libraries' frames: libc's and libstdc++'s, and their headers' (by the
// file: a demangled name may start with its return type).
bool is_standard_library_frame(const SourceFrame& f) {
  const std::string_view module = module_file_name(f.module);
  if (module.starts_with("libc.so") || module.starts_with("libstdc++.so") || module.starts_with("libpthread.so"))
    return true;
  if (f.file.empty()) return starts_with(f.function, "std::") || starts_with(f.function, "__gnu_cxx::");
  return starts_with(f.file, "/usr/include/c++/") || starts_with(f.file, "/usr/include/x86_64-linux-gnu/c++/");
}

// clang's debug information names the standard headers as its driver found them
// ("/usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/vector"): written out, they
// are /usr/include's, and read as such.
std::string without_dot_segments(const std::string& file) {
  if (file.find("/.") == std::string::npos) return file;
  return std::filesystem::path(file).lexically_normal().string();
}

}  // namespace

std::string SourceFrame::describe() const {
  if (file.empty() && module.empty() && function.empty() && offset == 0) return "(no stack recorded)";
  char offset_text[32];
  std::snprintf(offset_text, sizeof offset_text, "+0x%llx", static_cast<unsigned long long>(offset));
  std::string where = file.empty() ? module + offset_text : file + ":" + std::to_string(line);
  return function.empty() ? where : function + " " + where;
}

struct Symbolizer::Process {
  pid_t pid = -1;
  FILE* to = nullptr;
  FILE* from = nullptr;
  ~Process() {
    if (to) std::fclose(to);
    if (from) std::fclose(from);
    if (pid > 0) ::waitpid(pid, nullptr, 0);
  }
};

Symbolizer::Symbolizer(const TraceModel& model, std::string program)
    : model_(model), program_(std::move(program)) {}

std::string Symbolizer::tried() const {
  return program_.empty() ? "llvm-symbolizer, llvm-symbolizer-14" : program_;
}

bool Symbolizer::available() {
  // A question it must answer (any module, offset 0): a program that starts but does not speak
  // llvm-symbolizer's JSON is no symbolizer either.
  std::string module = model_.modules.size() > 1 ? model_.modules[1].path : std::string("/bin/true");
  if (ask("\"" + module + "\" 0x0").is_object()) return true;
  process_.reset();
  return false;
}
Symbolizer::~Symbolizer() = default;

// One question to the long-lived llvm-symbolizer, one JSON line back (null if there is none).
nlohmann::json Symbolizer::ask(const std::string& question) {
  if (!tried_start_) {
    tried_start_ = true;
    std::vector<std::string> names = {"llvm-symbolizer", "llvm-symbolizer-14"};
    if (!program_.empty()) names = {program_};
    for (const std::string& name : names) {
      PipedChild child = spawn_piped({name, "--output-style=JSON", "--inlines", "--demangle"});
      if (child.pid < 0) continue;
      ::signal(SIGPIPE, SIG_IGN);  // a symbolizer that dies must not kill the analyzer
      process_ = std::make_unique<Process>();
      process_->pid = child.pid;
      process_->to = ::fdopen(child.to_child, "w");
      process_->from = ::fdopen(child.from_child, "r");
      break;
    }
  }
  if (!process_) return nullptr;
  std::fprintf(process_->to, "%s\n", question.c_str());
  std::fflush(process_->to);
  std::string line;
  char buffer[8192];
  while (std::fgets(buffer, sizeof buffer, process_->from)) {
    line += buffer;
    if (!line.empty() && line.back() == '\n') break;
  }
  auto answer = nlohmann::json::parse(line, nullptr, false);
  return answer.is_discarded() ? nlohmann::json(nullptr) : answer;
}

std::vector<SourceFrame> Symbolizer::query(const std::string& module, std::uint64_t offset) {
  std::vector<SourceFrame> frames;
  if (module.empty()) return frames;
  // Return addresses point after the call: ask about the call instruction itself.
  char question[64];
  std::snprintf(question, sizeof question, " 0x%llx", static_cast<unsigned long long>(offset > 0 ? offset - 1 : 0));
  nlohmann::json answer = ask("\"" + module + "\"" + question);
  if (!answer.is_object() || !answer.contains("Symbol")) return frames;
  for (const auto& symbol : answer["Symbol"]) {
    SourceFrame f;
    f.function = symbol.value("FunctionName", "");
    f.file = symbol.value("FileName", "");
    f.line = symbol.value("Line", 0u);
    f.column = symbol.value("Column", 0u);
    if (f.function == "??") f.function.clear();
    if (f.file == "??") f.file.clear();
    frames.push_back(std::move(f));
  }
  return frames;
}

std::string Symbolizer::data_name(const Frame& address) {
  if (address.module == 0 || address.module >= model_.modules.size()) return {};
  auto key = std::make_pair(address.module, address.offset);
  if (auto it = data_cache_.find(key); it != data_cache_.end()) return it->second;
  return data_cache_[key] = lookup_data_name(address);
}

std::string Symbolizer::lookup_data_name(const Frame& address) {
  const std::string& module = model_.modules[address.module].path;
  if (module.empty()) return {};
  char question[64];
  std::snprintf(question, sizeof question, " 0x%llx", static_cast<unsigned long long>(address.offset));
  nlohmann::json answer = ask("DATA \"" + module + "\"" + question);
  if (!answer.is_object() || !answer.contains("Data") || !answer["Data"].is_object()) return {};
  const auto& data = answer["Data"];
  std::string name = data.value("Name", "");
  auto number = [&](const char* key) {
    return std::strtoull(data.value(key, "0").c_str(), nullptr, 16);
  };
  std::uint64_t start = number("Start"), size = number("Size");
  // Only an object that holds the address: a lock in a global, or a member of one.
  if (name.empty() || address.offset < start || address.offset >= start + size) return {};
  if (address.offset == start) return name;
  char member[32];
  std::snprintf(member, sizeof member, "+0x%llx", static_cast<unsigned long long>(address.offset - start));
  return name + member;
}

std::vector<SourceFrame> Symbolizer::resolve(const Frame& frame) {
  const std::string& module = frame.module < model_.modules.size() ? model_.modules[frame.module].path
                                                                    : std::string();
  if (!frame.file.empty()) {  // the trace carried a source position itself
    SourceFrame f;
    f.file = frame.file;
    f.line = frame.line;
    f.offset = frame.offset;
    return {f};
  }
  auto key = std::make_pair(module, frame.offset);
  if (auto it = cache_.find(key); it != cache_.end()) return it->second;
  std::vector<SourceFrame> frames = query(module, frame.offset);
  if (frames.empty()) frames.emplace_back();
  for (SourceFrame& f : frames) {
    f.module = module;
    f.offset = frame.offset;
    classify_frame(f);
  }
  return cache_[key] = frames;
}

std::vector<SourceFrame> Symbolizer::stack(StackIndex index) {
  std::vector<SourceFrame> out;
  if (index == 0 || index >= model_.stacks.size()) return out;
  for (const Frame& frame : model_.stacks[index].frames) {
    auto frames = resolve(frame);
    out.insert(out.end(), frames.begin(), frames.end());
  }
  return out;
}

void classify_frame(SourceFrame& f) {
  f.file = without_dot_segments(f.file);
  f.own = is_own_frame(f);
  f.user = is_user_frame(f);
}

ShownFrames shown_frames(const std::vector<SourceFrame>& stack, LibraryFrames library) {
  ShownFrames shown;
  auto first_user = std::find_if(stack.begin(), stack.end(), [](const SourceFrame& f) { return f.user; });
  auto show = [&](const SourceFrame& f) {
    if (shown.frames.size() < ShownFrames::kFramesShown) shown.frames.push_back(&f);
  };
  if (first_user == stack.end()) {
    for (const SourceFrame& f : stack) show(f);
  } else {
    // The library's part: the frames before the program's first that are not lockgraph's (nor,
    // for a lock, the standard library's); its innermost and its outermost are shown.
    auto counts = [&](const SourceFrame& f) {
      return !f.own && (library == LibraryFrames::kAll || !is_standard_library_frame(f));
    };
    const SourceFrame* innermost = nullptr;
    const SourceFrame* outermost = nullptr;
    for (auto f = stack.begin(); f != first_user; ++f) {
      if (!counts(*f)) continue;
      if (!innermost) innermost = &*f;
      outermost = &*f;
    }
    if (innermost) show(*innermost);
    if (outermost != innermost) show(*outermost);
    for (auto f = first_user; f != stack.end(); ++f)
      if (f->user) show(*f);
    shown.quoted = &*first_user;
  }
  if (shown.quoted == nullptr && !shown.frames.empty()) shown.quoted = shown.frames.front();
  shown.hidden = stack.size() - shown.frames.size();
  return shown;
}

SourceFrame Symbolizer::user_frame(StackIndex index) {
  auto frames = stack(index);
  const SourceFrame* first_user = nullptr;
  for (const SourceFrame& f : frames) {
    if (!f.user) continue;
    if (!is_lock_wrapper_function(f.function)) return f;
    if (!first_user) first_user = &f;
  }
  if (first_user) return *first_user;  // nothing of the program outside its wrapper
  // No frame of the program's own (a library without debug information, as Debian ships
  // librocksdb): the first frame outside lockgraph and outside lock wrappers, so that the locks
  // a library's wrapper makes at different places still get different sites.
  for (const SourceFrame& f : frames)
    if (!f.own && !is_lock_wrapper_function(f.function)) return f;
  return frames.empty() ? SourceFrame{} : frames.front();
}

std::string Symbolizer::site_key(StackIndex index) {
  SourceFrame f = user_frame(index);
  if (!f.file.empty()) return f.module + "\n" + f.file + ":" + std::to_string(f.line);
  if (!f.module.empty()) return f.module + "+" + std::to_string(f.offset);
  return {};
}

std::vector<std::pair<std::uint32_t, std::string>> Symbolizer::snippet(const std::string& file,
                                                                       std::uint32_t line,
                                                                       std::uint32_t before) {
  std::vector<std::pair<std::uint32_t, std::string>> out;
  if (file.empty() || line == 0) return out;
  auto it = files_.find(file);
  if (it == files_.end()) {
    std::vector<std::string> lines;
    std::ifstream in(file);
    for (std::string text; std::getline(in, text);) lines.push_back(text);
    it = files_.emplace(file, std::move(lines)).first;
  }
  const auto& lines = it->second;
  for (std::uint32_t n = line > before ? line - before : 1; n <= line; ++n)
    if (n <= lines.size()) out.emplace_back(n, lines[n - 1]);
  return out;
}

}  // namespace lockgraph::analysis
