// Behaviour bound to register side effects in the GPU core, seen through BAR0.
#include "gpu_fixture.h"
#include "spec/gen8/registers.h"

namespace gvtsim::model::gen8 {
namespace {

using namespace spec::gen8;

struct Effects : GpuFixture {};

TEST_F(Effects, EveryEffectIsBoundInTheCore) {
  for (size_t e = 1; e < kRegEffectCount; ++e) EXPECT_TRUE(gpu.regs().bound(RegEffect(e))) << kRegEffectNames[e];
}

TEST_F(Effects, ForcewakeAckMirrorsTheMaskedRequest) {
  wr(reg::FORCEWAKE_MT::offset, masked_write(reg::FORCEWAKE_MT::FORCEWAKE_KERNEL, 1));
  EXPECT_EQ(rd(reg::FORCEWAKE_ACK_HSW::offset), 1u);
  wr(reg::FORCEWAKE_MT::offset, masked_write(reg::FORCEWAKE_MT::FORCEWAKE_USER, 1));
  EXPECT_EQ(rd(reg::FORCEWAKE_ACK_HSW::offset), 3u);
  wr(reg::FORCEWAKE_MT::offset, masked_write(reg::FORCEWAKE_MT::FORCEWAKE_KERNEL, 0));
  EXPECT_EQ(rd(reg::FORCEWAKE_ACK_HSW::offset), 2u);
  wr(reg::FORCEWAKE_ACK_HSW::offset, 0);
  EXPECT_EQ(rd(reg::FORCEWAKE_ACK_HSW::offset), 2u) << "the ack is read-only";
}

TEST_F(Effects, ElspLatchesFourDwordsAndTheFourthSubmits) {
  std::vector<std::tuple<Engine, uint64_t, uint64_t>> subs;
  uint32_t elsp = reg::RING_ELSP::at(Engine::RCS);
  wr(elsp, 0x0);         // element 1 high
  wr(elsp, 0x0);         // element 1 low
  wr(elsp, 0x00000007);  // element 0 high (context id)
  EXPECT_EQ(gpu.elsp(Engine::RCS).submissions, 0u);
  wr(elsp, 0x00002339);  // element 0 low: submits (the captures' descriptor shape, aub.md)
  EXPECT_EQ(gpu.elsp(Engine::RCS).submissions, 1u);
  EXPECT_EQ(gpu.elsp(Engine::RCS).last[0], 0x0000000700002339ull);
  EXPECT_EQ(gpu.elsp(Engine::RCS).last[1], 0u);
  EXPECT_EQ(rd(elsp), 0u) << "ELSP is write-only";
  gpu.on_elsp_submit = [&](Engine e, uint64_t d0, uint64_t d1) { subs.push_back({e, d0, d1}); };
  uint32_t bcs = reg::RING_ELSP::at(Engine::BCS);
  for (uint32_t v : {0x1u, 0x2u, 0x3u, 0x4u}) wr(bcs, v);
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0], std::make_tuple(Engine::BCS, 0x0000000300000004ull, 0x0000000100000002ull));
}

TEST_F(Effects, TimestampCountsAt12_5MHz) {
  queue.advance_to(us(1));
  EXPECT_EQ(rd(reg::RING_TIMESTAMP::at(Engine::RCS)), 12u);  // 1000 ns / 80 ns
  queue.advance_to(ms(1000) * 400);  // 400 s: past 2^32 ticks
  uint64_t ticks = queue.now() / ns(80);
  EXPECT_EQ(rd(reg::RING_TIMESTAMP::at(Engine::BCS)), uint32_t(ticks));
  EXPECT_EQ(rd(reg::RING_TIMESTAMP_UDW::at(Engine::BCS)), uint32_t(ticks >> 32));
}

TEST_F(Effects, GdrstResetsTheSelectedEnginesAndSelfClears) {
  wr(reg::RING_TAIL::at(Engine::RCS), 0x100);
  wr(reg::RING_TAIL::at(Engine::BCS), 0x200);
  wr(reg::RING_ELSP::at(Engine::RCS), 1);  // a half-written ELSP
  wr(reg::GEN6_GDRST::offset, reg::GEN6_GDRST::GRDOM_RENDER.make(1));
  EXPECT_EQ(rd(reg::GEN6_GDRST::offset), 0u);
  EXPECT_EQ(rd(reg::RING_TAIL::at(Engine::RCS)), 0u);
  EXPECT_EQ(rd(reg::RING_TAIL::at(Engine::BCS)), 0x200u) << "only the render domain";
  EXPECT_EQ(gpu.elsp(Engine::RCS).count, 0u);
  EXPECT_EQ(gpu.reset_count(Engine::RCS), 1u);
  wr(reg::GEN6_GDRST::offset, reg::GEN6_GDRST::GRDOM_FULL.make(1));
  EXPECT_EQ(rd(reg::RING_TAIL::at(Engine::BCS)), 0u);
  for (Engine e : {Engine::RCS, Engine::BCS, Engine::VCS, Engine::VECS}) EXPECT_GE(gpu.reset_count(e), 1u);
  EXPECT_EQ(gpu.reset_count(Engine::VCS2), 0u) << "GT2 has no VCS2";
}

TEST_F(Effects, MiModeStopRingReportsIdleAndResetCtlReportsReady) {
  uint32_t mi = reg::RING_MI_MODE::at(Engine::RCS);
  wr(mi, masked_write(reg::RING_MI_MODE::STOP_RING, 1));
  EXPECT_TRUE(reg::RING_MI_MODE::MODE_IDLE.test(rd(mi)));
  wr(mi, masked_write(reg::RING_MI_MODE::STOP_RING, 0));
  EXPECT_FALSE(reg::RING_MI_MODE::MODE_IDLE.test(rd(mi)));
  uint32_t rc = reg::RING_RESET_CTL::at(Engine::VECS);
  wr(rc, masked_write(reg::RING_RESET_CTL::REQUEST_RESET, 1));
  EXPECT_TRUE(reg::RING_RESET_CTL::READY_TO_RESET.test(rd(rc)));
  wr(rc, masked_write(reg::RING_RESET_CTL::REQUEST_RESET, 0));
  EXPECT_FALSE(reg::RING_RESET_CTL::READY_TO_RESET.test(rd(rc)));
}

TEST_F(Effects, PvinfoReadsZeroOnBareMetal) {
  for (uint32_t off = 0x78000; off < 0x79000; off += 0x104) EXPECT_EQ(rd(off), 0u);
  wr(0x78000, 0x12345678);
  EXPECT_EQ(rd(0x78000), 0u);
}

TEST_F(Effects, PowerWellsPcodeAndPpat) {
  wr(reg::HSW_PWR_WELL_CTL2::offset, 1u << 31);
  EXPECT_EQ(rd(reg::HSW_PWR_WELL_CTL2::offset), 0xC0000000u) << "STATE follows REQUEST";
  wr(reg::GEN6_PCODE_DATA::offset, 0x55);
  wr(reg::GEN6_PCODE_MAILBOX::offset, 0x80000005);
  EXPECT_EQ(rd(reg::GEN6_PCODE_MAILBOX::offset), 0x5u) << "PCODE clears READY when done";
  wr(reg::GEN8_PRIVATE_PAT_LO::offset, 0x000A0907);
  wr(reg::GEN8_PRIVATE_PAT_HI::offset, 0x3B2B1B0B);
  EXPECT_EQ(gpu.ppat(0), 0x07);
  EXPECT_EQ(gpu.ppat(7), 0x3B);
}

TEST_F(Effects, Bar0HoleAndBoundsNeverAbort) {
  EXPECT_EQ(*gpu.bar0_read(0x300000, 4), 0u);
  EXPECT_TRUE(gpu.bar0_write(0x300000, 4, 1));
  EXPECT_DOUBLE_EQ(stats.value("gpu.unimplemented.bar0_hole"), 2.0);
  EXPECT_FALSE(gpu.bar0_read(kBar0Size, 4));
  EXPECT_EQ(*gpu.bar0_read(0x1FFFFC, 4), 0u) << "an unknown register reads 0";
}

struct Gt3 : GpuFixture {
  Gt3() : GpuFixture(OwnershipDefault::native, 0x162E) {}
};

TEST_F(Gt3, Vcs2ExistsOnGt3Only) {
  wr(reg::RING_TAIL::at(Engine::VCS2), 0x40);
  EXPECT_EQ(rd(reg::RING_TAIL::at(Engine::VCS2)), 0x40u);
  wr(reg::GEN6_GDRST::offset, reg::GEN6_GDRST::GRDOM_MEDIA2.make(1));
  EXPECT_EQ(gpu.reset_count(Engine::VCS2), 1u);
}

TEST_F(Effects, Vcs2RegistersDoNotDecodeOnGt2) {
  wr(reg::RING_TAIL::at(Engine::VCS2), 0x40);
  EXPECT_EQ(rd(reg::RING_TAIL::at(Engine::VCS2)), 0u);
}

}  // namespace
}  // namespace gvtsim::model::gen8
