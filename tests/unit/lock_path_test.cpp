// The inline lock fast path (lockgraph/lock_path.h) against the runtime's own held stack and chain
// cache: each test runs in a fresh thread whose LockPath starts empty, attaches a HeldStack and a
// ChainCache to it as a thread state does, and checks what fast_acquire/fast_release do and, as
// important, when they refuse (so the general path runs).
#include <gtest/gtest.h>

#include <thread>

#include "chain_cache.h"
#include "thread_state.h"

namespace lockgraph::rt {
namespace {

const void* const kSite = reinterpret_cast<const void*>(0x401000);

// Runs `body` on a new thread (a pristine tls_lock_path) with a held stack and a chain cache
// attached, as make_state() attaches them.
template <class Body>
void on_fresh_thread(Body body) {
  std::thread([&] {
    HeldStack held;
    ChainCache chains;
    held.attach(&tls_lock_path);
    chains.mirror_to(&tls_lock_path);
    body(held, chains);
    chains.stop_mirroring();
    held.detach();
  }).join();
}

// Records the chain (current held chain, id, site, flags) as the slow path would.
ChainEntry* learn(HeldStack& held, ChainCache& chains, LockId id, std::uint32_t flags = 0) {
  std::uint64_t key = chain_key(held.top_hash(), id, kSite, flags, tls_lock_path.segment_term);
  ChainEntry* entry = chains.insert(key);
  entry->stack_id = static_cast<std::uint32_t>(id * 10);
  return entry;
}

TEST(LockPath, RefusesBeforeTheThreadHasAState) {
  std::thread([] {
    EXPECT_FALSE(fast_acquire(1, 0, kSite));
    EXPECT_FALSE(fast_release(1));
  }).join();
}

TEST(LockPath, UnknownChainIsLeftToTheGeneralPath) {
  on_fresh_thread([](HeldStack& held, ChainCache&) {
    EXPECT_FALSE(fast_acquire(7, 0, kSite));
    EXPECT_TRUE(held.empty());
    EXPECT_FALSE(fast_release(7));  // not held
  });
}

// The interposer releases by the lock object's address, which only the fast path records.
TEST(LockPath, ReleaseByAddressMatchesOnlyWhatTheFastPathTook) {
  on_fresh_thread([](HeldStack& held, ChainCache& chains) {
    int object = 0, other = 0;
    EXPECT_FALSE(fast_release_at(&object));  // nothing held
    held.push({.lock = 3, .chain_hash = held_chain_hash(0, 3)});  // as the general path pushes
    EXPECT_FALSE(fast_release_at(&object));  // its address is unknown: the id lookup must run
    EXPECT_TRUE(fast_release(3));
    learn(held, chains, 3);
    ASSERT_TRUE(fast_acquire(3, 0, kSite, &object));
    EXPECT_EQ(held.back().address, &object);
    EXPECT_FALSE(fast_release_at(&other));
    EXPECT_TRUE(fast_release_at(&object));
    EXPECT_TRUE(held.empty());
  });
}

TEST(LockPath, KnownChainsAreCountedPushedAndPopped) {
  on_fresh_thread([](HeldStack& held, ChainCache& chains) {
    ChainEntry* outer = learn(held, chains, 1);
    ASSERT_TRUE(fast_acquire(1, 0, kSite));
    EXPECT_EQ(outer->count.load(), 1u);
    ASSERT_EQ(held.size(), 1u);
    EXPECT_EQ(held.back().lock, 1u);
    EXPECT_EQ(held.back().stack_id, 10u);
    EXPECT_EQ(held.top_hash(), held_chain_hash(0, 1));

    // Lock 2 under lock 1 is a different chain from lock 2 alone.
    EXPECT_FALSE(fast_acquire(2, 0, kSite));
    ChainEntry* inner = learn(held, chains, 2);
    ASSERT_TRUE(fast_acquire(2, 0, kSite));
    EXPECT_EQ(inner->count.load(), 1u);
    EXPECT_EQ(held.top_hash(), held_chain_hash(held_chain_hash(0, 1), 2));

    EXPECT_FALSE(fast_release(1));  // not the innermost: out-of-order release is general
    EXPECT_TRUE(fast_release(2));
    EXPECT_TRUE(fast_release(1));
    EXPECT_TRUE(held.empty());
    EXPECT_EQ(held.top_hash(), 0u);

    // Flags and call site are part of the chain.
    EXPECT_FALSE(fast_acquire(1, trace::flag::kTry, kSite));
    EXPECT_FALSE(fast_acquire(1, 0, reinterpret_cast<const void*>(0x402000)));
    ASSERT_TRUE(fast_acquire(1, 0, kSite));
    EXPECT_EQ(outer->count.load(), 2u);
    EXPECT_TRUE(fast_release(1));
  });
}

TEST(LockPath, RefusesInsideTheRuntimeWithExtraRecordsAndOnRecursiveHolds) {
  on_fresh_thread([](HeldStack& held, ChainCache& chains) {
    learn(held, chains, 3);
    tls_lock_path.depth = 1;
    EXPECT_FALSE(fast_acquire(3, 0, kSite));
    tls_lock_path.depth = 0;
    ASSERT_TRUE(fast_acquire(3, 0, kSite));
    EXPECT_EQ(held.top_hash(), held_chain_hash(0, 3));
    held.back().recursion = 1;
    EXPECT_FALSE(fast_release(3));
    held.back().recursion = 0;
    g_extra_records.fetch_or(kFullModeRecords);
    EXPECT_FALSE(fast_release(3));
    g_extra_records.fetch_and(~kFullModeRecords);
    EXPECT_TRUE(fast_release(3));
  });
}

TEST(LockPath, ACountAboutToWrapIsLeftToTheGeneralPath) {
  on_fresh_thread([](HeldStack& held, ChainCache& chains) {
    ChainEntry* entry = learn(held, chains, 5);
    entry->count.store(~std::uint32_t{0});
    EXPECT_FALSE(fast_acquire(5, 0, kSite));
    chains.count_one(entry);  // what the general path does
    EXPECT_EQ(chains.total(entry), std::uint64_t{1} << 32);
    ASSERT_TRUE(fast_acquire(5, 0, kSite));
    EXPECT_EQ(chains.total(entry), (std::uint64_t{1} << 32) + 1);
    EXPECT_TRUE(fast_release(5));
  });
}

TEST(LockPath, FullHeldStackGrowsOnTheGeneralPathThenFastAgain) {
  on_fresh_thread([](HeldStack& held, ChainCache& chains) {
    // 64 nested holds fill the first allocation; the fast path then refuses to push.
    for (LockId id = 1; id <= 64; ++id) {
      learn(held, chains, id);
      ASSERT_TRUE(fast_acquire(id, 0, kSite)) << id;
    }
    learn(held, chains, 65);
    EXPECT_FALSE(fast_acquire(65, 0, kSite));
    ChainEntry* deep = chains.find(chain_key(held.top_hash(), 65, kSite, 0, 0));
    ASSERT_NE(deep, nullptr);
    held.push({.lock = 65, .chain_hash = held_chain_hash(held.top_hash(), 65), .stack_id = deep->stack_id});
    // Grown: the chain hashes moved with the holds, and lock 66 goes fast on top of them.
    learn(held, chains, 66);
    ASSERT_TRUE(fast_acquire(66, 0, kSite));
    EXPECT_EQ(held.size(), 66u);
    for (LockId id = 66; id >= 1; --id) ASSERT_TRUE(fast_release(id)) << id;
  });
}

TEST(LockPath, ChainCacheGrowthIsPublishedToThePath) {
  on_fresh_thread([](HeldStack& held, ChainCache& chains) {
    learn(held, chains, 1);
    const ChainEntry* before = tls_lock_path.slots;
    for (LockId id = 1000; id < 3000; ++id) learn(held, chains, id);  // forces growth
    EXPECT_NE(tls_lock_path.slots, before);
    for (LockId id : {LockId{1}, LockId{1000}, LockId{2999}}) {
      ASSERT_TRUE(fast_acquire(id, 0, kSite)) << id;
      ASSERT_TRUE(fast_release(id));
    }
  });
}

TEST(LockPath, EraseRehashesTheHoldsAboveAndClearsTheVacatedSlot) {
  on_fresh_thread([](HeldStack& held, ChainCache& chains) {
    for (LockId id = 1; id <= 3; ++id) {
      learn(held, chains, id);
      ASSERT_TRUE(fast_acquire(id, 0, kSite));
    }
    held[2].recursion = 0;
    held.erase(0);  // lock 1 released first
    ASSERT_EQ(held.size(), 2u);
    EXPECT_EQ(held[0].lock, 2u);
    EXPECT_EQ(held[0].chain_hash, held_chain_hash(0, 2));
    EXPECT_EQ(held.top_hash(), held_chain_hash(held_chain_hash(0, 2), 3));
    EXPECT_EQ(held.end()->recursion, 0u);
    EXPECT_EQ(held.end()->lock, 0u);
    EXPECT_TRUE(fast_release(3));
    EXPECT_TRUE(fast_release(2));
  });
}

}  // namespace
}  // namespace lockgraph::rt
