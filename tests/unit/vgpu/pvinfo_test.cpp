// PVINFO (vgpu/pvinfo.h; gvt-reference §2.2, i915_pvinfo.h, gvt/vgpu.c populate_pvinfo_page,
// gvt/handlers.c pvinfo_mmio_read / pvinfo_mmio_write).
#include "vgpu/pvinfo.h"

#include <gtest/gtest.h>

#include "tests/unit/vgpu/fixture.h"

namespace gvtsim::vgpu {
namespace {

using namespace pv;
using testing::Fakes;

class PvInfoTest : public testing::OneVgpu {
 protected:
  Status pv_write(uint32_t page_offset, unsigned size, uint64_t value) {
    return vgpu->mmio_write(kPvInfoBase + page_offset, size, value);
  }
};

TEST_F(PvInfoTest, EveryHostFieldAsPopulated) {
  // The first _8 vGPU on the fake host: its slices sit right above the host's reserve.
  ASSERT_EQ(vgpu->aperture(), (GmSlice{128ull << 20, 64ull << 20}));
  ASSERT_EQ(vgpu->hidden(), (GmSlice{(1ull << 30) + (384ull << 20), 384ull << 20}));
  EXPECT_EQ(pv(kMagic, 8), kVgtMagic);
  EXPECT_EQ(pv(kMagic, 4), 0x76544776u) << "'vGTv' in memory order";
  EXPECT_EQ(pv(kMagic + 4, 4), 0x47765447u);
  EXPECT_EQ(pv(kMagic, 1), 0x76u) << "byte reads work";
  EXPECT_EQ(pv(kVersionMajor, 2), 1u);
  EXPECT_EQ(pv(kVersionMinor, 2), 0u);
  EXPECT_EQ(pv(kVgtId), 1u);
  EXPECT_EQ(pv(kVgtCaps), 0x1Cu) << "FULL_PPGTT | HWSP_EMULATION | HUGE_GTT";
  EXPECT_EQ(pv(kApertureBase), 128u << 20);
  EXPECT_EQ(pv(kApertureSize), 64u << 20);
  EXPECT_EQ(pv(kHiddenBase), (1u << 30) + (384u << 20));
  EXPECT_EQ(pv(kHiddenSize), 384u << 20);
  EXPECT_EQ(pv(kApertureBase, 8), (uint64_t(64) << 20) << 32 | (128u << 20)) << "base and size in one qword";
  EXPECT_EQ(pv(kFenceNum), 4u);
  EXPECT_EQ(pv(kDisplayReady), 0u);
  EXPECT_EQ(pv(kCursorXHot), 0xFFFFFFFFu);
  EXPECT_EQ(pv(kCursorYHot), 0xFFFFFFFFu);
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(pv(kPdp + 8 * i, 8), 0u);
  EXPECT_EQ(pv(kDescriptorLo, 8), 0u);
  EXPECT_EQ(pv(kG2vNotify), 0u);
  // A second vGPU publishes its own id and slices.
  Result<Vgpu*> two = device->create({.type = "GVTg_V4_4"});
  ASSERT_TRUE(two);
  EXPECT_EQ(*(*two)->mmio_read(kPvInfoBase + kVgtId, 4), 2u);
  EXPECT_EQ(*(*two)->mmio_read(kPvInfoBase + kApertureBase, 4), (128u + 64u) << 20);
  EXPECT_EQ(*(*two)->mmio_read(kPvInfoBase + kHiddenSize, 4), 512u << 20);
}

TEST_F(PvInfoTest, AnyReadSetsPvNotified) {
  for (auto [offset, size] : {std::pair{kMagic, 8u}, std::pair{0x100u, 4u}, std::pair{kPdp + 3, 1u}}) {
    SCOPED_TRACE(offset);
    vgpu->device_model_reset();
    ASSERT_FALSE(vgpu->pv_notified());
    ASSERT_TRUE(vgpu->mmio_read(kPvInfoBase + offset, size));
    EXPECT_TRUE(vgpu->pv_notified()) << "even reads of fields that are not the host's";
  }
  EXPECT_EQ(vgpu->pvinfo().invalid_reads(), 2u) << "0x100 and pdp: answered, and logged as invalid";
  vgpu->device_model_reset();
  EXPECT_FALSE(vgpu->mmio_read(kPvInfoBase + 2, 4)) << "misaligned";
  EXPECT_FALSE(vgpu->pv_notified()) << "a refused read is not a read";
  ASSERT_TRUE(pv_write(kDisplayReady, 4, 1));
  EXPECT_FALSE(vgpu->pv_notified()) << "writes do not count";
}

TEST_F(PvInfoTest, GuestFieldsAreStored) {
  ASSERT_TRUE(pv_write(kDisplayReady, 4, 1));
  EXPECT_TRUE(vgpu->pvinfo().display_ready());
  ASSERT_TRUE(pv_write(kCursorXHot, 4, 12));
  ASSERT_TRUE(pv_write(kCursorYHot, 4, 34));
  EXPECT_EQ(pv(kCursorXHot), 12u);
  EXPECT_EQ(pv(kCursorYHot), 34u);
  for (unsigned i = 0; i < 4; ++i) {
    ASSERT_TRUE(pv_write(kPdp + 8 * i, 4, 0x1000u * (i + 1)));
    ASSERT_TRUE(pv_write(kPdp + 8 * i + 4, 4, i));
  }
  EXPECT_EQ(vgpu->pvinfo().pdps(), (std::array<uint64_t, 4>{0x1000, 0x1'0000'2000, 0x2'0000'3000, 0x3'0000'4000}));
  ASSERT_TRUE(pv_write(kPdp, 8, 0xAB'CDEF'0000ull)) << "a qword at pdp[0].lo fills lo and hi";
  EXPECT_EQ(vgpu->pvinfo().pdps()[0], 0xAB'CDEF'0000ull);
  ASSERT_TRUE(pv_write(kDescriptorLo, 4, 0x0012'3019));
  ASSERT_TRUE(pv_write(kDescriptorHi, 4, 0x7));
  EXPECT_EQ(vgpu->pvinfo().descriptor(), 0x7'0012'3019ull);
  EXPECT_EQ(vgpu->pvinfo().ignored_writes(), 0u);
  EXPECT_FALSE(vgpu->failsafe());
}

TEST_F(PvInfoTest, WritesToTheHostsFieldsAreIgnored) {
  const auto before = vgpu->pvinfo().page();
  const std::pair<uint32_t, unsigned> targets[] = {{kMagic, 8}, {kVersionMajor, 2}, {kVgtId, 4}, {kVgtCaps, 4},
                                                   {kApertureBase, 4}, {kApertureSize, 4}, {kHiddenBase, 4},
                                                   {kHiddenSize, 4}, {kFenceNum, 4}, {0x200, 4}, {kPdp + 2, 2},
                                                   {0xFF8, 8}};
  for (auto [o, size] : targets) ASSERT_TRUE(pv_write(o, size, ~0ull)) << "ignored, not refused: " << o;
  EXPECT_EQ(vgpu->pvinfo().page(), before);
  EXPECT_EQ(vgpu->pvinfo().ignored_writes(), std::size(targets));
  EXPECT_FALSE(vgpu->failsafe());
  EXPECT_EQ(pv(kFenceNum), 4u);
}

TEST_F(PvInfoTest, ARsv5WriteIsABalloonFailure) {
  for (uint32_t o : {kRsv5, kRsv5 + 4, kRsv5 + 8, kRsv5 + 12}) {
    SCOPED_TRACE(o);
    Fakes fresh;  // a vGPU of its own per offset
    Device d(fresh.services());
    Vgpu* v = *d.create({.type = "GVTg_V4_8"});
    ASSERT_TRUE(v->mmio_read(kPvInfoBase + kMagic, 8));
    ASSERT_TRUE(v->cfg_write(pcicfg::kCommand, 2, pcicfg::kCommandMemory));
    fresh.clock.advance(us(5));
    const auto page = v->pvinfo().page();
    const auto cfg = v->cfg().bytes();
    const std::size_t host_calls = fresh.host.calls.size();
    ASSERT_TRUE(v->mmio_write(kPvInfoBase + o, 4, 0xFFFFFFFF));
    ASSERT_TRUE(v->failsafe());
    EXPECT_EQ(v->failsafe_state().reason(), FailsafeReason::insufficient_resource);
    ASSERT_EQ(v->failsafe_state().history().size(), 1u);
    EXPECT_EQ(v->failsafe_state().history()[0].time, us(5)) << "when";
    EXPECT_NE(v->failsafe_state().history()[0].why.find("rsv5"), std::string::npos) << "why";
    // Nothing else changes: not the page (rsv5 is not stored), not pv_notified, not the config, not the host.
    EXPECT_EQ(v->pvinfo().page(), page);
    EXPECT_TRUE(v->pv_notified());
    EXPECT_EQ(v->cfg().bytes(), cfg);
    EXPECT_TRUE(v->cfg().bar0_trapped());
    EXPECT_EQ(fresh.host.calls.size(), host_calls);
    EXPECT_EQ(v->pvinfo().ignored_writes(), 0u);
    EXPECT_EQ(d.stats().value("vgpu1.failsafe.entries"), 1.0);
  }
  // A qword starting in rsv5 counts; a byte past the last dword start does not (the kernel's case
  // range is of access start offsets 0x808..0x814).
  ASSERT_TRUE(pv_write(kRsv5 + 8, 8, 1));
  EXPECT_TRUE(vgpu->failsafe());
  vgpu->device_model_reset();
  ASSERT_FALSE(vgpu->failsafe());
  ASSERT_TRUE(pv_write(kRsv5 + 15, 1, 1));
  EXPECT_FALSE(vgpu->failsafe());
  EXPECT_EQ(vgpu->pvinfo().ignored_writes(), 1u);
}

TEST_F(PvInfoTest, G2vNotificationsAreDecoded) {
  std::vector<G2vNotification> seen;
  vgpu->set_g2v_handler([&](const G2vNotification& n) { seen.push_back(n); });
  ASSERT_TRUE(pv_write(kPdp, 8, 0x11000));
  ASSERT_TRUE(pv_write(kPdp + 8, 8, 0x22000));
  ASSERT_TRUE(pv_write(kPdp + 16, 8, 0x33000));
  ASSERT_TRUE(pv_write(kPdp + 24, 8, 0x44000));
  for (uint32_t code : {2u, 3u, 4u, 5u}) ASSERT_TRUE(pv_write(kG2vNotify, 4, code));
  ASSERT_EQ(seen.size(), 4u);
  EXPECT_EQ(seen[0].code, G2v::ppgtt_l3_create);
  EXPECT_EQ(seen[1].code, G2v::ppgtt_l3_destroy);
  EXPECT_EQ(seen[2].code, G2v::ppgtt_l4_create);
  EXPECT_EQ(seen[3].code, G2v::ppgtt_l4_destroy);
  EXPECT_EQ(seen[0].pdps, (std::array<uint64_t, 4>{0x11000, 0x22000, 0x33000, 0x44000}));
  EXPECT_EQ(pv(kG2vNotify), 5u) << "the code is stored";
  // Execlist context create/destroy and the stale code 1 are ignored; others are invalid.
  for (uint32_t code : {6u, 7u, 1u}) ASSERT_TRUE(pv_write(kG2vNotify, 4, code));
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(vgpu->pvinfo().invalid_g2v(), 0u);
  for (uint32_t code : {0u, 8u, 0xFFFFFFFFu}) ASSERT_TRUE(pv_write(kG2vNotify, 4, code));
  EXPECT_EQ(seen.size(), 4u);
  EXPECT_EQ(vgpu->pvinfo().invalid_g2v(), 3u);
  EXPECT_FALSE(vgpu->failsafe());
  // Without a handler (no PPGTT part yet) they are counted.
  vgpu->set_g2v_handler(nullptr);
  ASSERT_TRUE(pv_write(kG2vNotify, 4, 4));
  EXPECT_EQ(vgpu->g2v_unhandled(), 1u);
}

TEST_F(PvInfoTest, MalformedAccessesAreGuestErrors) {
  const auto before = vgpu->pvinfo().page();
  struct Bad { uint32_t offset; unsigned size; };
  // Misaligned or mis-sized inside the page, and BAR0 offsets that are neither registers nor GGTT.
  for (Bad b : {Bad{kPvInfoBase + 1, 2}, Bad{kPvInfoBase + 4, 8}, Bad{kPvInfoBase, 3}, Bad{kPvInfoBase, 16},
                Bad{kMmioSize, 4}, Bad{4u << 20, 4}, Bad{ggtt::kWindowOffset - 4, 4}}) {
    SCOPED_TRACE(fmt::format("{:#x}/{}", b.offset, b.size));
    Result<uint64_t> r = vgpu->mmio_read(b.offset, b.size);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.status().kind(), StatusKind::guest_error);
    Status w = vgpu->mmio_write(b.offset, b.size, ~0ull);
    ASSERT_FALSE(w);
    EXPECT_EQ(w.kind(), StatusKind::guest_error);
  }
  EXPECT_EQ(vgpu->pvinfo().page(), before);
  EXPECT_FALSE(vgpu->pv_notified());
  EXPECT_FALSE(vgpu->failsafe());
  EXPECT_EQ(device->stats().value("vgpu1.mmio.guest_errors"), 14.0);
  // The last qword of the page is inside it.
  EXPECT_TRUE(vgpu->mmio_read(kPvInfoBase + kPvInfoSize - 8, 8));
}

TEST_F(PvInfoTest, DeviceModelResetRepopulatesThePage) {
  ASSERT_TRUE(pv_write(kPdp, 8, 0x1234'5000));
  ASSERT_TRUE(pv_write(kDisplayReady, 4, 1));
  ASSERT_TRUE(pv_write(kCursorXHot, 4, 7));
  ASSERT_TRUE(pv_write(kRsv5, 4, 1));
  ASSERT_TRUE(vgpu->failsafe());
  vgpu->device_model_reset();
  EXPECT_FALSE(vgpu->failsafe());
  EXPECT_EQ(vgpu->pvinfo().pdps()[0], 0u);
  EXPECT_FALSE(vgpu->pvinfo().display_ready());
  EXPECT_EQ(pv(kCursorXHot), 0xFFFFFFFFu);
  EXPECT_EQ(pv(kMagic, 8), kVgtMagic);
  EXPECT_EQ(pv(kApertureBase), vgpu->aperture().base) << "the same slices: resources survive the reset";
}

}  // namespace
}  // namespace gvtsim::vgpu
