// Which frames of a stack a report shows (symbolizer.h: classify_frame, shown_frames).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lockgraph/analysis/symbolizer.h"

namespace lockgraph::analysis {
namespace {

SourceFrame frame(std::string function, std::string file, std::string module = "/work/app") {
  SourceFrame f;
  f.function = std::move(function);
  f.file = std::move(file);
  f.line = 7;
  f.module = std::move(module);
  classify_frame(f);
  return f;
}

std::vector<std::string> functions(const ShownFrames& shown) {
  std::vector<std::string> out;
  for (const SourceFrame* f : shown.frames) out.push_back(f->function);
  return out;
}

TEST(ShownFrames, ClangsStandardHeaderPathsAreTheLibrarysNotTheProgramsOwn) {
  // clang names the headers as its driver found them, and a template's name starts with its type.
  SourceFrame f = frame("void std::__invoke_impl<void, main::$_1>(std::__invoke_other, main::$_1&&)",
                        "/usr/bin/../lib/gcc/x86_64-linux-gnu/12/../../../../include/c++/12/bits/invoke.h");
  EXPECT_EQ(f.file, "/usr/include/c++/12/bits/invoke.h");
  EXPECT_FALSE(f.user);
  EXPECT_FALSE(f.own);
  SourceFrame mine = frame("main::$_1::operator()() const", "/work/src/./app/../app/main.cpp");
  EXPECT_EQ(mine.file, "/work/src/app/main.cpp");
  EXPECT_TRUE(mine.user);
  SourceFrame annotation = frame("lockgraph::shared<long>& lockgraph::shared<long>::operator+=<int>(int)",
                                 "/opt/lockgraph/include/lockgraph/shared.h");
  EXPECT_TRUE(annotation.own);
  EXPECT_FALSE(annotation.user);
  EXPECT_TRUE(frame("lockgraph_race_write", "", "/usr/lib/liblockgraph_races.so").own);
}

// A race inside a library the program called: the access itself, the library function the
// program called, then the program's frames; thread start-up and lockgraph's frames are counted.
TEST(ShownFrames, AnAccessInsideALibraryShowsBothEndsOfTheLibrarysPart) {
  const std::vector<SourceFrame> stack = {
      frame("lockgraph::shared<int>::operator=(int)", "/usr/include/lockgraph/shared.h"),
      frame("void std::vector<int>::_M_realloc_insert<int const&>(int const&)", "/usr/include/c++/12/bits/vector.tcc"),
      frame("std::vector<int>::_M_check_len(unsigned long, char const*) const", "/usr/include/c++/12/bits/stl_vector.h"),
      frame("std::vector<int>::push_back(int const&)", "/usr/include/c++/12/bits/stl_vector.h"),
      frame("fill(std::vector<int>&)", "/work/app/fill.cpp"),
      frame("std::__invoke_impl<void>()", "/usr/include/c++/12/bits/invoke.h"),
      frame("worker()", "/work/app/main.cpp"),
      frame("start_thread", "./nptl/pthread_create.c", "/lib/x86_64-linux-gnu/libc.so.6"),
  };
  const ShownFrames access = shown_frames(stack, LibraryFrames::kAll);
  EXPECT_EQ(functions(access),
            (std::vector<std::string>{"void std::vector<int>::_M_realloc_insert<int const&>(int const&)",
                                      "std::vector<int>::push_back(int const&)", "fill(std::vector<int>&)",
                                      "worker()"}));
  EXPECT_EQ(access.hidden, 4u);
  EXPECT_EQ(access.quoted, &stack[4]);  // the program's line, where a fix goes

  const ShownFrames lock = shown_frames(stack, LibraryFrames::kBeyondTheStandardLibrary);
  EXPECT_EQ(functions(lock), (std::vector<std::string>{"fill(std::vector<int>&)", "worker()"}));
  EXPECT_EQ(lock.hidden, 6u);
  EXPECT_EQ(lock.quoted, &stack[4]);
}

// A lock taken inside a library the program called: the library's frames beyond the standard
// library's (std::mutex::lock and gthreads are every lock_guard's, and say nothing).
TEST(ShownFrames, ALockTakenInsideALibraryShowsThatLibrarysEndsNotTheStandardLibrarys) {
  const std::vector<SourceFrame> stack = {
      frame("pthread_mutex_lock", "/work/lockgraph/preload/mutex_interposer.cpp", "/usr/lib/liblockgraph_preload.so"),
      frame("__gthread_mutex_lock(pthread_mutex_t*)", "/usr/include/x86_64-linux-gnu/c++/12/bits/gthr-default.h"),
      frame("std::mutex::lock()", "/usr/include/c++/12/bits/std_mutex.h"),
      frame("asio::detail::posix_mutex::lock()", "/usr/include/asio/detail/posix_mutex.hpp"),
      frame("asio::detail::scheduler::post_immediate_completion(asio::detail::scheduler_operation*, bool)",
            "/usr/include/asio/detail/impl/scheduler.ipp"),
      frame("void asio::io_context::post<handler>(handler&&)", "/usr/include/asio/impl/io_context.hpp"),
      frame("main", "/work/app/main.cpp"),
      frame("__libc_start_main", "", "/lib/x86_64-linux-gnu/libc.so.6"),
  };
  EXPECT_EQ(functions(shown_frames(stack, LibraryFrames::kBeyondTheStandardLibrary)),
            (std::vector<std::string>{"asio::detail::posix_mutex::lock()",
                                      "void asio::io_context::post<handler>(handler&&)", "main"}));
  EXPECT_EQ(shown_frames(stack, LibraryFrames::kBeyondTheStandardLibrary).quoted, &stack[6]);
  // A library without debug information (Debian's librocksdb) counts too; libc does not.
  const std::vector<SourceFrame> rocksdb = {
      frame("std::mutex::lock()", "/usr/include/c++/12/bits/std_mutex.h"),
      frame("rocksdb::port::Mutex::Lock()", "", "/usr/lib/x86_64-linux-gnu/librocksdb.so.7.8"),
      frame("rocksdb::DBImpl::Write(rocksdb::WriteOptions const&, rocksdb::WriteBatch*)", "",
            "/usr/lib/x86_64-linux-gnu/librocksdb.so.7.8"),
      frame("store(rocksdb::DB*)", "/work/app/store.cpp"),
      frame("pthread_create", "", "/lib/x86_64-linux-gnu/libc.so.6")};
  EXPECT_EQ(functions(shown_frames(rocksdb, LibraryFrames::kBeyondTheStandardLibrary)),
            (std::vector<std::string>{"rocksdb::port::Mutex::Lock()",
                                      "rocksdb::DBImpl::Write(rocksdb::WriteOptions const&, rocksdb::WriteBatch*)",
                                      "store(rocksdb::DB*)"}));
}

TEST(ShownFrames, OneLibraryFrameIsShownOnceAndAProgramsOwnAccessShowsNoLibrary) {
  const std::vector<SourceFrame> one = {frame("std::vector<int>::size() const", "/usr/include/c++/12/bits/stl_vector.h"),
                                        frame("main", "/work/app/main.cpp")};
  EXPECT_EQ(functions(shown_frames(one, LibraryFrames::kAll)),
            (std::vector<std::string>{"std::vector<int>::size() const", "main"}));
  const std::vector<SourceFrame> direct = {frame("main", "/work/app/main.cpp"),
                                           frame("__libc_start_main", "", "/lib/x86_64-linux-gnu/libc.so.6")};
  EXPECT_EQ(functions(shown_frames(direct, LibraryFrames::kAll)), (std::vector<std::string>{"main"}));
  EXPECT_EQ(shown_frames(direct, LibraryFrames::kAll).hidden, 1u);
}

TEST(ShownFrames, ALibraryInstalledByHandIsALibrary) {
  // Headers under /usr/local/include and modules under /usr/local/lib (make install of a library
  // built from source) are a library's, as /usr/include's are; the program's file is its own.
  EXPECT_FALSE(frame("Pool::push(Item)", "/usr/local/include/pool/pool.hpp").user);
  EXPECT_FALSE(frame("pool_push", "/src/pool/pool.c", "/usr/local/lib/libpool.so.1").user);
  EXPECT_TRUE(frame("main", "/home/me/app/main.cpp").user);
  const std::vector<SourceFrame> stack = {frame("Pool::grow()", "/usr/local/include/pool/pool.hpp"),
                                          frame("Pool::push(Item)", "/usr/local/include/pool/pool.hpp"),
                                          frame("worker()", "/home/me/app/main.cpp")};
  const ShownFrames shown = shown_frames(stack, LibraryFrames::kAll);
  EXPECT_EQ(functions(shown), (std::vector<std::string>{"Pool::grow()", "Pool::push(Item)", "worker()"}));
  EXPECT_EQ(shown.quoted, &stack[2]);
}

TEST(ShownFrames, AStackWithoutTheProgramsFramesIsShownWholeUpToTheLimit) {
  std::vector<SourceFrame> stack;
  for (int i = 0; i < 12; ++i) stack.push_back(frame("f" + std::to_string(i), "", "/usr/lib/x86_64-linux-gnu/librocksdb.so.7"));
  const ShownFrames shown = shown_frames(stack, LibraryFrames::kAll);
  ASSERT_EQ(shown.frames.size(), ShownFrames::kFramesShown);
  EXPECT_EQ(shown.frames.front(), &stack[0]);
  EXPECT_EQ(shown.quoted, &stack[0]);
  EXPECT_EQ(shown.hidden, 12 - ShownFrames::kFramesShown);
  EXPECT_TRUE(shown_frames({}, LibraryFrames::kAll).frames.empty());
}

}  // namespace
}  // namespace lockgraph::analysis
