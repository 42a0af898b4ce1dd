#include "trace_writer.h"

#include "hang_watchdog.h"
#include "own_thread.h"
#include "race_sampler.h"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <pthread.h>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

#include "lockgraph/lock_path.h"
#include "lockgraph/trace_format.h"
#include "misuse.h"
#include "options.h"
#include "record_builder.h"
#include "stack_depot.h"
#include "sync_records.h"
#include "trace_file.h"

namespace lockgraph::rt {
namespace {

// Faults: always caught (a sanitizer's handler before ours is chained to after the flush).
constexpr int kFaultSignals[] = {SIGSEGV, SIGABRT, SIGBUS, SIGFPE};
// Every other signal whose default action ends the process: caught only while that default is in
// force, so a program that ignores or handles one (SIGPIPE, SIGHUP, SIGUSR1...) keeps doing so.
constexpr int kEndingSignals[] = {SIGTERM, SIGINT, SIGHUP,  SIGQUIT, SIGALRM,   SIGUSR1, SIGUSR2,
                                  SIGPIPE, SIGILL, SIGTRAP, SIGSYS,  SIGXCPU,   SIGXFSZ, SIGVTALRM,
                                  SIGPROF};

struct WriterState {
  std::atomic<bool> finalized{false};
  std::atomic<bool> signal_flush_started{false};
  std::atomic<long> pid{0};  // the process the open trace belongs to
  std::string path;
  struct sigaction previous[NSIG];
};

WriterState& writer() {
  static WriterState* state = new WriterState();  // never destroyed: used until the very end
  return *state;
}

void make_parent_directories(const std::string& path) {
  for (std::size_t slash = path.find('/', 1); slash != std::string::npos;
       slash = path.find('/', slash + 1))
    ::mkdir(path.substr(0, slash).c_str(), 0755);
}

std::string executable_path() {
  char buffer[4096];
  ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  return n > 0 ? std::string(buffer, static_cast<std::size_t>(n)) : std::string();
}

void write_header(long parent_pid) {
  std::string line;
  RecordBuilder(line, trace::kind::kHeader)
      .str("magic", trace::kMagic)
      .str("version", std::to_string(trace::kVersionMajor) + "." +
                          std::to_string(trace::kVersionMinor))
      .num("pid", static_cast<std::uint64_t>(::getpid()))
      .num("ppid", static_cast<std::uint64_t>(parent_pid))
      .str("mode", options().mode)
      .str("exe", executable_path())
      .num("start_ns", static_cast<std::uint64_t>(
                           std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count()))
      .end();
  trace_file_append(line.data(), line.size());
}

bool open_trace(long parent_pid) {
  WriterState& w = writer();
  w.path = expand_trace_path(options().trace_path, ::getpid());
  make_parent_directories(w.path);
  if (!trace_file_open(w.path.c_str())) {
    std::fprintf(stderr, "lockgraph: cannot open trace '%s': %s; recording is off\n",
                 w.path.c_str(), std::strerror(errno));
    return false;
  }
  write_header(parent_pid);
  w.pid.store(::getpid());
  return true;
}

// Count records are formatted into a stack buffer, never the heap: this runs in signal handlers.
// `Sink` receives each whole record: written to the file, or appended to a thread's buffer. The
// buffer is kept to about 1 KB (24 pairs a record): it is on the stack of every thread that exits,
// which may be small, and a 4.5 KB one faulted in a fresh stack page at each thread's exit.
template <class Sink>
class CountWriter {
 public:
  CountWriter(Sink sink, ThreadId tid) : sink_(sink), tid_(tid) {}
  ~CountWriter() { finish_record(); }
  void add(std::uint64_t chain, std::uint64_t delta) {
    if (pairs_ == 0) start_record();
    char* p = cursor_;
    if (pairs_ > 0) *p++ = ',';
    *p++ = '[';
    p = std::to_chars(p, end(), chain).ptr;
    *p++ = ',';
    p = std::to_chars(p, end(), delta).ptr;
    *p++ = ']';
    cursor_ = p;
    if (++pairs_ == kPairsPerRecord) finish_record();
  }

 private:
  static constexpr int kPairsPerRecord = 24;
  char* end() { return buffer_ + sizeof buffer_; }
  void start_record() {
    int n = std::snprintf(buffer_, sizeof buffer_, "{\"k\":\"%s\",\"t\":%u,\"c\":[",
                          trace::kind::kCount, tid_);
    cursor_ = buffer_ + n;
  }
  void finish_record() {
    if (pairs_ == 0) return;
    *cursor_++ = ']';
    *cursor_++ = '}';
    *cursor_++ = '\n';
    sink_(buffer_, static_cast<std::size_t>(cursor_ - buffer_));
    pairs_ = 0;
  }
  Sink sink_;
  ThreadId tid_;
  int pairs_ = 0;
  char buffer_[128 + kPairsPerRecord * 44];
  char* cursor_ = buffer_;
};

// Calls counts.add() for every chain of `state` with acquisitions not yet written. Caller holds
// the state's buffer flag.
template <class Counts>
void report_new_counts(ThreadState& state, Counts& counts) {
  state.chains.for_each([&](ChainEntry& entry, ChainInfo& info) {
    if (info.chain_id == 0) return;  // a site's entry (sync_records.h, site_entry), no chain
    std::uint64_t now = state.chains.total(&entry);
    if (now != info.reported) {
      counts.add(info.chain_id, now - info.reported);
      info.reported = now;
    }
  });
}

// Caller holds the state's buffer flag. `ending`: the process is ending (exit, exec, a fatal
// signal), so the thread's open access runs (race-flag builds) are written too, straight to the
// file: this runs in signal handlers, where the buffer must not grow. They stay open (the owner,
// still running, may extend them and write them again: a repeat, which changes no verdict). A
// flush that is not the last (periodic, before fork, with a misuse) leaves them to their owner.
void write_state_locked(ThreadState& state, bool ending) noexcept {
  write_pending_release(state);
  hand_over_records(state);
  if (ending && state.path)
    for (const AccessRun& r : state.path->runs)
      if (r.begin != r.end) {
        char line[kAccessRecordRoom];
        trace_file_append(line, format_access_record(line, state.tid, state.sync_epoch, r.begin, r.end, r.flags,
                                                     r.stack, r.held, r.held_count));
      }
  CountWriter counts([](const char* data, std::size_t size) { trace_file_append(data, size); },
                     state.tid);
  report_new_counts(state, counts);
}

// The end record, and with it the first write error that cost records (the reader warns).
void write_end_record(const char* reason) {
  char line[256];
  int n = std::snprintf(line, sizeof line, "{\"k\":\"%s\",\"reason\":\"%s\"", trace::kind::kEnd,
                        reason);
  if (int error = trace_file_error(); error != 0)
    n += std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n),
                       ",\"write_error\":\"%s\",\"lost_bytes\":%llu", ::strerrorname_np(error),
                       static_cast<unsigned long long>(trace_file_lost_bytes()));
  n += std::snprintf(line + n, sizeof line - static_cast<std::size_t>(n), "}\n");
  trace_file_append(line, static_cast<std::size_t>(n), /*last=*/true);
}

void at_exit_flush() {
  WriterState& w = writer();
  // The thread that ends the process and still holds locks, when its thread-local destructors
  // did not run (_exit, quick_exit; exit() runs them first and end_thread reports it there).
  if (ThreadState* ts = tls_state; ts != nullptr && !w.finalized.load() && !ts->held.empty())
    record_exit_holding(*ts);
  flush_all(/*ending=*/true);
  w.finalized.store(true);
  if (!trace_file_is_open()) return;
  write_end_record("exit");
  trace_file_finish();
  if (options().verbosity >= 1)
    std::fprintf(stderr, "lockgraph: trace written to %s\n", w.path.c_str());
}

// Fatal signal: write every thread's counts, without locks that the interrupted code might hold
// (a thread busy appending a record has not handed it over yet: that record is not written),
// then let the signal do what it does.
void on_fatal_signal(int sig) {
  WriterState& w = writer();
  if (trace_file_is_open() && !w.signal_flush_started.exchange(true)) {
    for (ThreadState* s = first_thread_state(); s; s = s->next) {
      if (!s->busy.test_and_set(std::memory_order_acquire)) {
        write_state_locked(*s, /*ending=*/true);
        s->busy.clear(std::memory_order_release);
      }
    }
    char reason[48];
    std::snprintf(reason, sizeof reason, "signal %d", sig);
    write_end_record(reason);
    trace_file_finish();
  }
  ::sigaction(sig, &w.previous[sig], nullptr);
  ::raise(sig);
}

void install_signal_handlers() {
  WriterState& w = writer();
  struct sigaction action {};
  action.sa_handler = on_fatal_signal;
  sigemptyset(&action.sa_mask);
  // On the thread's alternate stack (signal_stack.h): a stack overflow leaves none to run on.
  action.sa_flags = SA_RESETHAND | SA_NODEFER | SA_ONSTACK;
  for (int sig : kFaultSignals) ::sigaction(sig, &action, &w.previous[sig]);
  for (int sig : kEndingSignals) {
    struct sigaction current {};
    if (::sigaction(sig, nullptr, &current) != 0) continue;
    if ((current.sa_flags & SA_SIGINFO) || current.sa_handler != SIG_DFL) continue;
    ::sigaction(sig, &action, &w.previous[sig]);
  }
}

// Runs on the runtime's own thread (own_thread.h).
static void* periodic_flusher(void*) {
  const long interval_ms = options().flush_interval_ms;
  for (;;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
    if (writer().finalized.load()) return nullptr;
    flush_all();
  }
}

static void start_periodic_flusher() { start_own_thread(periodic_flusher); }

// fork(): the parent flushes first so the child starts with empty buffers, then the child opens
// its own trace (its pid differs) and forgets chains and stacks recorded in the parent's file.
void before_fork() { flush_all(); }
void in_fork_child() {
  // What the reopening allocates (the path, the header) is the runtime's, not the program's: the
  // allocator interposer of a race-flag build would otherwise record it, and its records could
  // reach the new file before the header.
  ReentryGuard reentry;
  trace_file_forget_parent();
  for (ThreadState* s = first_thread_state(); s; s = s->next) {
    s->buffer.clear();
    s->pending_release.state.store(0);
    s->chains.clear();
    s->busy.clear();
    // Its acquires were recorded in the parent's trace: the child's must record them again.
    std::fill(std::begin(s->atomic_acquires), std::end(s->atomic_acquires), ThreadState::AtomicAcquire{});
  }
  forget_interned_stacks();
  race_sampler_forked();
  if (!open_trace(::getppid())) return;
  // Threads do not survive a fork: the child starts its own flusher and watchdog.
  if (options().flush_interval_ms > 0) start_periodic_flusher();
  start_watchdog();
}

bool start_writer() {
  const Options& opts = options();
  if (!opts.enabled) return false;
  g_full_mode = opts.full_mode();
  if (g_full_mode) g_extra_records.fetch_or(kFullModeRecords);
  if (!open_trace(0)) return false;
  std::atexit(at_exit_flush);
  std::at_quick_exit(at_exit_flush);
  install_signal_handlers();
  ::pthread_atfork(before_fork, nullptr, in_fork_child);
  if (opts.flush_interval_ms > 0) start_periodic_flusher();
  start_watchdog();
  return true;
}

}  // namespace

void flush_before_immediate_exit() noexcept {
  WriterState& w = writer();
  // Not started, already finished, or a vfork child sharing its parent's memory (the trace and
  // buffers are the parent's): nothing of ours to write.
  if (!trace_file_is_open() || w.finalized.load() || w.pid.load() != ::getpid()) return;
  at_exit_flush();
}

void flush_before_exec() noexcept {
  WriterState& w = writer();
  if (!trace_file_is_open() || w.finalized.load() || w.pid.load() != ::getpid()) return;
  flush_all(/*ending=*/true);
  write_end_record("exec");
  trace_file_finish();  // if the exec fails, later records are written after this end record
}

bool recording() noexcept {
  static const bool on = start_writer();
  return on && trace_file_is_open();
}

std::string current_trace_path() { return trace_file_is_open() ? writer().path : std::string(); }

bool finalized() noexcept { return writer().finalized.load(std::memory_order_relaxed); }

void flush_thread(ThreadState& state, bool ending) noexcept {
  if (!trace_file_is_open()) return;
  BufferGuard guard(state);
  write_state_locked(state, ending);
}

void hand_over_records(ThreadState& state) noexcept {
  if (trace_file_is_open()) {
    trace_file_append(state.region, state.buffer.data(), state.buffer.size());
    state.buffer.clear();
  }
}

void flush_if_needed(ThreadState& state) noexcept {
  if (!finalized() || !trace_file_is_open()) return;
  BufferGuard guard(state);
  append_access_runs(state);  // the owner, after the last flush: its runs close as they are made
  write_state_locked(state, /*ending=*/false);
}

void append_counts(ThreadState& state) noexcept {
  std::string& buffer = state.buffer;
  CountWriter counts([&buffer](const char* data, std::size_t size) { buffer.append(data, size); },
                     state.tid);
  report_new_counts(state, counts);
}

void flush_all(bool ending) noexcept {
  for (ThreadState* s = first_thread_state(); s; s = s->next) flush_thread(*s, ending);
}

void write_records(std::string_view records) noexcept {
  trace_file_append(records.data(), records.size());
}

void flush() noexcept {
  if (recording()) flush_all();
}

}  // namespace lockgraph::rt
