#include "run_command.h"

#include "program_libraries.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "analysis_args.h"
#include "lockgraph/analysis/triage.h"
#include "report_output.h"

namespace lockgraph::cli {
namespace {

namespace fs = std::filesystem;

struct RunArgs {
  AnalysisArgs analysis;
  std::vector<std::string> command;
  std::string trace_dir;
  std::string format = "text";
  std::string output;
  bool keep_traces = false;
  long hang_timeout_ms = 10000;
  std::string preload;
};

// The interposer: --preload, $LOCKGRAPH_PRELOAD, or beside this executable (installed: ../lib;
// build tree: ../preload).
std::string find_preload(const std::string& given) {
  if (!given.empty()) return given;
  if (const char* env = std::getenv("LOCKGRAPH_PRELOAD")) return env;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec).parent_path();
  for (const char* relative : {"../lib/liblockgraph_preload.so", "../lib64/liblockgraph_preload.so",
                               "../preload/liblockgraph_preload.so"}) {
    fs::path candidate = self / relative;
    if (fs::exists(candidate, ec)) return fs::weakly_canonical(candidate, ec).string();
  }
  throw analysis::UsageError("cannot find liblockgraph_preload.so beside " + self.string() +
                             " (give --preload PATH or set LOCKGRAPH_PRELOAD)");
}

// The directory the program's traces go to. A given one is created, or emptied of the traces of
// an earlier run (only *.lgtrace files: the next analysis reads every trace in it).
std::string make_trace_dir(const std::string& given) {
  if (!given.empty()) {
    std::error_code ec;
    fs::create_directories(given, ec);
    if (ec || !fs::is_directory(given))
      throw analysis::UsageError(given + ": cannot use as the trace directory: " +
                                 (ec ? ec.message() : "not a directory"));
    std::size_t removed = 0;
    for (const auto& entry : fs::directory_iterator(given, ec))
      if (entry.is_regular_file() && entry.path().extension() == ".lgtrace") {
        fs::remove(entry.path(), ec);
        if (ec) throw analysis::UsageError(entry.path().string() + ": cannot remove the earlier trace: " + ec.message());
        ++removed;
      }
    if (removed > 0)
      std::cerr << "lockgraph: removed " << removed << " trace(s) of an earlier run from " << given << "\n";
    return given;
  }
  std::string pattern = (fs::temp_directory_path() / "lockgraph-run-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw analysis::UsageError("cannot create a trace directory in /tmp");
  return pattern;
}

struct Outcome {
  int exit_code = 0;
  int signal = 0;
  bool tsan = false;  // run without the preload library: it carries ThreadSanitizer's runtime
};

// The running program's process group (the program and whatever it starts), for the signal
// handlers that pass SIGTERM, SIGHUP, SIGINT and SIGQUIT on to it.
volatile sig_atomic_t g_program_group = 0;

// Whether we are the terminal's foreground job: the program's group then takes the terminal
// while it runs (so it can read it, and Ctrl-C reaches it), like a shell's job.
bool own_the_terminal() { return ::isatty(STDIN_FILENO) && ::tcgetpgrp(STDIN_FILENO) == ::getpgrp(); }

// Hands the terminal to process group `group` (SIGTTOU ignored meanwhile: a background caller
// would otherwise be stopped by its own tcsetpgrp).
void give_terminal(pid_t group) {
  struct sigaction ignore {}, old {};
  ignore.sa_handler = SIG_IGN;
  ::sigaction(SIGTTOU, &ignore, &old);
  ::tcsetpgrp(STDIN_FILENO, group);
  ::sigaction(SIGTTOU, &old, nullptr);
}

Outcome run_program(const RunArgs& args, const std::string& preload, const std::string& dir) {
  std::string ld_preload = preload;
  if (const char* old = std::getenv("LD_PRELOAD"); old && *old) ld_preload += std::string(":") + old;
  // The user's own LOCKGRAPH_OPTIONS come last, so they override ours. A hang is written to the
  // trace and then ends the program (on_hang=abort), so that run reports it instead of hanging.
  std::string options = "trace_path=" + dir + "/%p.lgtrace:hang_timeout_ms=" +
                        std::to_string(args.hang_timeout_ms) + ":on_hang=abort:verbosity=0";
  if (const char* old = std::getenv("LOCKGRAPH_OPTIONS"); old && *old) options += std::string(":") + old;
  const bool terminal = own_the_terminal();
  // A program that brings its own runtime records itself; the preload library in front of it
  // would take its pthread calls first (and, standing aside, pass them straight to glibc).
  const bool own_runtime = carries_lockgraph_runtime(args.command.front());
  if (own_runtime)
    std::fprintf(stderr, "lockgraph: this program carries the lockgraph runtime (built with the wrappers or "
                         "the race flags); the preload library stands aside and the program's own runtime "
                         "records\n");
  const bool tsan = !own_runtime && carries_tsan_runtime(args.command.front());
  if (tsan)
    std::fprintf(stderr, "lockgraph: this program carries ThreadSanitizer's runtime (built with "
                         "-fsanitize=thread), which intercepts the calls lockgraph records: it runs as it "
                         "would alone, without the preload library, and nothing of it is recorded (build it "
                         "with lockgraph's race flags to have races and deadlocks from one run)\n");
  // The signals passed on to the program wait (blocked) until the handlers that pass them on are
  // in place: a CI timeout's SIGTERM right after the program started would otherwise end run
  // itself, leaving the program running and nothing reported. The child unblocks them.
  sigset_t passed_on, before;
  ::sigemptyset(&passed_on);
  for (int sig : {SIGTERM, SIGHUP, SIGINT, SIGQUIT}) ::sigaddset(&passed_on, sig);
  ::sigprocmask(SIG_BLOCK, &passed_on, &before);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::sigprocmask(SIG_SETMASK, &before, nullptr);
    throw analysis::UsageError(std::string("fork failed: ") + ::strerror(errno));
  }
  if (pid == 0) {
    ::sigprocmask(SIG_SETMASK, &before, nullptr);
    // Its own process group: a signal for the program reaches everything it started.
    ::setpgid(0, 0);
    if (terminal) give_terminal(::getpid());
    if (!own_runtime && !tsan) ::setenv("LD_PRELOAD", ld_preload.c_str(), 1);
    ::setenv("LOCKGRAPH_OPTIONS", options.c_str(), 1);
    std::vector<char*> argv;
    for (const auto& a : args.command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execvp(argv[0], argv.data());
    std::fprintf(stderr, "lockgraph: cannot run %s: %s\n", argv[0], ::strerror(errno));
    ::_exit(127);
  }
  // Like a shell: the program runs in its own process group, which has the terminal if we had it
  // (so the terminal's Ctrl-C and Ctrl-\ reach the program and what it started, not us). SIGTERM,
  // SIGHUP, SIGINT and SIGQUIT sent to us (a CI timeout, a closed session, a kill by pid) are
  // passed on to the whole group; we wait for the program and still write the report.
  ::setpgid(pid, pid);  // as the child does: whichever runs first, the group exists before a signal
  if (terminal) give_terminal(pid);
  g_program_group = pid;
  struct sigaction forward {};
  forward.sa_handler = [](int sig) {
    if (g_program_group > 0) ::kill(-g_program_group, sig);
  };
  ::sigemptyset(&forward.sa_mask);
  struct sigaction old_term {}, old_hup {}, old_int {}, old_quit {};
  ::sigaction(SIGTERM, &forward, &old_term);
  ::sigaction(SIGHUP, &forward, &old_hup);
  ::sigaction(SIGINT, &forward, &old_int);
  ::sigaction(SIGQUIT, &forward, &old_quit);
  ::sigprocmask(SIG_SETMASK, &before, nullptr);  // one that came meanwhile is passed on now
  int status = 0;
  for (;;) {
    if (::waitpid(pid, &status, terminal ? WUNTRACED : 0) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (!WIFSTOPPED(status)) break;
    // Ctrl-Z stopped the program's group, not us: stop too, with the terminal back in our group,
    // so the shell sees its job stopped; when it continues us (fg, bg), continue the program.
    give_terminal(::getpgrp());
    ::raise(SIGSTOP);
    if (::tcgetpgrp(STDIN_FILENO) == ::getpgrp()) give_terminal(pid);  // fg, not bg
    ::kill(-pid, SIGCONT);
  }
  g_program_group = 0;
  if (terminal) give_terminal(::getpgrp());
  ::sigaction(SIGTERM, &old_term, nullptr);
  ::sigaction(SIGHUP, &old_hup, nullptr);
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGQUIT, &old_quit, nullptr);
  Outcome outcome;
  outcome.tsan = tsan;
  if (WIFEXITED(status)) outcome.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) outcome.signal = WTERMSIG(status);
  return outcome;
}

int run(const RunArgs& args) {
  return guarded([&] {
    std::string preload = find_preload(args.preload);
    std::string dir = make_trace_dir(args.trace_dir);
    // A directory we made is removed when we are done, unless asked to keep it.
    struct Cleanup {
      std::string dir;
      ~Cleanup() {
        std::error_code ec;
        if (!dir.empty()) fs::remove_all(dir, ec);
      }
    } cleanup{args.trace_dir.empty() && !args.keep_traces ? dir : std::string()};
    Outcome outcome = run_program(args, preload, dir);
    if (outcome.exit_code == 127 && fs::is_empty(dir)) return 127;  // it never started
    if (outcome.signal != 0)
      std::cerr << "lockgraph: the program was killed by signal " << outcome.signal << " ("
                << ::strsignal(outcome.signal) << ")\n";
    int program_status = outcome.signal != 0 ? 128 + outcome.signal : outcome.exit_code;
    if (fs::is_empty(dir)) {
      if (outcome.tsan)
        std::cerr << "lockgraph: nothing was recorded: ThreadSanitizer's runtime had the program's threads "
                     "and locks (its own report, if any, is above)\n";
      else
        std::cerr << "lockgraph: the program wrote no trace: it took no lock and started no thread "
                     "through pthreads (a static binary is invisible to the preload library)\n";
      return program_status;
    }
    AnalysisArgs analysis_args = args.analysis;
    analysis_args.traces = {dir};
    auto result = run_analysis(analysis_args);
    write_report(*result, args.format, args.output, DefaultStream::kStderr);
    if (cleanup.dir.empty()) std::cerr << "lockgraph: traces in " << dir << "\n";
    int findings = findings_exit_code(*result, analysis_args);
    if (findings != kExitClean) return findings;
    return program_status;
  });
}

}  // namespace

void add_run_command(CLI::App& app, int& exit_code) {
  auto args = std::make_shared<RunArgs>();
  CLI::App* command = app.add_subcommand(
      "run", "Run an unmodified program under the pthread interposer, then analyse its traces");
  add_analysis_options(command, args->analysis, false);
  command->add_option("--format", args->format, "Report format")
      ->check(CLI::IsMember({"text", "json", "sarif"}))
      ->default_str("text");
  command->add_option("-o,--output", args->output,
                      "Write the report to FILE instead of stderr (stdout stays the program's)");
  command->add_option("--trace-dir", args->trace_dir,
                      "Write the traces here and keep them; traces of an earlier run in it are removed "
                      "first (default: a new /tmp directory, removed at the end)");
  command->add_flag("--keep-traces", args->keep_traces,
                    "Keep the new /tmp trace directory (its path is printed)");
  command->add_option("--hang-timeout-ms", args->hang_timeout_ms,
                      "Report a cycle of threads blocked this long as an observed deadlock (0: off)")
      ->default_str("10000");
  command->add_option("--preload", args->preload, "The interposer library to use");
  command->add_option("command", args->command, "-- PROGRAM ARGS...")->required();
  command->callback([args, &exit_code] { exit_code = run(*args); });
}

}  // namespace lockgraph::cli
