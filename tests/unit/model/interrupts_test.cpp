// The interrupt tree per gvt-reference §2.8/§2.11, through MMIO as a driver sees it.
#include "gpu_fixture.h"
#include "spec/gen8/registers.h"

namespace gvtsim::model::gen8 {
namespace {

using namespace spec::gen8;

struct IrqTest : GpuFixture {
  std::vector<std::pair<uint32_t, uint16_t>> msis;
  IrqTest() {
    gpu.on_msi = [this](uint32_t a, uint16_t d) { msis.push_back({a, d}); };
    EXPECT_TRUE(gpu.cfg_write(pci::kMsiCap + 4, 4, 0xFEE00000));
    EXPECT_TRUE(gpu.cfg_write(pci::kMsiCap + 8, 2, 0x41));
    EXPECT_TRUE(gpu.cfg_write(pci::kMsiCap + 2, 2, pci::kMsiEnable));
  }
  static constexpr uint32_t kMaster = reg::GEN8_MASTER_IRQ::offset;
  static constexpr uint32_t kGt0Imr = reg::GEN8_GT_IMR0::offset, kGt0Iir = reg::GEN8_GT_IIR0::offset,
                            kGt0Ier = reg::GEN8_GT_IER0::offset;
};

TEST_F(IrqTest, MaskedEventsDoNotLatch) {
  EXPECT_EQ(rd(kGt0Imr), 0xFFFFFFFFu) << "everything masked at reset";
  gpu.irq().raise(IrqGroup::gt0, 0);  // RCS user interrupt
  EXPECT_EQ(rd(kGt0Iir), 0u);
  wr(kGt0Imr, ~1u);
  gpu.irq().raise(IrqGroup::gt0, 0);
  EXPECT_EQ(rd(kGt0Iir), 1u);
  EXPECT_TRUE(msis.empty()) << "IER and the master are still off";
}

TEST_F(IrqTest, EnableMasterAndMsiOnRisingEdge) {
  wr(kGt0Imr, 0);
  wr(kGt0Ier, 1u << 8);  // RCS context switch
  wr(kMaster, 1u << 31);
  gpu.irq().raise(IrqGroup::gt0, 0);  // latched but not enabled in IER
  EXPECT_TRUE(msis.empty());
  EXPECT_EQ(rd(kMaster), 1u << 31) << "no group bit for a disabled event";
  gpu.irq().raise(IrqGroup::gt0, 8);
  ASSERT_EQ(msis.size(), 1u);
  EXPECT_EQ(msis[0], std::make_pair(0xFEE00000u, uint16_t(0x41)));
  EXPECT_EQ(rd(kMaster), (1u << 31) | 1u) << "GT0 15:0 rolls up into master bit 0 (RCS)";
  gpu.irq().raise(IrqGroup::gt0, 8);  // still asserted: no new edge
  EXPECT_EQ(msis.size(), 1u);
}

TEST_F(IrqTest, W1cClearAndTheHandlerPattern) {
  wr(kGt0Imr, 0);
  wr(kGt0Ier, 0xFFFFFFFF);
  wr(kMaster, 1u << 31);
  gpu.irq().raise(IrqGroup::gt0, 0);
  gpu.irq().raise(IrqGroup::gt0, 24);  // BCS context switch
  ASSERT_EQ(msis.size(), 1u);
  EXPECT_EQ(rd(kMaster) & 3u, 3u) << "RCS and BCS halves";
  // i915's handler: master off, clear one IIR bit, master on -> still pending -> a new MSI.
  wr(kMaster, 0);
  wr(kGt0Iir, 1u);
  EXPECT_EQ(rd(kGt0Iir), 1u << 24) << "write-1-to-clear clears only the written bit";
  wr(kMaster, 1u << 31);
  EXPECT_EQ(msis.size(), 2u);
  wr(kMaster, 0);
  wr(kGt0Iir, 1u << 24);
  wr(kMaster, 1u << 31);
  EXPECT_EQ(msis.size(), 2u) << "nothing pending: no MSI";
  EXPECT_EQ(rd(kMaster), 1u << 31);
}

TEST_F(IrqTest, MasterStatusBitsAreReadOnlyAndOnlyBit31IsWritable) {
  wr(kMaster, 0x7FFFFFFF);
  EXPECT_EQ(rd(kMaster), 0u);
  wr(kMaster, 0xFFFFFFFF);
  EXPECT_EQ(rd(kMaster), 1u << 31);
}

TEST_F(IrqTest, EveryGroupRollsUpIntoItsMasterBit) {
  wr(kMaster, 1u << 31);
  struct Case {
    IrqGroup g;
    uint32_t imr, ier, iir;
    unsigned bit, master_bit;
  };
  const Case cases[] = {
      {IrqGroup::gt1, reg::GEN8_GT_IMR1::offset, reg::GEN8_GT_IER1::offset, reg::GEN8_GT_IIR1::offset, 0, 2},
      {IrqGroup::gt1, reg::GEN8_GT_IMR1::offset, reg::GEN8_GT_IER1::offset, reg::GEN8_GT_IIR1::offset, 16, 3},
      {IrqGroup::gt2, reg::GEN8_GT_IMR2::offset, reg::GEN8_GT_IER2::offset, reg::GEN8_GT_IIR2::offset, 1, 4},
      {IrqGroup::gt3, reg::GEN8_GT_IMR3::offset, reg::GEN8_GT_IER3::offset, reg::GEN8_GT_IIR3::offset, 8, 6},
      {IrqGroup::pipe_a, reg::GEN8_DE_PIPE_IMR_A::offset, reg::GEN8_DE_PIPE_IER_A::offset, reg::GEN8_DE_PIPE_IIR_A::offset, 0, 16},
      {IrqGroup::pipe_b, reg::GEN8_DE_PIPE_IMR_B::offset, reg::GEN8_DE_PIPE_IER_B::offset, reg::GEN8_DE_PIPE_IIR_B::offset, 4, 17},
      {IrqGroup::pipe_c, reg::GEN8_DE_PIPE_IMR_C::offset, reg::GEN8_DE_PIPE_IER_C::offset, reg::GEN8_DE_PIPE_IIR_C::offset, 5, 18},
      {IrqGroup::de_port, reg::GEN8_DE_PORT_IMR::offset, reg::GEN8_DE_PORT_IER::offset, reg::GEN8_DE_PORT_IIR::offset, 3, 20},
      {IrqGroup::de_misc, reg::GEN8_DE_MISC_IMR::offset, reg::GEN8_DE_MISC_IER::offset, reg::GEN8_DE_MISC_IIR::offset, 27, 22},
      {IrqGroup::pch, reg::SDEIMR::offset, reg::SDEIER::offset, reg::SDEIIR::offset, 21, 23},
      {IrqGroup::pcu, reg::GEN8_PCU_IMR::offset, reg::GEN8_PCU_IER::offset, reg::GEN8_PCU_IIR::offset, 24, 30},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::Message() << to_string(c.g) << " bit " << c.bit);
    wr(c.imr, ~(1u << c.bit));
    wr(c.ier, 1u << c.bit);
    size_t before = msis.size();
    gpu.irq().raise(c.g, c.bit);
    EXPECT_EQ(rd(c.iir), 1u << c.bit);
    EXPECT_EQ(rd(kMaster), (1u << 31) | (1u << c.master_bit));
    EXPECT_EQ(msis.size(), before + 1);
    wr(c.iir, 1u << c.bit);
    EXPECT_EQ(rd(kMaster), 1u << 31);
  }
}

TEST_F(IrqTest, LevelSourcesShowInIsrAndRaiseOnTheRisingEdge) {
  wr(reg::SDEIMR::offset, 0);
  gpu.irq().set_level(IrqGroup::pch, 21, true);  // port B hot-plug live state
  EXPECT_EQ(rd(reg::SDEISR::offset), 1u << 21);
  EXPECT_EQ(rd(reg::SDEIIR::offset), 1u << 21);
  wr(reg::SDEIIR::offset, 1u << 21);
  gpu.irq().set_level(IrqGroup::pch, 21, true);  // no edge
  EXPECT_EQ(rd(reg::SDEIIR::offset), 0u);
  gpu.irq().set_level(IrqGroup::pch, 21, false);
  EXPECT_EQ(rd(reg::SDEISR::offset), 0u);
  wr(reg::SDEISR::offset, 0xFFFFFFFF);
  EXPECT_EQ(rd(reg::SDEISR::offset), 0u) << "ISR is read-only";
}

TEST_F(IrqTest, WithoutMsiEnabledTheInterruptIsCountedAsLegacy) {
  ASSERT_TRUE(gpu.cfg_write(pci::kMsiCap + 2, 2, 0));
  wr(kGt0Imr, 0);
  wr(kGt0Ier, 1);
  wr(kMaster, 1u << 31);
  gpu.irq().raise(IrqGroup::gt0, 0);
  EXPECT_TRUE(msis.empty());
  EXPECT_DOUBLE_EQ(stats.value("gpu.unimplemented.intx"), 1.0);
}

}  // namespace
}  // namespace gvtsim::model::gen8
