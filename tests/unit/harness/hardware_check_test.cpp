// The bare-metal driver and the built-in hardware check under both drivers (decisions D1, D2).
#include <gtest/gtest.h>

#include "harness/bare_metal_driver.h"
#include "harness/driver.h"
#include "harness/hardware_check.h"
#include "harness/platform.h"
#include "harness/systemc_driver.h"
#include "spec/gen8/registers.h"

namespace gvtsim::harness {
namespace {

using namespace spec::gen8;

TEST(BareMetalDriver, BootsThroughConfigSpaceAndBarsOnly) {
  Platform p;
  BareMetalDriver drv(p);
  auto info = drv.boot();
  ASSERT_TRUE(info) << info.status().to_string();
  EXPECT_EQ(info->device_id, 0x1616);
  EXPECT_EQ(info->bar0_size, 16u << 20);
  EXPECT_EQ(info->bar2_size, 1u << 30);
  EXPECT_EQ(info->ggtt_bytes, 8u << 20);
  EXPECT_EQ(info->stolen_bytes, 0u);
  EXPECT_EQ(p.gpu().pci().bar_base(model::gen8::Bar::bar0), BareMetalDriver::kDefaultBar0);
  EXPECT_TRUE(p.gpu().pci().msi_enabled());
  EXPECT_EQ(*drv.read32(reg::FORCEWAKE_ACK_HSW::offset), 1u);
  EXPECT_EQ(*drv.read32(reg::GEN8_PRIVATE_PAT_LO::offset), 0x000A0907u);
  EXPECT_GT(p.cpu_stall(), 0u);
  // A CPU address no BAR claims is a master abort, reported, never a crash.
  EXPECT_FALSE(p.bus().read(0x1000, 4));
}

TEST(BareMetalDriver, RefusesANonIntelOrMisplacedDevice) {
  Platform p;
  BareMetalDriver drv(p);
  auto bad = drv.boot(BareMetalDriver::kDefaultBar0 + 4096, BareMetalDriver::kDefaultBar2);
  EXPECT_FALSE(bad) << "a BAR base must be aligned to its size";
}

TEST(BareMetalDriver, GgttAndApertureRoundTrip) {
  Platform p;
  BareMetalDriver drv(p);
  ASSERT_TRUE(drv.boot());
  ASSERT_TRUE(drv.map_ggtt(0x10000, 0x123000, 2));
  EXPECT_EQ(p.gpu().ggtt().pte(0x10), 0x123001u);
  EXPECT_EQ(p.gpu().ggtt().pte(0x11), 0x124001u);
  const char msg[] = "hello, aperture";
  ASSERT_TRUE(drv.aperture_write(0x10FF8, msg, sizeof msg));
  char back[sizeof msg] = {};
  ASSERT_TRUE(drv.aperture_read(0x10FF8, back, sizeof back));
  EXPECT_STREQ(back, msg);
  char mem[8];
  p.memory().read(0x123FF8, mem, 8, model::gen8::AccessTag::software());
  EXPECT_EQ(std::string(mem, 8), "hello, a");
}

TEST(HardwareCheck, FunctionalRunWorks) {
  FunctionalDriver f;
  HardwareCheckResult r = run_hardware_check(f, 1);
  EXPECT_TRUE(r.error.empty()) << r.error;
  EXPECT_TRUE(r.booted);
  EXPECT_TRUE(r.data_ok);
  EXPECT_EQ(r.pages_mapped, 16u);
  EXPECT_TRUE(r.submitted && r.executed) << "the batch submitted through ELSP stored its value";
  EXPECT_GE(r.msis, 2u) << "the hot-plug interrupt and context-switch interrupts";
  EXPECT_EQ(r.violations, 0u);
  EXPECT_EQ(r.untagged, 0u);
  EXPECT_EQ(r.end_time, us(20));
  EXPECT_NE(r.state_hash, run_hardware_check(f, 2).state_hash) << "the seed reaches the result";
}

TEST(HardwareCheck, IdenticalUnderBothDriversAndEveryQuantum) {
  FunctionalDriver f;
  HardwareCheckResult ref = run_hardware_check(f, 3);
  ASSERT_TRUE(ref.error.empty()) << ref.error;
  for (Duration q : {Duration(0), us(1), us(100)}) {
    SystemCDriver sc(q);
    HardwareCheckResult r = run_hardware_check(sc, 3);
    EXPECT_EQ(r, ref) << "quantum " << q << " ps" << r.error;
  }
}

TEST(HardwareCheck, Gt3Boots) {
  FunctionalDriver f;
  HardwareCheckResult r = run_hardware_check(f, 1, 0x162E);
  EXPECT_TRUE(r.booted && r.data_ok) << r.error;
}

}  // namespace
}  // namespace gvtsim::harness
