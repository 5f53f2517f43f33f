#include "harness/vgpu_clock.h"

#include <vector>

#include <gtest/gtest.h>

#include "harness/driver.h"
#include "harness/platform.h"
#include "harness/systemc_driver.h"

namespace gvtsim::harness {
namespace {

// The mediation core's 1 ms scheduler tick (gvt-reference §2.6) on the platform's queue: the same
// firing times under both drivers, cancellable from inside its own callback.
std::vector<Time> run(Driver& d) {
  Platform p;
  PlatformClock clock(p.clock());
  vgpu::Clock& c = clock;
  std::vector<Time> fired;
  TimerId tick;
  tick = c.periodic(ms(1), [&] {
    fired.push_back(c.now());
    if (fired.size() == 5) c.cancel(tick);
  });
  TimerId never = c.one_shot(ms(2), [&] { fired.push_back(0); });
  EXPECT_TRUE(c.cancel(never));
  d.run_until(p, ms(10));
  return fired;
}

TEST(PlatformClock, FiresOnThePlatformQueueUnderBothDrivers) {
  FunctionalDriver f;
  auto ref = run(f);
  EXPECT_EQ(ref, (std::vector<Time>{ms(1), ms(2), ms(3), ms(4), ms(5)}));
  SystemCDriver sc(us(100));
  EXPECT_EQ(run(sc), ref);
}

}  // namespace
}  // namespace gvtsim::harness
