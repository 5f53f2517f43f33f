// The in-process hypervisor (harness/hypervisor.h) as the mediation core sees it through
// vgpu::Hypervisor.
#include <gtest/gtest.h>

#include "harness/hypervisor.h"

namespace gvtsim::harness {
namespace {

struct HypervisorTest : ::testing::Test {
  Platform p{PlatformConfig{.ownership = model::gen8::OwnershipDefault::mediated}};
  InProcessHypervisor hyp{p};
  vgpu::Hypervisor& h = hyp;
};

TEST_F(HypervisorTest, GuestRamIsTheVgpusWithAnMmioHole) {
  ASSERT_TRUE(hyp.add_vm(1, 4ull << 30));  // 4 GB: 3 GB below the hole, 1 GB above 4 GB
  EXPECT_TRUE(h.is_valid_gfn(1, 0));
  EXPECT_TRUE(h.is_valid_gfn(1, ((3ull << 30) >> 12) - 1));
  EXPECT_FALSE(h.is_valid_gfn(1, (3ull << 30) >> 12)) << "the MMIO hole";
  EXPECT_FALSE(h.is_valid_gfn(1, ((4ull << 30) >> 12) - 1));
  EXPECT_TRUE(h.is_valid_gfn(1, (4ull << 30) >> 12)) << "RAM continues at 4 GB";
  EXPECT_TRUE(h.is_valid_gfn(1, ((5ull << 30) >> 12) - 1));
  EXPECT_FALSE(h.is_valid_gfn(1, (5ull << 30) >> 12)) << "beyond RAM";
  EXPECT_FALSE(h.is_valid_gfn(2, 0)) << "no VM";
  auto low = h.pin_gfn(1, 0x10);
  auto high = h.pin_gfn(1, (4ull << 30) >> 12);
  ASSERT_TRUE(low && high);
  EXPECT_EQ(*low, InProcessHypervisor::kGuestRamBase + InProcessHypervisor::kGuestRamStride + 0x10000);
  EXPECT_EQ(*high, InProcessHypervisor::kGuestRamBase + InProcessHypervisor::kGuestRamStride + (3ull << 30));
  EXPECT_EQ(p.memory().owner(*low), Owner::vgpu(1)) << "guest RAM is vGPU 1's (D4)";
  EXPECT_EQ(p.memory().owner(*high), Owner::vgpu(1));
  EXPECT_FALSE(h.pin_gfn(1, (3ull << 30) >> 12)) << "nothing to pin in the hole";
  EXPECT_FALSE(hyp.add_vm(1, 1 << 20)) << "one VM per vGPU";
  EXPECT_FALSE(hyp.add_vm(3, 1000)) << "whole pages";
}

TEST_F(HypervisorTest, ReadWriteAndPinCounts) {
  ASSERT_TRUE(hyp.add_vm(2, 64ull << 20));
  std::vector<uint8_t> data(6000, 0x5C), back(6000);
  ASSERT_TRUE(h.write_gpa(2, 0x1FF0, data));  // crosses pages
  ASSERT_TRUE(h.read_gpa(2, 0x1FF0, back));
  EXPECT_EQ(back, data);
  EXPECT_FALSE(h.read_gpa(2, (64ull << 20) - 4, std::span<uint8_t>(back.data(), 8))) << "past RAM";
  ASSERT_TRUE(h.pin_gfn(2, 7));
  ASSERT_TRUE(h.pin_gfn(2, 7));
  EXPECT_EQ(hyp.pin_count(2, 7), 2u);
  h.unpin_gfn(2, 7);
  h.unpin_gfn(2, 7);
  EXPECT_EQ(hyp.pin_count(2, 7), 0u);
}

TEST_F(HypervisorTest, TrackedPagesTrapAfterTheWriteLands) {
  ASSERT_TRUE(hyp.add_vm(1, 16ull << 20));
  std::vector<std::pair<uint64_t, uint32_t>> seen;
  ASSERT_TRUE(h.track_gfn(1, 5, [&](uint64_t gpa, std::span<const uint8_t> d) {
    std::vector<uint8_t> now(4);
    ASSERT_TRUE(h.read_gpa(1, gpa, now));  // the write is already in memory
    seen.push_back({gpa, uint32_t(now[0])});
    EXPECT_EQ(d.size(), 8u);
  }));
  EXPECT_FALSE(h.track_gfn(1, 5, [](uint64_t, std::span<const uint8_t>) {})) << "tracked twice";
  std::vector<uint8_t> pte = {0x03, 0, 0, 0, 0, 0, 0, 0};
  ASSERT_TRUE(hyp.guest_write(1, 0x5008, pte));
  ASSERT_TRUE(hyp.guest_write(1, 0x6008, pte));  // untracked page: no trap
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0], std::make_pair(uint64_t(0x5008), uint32_t(0x03)));
  ASSERT_TRUE(h.untrack_gfn(1, 5));
  ASSERT_TRUE(hyp.guest_write(1, 0x5008, pte));
  EXPECT_EQ(seen.size(), 1u);
  EXPECT_EQ(hyp.trapped_writes(), 1u);
  EXPECT_FALSE(h.untrack_gfn(1, 5));
}

TEST_F(HypervisorTest, MsisReachTheGuestsSink) {
  ASSERT_TRUE(hyp.add_vm(4, 16ull << 20));
  int taken = 0;
  hyp.set_interrupt_sink(4, [&](uint32_t a, uint16_t d) {
    EXPECT_EQ(a, 0xFEE00000u);
    EXPECT_EQ(d, 0x41);
    ++taken;
  });
  ASSERT_TRUE(h.inject_msi(4, 0xFEE00000, 0x41));
  EXPECT_EQ(taken, 0) << "never from inside the core's call (D10)";
  EXPECT_EQ(hyp.msis(4).size(), 1u) << "recorded at once";
  p.queue().run_until(p.now());
  EXPECT_EQ(taken, 1);
  EXPECT_EQ(hyp.msis(4).size(), 1u);
  EXPECT_FALSE(h.inject_msi(6, 0, 0));
}

}  // namespace
}  // namespace gvtsim::harness
