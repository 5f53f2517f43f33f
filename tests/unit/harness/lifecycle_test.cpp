// The platform lifecycle (decisions D1, D2): drivers, quanta, several platforms per process.
#include <gtest/gtest.h>

#include "base/status.h"
#include "harness/driver.h"
#include "harness/lifecycle_workload.h"
#include "harness/platform.h"
#include "harness/systemc_driver.h"

namespace gvtsim::harness {
namespace {

LifecycleResult functional(uint64_t seed = 1) {
  FunctionalDriver d;
  return run_lifecycle(d, {.seed = seed});
}

TEST(Lifecycle, WorkloadDoesWhatItSays) {
  LifecycleResult r = functional();
  EXPECT_EQ(r.end_time, us(600));
  EXPECT_EQ(r.messages, 200u);     // a tick every 3 us for 600 us
  EXPECT_EQ(r.audits, 120u);       // every 5 us
  EXPECT_GT(r.replies, 0u);
  EXPECT_LT(r.replies, r.messages);
  EXPECT_GT(r.events, r.messages + r.audits);
  EXPECT_NE(r.stats_json.find("selftest"), std::string::npos);
}

TEST(Lifecycle, SameSeedSameResultsAndIdenticalStatsJson) {
  LifecycleResult a = functional(7), b = functional(7);
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.stats_json, b.stats_json);
  EXPECT_NE(a.log_hash, functional(8).log_hash) << "the seed must reach the results";
}

TEST(Lifecycle, TwoPlatformsInOneProcessDoNotAffectEachOther) {
  LifecycleResult solo = functional(3);
  // Two platforms alive at once, stepped alternately in small slices.
  Platform a(PlatformConfig{.seed = 3}), b(PlatformConfig{.seed = 4});
  LifecycleWorkload wa(a, {.seed = 3}), wb(b, {.seed = 4});
  FunctionalDriver d;
  for (Time t = us(7); t <= us(590); t += us(7)) {
    d.run_until(a, t);
    d.run_until(b, t + us(3));
  }
  d.run_until(a, us(600));
  d.run_until(b, us(600));
  EXPECT_EQ(wa.result(), solo);
  EXPECT_EQ(wb.result().log_hash, functional(4).log_hash);
}

TEST(Lifecycle, RunningInSlicesEqualsOneRun) {
  LifecycleResult whole = functional(5);
  Platform p(PlatformConfig{.seed = 5});
  LifecycleWorkload w(p, {.seed = 5});
  FunctionalDriver d;
  for (Time t = 0; t < us(600); t += ns(1234)) d.run_until(p, t);
  d.run_until(p, us(600));
  EXPECT_EQ(w.result(), whole);
}

TEST(Lifecycle, SystemCDriverMatchesFunctionalForEveryQuantum) {
  LifecycleResult ref = functional();
  for (Duration q : {Duration(0), us(1), us(100)}) {
    SystemCDriver d(q);
    EXPECT_EQ(run_lifecycle(d, {.seed = 1}), ref) << "quantum " << q << " ps";
  }
}

TEST(Lifecycle, QuantumChangesOnlyTheSyncCount) {
  auto syncs_for = [](Duration q) {
    uint64_t before = SystemCDriver::syncs();
    SystemCDriver d(q);
    run_lifecycle(d, {.seed = 1});
    return SystemCDriver::syncs() - before;
  };
  uint64_t s0 = syncs_for(0), s1 = syncs_for(us(1)), s100 = syncs_for(us(100));
  EXPECT_GT(s0, s1);
  EXPECT_GT(s1, s100);
  EXPECT_GE(s100, 6u);  // 600 us in 100 us quanta
}

TEST(Lifecycle, SystemCRunsPlatformsAOneAfterAnotherInOneElaboration) {
  SystemCDriver d(us(1));
  LifecycleResult a1 = run_lifecycle(d, {.seed = 11});
  uint64_t sc_after_a = SystemCDriver::systemc_time_ps();
  LifecycleResult b = run_lifecycle(d, {.seed = 12});
  LifecycleResult a2 = run_lifecycle(d, {.seed = 11});
  EXPECT_EQ(a1, a2);
  EXPECT_NE(a1.log_hash, b.log_hash);
  EXPECT_EQ(a1, functional(11));
  // SystemC time went on across runs while every platform started at 0.
  EXPECT_GE(sc_after_a, us(600));
  EXPECT_GE(SystemCDriver::systemc_time_ps(), 3 * us(600));
}

TEST(Lifecycle, SystemCContinuesAPlatformAcrossRuns) {
  Platform p(PlatformConfig{.seed = 2});
  LifecycleWorkload w(p, {.seed = 2});
  SystemCDriver d(us(1));
  FunctionalDriver f;
  d.run_until(p, us(200));
  f.run_until(p, us(400));  // drivers may even alternate on one platform
  d.run_until(p, us(600));
  EXPECT_EQ(w.result(), functional(2));
}

TEST(Platform, RejectsANonBroadwellDeviceId) {
  EXPECT_THROW(Platform(PlatformConfig{.device_id = 0x1912}), ConfigError);
  Platform p(PlatformConfig{});
  EXPECT_EQ(p.config().device_id, 0x1616);
}

}  // namespace
}  // namespace gvtsim::harness
