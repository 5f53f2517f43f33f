// The mediation core against hostile and ordinary guests, end to end: every MMIO-level row of
// decisions D6 (one test each, asserting the exact failsafe reason or its absence), fences,
// virtual interrupts, GDRST and the device-model reset. The oracle must read zero in each.
#include <array>

#include "tests/unit/harness/gvt_fixture.h"

namespace gvtsim::harness::testing {
namespace {

using namespace spec::gen8;
using vgpu::FailsafeReason;

class Mediation : public GvtTest {
 protected:
  void expect_failsafe(vgpu::VgpuId id, FailsafeReason r) {
    const vgpu::Vgpu& v = sys.vgpu(id);
    ASSERT_TRUE(v.failsafe());
    EXPECT_EQ(v.failsafe_state().reason(), r) << v.failsafe_state().history().front().why;
  }
  void expect_no_failsafe(vgpu::VgpuId id) {
    const vgpu::Vgpu& v = sys.vgpu(id);
    EXPECT_FALSE(v.failsafe()) << (v.failsafe() ? v.failsafe_state().history().front().why : "");
  }
  // A guest that has only probed PCI: it never read PVINFO.
  GuestI915& probed_only() {
    Result<GuestI915*> g = sys.add_guest({.type = "GVTg_V4_8"});
    EXPECT_TRUE(g && (*g)->probe_pci());
    return **g;
  }
  uint32_t vreg(vgpu::VgpuId id, uint32_t offset) { return sys.vgpu(id).mmio().vreg(offset); }
};

// --- D6: MMIO-level rows ---

TEST_F(Mediation, GfxModePrivilegeCheckDisableIsStrippedAndFailsafeUnsupportedGuest) {
  GuestI915& g = boot();
  ASSERT_TRUE(g.write32(reg::GFX_MODE::at(Engine::RCS), masked_write(reg::GFX_MODE::PRIVILEGE_CHECK_DISABLE, 1)));
  expect_failsafe(g.id(), FailsafeReason::unsupported_guest);
  EXPECT_EQ(vreg(g.id(), reg::GFX_MODE::at(Engine::RCS)) & reg::GFX_MODE::PRIVILEGE_CHECK_DISABLE.mask(), 0u);
}

TEST_F(Mediation, ExeclistEnableBeforeAnyPvinfoReadIsFailsafeUnsupportedGuest) {
  GuestI915& g = probed_only();
  ASSERT_TRUE(g.write32(reg::GFX_MODE::at(Engine::RCS), masked_write(reg::GFX_MODE::EXECLIST_ENABLE, 1)));
  expect_failsafe(g.id(), FailsafeReason::unsupported_guest);
}

TEST_F(Mediation, PpgttEnableBeforeAnyPvinfoReadIsFailsafeUnsupportedGuest) {
  GuestI915& g = probed_only();
  ASSERT_TRUE(g.write32(reg::GFX_MODE::at(Engine::BCS), masked_write(reg::GFX_MODE::PPGTT_ENABLE, 1)));
  expect_failsafe(g.id(), FailsafeReason::unsupported_guest);
}

TEST_F(Mediation, ExeclistEnableAfterThePvinfoReadIsAccepted) {
  GuestI915& g = probed_only();
  ASSERT_TRUE(g.detect_vgpu());
  ASSERT_TRUE(g.write32(reg::GFX_MODE::at(Engine::RCS), masked_write(reg::GFX_MODE::EXECLIST_ENABLE, 1)));
  expect_no_failsafe(g.id());
  EXPECT_NE(sys.vgpu(g.id()).mmio().execlist_enabled() & engine_bit(Engine::RCS), 0);
}

TEST_F(Mediation, FenceBeyondItsCountFailsWithoutFailsafeOnceThePvinfoWasRead) {
  GuestI915& g = boot();
  EXPECT_FALSE(g.write32(reg::FENCE_REG_GEN6::at(4), 0x1000));
  EXPECT_FALSE(g.read32(reg::FENCE_REG_GEN6::at(15))) << "the kernel tracks fences 0..15 (MMIO_F 0x80)";
  expect_no_failsafe(g.id());
}

TEST_F(Mediation, FenceBeyondItsCountBeforeAnyPvinfoReadIsFailsafeUnsupportedGuest) {
  GuestI915& g = probed_only();
  EXPECT_FALSE(g.write32(reg::FENCE_REG_GEN6::at(4), 0x1000));
  expect_failsafe(g.id(), FailsafeReason::unsupported_guest);
}

TEST_F(Mediation, HwsPgaOutsideItsGraphicsMemoryIsRejected) {
  GuestI915& g = boot();
  const uint32_t hws = reg::RING_HWS_PGA::at(Engine::RCS);
  const uint32_t before = vreg(g.id(), hws);
  EXPECT_FALSE(g.write32(hws, 0x1000)) << "the host's reserve";
  EXPECT_FALSE(g.write32(hws, uint32_t(g.balloon().aperture.end())));
  EXPECT_EQ(vreg(g.id(), hws), before);
  EXPECT_EQ(sys.vgpu(g.id()).mmio().hws_pga(Engine::RCS), before);
  expect_no_failsafe(g.id());
}

TEST_F(Mediation, PvinfoRsv5WriteIsFailsafeInsufficientResource) {
  // A guest that needs more mappable GM than a GVTg_V4_8 slice reports the balloon failure.
  Result<GuestI915*> g = sys.add_guest({.type = "GVTg_V4_8"}, GuestConfig{.min_aperture = vgpu::mib(128)});
  ASSERT_TRUE(g);
  Status s = (*g)->boot();
  EXPECT_FALSE(s);
  EXPECT_NE(s.message().find("balloon"), std::string::npos) << s.message();
  expect_failsafe((*g)->id(), FailsafeReason::insufficient_resource);
}

TEST_F(Mediation, CsfeChicken1StaysInTheVregOnBroadwell) {
  GuestI915& g = boot();
  constexpr uint32_t kCsfeChicken1 = 0x20D4;  // i915 CSFE_CHICKEN1_REG; GVT's failsafe rule is SKL+
  ASSERT_TRUE(g.write32(kCsfeChicken1, 0x0004'0004));
  EXPECT_EQ(*g.read32(kCsfeChicken1), 0x0004'0004u);
  expect_no_failsafe(g.id());
}

TEST_F(Mediation, GgttPteRowsNeverFailsafe) {
  // D6: outside the slices / an unpinnable gfn / two 4-byte halves — ignored / scratch / held.
  GuestI915& g = boot();
  const uint64_t gma = g.balloon().hidden.base;
  const uint32_t off = vgpu::ggtt::entry_offset(gma);
  ASSERT_TRUE(g.write_pte(0, g.alloc_page() | 1));
  ASSERT_TRUE(g.write_pte(gma, InProcessHypervisor::kMmioHoleStart | 1));
  ASSERT_TRUE(g.mmio_write(off, 4, uint32_t(g.alloc_page() | 1)));
  EXPECT_EQ(sys.vgpu(g.id()).ggtt().partial_count(), 1u);
  expect_no_failsafe(g.id());
}

TEST_F(Mediation, AfterFailsafeMmioAndGgttTouchOnlyVirtualState) {
  GuestI915& g = boot();
  ASSERT_TRUE(g.write32(reg::GFX_MODE::at(Engine::RCS), masked_write(reg::GFX_MODE::PRIVILEGE_CHECK_DISABLE, 1)));
  ASSERT_TRUE(sys.vgpu(g.id()).failsafe());
  const uint64_t gma = g.balloon().hidden.base;
  const uint64_t before = host_pte(gma);
  ASSERT_TRUE(g.write_pte(gma, g.alloc_page() | 1));
  EXPECT_EQ(host_pte(gma), before) << "failsafe: the virtual GGTT only";
  EXPECT_NE(*g.mmio_read(vgpu::ggtt::entry_offset(gma), 8), 0u);
  const auto host_fence = sys.host().mmio_read(reg::FENCE_REG_GEN6::at(sys.vgpu(g.id()).fences()[0]), 8);
  ASSERT_TRUE(g.mmio_write(reg::FENCE_REG_GEN6::at(0), 8, 0x0123'4000'0000'1001ull));
  EXPECT_EQ(sys.host().mmio_read(reg::FENCE_REG_GEN6::at(sys.vgpu(g.id()).fences()[0]), 8).value(), host_fence.value());
}

// --- fences ---

TEST_F(Mediation, FencesAreIsolatedInTheVgpusOwnHostFences) {
  GuestI915& a = boot();
  GuestI915& b = boot();
  const uint64_t fence = 0x0000'2000'0010'0001ull;  // upper bound, lower bound, valid
  ASSERT_TRUE(a.mmio_write(reg::FENCE_REG_GEN6::at(0), 8, fence));
  const unsigned host_a = sys.vgpu(a.id()).fences()[0];
  EXPECT_EQ(*sys.host().mmio_read(reg::FENCE_REG_GEN6::at(host_a), 8), fence);
  EXPECT_EQ(*a.mmio_read(reg::FENCE_REG_GEN6::at(0), 8), fence) << "the guest reads its own value back";
  for (unsigned f : sys.vgpu(b.id()).fences()) EXPECT_EQ(*sys.host().mmio_read(reg::FENCE_REG_GEN6::at(f), 8), 0u);
  for (unsigned f = 0; f < 4; ++f)
    EXPECT_EQ(*sys.host().mmio_read(reg::FENCE_REG_GEN6::at(f), 8), 0u) << "the host's fence " << f;
  EXPECT_EQ(*b.mmio_read(reg::FENCE_REG_GEN6::at(0), 8), 0u) << "b's fence 0 is its own";
  // Destroying a vGPU clears its host fences before giving them back.
  ASSERT_TRUE(sys.remove_guest(a.id()));
  EXPECT_EQ(*sys.host().mmio_read(reg::FENCE_REG_GEN6::at(host_a), 8), 0u);
}

// --- virtual interrupts ---

TEST_F(Mediation, AVirtualEventReachesTheGuestsHandler) {
  GuestI915& g = boot();
  vgpu::Vgpu& v = sys.vgpu(g.id());
  v.trigger_event(vgpu::IrqEvent::RCS_MI_USER_INTERRUPT);
  EXPECT_EQ(g.interrupts(), 0u) << "delivered from the queue, not inside the core";
  sys.settle();
  EXPECT_EQ(g.interrupts(), 1u);
  EXPECT_EQ(g.iir_seen().at(reg::GEN8_GT_IIR0::offset), reg::GEN8_GT_IIR0::RCS_USER_INTERRUPT.mask());
  EXPECT_EQ(vreg(g.id(), reg::GEN8_GT_IIR0::offset), 0u) << "the handler cleared it (W1C)";
  EXPECT_EQ(v.irq().master_status(), 0u);
  EXPECT_TRUE(v.irq().master_enabled());
  ASSERT_FALSE(sys.hypervisor().msis(g.id()).empty());
  EXPECT_EQ(sys.hypervisor().msis(g.id()).front(), std::make_pair(g.config().msi_address, g.config().msi_data));
}

TEST_F(Mediation, AMaskedEventNeverInterrupts) {
  GuestI915& g = boot();
  ASSERT_TRUE(g.write32(reg::GEN8_GT_IMR0::offset, 0xFFFF'FFFF));
  sys.vgpu(g.id()).trigger_event(vgpu::IrqEvent::RCS_MI_USER_INTERRUPT);
  sys.settle();
  EXPECT_EQ(g.interrupts(), 0u);
  EXPECT_EQ(vreg(g.id(), reg::GEN8_GT_IIR0::offset), 0u);
}

TEST_F(Mediation, AnEventLatchedWithTheMasterOffInterruptsWhenTheMasterComesOn) {
  GuestI915& g = boot();
  vgpu::Vgpu& v = sys.vgpu(g.id());
  ASSERT_TRUE(g.write32(reg::GEN8_MASTER_IRQ::offset, 0));
  v.trigger_event(vgpu::IrqEvent::BCS_AS_CONTEXT_SWITCH);
  sys.settle();
  EXPECT_EQ(g.interrupts(), 0u);
  EXPECT_NE(vreg(g.id(), reg::GEN8_GT_IIR0::offset) & reg::GEN8_GT_IIR0::BCS_CONTEXT_SWITCH.mask(), 0u);
  // Only bit 31 of the master is the guest's: status bits written are ignored.
  ASSERT_TRUE(g.write32(reg::GEN8_MASTER_IRQ::offset, 0x7FFF'FFFF));
  EXPECT_EQ(v.irq().master_status(), 0u) << "not recomputed while the master is off";
  ASSERT_TRUE(g.write32(reg::GEN8_MASTER_IRQ::offset, 1u << 31));
  EXPECT_EQ(v.irq().master_status(), reg::GEN8_MASTER_IRQ::GT_BCS.mask());
  sys.settle();
  EXPECT_EQ(g.interrupts(), 1u);
  EXPECT_EQ(g.iir_seen().at(reg::GEN8_GT_IIR0::offset), reg::GEN8_GT_IIR0::BCS_CONTEXT_SWITCH.mask());
}

TEST_F(Mediation, DisablingTheEventInIerDropsTheMasterBit) {
  GuestI915& g = boot();
  vgpu::Vgpu& v = sys.vgpu(g.id());
  ASSERT_TRUE(g.write32(reg::GEN8_MASTER_IRQ::offset, 0));
  v.trigger_event(vgpu::IrqEvent::VCS_MI_USER_INTERRUPT);
  ASSERT_TRUE(g.write32(reg::GEN8_GT_IER1::offset, 0));
  ASSERT_TRUE(g.write32(reg::GEN8_MASTER_IRQ::offset, 1u << 31));
  sys.settle();
  EXPECT_EQ(g.interrupts(), 0u);
  EXPECT_EQ(v.irq().master_status(), 0u);
}

// --- resets ---

TEST_F(Mediation, PerEngineGdrstResetsOnlyThatEnginesSubmission) {
  GuestI915& g = boot();
  vgpu::Vgpu& v = sys.vgpu(g.id());
  const uint32_t rcs_csb = reg::RING_CONTEXT_STATUS_PTR::at(Engine::RCS);
  const uint32_t bcs_csb = reg::RING_CONTEXT_STATUS_PTR::at(Engine::BCS);
  const uint32_t bcs_before = vreg(g.id(), bcs_csb);
  ASSERT_TRUE(g.write32(reg::GEN6_GDRST::offset, uint32_t(reg::GEN6_GDRST::GRDOM_RENDER.mask())));
  ASSERT_TRUE(v.last_gdrst());
  EXPECT_FALSE(v.last_gdrst()->full);
  EXPECT_EQ(v.last_gdrst()->engines, engine_bit(Engine::RCS));
  EXPECT_EQ(*g.read32(reg::GEN6_GDRST::offset), 0u) << "reads 0 once done";
  EXPECT_EQ(vreg(g.id(), rcs_csb) & 0x707, 0x007u) << "read 0, write 7";
  EXPECT_EQ(vreg(g.id(), bcs_csb), bcs_before);
  EXPECT_NE(v.mmio().execlist_enabled() & engine_bit(Engine::RCS), 0) << "submission mode survives";
  EXPECT_EQ(v.mmio().hws_pga(Engine::RCS), g.hwsp_gma(Engine::RCS));
  expect_no_failsafe(g.id());
}

TEST_F(Mediation, FullGdrstRestoresTheEngineRegistersButNotInterruptState) {
  GuestI915& g = boot();
  vgpu::Vgpu& v = sys.vgpu(g.id());
  const uint32_t imr = vreg(g.id(), reg::GEN8_GT_IMR0::offset);
  ASSERT_NE(imr, 0xFFFF'FFFFu) << "the guest unmasked its engines";
  ASSERT_TRUE(g.write32(reg::RING_HWSTAM::at(Engine::RCS), 0x1234));
  ASSERT_TRUE(g.write32(vgpu::kPvInfoBase + vgpu::pv::kCursorXHot, 9));
  ASSERT_TRUE(g.write32(reg::GEN6_GDRST::offset, uint32_t(reg::GEN6_GDRST::GRDOM_FULL.mask())));
  ASSERT_TRUE(v.last_gdrst() && v.last_gdrst()->full);
  EXPECT_EQ(v.mmio().execlist_enabled(), 0) << "the guest must enable execlists again";
  ASSERT_NE(v.mmio().golden(reg::RING_HWSTAM::at(Engine::RCS)), 0x1234u);
  EXPECT_EQ(vreg(g.id(), reg::RING_HWSTAM::at(Engine::RCS)), v.mmio().golden(reg::RING_HWSTAM::at(Engine::RCS)))
      << "below 0x44200: golden again";
  EXPECT_EQ(vreg(g.id(), reg::GEN8_GT_IMR0::offset), imr) << "0x44200 and up survive";
  EXPECT_EQ(v.mmio().hws_pga(Engine::RCS), 0u);
  EXPECT_TRUE(v.pv_notified()) << "not a device-model reset";
  expect_no_failsafe(g.id());
}

TEST_F(Mediation, ADeviceModelResetRestoresTheGoldenState) {
  GuestI915& g = boot();
  vgpu::Vgpu& v = sys.vgpu(g.id());
  ASSERT_TRUE(g.mmio_write(reg::FENCE_REG_GEN6::at(0), 8, 0x0000'2000'0010'0001ull));
  ASSERT_TRUE(g.write32(reg::GFX_MODE::at(Engine::RCS), masked_write(reg::GFX_MODE::PRIVILEGE_CHECK_DISABLE, 1)));
  ASSERT_TRUE(v.failsafe());
  v.device_model_reset();
  EXPECT_FALSE(v.failsafe());
  EXPECT_FALSE(v.pv_notified());
  EXPECT_EQ(v.mmio().execlist_enabled(), 0);
  EXPECT_EQ(vreg(g.id(), reg::GFX_MODE::at(Engine::RCS)), v.mmio().golden(reg::GFX_MODE::at(Engine::RCS)));
  EXPECT_EQ(vreg(g.id(), reg::GEN8_GT_IMR0::offset), v.mmio().golden(reg::GEN8_GT_IMR0::offset));
  EXPECT_TRUE(std::equal(v.mmio().vregs().begin(), v.mmio().vregs().end(), v.mmio().golden_image().begin()));
  for (const GuestI915::Object& o : g.objects()) {
    EXPECT_EQ(host_pte(o.gma), v.scratch_page() | 1) << "GGTT back to scratch";
    EXPECT_EQ(sys.hypervisor().pin_count(g.id(), o.gpa >> 12), 0u) << "pins released";
  }
  EXPECT_EQ(*sys.host().mmio_read(reg::FENCE_REG_GEN6::at(v.fences()[0]), 8), 0u) << "fences cleared";
  EXPECT_FALSE(v.pvinfo().display_ready());
  // The guest can boot again from scratch.
  ASSERT_TRUE(g.boot());
  expect_no_failsafe(g.id());
}

}  // namespace
}  // namespace gvtsim::harness::testing
