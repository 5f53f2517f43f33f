#include "model/gen8/pci_config.h"

#include <gtest/gtest.h>

namespace gvtsim::model::gen8 {
namespace {

TEST(PciConfig, IdentityAndClass) {
  PciConfig c(0x1616, 1ull << 30);
  EXPECT_EQ(*c.read(0x00, 2), 0x8086u);
  EXPECT_EQ(*c.read(0x02, 2), 0x1616u);
  EXPECT_EQ(*c.read(0x00, 4), 0x16168086u);
  EXPECT_EQ(*c.read(0x0B, 1), 0x03u);  // base class: display
  EXPECT_EQ(*c.read(0x0A, 1), 0x00u);  // subclass: VGA
  EXPECT_EQ(*c.read(0x0E, 1), 0x00u);  // header type 0
  EXPECT_TRUE(*c.read(0x06, 2) & 0x10) << "capabilities list";
  EXPECT_EQ(*c.read(pci::kGmch, 2) >> 6 & 3, 3u) << "GGMS: 8 MB GGTT";
  EXPECT_EQ(*c.read(pci::kGmch, 2) >> 8, 0u) << "GMS: no stolen memory";
  ASSERT_TRUE(c.write(0x00, 4, 0xFFFFFFFF));
  EXPECT_EQ(*c.read(0x00, 4), 0x16168086u) << "ids are read-only";
}

TEST(PciConfig, BarSizingReturnsTheSizeMask) {
  for (uint64_t aperture : {128ull << 20, 256ull << 20, 1ull << 30, 2ull << 30}) {
    PciConfig c(0x1616, aperture);
    ASSERT_TRUE(c.write(pci::kBar0, 4, 0xFFFFFFFF));
    ASSERT_TRUE(c.write(pci::kBar0 + 4, 4, 0xFFFFFFFF));
    EXPECT_EQ(*c.read(pci::kBar0, 4), 0xFF000004u) << "16 MB, 64-bit memory";
    EXPECT_EQ(*c.read(pci::kBar0 + 4, 4), 0xFFFFFFFFu);
    ASSERT_TRUE(c.write(pci::kBar2, 4, 0xFFFFFFFF));
    EXPECT_EQ(*c.read(pci::kBar2, 4), uint32_t(~(aperture - 1)) | 0xCu) << "aperture, 64-bit prefetchable";
    ASSERT_TRUE(c.write(pci::kBar4, 4, 0xFFFFFFFF));
    EXPECT_EQ(*c.read(pci::kBar4, 4), 0xFFC1u) << "64 bytes of I/O";
  }
}

TEST(PciConfig, BarPlacementAndClaim) {
  PciConfig c(0x1616, 256ull << 20);
  ASSERT_TRUE(c.write(pci::kBar0, 4, 0x01000000));
  ASSERT_TRUE(c.write(pci::kBar0 + 4, 4, 0x40));
  ASSERT_TRUE(c.write(pci::kBar2, 4, 0x10000000));
  ASSERT_TRUE(c.write(pci::kBar2 + 4, 4, 0x40));
  EXPECT_EQ(c.bar_base(Bar::bar0), 0x40'0100'0000ull);
  EXPECT_EQ(c.bar_base(Bar::bar2), 0x40'1000'0000ull);
  EXPECT_FALSE(c.claim(0x40'0100'0000ull, 4)) << "memory decode is off";
  ASSERT_TRUE(c.write(pci::kCommand, 2, pci::kCommandMemory));
  auto a = c.claim(0x40'0100'2030ull, 4);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->first, Bar::bar0);
  EXPECT_EQ(a->second, 0x2030u);
  auto b = c.claim(0x40'1000'0000ull + (256ull << 20) - 4, 4);
  ASSERT_TRUE(b);
  EXPECT_EQ(b->first, Bar::bar2);
  EXPECT_FALSE(c.claim(0x40'1000'0000ull + (256ull << 20) - 4, 8)) << "runs past the BAR";
  EXPECT_FALSE(c.claim(0x1000, 4));
}

TEST(PciConfig, AccessSizesAndErrors) {
  PciConfig c(0x1616, 1ull << 30);
  EXPECT_EQ(*c.read(0x3C, 1), 0x00u);
  ASSERT_TRUE(c.write(0x3C, 1, 0x0B));  // interrupt line
  EXPECT_EQ(*c.read(0x3C, 2), 0x010Bu) << "pin INTA";
  EXPECT_EQ(c.read(0x3D, 2).status().kind(), StatusKind::guest_error) << "misaligned";
  EXPECT_EQ(c.read(0x00, 3).status().kind(), StatusKind::guest_error);
  EXPECT_EQ(c.write(0x02, 4, 0).kind(), StatusKind::guest_error);
  EXPECT_EQ(c.read(0x1000, 4).status().kind(), StatusKind::guest_error) << "beyond 4 KB";
  EXPECT_EQ(*c.read(0x100, 4), 0u) << "no extended capabilities";
}

TEST(PciConfig, CapabilitiesMsiAndPower) {
  PciConfig c(0x162E, 1ull << 30);
  unsigned cap = *c.read(pci::kCapPtr, 1);
  ASSERT_EQ(cap, pci::kMsiCap);
  EXPECT_EQ(*c.read(cap, 1), 0x05u) << "MSI capability id";
  unsigned next = *c.read(cap + 1, 1);
  ASSERT_EQ(next, pci::kPmCap);
  EXPECT_EQ(*c.read(next, 1), 0x01u) << "power management capability id";
  EXPECT_EQ(*c.read(next + 1, 1), 0x00u) << "end of list";
  EXPECT_FALSE(c.msi_enabled());
  ASSERT_TRUE(c.write(cap + 4, 4, 0xFEE00003));
  ASSERT_TRUE(c.write(cap + 8, 2, 0x41));
  ASSERT_TRUE(c.write(cap + 2, 2, 0xFFFF));
  EXPECT_TRUE(c.msi_enabled());
  EXPECT_EQ(c.msi_address(), 0xFEE00000u) << "dword-aligned address";
  EXPECT_EQ(c.msi_data(), 0x41u);
  EXPECT_EQ(*c.read(cap + 2, 2), 1u) << "only the enable bit is writable";
  ASSERT_TRUE(c.write(next + 4, 2, 3));
  EXPECT_EQ(c.power_state(), 3u) << "D3hot";
}

TEST(PciConfig, StatusErrorBitsAreWriteOneToClear) {
  PciConfig c(0x1616, 1ull << 30);
  ASSERT_TRUE(c.write(pci::kStatus, 2, 0xFFFF));
  EXPECT_EQ(*c.read(pci::kStatus, 2), 0x10u) << "the capability bit is read-only, error bits clear";
}

}  // namespace
}  // namespace gvtsim::model::gen8
