// The virtual interrupt tree (vgpu/irq.h; gvt-reference §2.8, §2.11; i915 gvt/interrupt.c). Offsets
// and bit numbers are literals from the reference, independent of the generated table irq.cpp uses.
#include "vgpu/irq.h"

#include <vector>

#include <gtest/gtest.h>

namespace gvtsim::vgpu::testing {
namespace {

using spec::gen8::Engine;

constexpr uint32_t kMaster = 0x44200;
constexpr uint32_t kEnable = 0x80000000;
// Group bases (the ISR); IMR/IIR/IER at +4/+8/+C.
constexpr uint32_t kGt0 = 0x44300, kGt1 = 0x44310, kGt2 = 0x44320, kGt3 = 0x44330;
constexpr uint32_t kPipeA = 0x44400, kPipeB = 0x44410, kPipeC = 0x44420;
constexpr uint32_t kPort = 0x44440, kMisc = 0x44460, kPcu = 0x444E0, kPch = 0xC4000;
constexpr uint32_t kAllGroups[] = {kGt0, kGt1, kGt2, kGt3, kPipeA, kPipeB, kPipeC, kPort, kMisc, kPcu, kPch};
constexpr uint32_t imr(uint32_t base) { return base + 4; }
constexpr uint32_t iir(uint32_t base) { return base + 8; }
constexpr uint32_t ier(uint32_t base) { return base + 0xC; }

class Irq : public ::testing::Test {
 protected:
  uint32_t& reg(uint32_t offset) { return vreg[offset / 4]; }
  // Everything unmasked (a zero vreg already is), the master enabled, IER all ones for `base`.
  void enable(uint32_t base) {
    irq.write_master(kEnable);
    irq.write_ier(ier(base), ~0u);
  }

  std::vector<uint32_t> vreg = std::vector<uint32_t>((2u << 20) / 4, 0);
  unsigned injected = 0;
  VirtualIrq irq{vreg, [this] { ++injected; }, 1};
};

TEST_F(Irq, EventMaskedByImrDoesNotLatch) {
  enable(kGt0);
  irq.write_imr(imr(kGt0), 1u << 0);
  irq.trigger(IrqEvent::RCS_MI_USER_INTERRUPT);
  EXPECT_EQ(reg(iir(kGt0)), 0u) << "IMR bit 0 must keep the RCS user interrupt out of IIR";
  EXPECT_EQ(irq.master_status(), 0u);
  EXPECT_EQ(injected, 0u);
  EXPECT_EQ(irq.counts().masked_events, 1u);
  // Unmasking afterwards does not resurrect the lost event.
  irq.write_imr(imr(kGt0), 0);
  EXPECT_EQ(reg(iir(kGt0)), 0u);
  EXPECT_EQ(injected, 0u);
}

TEST_F(Irq, UnmaskedEventLatchesButNoMsiWhileIerClear) {
  irq.write_master(kEnable);
  irq.trigger(IrqEvent::RCS_MI_USER_INTERRUPT);
  EXPECT_EQ(reg(iir(kGt0)), 1u << 0);
  EXPECT_EQ(reg(kGt0), 0u) << "the kernel never touches ISR";
  EXPECT_EQ(irq.master_status(), 0u) << "IER is clear: nothing rolls up";
  EXPECT_EQ(injected, 0u);
}

TEST_F(Irq, EnablingIerAfterwardsSetsMasterBitAndInjects) {
  irq.write_master(kEnable);
  irq.trigger(IrqEvent::RCS_MI_USER_INTERRUPT);
  ASSERT_EQ(injected, 0u);
  irq.write_ier(ier(kGt0), 1u << 0);
  EXPECT_EQ(irq.master_status(), 1u << 0);
  EXPECT_EQ(injected, 1u);
  EXPECT_EQ(irq.msis(), 1u);
}

TEST_F(Irq, EnablingIerWithMasterDisabledSetsStatusButNoMsi) {
  irq.trigger(IrqEvent::RCS_MI_USER_INTERRUPT);
  irq.write_ier(ier(kGt0), 1u << 0);
  EXPECT_EQ(irq.master_status(), 1u << 0) << "the IER handler updates upstream whatever the master enable";
  EXPECT_EQ(injected, 0u);
}

TEST_F(Irq, OnlyMasterBit31IsWritable) {
  irq.write_master(0x7FFFFFFF);
  EXPECT_EQ(reg(kMaster), 0u) << "bits 30:0 are status, not guest-writable";
  enable(kGt0);
  irq.trigger(IrqEvent::RCS_MI_USER_INTERRUPT);
  ASSERT_EQ(reg(kMaster), kEnable | 1u);
  const unsigned before = injected;
  irq.write_master(0x7FFFFFFF);  // disables, tries to write every status bit
  EXPECT_EQ(reg(kMaster), 1u) << "status kept as is, enable cleared";
  EXPECT_EQ(injected, before);
  irq.write_master(0xFFFFFFFF);
  EXPECT_EQ(reg(kMaster), kEnable | 1u) << "status recomputed from the groups, not taken from the value";
  EXPECT_EQ(injected, before + 1);
}

TEST_F(Irq, MasterStatusRecomputedWhenEnabled) {
  // Latched while the master is disabled: check_pending returns before rolling anything up.
  irq.trigger(IrqEvent::PIPE_A_VBLANK);
  reg(ier(kPipeA)) = ~0u;  // as if restored, bypassing the handler
  EXPECT_EQ(irq.master_status(), 0u);
  irq.write_master(kEnable);
  EXPECT_EQ(irq.master_status(), 1u << 16);
  EXPECT_EQ(injected, 1u);
}

TEST_F(Irq, IirWriteOneToClearClearsMasterStatusWithoutMsi) {
  enable(kGt0);
  irq.trigger(IrqEvent::RCS_MI_USER_INTERRUPT);
  irq.trigger(IrqEvent::BCS_MI_USER_INTERRUPT);
  ASSERT_EQ(irq.master_status(), 0x3u);
  const unsigned before = injected;
  irq.write_iir(iir(kGt0), 1u << 16);  // clear BCS only
  EXPECT_EQ(reg(iir(kGt0)), 1u << 0);
  EXPECT_EQ(irq.master_status(), 1u << 0) << "the BCS half is clear, the RCS half still pending";
  irq.write_iir(iir(kGt0), 0);  // writing zeros clears nothing
  EXPECT_EQ(reg(iir(kGt0)), 1u << 0);
  irq.write_iir(iir(kGt0), ~0u);
  EXPECT_EQ(reg(iir(kGt0)), 0u);
  EXPECT_EQ(irq.master_status(), 0u);
  EXPECT_EQ(injected, before) << "the IIR handler never calls check_pending";
}

TEST_F(Irq, MasterDisabledNoMsiThenEnablingInjectsPending) {
  irq.write_ier(ier(kGt0), ~0u);
  irq.trigger(IrqEvent::RCS_AS_CONTEXT_SWITCH);
  EXPECT_EQ(reg(iir(kGt0)), 1u << 8);
  EXPECT_EQ(injected, 0u);
  irq.write_master(kEnable);
  EXPECT_EQ(irq.master_status(), 1u << 0);
  EXPECT_EQ(injected, 1u);
}

TEST_F(Irq, EveryCheckWithStatusSetInjectsAgain) {
  enable(kGt0);
  irq.trigger(IrqEvent::RCS_MI_USER_INTERRUPT);
  ASSERT_EQ(injected, 1u);
  irq.write_imr(imr(kGt0), 0);  // no change, but the handler re-checks: no edge detection
  EXPECT_EQ(injected, 2u);
  irq.trigger(IrqEvent::RCS_MI_USER_INTERRUPT);
  EXPECT_EQ(injected, 3u);
}

TEST_F(Irq, MaskingDoesNotClearLatchedIir) {
  enable(kGt0);
  irq.trigger(IrqEvent::RCS_MI_USER_INTERRUPT);
  irq.write_imr(imr(kGt0), ~0u);
  EXPECT_EQ(reg(iir(kGt0)), 1u << 0);
  EXPECT_EQ(irq.master_status(), 1u << 0);
}

TEST_F(Irq, IerClearClearsMasterBit) {
  enable(kGt0);
  irq.trigger(IrqEvent::RCS_MI_USER_INTERRUPT);
  irq.write_ier(ier(kGt0), 0);
  EXPECT_EQ(irq.master_status(), 0u);
  EXPECT_EQ(reg(iir(kGt0)), 1u << 0) << "IIR stays latched";
}

TEST_F(Irq, BcsSetsMasterBit1NotBit0) {
  enable(kGt0);
  irq.trigger(IrqEvent::BCS_MI_USER_INTERRUPT);
  EXPECT_EQ(irq.master_status(), 1u << 1);
}

TEST_F(Irq, Vcs2SetsMasterBit3) {
  enable(kGt1);
  irq.trigger(IrqEvent::VCS2_AS_CONTEXT_SWITCH);
  EXPECT_EQ(irq.master_status(), 1u << 3);
}

TEST_F(Irq, PchEventSetsMasterBit23) {
  enable(kPch);
  irq.trigger(IrqEvent::GMBUS);
  EXPECT_EQ(reg(iir(kPch)), 1u << 17);
  EXPECT_EQ(irq.master_status(), 1u << 23);
}

TEST_F(Irq, PipeBVblankSetsMasterBit17) {
  enable(kPipeB);
  irq.trigger(IrqEvent::PIPE_B_VBLANK);
  EXPECT_EQ(reg(iir(kPipeB)), 1u << 0);
  EXPECT_EQ(irq.master_status(), 1u << 17);
}

TEST_F(Irq, GseLandsOnDeMiscBit0) {
  enable(kMisc);
  irq.trigger(IrqEvent::GSE);
  EXPECT_EQ(reg(iir(kMisc)), 1u << 0) << "the kernel's bit 0, not i915's GEN8_DE_MISC_GSE bit 27";
  EXPECT_EQ(irq.master_status(), 1u << 22);
}

TEST_F(Irq, Gt2RollsUpToMasterBit4) {
  reg(iir(kGt2)) = 1u << 5;  // no BDW event targets GT2 (PM), but its rollup exists
  enable(kGt2);
  EXPECT_EQ(irq.master_status(), 1u << 4);
}

// gen8_init_irq and gen8_irq_map, as gvt-reference §2.8/§2.11 list them.
struct Expect {
  IrqEvent event;
  uint32_t group;
  unsigned bit;
  unsigned master_bit;
};
constexpr Expect kExpected[] = {
    {IrqEvent::RCS_MI_USER_INTERRUPT, 0x44300, 0, 0},
    {IrqEvent::RCS_PIPE_CONTROL, 0x44300, 4, 0},
    {IrqEvent::RCS_AS_CONTEXT_SWITCH, 0x44300, 8, 0},
    {IrqEvent::BCS_MI_USER_INTERRUPT, 0x44300, 16, 1},
    {IrqEvent::BCS_MI_FLUSH_DW, 0x44300, 20, 1},
    {IrqEvent::BCS_AS_CONTEXT_SWITCH, 0x44300, 24, 1},
    {IrqEvent::VCS_MI_USER_INTERRUPT, 0x44310, 0, 2},
    {IrqEvent::VCS_MI_FLUSH_DW, 0x44310, 4, 2},
    {IrqEvent::VCS_AS_CONTEXT_SWITCH, 0x44310, 8, 2},
    {IrqEvent::VCS2_MI_USER_INTERRUPT, 0x44310, 16, 3},
    {IrqEvent::VCS2_MI_FLUSH_DW, 0x44310, 20, 3},
    {IrqEvent::VCS2_AS_CONTEXT_SWITCH, 0x44310, 24, 3},
    {IrqEvent::VECS_MI_USER_INTERRUPT, 0x44330, 0, 6},
    {IrqEvent::VECS_MI_FLUSH_DW, 0x44330, 4, 6},
    {IrqEvent::VECS_AS_CONTEXT_SWITCH, 0x44330, 8, 6},
    {IrqEvent::PIPE_A_VBLANK, 0x44400, 0, 16},
    {IrqEvent::PIPE_B_VBLANK, 0x44410, 0, 17},
    {IrqEvent::PIPE_C_VBLANK, 0x44420, 0, 18},
    {IrqEvent::PRIMARY_A_FLIP_DONE, 0x44400, 4, 16},
    {IrqEvent::PRIMARY_B_FLIP_DONE, 0x44410, 4, 17},
    {IrqEvent::PRIMARY_C_FLIP_DONE, 0x44420, 4, 18},
    {IrqEvent::SPRITE_A_FLIP_DONE, 0x44400, 5, 16},
    {IrqEvent::SPRITE_B_FLIP_DONE, 0x44410, 5, 17},
    {IrqEvent::SPRITE_C_FLIP_DONE, 0x44420, 5, 18},
    {IrqEvent::AUX_CHANNEL_A, 0x44440, 0, 20},
    {IrqEvent::DP_A_HOTPLUG, 0x44440, 3, 20},
    {IrqEvent::GSE, 0x44460, 0, 22},
    {IrqEvent::GMBUS, 0xC4000, 17, 23},
    {IrqEvent::CRT_HOTPLUG, 0xC4000, 19, 23},
    {IrqEvent::DP_B_HOTPLUG, 0xC4000, 21, 23},
    {IrqEvent::DP_C_HOTPLUG, 0xC4000, 22, 23},
    {IrqEvent::DP_D_HOTPLUG, 0xC4000, 23, 23},
    {IrqEvent::AUX_CHANNEL_B, 0xC4000, 25, 23},
    {IrqEvent::AUX_CHANNEL_C, 0xC4000, 26, 23},
    {IrqEvent::AUX_CHANNEL_D, 0xC4000, 27, 23},
    {IrqEvent::PCU_THERMAL, 0x444E0, 24, 30},
    {IrqEvent::PCU_PCODE2DRIVER_MAILBOX, 0x444E0, 25, 30},
};

TEST(IrqTable, ExpectationListCoversEveryEventOnce) {
  ASSERT_EQ(std::size(kExpected), kIrqEventCount);
  std::vector<bool> seen(kIrqEventCount);
  for (const Expect& x : kExpected) {
    ASSERT_LT(std::size_t(x.event), kIrqEventCount);
    EXPECT_FALSE(seen[std::size_t(x.event)]) << to_string(x.event) << " listed twice";
    seen[std::size_t(x.event)] = true;
  }
}

TEST(IrqTable, EveryEventLandsOnItsGroupBitAndMasterBit) {
  for (const Expect& x : kExpected) {
    SCOPED_TRACE(to_string(x.event));
    std::vector<uint32_t> vreg((2u << 20) / 4, 0);
    unsigned injected = 0;
    VirtualIrq irq(vreg, [&] { ++injected; });
    irq.write_master(kEnable);
    for (uint32_t g : kAllGroups) irq.write_ier(ier(g), ~0u);
    irq.trigger(x.event);
    for (uint32_t g : kAllGroups)
      EXPECT_EQ(vreg[iir(g) / 4], g == x.group ? 1u << x.bit : 0u) << "IIR of group 0x" << std::hex << g;
    EXPECT_EQ(irq.master_status(), 1u << x.master_bit);
    EXPECT_EQ(injected, 1u);

    // The same bit of the same group's IMR keeps it out; a neighbouring bit does not.
    std::vector<uint32_t> masked((2u << 20) / 4, 0);
    VirtualIrq irq2(masked, [] {});
    masked[imr(x.group) / 4] = 1u << x.bit;
    irq2.trigger(x.event);
    EXPECT_EQ(masked[iir(x.group) / 4], 0u);
    masked[imr(x.group) / 4] = ~(1u << x.bit);
    irq2.trigger(x.event);
    EXPECT_EQ(masked[iir(x.group) / 4], 1u << x.bit);
  }
}

TEST(IrqTable, EngineEvents) {
  EXPECT_EQ(user_interrupt_event(Engine::RCS), IrqEvent::RCS_MI_USER_INTERRUPT);
  EXPECT_EQ(user_interrupt_event(Engine::BCS), IrqEvent::BCS_MI_USER_INTERRUPT);
  EXPECT_EQ(user_interrupt_event(Engine::VCS), IrqEvent::VCS_MI_USER_INTERRUPT);
  EXPECT_EQ(user_interrupt_event(Engine::VCS2), IrqEvent::VCS2_MI_USER_INTERRUPT);
  EXPECT_EQ(user_interrupt_event(Engine::VECS), IrqEvent::VECS_MI_USER_INTERRUPT);
  EXPECT_EQ(context_switch_event(Engine::RCS), IrqEvent::RCS_AS_CONTEXT_SWITCH);
  EXPECT_EQ(context_switch_event(Engine::BCS), IrqEvent::BCS_AS_CONTEXT_SWITCH);
  EXPECT_EQ(context_switch_event(Engine::VCS), IrqEvent::VCS_AS_CONTEXT_SWITCH);
  EXPECT_EQ(context_switch_event(Engine::VCS2), IrqEvent::VCS2_AS_CONTEXT_SWITCH);
  EXPECT_EQ(context_switch_event(Engine::VECS), IrqEvent::VECS_AS_CONTEXT_SWITCH);
}

TEST(IrqTable, Names) {
  EXPECT_STREQ(to_string(IrqEvent::RCS_MI_USER_INTERRUPT), "RCS_MI_USER_INTERRUPT");
  EXPECT_STREQ(to_string(IrqEvent::GSE), "GSE");
  EXPECT_STREQ(to_string(IrqEvent::PCU_PCODE2DRIVER_MAILBOX), "PCU_PCODE2DRIVER_MAILBOX");
}

TEST_F(Irq, NonGroupWritesAreStoredAndCounted) {
  irq.write_imr(0x20A8, 0xFFFFFFFE);  // RING_IMR shares the IMR handler
  EXPECT_EQ(reg(0x20A8), 0xFFFFFFFEu);
  irq.write_ier(0x44000, 0x5);
  EXPECT_EQ(reg(0x44000), 0x5u);
  reg(0x44008) = 0xF0;
  irq.write_iir(0x44008, 0x30);
  EXPECT_EQ(reg(0x44008), 0xC0u);
  irq.write_iir(0x300000, ~0u);  // beyond the 2 MB window: dropped
  irq.write_ier(0xFFFFFFFC, ~0u);
  irq.write_imr(0x200000, ~0u);
  EXPECT_EQ(irq.counts().non_group_writes, 6u);
  EXPECT_EQ(irq.master_status(), 0u);
  EXPECT_EQ(injected, 0u);
}

}  // namespace
}  // namespace gvtsim::vgpu::testing
