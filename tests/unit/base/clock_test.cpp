#include "base/clock.h"

#include <vector>

#include <gtest/gtest.h>

namespace gvtsim {
namespace {

TEST(Clock, OneShotFiresOnceAtItsTime) {
  EventQueue q;
  Clock c(q, "clock");
  std::vector<Time> seen;
  TimerId t = c.one_shot(ns(250), [&] { seen.push_back(q.now()); });
  EXPECT_TRUE(c.active(t));
  q.run_until(us(10));
  EXPECT_EQ(seen, (std::vector<Time>{ns(250)}));
  EXPECT_FALSE(c.active(t));
  EXPECT_FALSE(c.cancel(t));
}

TEST(Clock, PeriodicHasNoDrift) {
  EventQueue q;
  Clock c(q, "clock");
  std::vector<Time> seen;
  c.periodic(ps(333'333), [&] { seen.push_back(q.now()); });
  q.run_until(us(1));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[2], 3 * ps(333'333));
  q.run_until(us(1000));
  EXPECT_EQ(seen.size(), 3000u);
  EXPECT_EQ(seen.back(), 3000 * ps(333'333));
}

TEST(Clock, PeriodicWithFirstDelay) {
  EventQueue q;
  Clock c(q, "clock");
  std::vector<Time> seen;
  c.periodic(us(10), [&] { seen.push_back(q.now()); }, us(1));
  q.run_until(us(25));
  EXPECT_EQ(seen, (std::vector<Time>{us(1), us(11), us(21)}));
}

TEST(Clock, CancelBeforeFiringAndFromItsOwnCallback) {
  EventQueue q;
  Clock c(q, "clock");
  int one = 0, periodic = 0;
  TimerId a = c.one_shot(us(5), [&] { ++one; });
  TimerId p;
  p = c.periodic(us(1), [&] {
    if (++periodic == 4) {
      EXPECT_TRUE(c.cancel(p));
    }
  });
  c.one_shot(us(2), [&] { EXPECT_TRUE(c.cancel(a)); });
  q.run_until(us(100));
  EXPECT_EQ(one, 0);
  EXPECT_EQ(periodic, 4);
  EXPECT_EQ(c.active_count(), 0u);
  EXPECT_TRUE(q.empty());
}

}  // namespace
}  // namespace gvtsim
