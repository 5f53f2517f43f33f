#include "base/stats.h"

#include <cmath>

#include <gtest/gtest.h>

namespace gvtsim {
namespace {

TEST(Stats, CountersAreHierarchicalAndDumpSorted) {
  Stats s;
  StatGroup vgpu1(s, "vgpu1");
  vgpu1.group("mmio").counter("trapped_writes", Unit::count, "MMIO writes trapped") += 3;
  s.counter("gpu.rcs.commands", Unit::commands, "commands executed") += 10;
  ++s.counter("gpu.bcs.commands", Unit::commands, "commands executed");
  EXPECT_EQ(s.to_json().dump(),
            R"({"gpu":{"bcs":{"commands":1},"rcs":{"commands":10}},"vgpu1":{"mmio":{"trapped_writes":3}}})");
  auto meta = s.to_json(true);
  EXPECT_EQ(meta["vgpu1"]["mmio"]["trapped_writes"]["unit"], "count");
  EXPECT_EQ(meta["vgpu1"]["mmio"]["trapped_writes"]["desc"], "MMIO writes trapped");
  EXPECT_EQ(meta["vgpu1"]["mmio"]["trapped_writes"]["value"], 3);
}

TEST(Stats, RegisteringAgainReturnsTheSameCounter) {
  Stats s;
  Counter& a = s.counter("x.y", Unit::count, "d");
  Counter& b = s.counter("x.y", Unit::count, "d");
  EXPECT_EQ(&a, &b);
  EXPECT_EQ(s.size(), 1u);
}

TEST(StatsDeathTest, KindMismatchAndLeafGroupClashAreInvariants) {
  Stats s;
  s.counter("a.b", Unit::count, "d");
  EXPECT_DEATH(s.histogram("a.b", Unit::count, "d"), "registered twice");
  EXPECT_DEATH(s.counter("a.b.c", Unit::count, "d"), "lies under leaf");
  EXPECT_DEATH(s.counter("a", Unit::count, "d"), "also a group");
}

TEST(Stats, FormulaIsDerivedAtDumpTime) {
  Stats s;
  Counter& hits = s.counter("tlb.hits", Unit::count, "hits");
  Counter& total = s.counter("tlb.lookups", Unit::count, "lookups");
  s.formula("tlb.hit_rate", Unit::ratio, "hits / lookups",
            [&] { return total.value() ? double(hits.value()) / double(total.value()) : 0.0; });
  EXPECT_EQ(s.value("tlb.hit_rate"), 0.0);
  hits += 3;
  total += 4;
  EXPECT_DOUBLE_EQ(s.value("tlb.hit_rate"), 0.75);
  EXPECT_DOUBLE_EQ(s.to_json()["tlb"]["hit_rate"].get<double>(), 0.75);
  EXPECT_TRUE(std::isnan(s.value("no.such")));
}

TEST(Histogram, PowerOfTwoBuckets) {
  Stats s;
  Histogram& h = s.histogram("lat", Unit::ps, "latency");
  for (uint64_t v : {0ull, 1ull, 2ull, 3ull, 4ull, 1000ull}) h.sample(v);
  EXPECT_EQ(h.count(), 6u);
  EXPECT_EQ(h.sum(), 1010u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 1000u);
  EXPECT_EQ(h.bucket(0), 1u);   // 0
  EXPECT_EQ(h.bucket(1), 1u);   // 1
  EXPECT_EQ(h.bucket(2), 2u);   // 2, 3
  EXPECT_EQ(h.bucket(3), 1u);   // 4..7
  EXPECT_EQ(h.bucket(10), 1u);  // 512..1023
  auto j = s.to_json()["lat"];
  EXPECT_EQ(j["count"], 6);
  EXPECT_EQ(j["buckets"]["<2^10"], 1);
}

TEST(Stats, SameOperationsGiveIdenticalJson) {
  auto build = [] {
    Stats s;
    for (int i = 9; i >= 0; --i) s.counter("n" + std::to_string(i) + ".v", Unit::count, "x") += uint64_t(i);
    return s.to_json(true).dump();
  };
  EXPECT_EQ(build(), build());
}

}  // namespace
}  // namespace gvtsim
