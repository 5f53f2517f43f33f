// The built-in mediation check (harness/mediation_check.h): guests booting on vGPUs as events on the
// platform's queue give the same results and simulated times under the functional driver and the
// SystemC driver at any quantum (decisions D1, D2) — the guests' accesses then cross the TLM bus.
#include <gtest/gtest.h>

#include "harness/driver.h"
#include "harness/mediation_check.h"
#include "harness/systemc_driver.h"

namespace gvtsim::harness {
namespace {

TEST(GvtDrivers, TheMediationCheckIsCleanAndIdenticalUnderBothDrivers) {
  FunctionalDriver f;
  const MediationCheckResult ref = run_mediation_check(f, 7);
  EXPECT_TRUE(ref.ok()) << ref.error;
  EXPECT_EQ(ref.guests, 7u);
  EXPECT_EQ(ref.booted, 7u);
  EXPECT_EQ(ref.data_ok, 7u);
  EXPECT_EQ(ref.interrupted, 7u);
  EXPECT_GE(ref.msis, 7u);
  for (Duration q : {Duration(0), us(1), us(100)}) {
    SystemCDriver sc(q);
    EXPECT_EQ(run_mediation_check(sc, 7), ref) << "quantum " << q;
  }
}

TEST(GvtDrivers, TheSeedChangesTheStateHash) {
  FunctionalDriver f;
  EXPECT_NE(run_mediation_check(f, 1, 2).state_hash, run_mediation_check(f, 2, 2).state_hash);
}

}  // namespace
}  // namespace gvtsim::harness
