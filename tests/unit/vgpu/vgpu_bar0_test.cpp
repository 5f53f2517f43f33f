// Vgpu's BAR0 on the fakes: the routing of register, PVINFO and GGTT offsets, failsafe's
// virtual-only GGTT, GDRST, virtual events to MSIs, and what a device-model reset undoes.
#include "tests/unit/vgpu/fixture.h"

namespace gvtsim::vgpu::testing {
namespace {

namespace g8 = spec::gen8;
using g8::Engine;

class VgpuBar0 : public OneVgpu {
 protected:
  uint32_t ggtt_off(uint64_t gma) const { return ggtt::entry_offset(gma); }
  void read_pvinfo() { (void)pv(pv::kMagic, 8); }
};

TEST_F(VgpuBar0, OffsetsRouteToRegistersPvinfoAndGgtt) {
  ASSERT_TRUE(vgpu->mmio_write(g8::reg::RING_HWSTAM::at(Engine::RCS), 4, 0xFFFF'FFFE));
  EXPECT_EQ(vgpu->mmio().vreg(g8::reg::RING_HWSTAM::at(Engine::RCS)), 0xFFFF'FFFEu);
  EXPECT_EQ(*vgpu->mmio_read(kPvInfoBase + pv::kMagic, 8), kVgtMagic);
  const uint64_t gma = vgpu->aperture().base;
  ASSERT_TRUE(vgpu->mmio_write(ggtt_off(gma), 8, 0x5000 | 1));
  EXPECT_EQ(fakes.host.regs.at(ggtt_off(gma)), FakeHypervisor::host_page(vgpu->id(), 5) | 1);
  EXPECT_EQ(*vgpu->mmio_read(ggtt_off(gma), 8), 0x5001u);
  for (uint64_t off : {uint64_t(kMmioSize), uint64_t(4u << 20), uint64_t(kBar0Size)}) {
    EXPECT_FALSE(vgpu->mmio_read(off, 4)) << off;
    EXPECT_FALSE(vgpu->mmio_write(off, 4, 0)) << off;
  }
  EXPECT_EQ(device->stats().value("vgpu1.mmio.guest_errors"), 6.0);
}

TEST_F(VgpuBar0, ElspSubmissionsAreHeldUntilTakenAndAGdrstDropsThoseOfItsEngines) {
  read_pvinfo();
  auto submit = [&](Engine e, uint32_t tag) {
    // Four dwords: element 1 high, low, element 0 high, low (elsp_mmio_write's order).
    for (uint32_t d : {0u, 0u, 0u, tag}) ASSERT_TRUE(vgpu->mmio_write(g8::reg::RING_ELSP::at(e), 4, d));
  };
  submit(Engine::RCS, 0x1001);
  submit(Engine::BCS, 0x2001);
  ASSERT_TRUE(vgpu->mmio_write(g8::reg::GEN6_GDRST::offset, 4, g8::reg::GEN6_GDRST::GRDOM_BLT.mask()));
  std::vector<ElspSubmission> taken = vgpu->take_elsp_submissions();
  ASSERT_EQ(taken.size(), 1u) << "the BCS submission went with its engine's reset";
  EXPECT_EQ(taken[0].engine, Engine::RCS);
  EXPECT_EQ(taken[0].desc[0], 0x1001u);
  EXPECT_TRUE(vgpu->take_elsp_submissions().empty()) << "taken once";
  submit(Engine::VECS, 0x3001);
  vgpu->device_model_reset();
  EXPECT_TRUE(vgpu->take_elsp_submissions().empty()) << "a device-model reset drops them all";
}

TEST_F(VgpuBar0, InFailsafeAGgttWriteChangesOnlyTheVirtualEntry) {
  vgpu->enter_failsafe(FailsafeReason::guest_err, "test");
  const uint64_t gma = vgpu->aperture().base;
  const uint64_t host_before = fakes.host.regs.at(ggtt_off(gma));
  ASSERT_TRUE(vgpu->mmio_write(ggtt_off(gma), 8, 0x7000 | 1));
  EXPECT_EQ(fakes.host.regs.at(ggtt_off(gma)), host_before);
  EXPECT_TRUE(fakes.hyp.pins.empty());
  EXPECT_EQ(*vgpu->mmio_read(ggtt_off(gma), 8), 0x7001u);
}

TEST_F(VgpuBar0, PerEngineGdrstKeepsOtherEnginesAndFullGdrstRestoresBelow0x44200) {
  read_pvinfo();
  const uint32_t gfx = g8::reg::GFX_MODE::at(Engine::BCS);
  ASSERT_TRUE(vgpu->mmio_write(gfx, 4, g8::masked_write(g8::reg::GFX_MODE::EXECLIST_ENABLE, 1)));
  ASSERT_TRUE(vgpu->mmio_write(g8::reg::GEN8_GT_IER0::offset, 4, 0x101));
  ASSERT_TRUE(vgpu->mmio_write(g8::reg::GEN6_GDRST::offset, 4, g8::reg::GEN6_GDRST::GRDOM_BLT.mask()));
  ASSERT_TRUE(vgpu->last_gdrst());
  EXPECT_EQ(vgpu->last_gdrst()->engines, g8::engine_bit(Engine::BCS));
  EXPECT_NE(vgpu->mmio().execlist_enabled(), 0);
  EXPECT_EQ(device->stats().value("vgpu1.gdrst.engine"), 1.0);
  ASSERT_TRUE(vgpu->mmio_write(g8::reg::GEN6_GDRST::offset, 4, g8::reg::GEN6_GDRST::GRDOM_FULL.mask()));
  EXPECT_TRUE(vgpu->last_gdrst()->full);
  EXPECT_EQ(vgpu->mmio().execlist_enabled(), 0);
  EXPECT_EQ(vgpu->mmio().vreg(gfx), vgpu->mmio().golden(gfx));
  EXPECT_EQ(vgpu->mmio().vreg(g8::reg::GEN8_GT_IER0::offset), 0x101u) << "interrupt state survives";
  EXPECT_TRUE(vgpu->pv_notified());
  EXPECT_EQ(device->stats().value("vgpu1.gdrst.full"), 1.0);
}

TEST_F(VgpuBar0, AVirtualEventBecomesAnMsiOnceTheGuestEnabledIt) {
  // MSI enabled in the virtual config space (address, data, enable).
  const unsigned cap = vgpu->cfg().msi_cap_offset();
  ASSERT_NE(cap, 0u);
  ASSERT_TRUE(vgpu->cfg_write(cap + pcicfg::kMsiAddress, 4, 0xFEE0'0000));
  ASSERT_TRUE(vgpu->cfg_write(cap + pcicfg::kMsiData, 2, 0x42));
  ASSERT_TRUE(vgpu->cfg_write(cap + pcicfg::kMsiControl, 2, pcicfg::kMsiEnable));
  const uint32_t bit = g8::reg::GEN8_GT_IIR3::VECS_USER_INTERRUPT.mask();
  ASSERT_TRUE(vgpu->mmio_write(g8::reg::GEN8_GT_IMR3::offset, 4, ~bit));
  vgpu->trigger_event(IrqEvent::VECS_MI_USER_INTERRUPT);
  EXPECT_EQ(vgpu->mmio().vreg(g8::reg::GEN8_GT_IIR3::offset), bit) << "latched";
  EXPECT_TRUE(fakes.hyp.msis.empty()) << "IER and the master are off";
  ASSERT_TRUE(vgpu->mmio_write(g8::reg::GEN8_GT_IER3::offset, 4, bit));
  EXPECT_TRUE(fakes.hyp.msis.empty()) << "the master is off";
  ASSERT_TRUE(vgpu->mmio_write(g8::reg::GEN8_MASTER_IRQ::offset, 4, 1u << 31));
  ASSERT_EQ(fakes.hyp.msis.size(), 1u) << "the pending event, once the master is on";
  EXPECT_EQ(fakes.hyp.msis[0].address, 0xFEE0'0000u);
  EXPECT_EQ(fakes.hyp.msis[0].data, 0x42);
  EXPECT_EQ(vgpu->irq().master_status(), g8::reg::GEN8_MASTER_IRQ::GT_VECS.mask());
}

TEST_F(VgpuBar0, ADeviceModelResetUndoesGgttFencesAndVreg) {
  read_pvinfo();
  const uint64_t gma = vgpu->hidden().base;
  ASSERT_TRUE(vgpu->mmio_write(ggtt_off(gma), 8, 0x9000 | 1));
  ASSERT_TRUE(vgpu->mmio_write(g8::reg::FENCE_REG_GEN6::at(1), 8, 0x0000'2000'0010'0001ull));
  const uint32_t host_fence = g8::reg::FENCE_REG_GEN6::at(vgpu->fences()[1]);
  EXPECT_EQ(fakes.host.regs.at(host_fence), 0x0010'0001u);
  ASSERT_FALSE(fakes.hyp.pins.empty());
  vgpu->device_model_reset();
  EXPECT_TRUE(fakes.hyp.pins.empty());
  EXPECT_EQ(fakes.host.regs.at(ggtt_off(gma)), vgpu->scratch_page() | 1);
  EXPECT_EQ(fakes.host.regs.at(host_fence), 0u);
  EXPECT_EQ(fakes.host.regs.at(host_fence + 4), 0u);
  EXPECT_TRUE(std::equal(vgpu->mmio().vregs().begin(), vgpu->mmio().vregs().end(), vgpu->mmio().golden_image().begin()));
  EXPECT_EQ(*vgpu->mmio_read(ggtt_off(gma), 8), 0u);
}

}  // namespace
}  // namespace gvtsim::vgpu::testing
