// Which demangled functions are a program's lock wrapper frames, as g++ and clang++ name them.
#include "lock_wrapper_frame.h"

#include <gtest/gtest.h>

namespace lockgraph::analysis {
namespace {

TEST(LockWrapperFrame, TheWrappersOfLevelDbRocksDbAndAbseilArePassedOver) {
  for (const char* function : {
           "leveldb::port::Mutex::Lock()",
           "leveldb::port::Mutex::Unlock()",
           "leveldb::port::Mutex::Mutex()",
           "leveldb::MutexLock::MutexLock(leveldb::port::Mutex*)",
           "leveldb::MutexLock::~MutexLock()",
           "rocksdb::port::Mutex::Mutex(bool)",
           "rocksdb::InstrumentedMutex::Lock()",
           "rocksdb::InstrumentedMutexLock::InstrumentedMutexLock(rocksdb::InstrumentedMutex*)",
           "rocksdb::port::RWMutex::ReadLock()",
           "rocksdb::port::RWMutex::WriteUnlock()",
           "absl::lts_20220623::MutexLock::MutexLock(absl::lts_20220623::Mutex*)",
           "(anonymous namespace)::port::Mutex::Mutex()",
           "void (anonymous namespace)::SpinLock::lock()",
           "Guarded<int>::~Guarded()",
           "ns::LockGuard<ns::Mutex>::LockGuard(ns::Mutex&)",
           "folly::SharedMutexImpl<false, void, std::atomic, false, false>::lock_shared()",
           "my_rwlock::rdlock()",
           "lockable::unlock()",
       })
    EXPECT_TRUE(is_lock_wrapper_function(function)) << function;
}

TEST(LockWrapperFrame, TheProgramsOwnCodeIsKept) {
  for (const char* function : {
           "Account::lock()",                      // a class not named like a lock
           "transfer(Account&, Account&)",         // a free function
           "leveldb::DBImpl::Write(leveldb::WriteOptions const&, leveldb::WriteBatch*)",
           "leveldb::port::Mutex::AssertHeld()",   // not a lock operation
           "BlockStore::Mutex()",                   // a method named like a lock class
           "main",
           "operator()",
           "",
           "(anonymous namespace)::wrapper_class()",
           "std::operator<<(std::ostream&, Lock const&)",
           "BlockCache::Lock()",                    // "lock" inside a word
           "Clock::lock()",
       })
    EXPECT_FALSE(is_lock_wrapper_function(function)) << function;
}

}  // namespace
}  // namespace lockgraph::analysis
