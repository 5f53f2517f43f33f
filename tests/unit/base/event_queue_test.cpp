#include "base/event_queue.h"

#include <algorithm>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "base/random.h"

namespace gvtsim {
namespace {

TEST(EventQueue, RunsInTimeOrderAndAdvancesTime) {
  EventQueue q;
  auto& s = q.source("s", EventBand::hardware);
  std::vector<Time> seen;
  s.at(30, [&] { seen.push_back(q.now()); });
  s.at(10, [&] { seen.push_back(q.now()); });
  s.at(20, [&] { seen.push_back(q.now()); });
  EXPECT_EQ(q.pending(), 3u);
  EXPECT_EQ(q.next_time(), 10u);
  EXPECT_EQ(q.run_until(25), 2u);
  EXPECT_EQ(q.now(), 25u);  // advanced to the limit
  EXPECT_EQ(seen, (std::vector<Time>{10, 20}));
  q.run_until(100);
  EXPECT_EQ(seen, (std::vector<Time>{10, 20, 30}));
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.next_time(), kTimeNever);
}

TEST(EventQueue, SameInstantOrderedByBandThenSourceThenSequence) {
  EventQueue q;
  auto& sw = q.source("sw", EventBand::software);
  auto& hw_a = q.source("hw_a", EventBand::hardware);
  auto& timer = q.source("timer", EventBand::timer);
  auto& hw_b = q.source("hw_b", EventBand::hardware);
  std::string order;
  sw.at(5, [&] { order += "S"; });
  hw_b.at(5, [&] { order += "b"; });
  timer.at(5, [&] { order += "T"; });
  hw_a.at(5, [&] { order += "a1"; });
  hw_a.at(5, [&] { order += "a2"; });
  q.run_until(5);
  // hardware before timer before software; within hardware, source creation order; within a
  // source, its own scheduling order.
  EXPECT_EQ(order, "a1a2bTS");
}

// The key property of D2: the order of same-instant events does not depend on the order in which
// their sources inserted them.
TEST(EventQueue, ShuffledInsertionAcrossSourcesGivesTheSameOrderAndResult) {
  constexpr int kSources = 8;
  auto run = [](uint64_t shuffle_seed) {
    EventQueue q;
    std::vector<EventSource*> src;
    for (int i = 0; i < kSources; ++i)
      src.push_back(&q.source("c" + std::to_string(i), i % 2 ? EventBand::timer : EventBand::hardware));
    std::vector<int> order;
    uint64_t acc = 1;
    // Each source schedules three events at t=100 and one at t=50; insertion interleaving is shuffled.
    std::vector<std::pair<int, int>> plan;
    for (int i = 0; i < kSources; ++i)
      for (int k = 0; k < 4; ++k) plan.push_back({i, k});
    Rng rng(shuffle_seed);
    for (size_t i = plan.size(); i > 1; --i) std::swap(plan[i - 1], plan[rng.below(i)]);
    // Keep each source's own events in program order (k increasing), as a component would.
    std::vector<int> next_k(kSources, 0);
    for (auto& [i, k] : plan) {
      int kk = next_k[i]++;
      Time t = kk == 3 ? 50 : 100;
      src[i]->at(t, [&order, &acc, i, kk] {
        order.push_back(i * 10 + kk);
        acc = acc * 1'000'003 + uint64_t(i * 10 + kk);  // non-commutative: order matters
      });
    }
    q.run_until(1000);
    return std::make_pair(order, acc);
  };
  auto ref = run(1);
  for (uint64_t seed = 2; seed < 20; ++seed) {
    auto got = run(seed);
    EXPECT_EQ(got.first, ref.first) << "insertion shuffle " << seed;
    EXPECT_EQ(got.second, ref.second);
  }
  // And the order is the documented one: t=50 first; then hardware sources (even ids) by id, then
  // timer sources (odd ids).
  ASSERT_EQ(ref.first.size(), size_t(kSources * 4));
  EXPECT_EQ(ref.first[0], 3);    // source 0's event k=3 at t=50
  EXPECT_EQ(ref.first[1], 23);   // source 2, the next hardware source
  EXPECT_EQ(ref.first[8], 0);    // t=100: source 0 k=0
}

TEST(EventQueue, CancelAndIds) {
  EventQueue q;
  auto& s = q.source("s", EventBand::hardware);
  int fired = 0;
  EventId a = s.at(10, [&] { fired += 1; });
  EventId b = s.at(20, [&] { fired += 10; });
  EXPECT_TRUE(q.is_pending(a));
  EXPECT_TRUE(s.cancel(a));
  EXPECT_FALSE(s.cancel(a));  // twice
  EXPECT_FALSE(q.is_pending(a));
  EXPECT_EQ(q.pending(), 1u);
  EXPECT_EQ(q.next_time(), 20u);
  q.run_until(100);
  EXPECT_EQ(fired, 10);
  EXPECT_FALSE(s.cancel(b));  // already ran
  // A recycled slot does not revive an old id.
  EventId c = s.at(200, [&] { fired += 100; });
  EXPECT_FALSE(q.is_pending(a));
  EXPECT_FALSE(q.is_pending(b));
  EXPECT_TRUE(q.is_pending(c));
}

TEST(EventQueue, CallbacksMayScheduleAndCancel) {
  EventQueue q;
  auto& s = q.source("s", EventBand::hardware);
  std::vector<Time> seen;
  EventId victim = s.at(15, [&] { seen.push_back(999); });
  s.at(10, [&] {
    seen.push_back(q.now());
    s.cancel(victim);
    s.after(0, [&] { seen.push_back(q.now() + 1); });  // same instant, runs after
    s.after(7, [&] { seen.push_back(q.now()); });
  });
  q.run_until(100);
  EXPECT_EQ(seen, (std::vector<Time>{10, 11, 17}));
  EXPECT_EQ(q.executed(), 3u);
}

TEST(EventQueueDeathTest, SchedulingInThePastIsAnInvariant) {
  EventQueue q;
  auto& s = q.source("s", EventBand::hardware);
  q.run_until(100);
  EXPECT_DEATH(s.at(50, [] {}), "scheduled in the past");
}

TEST(EventQueue, SyncPointFlagFollowsTheSource) {
  EventQueue q;
  auto& plain = q.source("plain", EventBand::hardware);
  auto& mmio = q.source("mmio", EventBand::software, /*sync_point=*/true);
  plain.at(1, [] {});
  mmio.at(2, [] {});
  EXPECT_FALSE(q.next_is_sync_point());
  q.step();
  EXPECT_TRUE(q.next_is_sync_point());
}

}  // namespace
}  // namespace gvtsim
