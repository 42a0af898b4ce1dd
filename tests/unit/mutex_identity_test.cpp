// The preload interposer keeps a pthread mutex's id in the mutex (preload/mutex_identity.h). That
// rests on glibc leaving the robust-list link alone in every other mutex and zeroing it whenever a
// mutex is made; these tests check both assumptions on the machine's glibc, then the ids: stable
// per mutex, new for a mutex made again at the same address or copied elsewhere, one id when
// several threads see a mutex first at once.
#include <gtest/gtest.h>

#include <pthread.h>

#include <cstring>
#include <mutex>
#include <new>
#include <set>
#include <thread>
#include <vector>

#include "mutex_identity.h"

namespace lockgraph::preload {
namespace {

const void* const kSite = reinterpret_cast<const void*>(0x401000);
auto* const kMarker = reinterpret_cast<__pthread_internal_list*>(0x12345);

TEST(GlibcMutexLayout, InitZeroesTheLinkAndLockingLeavesItAlone) {
  for (int type : {PTHREAD_MUTEX_NORMAL, PTHREAD_MUTEX_RECURSIVE, PTHREAD_MUTEX_ERRORCHECK,
                   PTHREAD_MUTEX_ADAPTIVE_NP}) {
    pthread_mutex_t m;
    std::memset(&m, 0xab, sizeof m);
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, type);
    ASSERT_EQ(pthread_mutex_init(&m, &attr), 0);
    EXPECT_EQ(m.__data.__list.__prev, nullptr) << "type " << type;
    EXPECT_TRUE(mutex_word::holds_id(&m)) << "type " << type;
    m.__data.__list.__prev = kMarker;
    ASSERT_EQ(pthread_mutex_lock(&m), 0);
    if (type == PTHREAD_MUTEX_RECURSIVE) {
      ASSERT_EQ(pthread_mutex_trylock(&m), 0);
      ASSERT_EQ(pthread_mutex_unlock(&m), 0);
    }
    ASSERT_EQ(pthread_mutex_unlock(&m), 0);
    EXPECT_EQ(m.__data.__list.__prev, kMarker) << "type " << type;
    m.__data.__list.__prev = nullptr;
    pthread_mutex_destroy(&m);
  }
  pthread_mutex_t initialised = PTHREAD_MUTEX_INITIALIZER;
  EXPECT_EQ(initialised.__data.__list.__prev, nullptr);
}

TEST(GlibcMutexLayout, RobustAndProcessSharedMutexesAreLeftToTheTable) {
  pthread_mutexattr_t robust, shared;
  pthread_mutexattr_init(&robust);
  pthread_mutexattr_setrobust(&robust, PTHREAD_MUTEX_ROBUST);
  pthread_mutexattr_init(&shared);
  pthread_mutexattr_setpshared(&shared, PTHREAD_PROCESS_SHARED);
  pthread_mutex_t a, b;
  ASSERT_EQ(pthread_mutex_init(&a, &robust), 0);
  ASSERT_EQ(pthread_mutex_init(&b, &shared), 0);
  EXPECT_FALSE(mutex_word::holds_id(&a));
  EXPECT_FALSE(mutex_word::holds_id(&b));
  rt::LockId id = mutex_id(&a, kSite);
  EXPECT_EQ(mutex_id(&a, kSite), id);
  EXPECT_EQ(a.__data.__list.__prev, nullptr);  // glibc's link, untouched
  EXPECT_EQ(forget_mutex(&a), id);
  pthread_mutex_destroy(&a);
  pthread_mutex_destroy(&b);
}

TEST(MutexIdentity, OneIdPerMutexAndANewOneForAMutexMadeAgain) {
  alignas(std::mutex) unsigned char storage[sizeof(std::mutex)];
  auto* first = new (storage) std::mutex;
  auto* m = reinterpret_cast<pthread_mutex_t*>(first->native_handle());
  rt::LockId id = mutex_id(m, kSite);
  EXPECT_NE(id, 0u);
  EXPECT_EQ(mutex_id(m, kSite), id);
  std::mutex other;
  EXPECT_NE(mutex_id(other.native_handle(), kSite), id);

  first->~mutex();  // std::mutex never calls pthread_mutex_destroy
  auto* second = new (storage) std::mutex;
  rt::LockId again = mutex_id(second->native_handle(), kSite);
  EXPECT_NE(again, id);
  // Destroyed, a mutex keeps its id (a use after the destroy is reported on the lock it was);
  // made again, it gets a new one (every way of making a mutex zeroes the id word).
  EXPECT_EQ(forget_mutex(second->native_handle()), again);
  EXPECT_EQ(mutex_id(second->native_handle(), kSite), again);
  second->~mutex();
  auto* third = new (storage) std::mutex;
  EXPECT_NE(mutex_id(third->native_handle(), kSite), again);
  third->~mutex();
}

TEST(MutexIdentity, ACopiedMutexIsNotTheOriginal) {
  pthread_mutex_t original = PTHREAD_MUTEX_INITIALIZER;
  rt::LockId id = mutex_id(&original, kSite);
  pthread_mutex_t copy;
  std::memcpy(&copy, &original, sizeof copy);
  rt::LockId copy_id = mutex_id(&copy, kSite);
  EXPECT_NE(copy_id, id);
  EXPECT_EQ(mutex_id(&copy, kSite), copy_id);
  EXPECT_EQ(mutex_id(&original, kSite), id);
}

TEST(MutexIdentity, ThreadsSeeingAMutexFirstAtOnceAgreeOnItsId) {
  for (int round = 0; round < 50; ++round) {
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    std::vector<rt::LockId> seen(4);
    std::vector<std::thread> threads;
    for (auto& id : seen) threads.emplace_back([&m, &id] { id = mutex_id(&m, kSite); });
    for (auto& t : threads) t.join();
    EXPECT_EQ(std::set<rt::LockId>(seen.begin(), seen.end()).size(), 1u) << "round " << round;
  }
}

}  // namespace
}  // namespace lockgraph::preload
