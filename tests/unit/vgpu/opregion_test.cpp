// The virtual OpRegion, ASLS and SWSCI (vgpu/opregion.h; i915 gvt/opregion.c, gvt/reg.h).
#include "vgpu/opregion.h"

#include <cstring>

#include <gtest/gtest.h>

#include "tests/unit/vgpu/fixture.h"

namespace gvtsim::vgpu {
namespace {

using namespace opregion;

uint32_t le32(const uint8_t* p) { return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24; }
uint16_t le16(const uint8_t* p) { return uint16_t(p[0] | p[1] << 8); }

// What i915's intel_opregion_setup checks before it uses an OpRegion, and what GVT puts there.
void expect_valid_header(const uint8_t* b) {
  EXPECT_EQ(std::memcmp(b, "IntelGraphicsMem", 16), 0) << "signature";
  EXPECT_EQ(le32(b + kSize), 8u) << "size in KB";
  EXPECT_EQ(le32(b + kVersion), 0x02000000u) << "OpRegion 2.0";
  EXPECT_EQ(le32(b + kMailboxes), kMboxVbt) << "the VBT mailbox only";
  EXPECT_EQ(b[kClid], 0x3u) << "lid open";
  const uint8_t* vbt = b + kVbt;
  EXPECT_EQ(std::memcmp(vbt, "$VBT", 4), 0);
  EXPECT_EQ(le16(vbt + 0x14), 155u) << "VBT version";
  EXPECT_EQ(le16(vbt + 0x16), 48u) << "VBT header size";
  EXPECT_EQ(le32(vbt + 0x1C), 48u) << "BDB offset";
  EXPECT_EQ(std::memcmp(vbt + 48, "BIOS_DATA_BLOCK", 16), 0) << "with its NUL";
  EXPECT_EQ(le16(vbt + 48 + 16), 186u) << "BDB version";
  EXPECT_EQ(le16(vbt + 48 + 18), 22u) << "BDB header size";
}

TEST(OpRegion, TheVirtualOpRegionHasAValidHeader) {
  const OpRegionImage img = build_virtual_opregion();
  EXPECT_EQ(img.size(), 8192u);
  expect_valid_header(img.data());
  // Nothing else of the header is filled in: no host version strings leak.
  for (uint32_t o = 0x18; o < kMailboxes; ++o) ASSERT_EQ(img[o], 0) << o;
  EXPECT_EQ(le32(img.data() + kScic), 0u);
  EXPECT_EQ(le32(img.data() + kParm), 0u);
}

TEST(OpRegion, ScicAnswersCapabilityQueriesAndRefusesTheRest) {
  auto scic = [](uint32_t func, uint32_t sub, uint32_t extra = 0) { return func << 1 | sub << 8 | extra; };
  for (auto [f, s] : {std::pair{4u, 0u}, std::pair{4u, 1u}, std::pair{6u, 0u}}) {
    const ScicReply r = emulate_scic(scic(f, s, 0xE1), 0x1234);
    EXPECT_TRUE(r.supported) << f << "/" << s;
    EXPECT_EQ(r.scic, 0u);
    EXPECT_EQ(r.parm, 0u);
  }
  // Get BIOS Data / Boot Display, System BIOS Callbacks / Requested, a reserved function.
  for (auto [f, s] : {std::pair{4u, 5u}, std::pair{6u, 1u}, std::pair{5u, 0u}}) {
    const ScicReply r = emulate_scic(scic(f, s, 0xE1), 0x1234);
    EXPECT_FALSE(r.supported) << f << "/" << s;
    EXPECT_EQ(r.scic, scic(f, s, 0x01)) << "exit status 7:5 cleared: failure";
    EXPECT_EQ(r.parm, 0x1234u) << "PARM untouched";
  }
}

class OpRegionThroughVgpu : public testing::OneVgpu {
 protected:
  static constexpr uint64_t kGpa = 0x7FF0'0000;
};

TEST_F(OpRegionThroughVgpu, AslsPointsAtTheGuestsCopy) {
  EXPECT_FALSE(vgpu->opregion_gpa());
  expect_valid_header(vgpu->opregion().data());
  ASSERT_TRUE(vgpu->install_opregion(kGpa));
  EXPECT_EQ(cfg32(pcicfg::kAsls), kGpa);
  ASSERT_TRUE(vgpu->opregion_gpa());
  EXPECT_EQ(*vgpu->opregion_gpa(), kGpa);
  std::array<uint8_t, kOpRegionSize> guest{};
  ASSERT_TRUE(fakes.hyp.read_gpa(vgpu->id(), *vgpu->opregion_gpa(), guest));
  expect_valid_header(guest.data());
  // ASLS takes a page-aligned address below 4 GB.
  EXPECT_FALSE(vgpu->install_opregion(kGpa + 0x18));
  EXPECT_FALSE(vgpu->install_opregion(1ull << 32));
  // A guest (or its firmware) writing ASLS directly moves the OpRegion the core talks to.
  ASSERT_TRUE(vgpu->cfg_write(pcicfg::kAsls, 4, 0x6000'0000));
  EXPECT_EQ(*vgpu->opregion_gpa(), 0x6000'0000u);
  EXPECT_EQ(cfg32(pcicfg::kAsls), 0x6000'0000u);
}

TEST_F(OpRegionThroughVgpu, SwsciRunsTheRequestInGuestMemory) {
  ASSERT_TRUE(vgpu->install_opregion(kGpa));
  const uint64_t scic = kGpa + kScic, parm = kGpa + kParm;
  const uint32_t query = kFuncGetBiosData << 1 | 0xE0 | 1;  // Get BIOS Data / Supported Calls
  const uint32_t boot_display = kFuncGetBiosData << 1 | 5u << 8 | 0xE0 | 1;

  // Without SCI select (an SMI request) or without the trigger, nothing happens.
  fakes.hyp.write32(vgpu->id(), scic, query);
  fakes.hyp.write32(vgpu->id(), parm, 0x1234);
  ASSERT_TRUE(vgpu->cfg_write(pcicfg::kSwsci, 4, kSwsciSciTrigger));
  ASSERT_TRUE(vgpu->cfg_write(pcicfg::kSwsci, 4, kSwsciSciSelect));
  EXPECT_EQ(fakes.hyp.read32(vgpu->id(), scic), query);
  EXPECT_EQ(fakes.hyp.read32(vgpu->id(), parm), 0x1234u);

  ASSERT_TRUE(vgpu->cfg_write(pcicfg::kSwsci, 4, kSwsciSciSelect | kSwsciSciTrigger));
  EXPECT_EQ(fakes.hyp.read32(vgpu->id(), scic), 0u) << "a capability query: nothing supported";
  EXPECT_EQ(fakes.hyp.read32(vgpu->id(), parm), 0u);
  EXPECT_EQ(cfg32(pcicfg::kSwsci), 0u) << "SWSCI writes are not stored (gvt/cfg_space.c)";

  fakes.hyp.write32(vgpu->id(), scic, boot_display);
  fakes.hyp.write32(vgpu->id(), parm, 0x1234);
  ASSERT_TRUE(vgpu->cfg_write(pcicfg::kSwsci, 4, kSwsciSciSelect | kSwsciSciTrigger));
  EXPECT_EQ(fakes.hyp.read32(vgpu->id(), scic), boot_display & ~kScicExitMask) << "refused";
  EXPECT_EQ(fakes.hyp.read32(vgpu->id(), parm), 0x1234u);
}

TEST_F(OpRegionThroughVgpu, AnOpRegionOutsideGuestMemoryFailsTheSwsciWrite) {
  fakes.hyp.set_ram_size(1ull << 30);
  ASSERT_TRUE(vgpu->cfg_write(pcicfg::kAsls, 4, kGpa)) << "ASLS itself is only recorded";
  Status s = vgpu->cfg_write(pcicfg::kSwsci, 4, kSwsciSciSelect | kSwsciSciTrigger);
  ASSERT_FALSE(s) << "SCIC cannot be read: the guest pointed ASLS past its memory";
  EXPECT_EQ(s.kind(), StatusKind::guest_error);
}

}  // namespace
}  // namespace gvtsim::vgpu
