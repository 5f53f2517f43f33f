// The execlist command streamer, driven as a bare-metal driver drives Broadwell: contexts, rings,
// page tables and batches in memory, submission through ELSP, results in memory, the CSB,
// EXECLIST_STATUS and interrupts (docs/execlists.md has the golden sequences with their cites).
#include <gtest/gtest.h>

#include "context_builder.h"
#include "harness/systemc_driver.h"

namespace gvtsim::harness::testing {
namespace {

using model::gen8::CsbEvent;
using model::gen8::EngineState;
namespace csb = model::gen8::csb;

constexpr uint64_t kBatch = 0x0000'7FFF'0000'0000ull;  // a PPGTT batch high in the 48-bit space

std::vector<uint32_t> statuses(const std::vector<CsbEvent>& log) {
  std::vector<uint32_t> s;
  for (auto& e : log) s.push_back(e.status);
  return s;
}

struct EngineTest : ::testing::Test {
  Platform p;
  ContextBuilder b{p};
};

TEST_F(EngineTest, OneContextStoresThroughPpgttAndCompletes) {
  uint64_t batch_pa = b.map_ppgtt(kBatch);
  uint64_t target_pa = b.map_ppgtt(0x10000);
  b.write(batch_pa, cat({sdi(0x10008, 0xCAFEF00D), op(CmdId::MI_BATCH_BUFFER_END)}));
  auto c = b.context(0x20000, 0x40000, cat({bb_start(kBatch), op(CmdId::MI_NOOP)}));
  b.submit({c.desc(7)});
  EXPECT_EQ(b.rcs().state(), EngineState::switching);
  b.run(us(100));
  EXPECT_EQ(b.read(target_pa + 8), 0xCAFEF00Du);
  EXPECT_EQ(b.rcs().state(), EngineState::idle);
  // Golden sequence (a): idle-to-active (context id 0), then active-to-idle + complete.
  const auto& log = b.rcs().csb_log();
  ASSERT_EQ(statuses(log), (std::vector<uint32_t>{csb::kIdleToActive, csb::kActiveToIdle | csb::kComplete}));
  EXPECT_EQ(log[1].context_id, 7u);
  EXPECT_GT(log[1].time, log[0].time);
  // CSB registers, pointer and the HWSP mirror.
  EXPECT_EQ(b.p.gpu().regs().get(RegId::RING_CONTEXT_STATUS_PTR, Engine::RCS) & 7, 1u) << "two entries after reset 7";
  EXPECT_EQ(b.p.gpu().regs().get(RegId::RING_CONTEXT_STATUS_BUF_LO, Engine::RCS, 1), csb::kActiveToIdle | csb::kComplete);
  uint64_t hws = b.ggtt_pa(ContextBuilder::kHwsGma);
  EXPECT_EQ(b.read(hws + 4 * (0x10 + 2 * 1)), csb::kActiveToIdle | csb::kComplete);
  EXPECT_EQ(b.read(hws + 4 * (0x10 + 2 * 1 + 1)), 7u);
  EXPECT_EQ(b.read(hws + 4 * 0x1F), 1u);
  // Two context-switch interrupts, delivered as MSIs only when enabled: IIR holds bit 8.
  EXPECT_TRUE(b.p.gpu().regs().peek(reg::GEN8_GT_IIR0::offset) & (1u << 8));
  // The ring context was saved: RING_HEAD in the image is the tail.
  uint64_t state = b.ggtt_pa(c.lrca + 4096);
  EXPECT_EQ(b.read(state + 4 * 5), 16u) << "RING_HEAD value dword: the (padded) tail";
  EXPECT_EQ(b.p.memory().violations(), 0u);
  EXPECT_GT(b.rcs().busy_time(), 0u);
}

TEST_F(EngineTest, SecondLevelAndChainedBatchesRunInHardwareOrder) {
  // ring -> first-level batch A: SDI 1, call second-level B (SDI 2), SDI 3, chain to C (SDI 4, END).
  uint64_t t = b.map_ppgtt(0x10000);
  uint64_t a = b.map_ppgtt(kBatch), bb = b.map_ppgtt(kBatch + 0x1000), cc = b.map_ppgtt(kBatch + 0x2000);
  auto second = pack(CmdId::MI_BATCH_BUFFER_START, {{cmd::MI_BATCH_BUFFER_START::ADDRESS_SPACE_INDICATOR, 1},
                                                    {cmd::MI_BATCH_BUFFER_START::SECOND_LEVEL_BATCH_BUFFER, 1},
                                                    {cmd::MI_BATCH_BUFFER_START::BATCH_BUFFER_START_ADDRESS, kBatch + 0x1000}});
  auto atomic_inc = [](uint64_t addr) {  // counts executions, so the order shows in the stored values
    return pack(CmdId::MI_ATOMIC, {{cmd::MI_ATOMIC::ATOMIC_OPCODE, 0x05}, {cmd::MI_ATOMIC::MEMORY_ADDRESS, addr}}, 3);
  };
  b.write(a, cat({sdi(0x10000, 1), atomic_inc(0x10020), second, sdi(0x10008, 3), atomic_inc(0x10020), bb_start(kBatch + 0x2000)}));
  b.write(bb, cat({sdi(0x10004, 2), atomic_inc(0x10020), op(CmdId::MI_BATCH_BUFFER_END)}));
  b.write(cc, cat({sdi(0x1000C, 4), atomic_inc(0x10020), op(CmdId::MI_BATCH_BUFFER_END)}));
  auto ctx = b.context(0x20000, 0x40000, cat({bb_start(kBatch), sdi(0x10010, 5)}));
  b.submit({ctx.desc(1)});
  b.run(us(200));
  EXPECT_EQ(b.read(t + 0), 1u);
  EXPECT_EQ(b.read(t + 4), 2u) << "second-level batch ran";
  EXPECT_EQ(b.read(t + 8), 3u) << "and returned into the first-level batch";
  EXPECT_EQ(b.read(t + 12), 4u) << "chained batch ran";
  EXPECT_EQ(b.read(t + 16), 5u) << "back in the ring after the chained batch's end";
  EXPECT_EQ(b.read(t + 0x20), 4u) << "four atomic increments";
  EXPECT_EQ(b.rcs().state(), EngineState::idle);
}

TEST_F(EngineTest, GgttStoresFromTheRingAndAThreeLevelPpgtt) {
  b.map_ggtt(0x80000, b.page());
  // A 32-bit PPGTT context: PDP1 maps 1 GB..2 GB through one page directory.
  uint64_t pd = b.page(), pt = b.page(), target = b.page();
  b.write(pd, {uint32_t(pt | 3), 0});
  b.write(pt, {uint32_t(target | 3), 0});
  auto ctx = b.context(0x20000, 0x40000, cat({sdi(0x80010, 0x66, /*ggtt=*/true), sdi(0x4000'0020, 0x77)}));
  // Rewrite the image with PDP1 = pd (the builder's image holds PDP0 = PML4 and PDP1 = 0).
  uint64_t state = b.ggtt_pa(ctx.lrca + 4096);
  b.write(state + 4 * 22, {uint32_t(pd)});  // PDP1_LDW value dword (LRI at dword 14: pairs from 15)
  b.submit({ctx.lrca | (1u << 3) | (1u << 8) | 1u});  // addressing mode 1: 32-bit legacy
  b.run(us(100));
  EXPECT_EQ(b.read(b.ggtt_pa(0x80010)), 0x66u) << "GGTT store from the (privileged) ring";
  EXPECT_EQ(b.read(target + 0x20), 0x77u) << "3-level PPGTT store";
}

TEST_F(EngineTest, ContextRunTimeAccumulatesInCtxTimestamp) {
  std::vector<uint32_t> noops(400, 0);
  auto ctx = b.context(0x20000, 0x40000, noops);
  b.submit({ctx.desc(1)});
  b.run(us(100));
  uint32_t saved = b.read(b.ggtt_pa(ctx.lrca + 4096) + 4 * 13);  // CTX_TIMESTAMP value dword of the builder's image
  EXPECT_GT(saved, 0u) << "the context's run time, in 80 ns ticks, saved in its image";
  EXPECT_EQ(b.p.stats().find_histogram("gpu.engine.rcs.context_run_ps")->count(), 1u);
}

TEST_F(EngineTest, TwoElementsSwitchThenIdle) {
  uint64_t t = b.map_ppgtt(0x10000);
  auto a = b.context(0x20000, 0x40000, sdi(0x10000, 1));
  auto c = b.context(0x21000, 0x60000, sdi(0x10004, 2));
  b.submit({a.desc(1), c.desc(2)});
  b.run(us(200));
  EXPECT_EQ(b.read(t), 1u);
  EXPECT_EQ(b.read(t + 4), 2u);
  // Golden sequence (b): idle-to-active; element switch + complete (ctx 1); active-to-idle + complete (ctx 2).
  const auto& log = b.rcs().csb_log();
  ASSERT_EQ(statuses(log), (std::vector<uint32_t>{csb::kIdleToActive, csb::kElementSwitch | csb::kComplete,
                                                  csb::kActiveToIdle | csb::kComplete}));
  EXPECT_EQ(log[1].context_id, 1u);
  EXPECT_EQ(log[2].context_id, 2u);
}

TEST_F(EngineTest, ResubmissionAfterIdleStartsAgainAndTheWritePointerAlternates) {
  uint64_t t = b.map_ppgtt(0x10000);
  auto a = b.context(0x20000, 0x40000, sdi(0x10000, 5));
  b.submit({a.desc(1)});
  b.run(us(100));
  uint32_t st1 = uint32_t(b.p.gpu().regs().get(RegId::RING_EXECLIST_STATUS_LO, Engine::RCS));
  b.write(b.ggtt_pa(a.ring_gma), sdi(0x10000, 6));  // the driver rewrites the ring and the image
  b.set_image(a.lrca, 0, 16, a.ring_gma);  // MI_STORE_DATA_IMM is 4 dwords: tail 16
  b.submit({a.desc(1)});
  b.run(us(100));
  uint32_t st2 = uint32_t(b.p.gpu().regs().get(RegId::RING_EXECLIST_STATUS_LO, Engine::RCS));
  EXPECT_EQ(b.read(t), 6u);
  EXPECT_NE(st1 & 2, st2 & 2) << "EXECLIST_STATUS write pointer alternates per submission (aub.md)";
  EXPECT_EQ(st2 & (1u << 4 | 1u << 3), 0u) << "no execlist valid once idle";
  // Golden sequence (d): the same (a) sequence twice.
  EXPECT_EQ(statuses(b.rcs().csb_log()),
            (std::vector<uint32_t>{csb::kIdleToActive, csb::kActiveToIdle | csb::kComplete, csb::kIdleToActive,
                                   csb::kActiveToIdle | csb::kComplete}));
}

TEST_F(EngineTest, PreemptionAndLiteRestoreAtTheNextBatchBoundary) {
  b.map_ppgtt(0x10000);
  // Context A: two batches of many NOOPs (it runs for a while).
  uint64_t batch_pa = b.map_ppgtt(kBatch);
  std::vector<uint32_t> noops(900, 0);
  noops.push_back(0x05000000);  // MI_BATCH_BUFFER_END
  b.write(batch_pa, noops);
  auto a = b.context(0x20000, 0x40000, cat({bb_start(kBatch), bb_start(kBatch), bb_start(kBatch), op(CmdId::MI_NOOP)}));
  auto c = b.context(0x21000, 0x60000, sdi(0x10000, 9));
  b.submit({a.desc(1)});
  b.run(us(5));  // A is inside its first batch
  ASSERT_EQ(b.rcs().state(), EngineState::running);
  b.submit({c.desc(2)});  // preempts A at the next ring command boundary
  b.run(us(200));
  const auto& log = b.rcs().csb_log();
  ASSERT_GE(log.size(), 3u);
  EXPECT_EQ(log[1].status, csb::kPreempted);
  EXPECT_EQ(log[1].context_id, 1u);
  EXPECT_EQ(log.back().status, csb::kActiveToIdle | csb::kComplete);
  EXPECT_EQ(log.back().context_id, 2u);
  // A's image holds where it stopped: after its first BB_START (12 bytes into the ring).
  EXPECT_EQ(b.read(b.ggtt_pa(a.lrca + 4096) + 4 * 5), 12u);
  // Lite restore: A again from there, then A resubmitted (new tail) while it runs.
  b.set_image(a.lrca, 12, 24, a.ring_gma);
  b.submit({a.desc(1)});
  b.run(us(5));
  b.set_image(a.lrca, 12, 40, a.ring_gma);
  b.submit({a.desc(1)});
  b.run(us(300));
  bool lite = false;
  for (auto& e : b.rcs().csb_log()) lite |= e.status == (csb::kLiteRestore | csb::kPreempted) && e.context_id == 1;
  EXPECT_TRUE(lite) << "resubmitting the running context is a lite restore";
  EXPECT_EQ(b.rcs().state(), EngineState::idle);
}

TEST_F(EngineTest, UnknownInstructionHangsCleanlyAndGdrstRecovers) {
  auto a = b.context(0x20000, 0x40000, {0x1F800000, 0});  // MI opcode 0x3F: no such instruction
  b.submit({a.desc(1)});
  b.run(us(50));
  EXPECT_EQ(b.rcs().state(), EngineState::hung);
  EXPECT_NE(b.rcs().hang_reason().find("unknown instruction 0x1f800000"), std::string::npos);
  EXPECT_TRUE(b.p.gpu().regs().get(RegId::RING_EIR, Engine::RCS) & 1) << "instruction error";
  EXPECT_EQ(b.p.gpu().regs().get(RegId::RING_IPEHR, Engine::RCS), 0x1F800000u);
  EXPECT_TRUE(b.p.gpu().regs().peek(reg::GEN8_GT_ISR0::offset) == 0);
  b.mmio(reg::GEN6_GDRST::offset, reg::GEN6_GDRST::GRDOM_RENDER.make(1));
  EXPECT_EQ(b.rcs().state(), EngineState::idle);
  uint64_t t = b.map_ppgtt(0x10000);
  auto c = b.context(0x21000, 0x60000, sdi(0x10000, 3));
  b.mmio(reg::GFX_MODE::at(Engine::RCS), masked_write(reg::GFX_MODE::EXECLIST_ENABLE, 1));
  b.submit({c.desc(2)});
  b.run(us(100));
  EXPECT_EQ(b.read(t), 3u) << "the engine works again after the reset";
}

TEST_F(EngineTest, NonPrivilegedBatchesDropPrivilegedRegisterWrites) {
  uint64_t batch_pa = b.map_ppgtt(kBatch);
  uint32_t instpm = reg::RING_INSTPM::at(Engine::RCS);
  uint32_t hws = reg::RING_HWS_PGA::at(Engine::RCS);
  b.write(batch_pa, cat({lri(instpm, masked_write(spec::gen8::Field{7, 7}, 1)), lri(0x7034, 0x60000060), lri(hws, 0xABC000),
                         op(CmdId::MI_BATCH_BUFFER_END)}));
  auto a = b.context(0x20000, 0x40000, bb_start(kBatch));
  b.submit({a.desc(1)});
  b.run(us(100));
  auto& regs = b.p.gpu().regs();
  EXPECT_EQ(regs.peek(instpm) & 0x80, 0x80u) << "INSTPM is user-writable on Gen8 (D8)";
  EXPECT_EQ(regs.peek(0x7034), 0x60000060u) << "L3CNTLREG too";
  EXPECT_EQ(regs.peek(hws), uint32_t(ContextBuilder::kHwsGma)) << "HWS_PGA is not: dropped";
  EXPECT_EQ(b.p.stats().value("gpu.engine.rcs.privilege_violations"), 1.0);
  EXPECT_TRUE(regs.get(RegId::RING_EIR, Engine::RCS) & reg::RING_EIR::CP_PRIV.mask());
}

TEST_F(EngineTest, PrivilegeCheckDisableLetsItThrough) {
  // What the mediation core must never let a guest do (GFX_MODE bit 0): here on bare metal.
  b.mmio(reg::GFX_MODE::at(Engine::RCS), masked_write(reg::GFX_MODE::PRIVILEGE_CHECK_DISABLE, 1));
  uint64_t batch_pa = b.map_ppgtt(kBatch);
  uint32_t hws = reg::RING_HWS_PGA::at(Engine::RCS);
  b.write(batch_pa, cat({lri(hws, 0xABC000), op(CmdId::MI_BATCH_BUFFER_END)}));
  auto a = b.context(0x20000, 0x40000, bb_start(kBatch));
  b.submit({a.desc(1)});
  b.run(us(100));
  EXPECT_EQ(b.p.gpu().regs().peek(hws), 0xABC000u);
  EXPECT_EQ(b.p.stats().value("gpu.engine.rcs.privilege_violations"), 0.0);
}

TEST_F(EngineTest, StoreDataIndexToTheGlobalAndPerProcessHwsp) {
  std::vector<uint32_t> ring = cat({pack(CmdId::MI_STORE_DATA_INDEX, {{cmd::MI_STORE_DATA_INDEX::OFFSET, 0x40 >> 2},
                                                                      {cmd::MI_STORE_DATA_INDEX::DATA_DWORD_0, 0x11}}),
                                    pack(CmdId::MI_STORE_DATA_INDEX, {{cmd::MI_STORE_DATA_INDEX::USE_PER_PROCESS_HARDWARE_STATUS_PAGE, 1},
                                                                      {cmd::MI_STORE_DATA_INDEX::OFFSET, 0x44 >> 2},
                                                                      {cmd::MI_STORE_DATA_INDEX::DATA_DWORD_0, 0x22}})});
  auto a = b.context(0x20000, 0x40000, ring);
  b.submit({a.desc(1)});
  b.run(us(100));
  EXPECT_EQ(b.read(b.ggtt_pa(ContextBuilder::kHwsGma) + 0x40), 0x11u) << "global HWSP (HWS_PGA), D15";
  EXPECT_EQ(b.read(b.ggtt_pa(a.lrca) + 0x44), 0x22u) << "per-process HWSP: the LRC's first page, D15";
}

TEST_F(EngineTest, PipeControlTimestampsAreMonotonicAndUserInterruptsFire) {
  uint64_t t = b.map_ppgtt(0x10000);
  auto pc_ts = [](uint64_t addr) {
    return pack(CmdId::PIPE_CONTROL, {{cmd::PIPE_CONTROL::POST_SYNC_OPERATION, 3}, {cmd::PIPE_CONTROL::ADDRESS, addr}});
  };
  std::vector<uint32_t> noops(200, 0);
  auto a = b.context(0x20000, 0x40000, cat({pc_ts(0x10000), noops, pc_ts(0x10008), op(CmdId::MI_USER_INTERRUPT)}));
  b.submit({a.desc(1)});
  b.run(us(100));
  uint64_t t0 = b.read64(t), t1 = b.read64(t + 8);
  EXPECT_GT(t1, t0) << "timestamps advance with the engine's work";
  EXPECT_EQ(b.rcs().time_valued_dwords().count(t >> 2), 1u) << "time-valued writes are tagged for the hash (D5)";
  EXPECT_TRUE(b.p.gpu().regs().peek(reg::GEN8_GT_IIR0::offset) & 1u) << "user interrupt";
  EXPECT_GE(b.p.msis().size(), 1u);
}

TEST_F(EngineTest, PipeControlLriPostSyncWritesARegister) {
  auto pc = pack(CmdId::PIPE_CONTROL, {{cmd::PIPE_CONTROL::LRI_POST_SYNC_OPERATION, 1},
                                       {cmd::PIPE_CONTROL::ADDRESS, 0x7034},
                                       {cmd::PIPE_CONTROL::IMMEDIATE_DATA, 0x60000060}});
  auto a = b.context(0x20000, 0x40000, pc);
  b.submit({a.desc(1)});
  b.run(us(100));
  EXPECT_EQ(b.p.gpu().regs().peek(0x7034), 0x60000060u);
}

TEST_F(EngineTest, PrimitiveCostGrowsWithVerticesAndInstances) {
  auto run_prim = [](uint32_t vertices, uint32_t instances) {
    Platform p;
    ContextBuilder b(p);
    auto a = b.context(0x20000, 0x40000, pack(CmdId::_3DPRIMITIVE, {{cmd::_3DPRIMITIVE::VERTEX_COUNT_PER_INSTANCE, vertices},
                                                                    {cmd::_3DPRIMITIVE::INSTANCE_COUNT, instances}}));
    b.submit({a.desc(1)});
    b.run(ms(10));
    return b.rcs().busy_time();
  };
  Duration small = run_prim(3, 1), more_vertices = run_prim(30000, 1), more_instances = run_prim(30000, 10);
  EXPECT_GT(more_vertices, small);
  EXPECT_GT(more_instances, more_vertices);
}

TEST_F(EngineTest, SameWorkloadSameResultsAndTimesUnderBothDrivers) {
  auto run = [](Driver& d) {
    Platform p;
    ContextBuilder b(p);
    uint64_t t = b.map_ppgtt(0x10000);
    auto pc = pack(CmdId::PIPE_CONTROL, {{cmd::PIPE_CONTROL::POST_SYNC_OPERATION, 3}, {cmd::PIPE_CONTROL::ADDRESS, 0x10000}});
    auto a = b.context(0x20000, 0x40000, cat({pc, sdi(0x10010, 4), op(CmdId::MI_USER_INTERRUPT)}));
    b.submit({a.desc(1)});
    d.run_until(p, us(100));
    std::vector<uint64_t> out = {b.read64(t), b.read(t + 0x10), b.rcs().busy_time()};
    for (auto& e : b.rcs().csb_log()) out.push_back(e.time), out.push_back(e.status);
    for (auto& m : p.msis()) out.push_back(m.time);
    return out;
  };
  FunctionalDriver f;
  auto ref = run(f);
  for (Duration q : {Duration(0), us(1), us(100)}) {
    SystemCDriver sc(q);
    EXPECT_EQ(run(sc), ref) << "quantum " << q;
  }
}

TEST_F(EngineTest, ThreeDStateSurvivesASwitchBetweenTwoContexts) {
  auto vf = [](uint32_t index) {
    return pack(CmdId::_3DSTATE_VF_INSTANCING, {{cmd::_3DSTATE_VF_INSTANCING::VERTEX_ELEMENT_INDEX, index}});
  };
  auto a = b.context(0x20000, 0x40000, vf(5));
  auto c = b.context(0x21000, 0x60000, vf(9));
  b.submit({a.desc(1)});
  b.run(us(100));
  EXPECT_EQ(b.rcs().state3d().last(CmdId::_3DSTATE_VF_INSTANCING)[1] & 0x3F, 5u);
  b.submit({c.desc(2)});
  b.run(us(100));
  EXPECT_EQ(b.rcs().state3d().last(CmdId::_3DSTATE_VF_INSTANCING)[1] & 0x3F, 9u);
  // A again, now without restore-inhibit and with nothing new in its ring: its state comes back
  // from its image (pages 2..18), not from the engine.
  b.set_image(a.lrca, 8, 8, a.ring_gma, /*ctx_ctrl=*/0x00090008);
  b.submit({a.desc(1)});
  b.run(us(100));
  ASSERT_FALSE(b.rcs().state3d().last(CmdId::_3DSTATE_VF_INSTANCING).empty());
  EXPECT_EQ(b.rcs().state3d().last(CmdId::_3DSTATE_VF_INSTANCING)[1] & 0x3F, 5u);
  // With restore-inhibit the engine starts from its power-on defaults (D14).
  b.set_image(a.lrca, 8, 8, a.ring_gma, 0x00090009);
  b.submit({a.desc(1)});
  b.run(us(100));
  EXPECT_TRUE(b.rcs().state3d().empty());
}

TEST_F(EngineTest, MiMathComputesInTheGprs) {
  using model::gen8::AluOpcode;
  using model::gen8::AluOperand;
  using model::gen8::alu_gpr;
  auto alu = [](AluOpcode op, AluOperand a, AluOperand b) { return model::gen8::alu_instruction(op, a, b); };
  uint32_t gpr0 = reg::CS_GPR::at(Engine::RCS, 0), gpr1 = reg::CS_GPR::at(Engine::RCS, 1), gpr2 = reg::CS_GPR::at(Engine::RCS, 2);
  std::vector<uint32_t> math = {cmd::MI_MATH::header,  // MI_MATH; its length is set below (dwords - 2)
                                alu(AluOpcode::load, AluOperand::srca, alu_gpr(0)), alu(AluOpcode::load, AluOperand::srcb, alu_gpr(1)),
                                alu(AluOpcode::add, AluOperand(0), AluOperand(0)), alu(AluOpcode::store, alu_gpr(2), AluOperand::accu)};
  math[0] = (cmd::MI_MATH::header & ~0xFFu) | uint32_t(math.size() - 2);
  auto a = b.context(0x20000, 0x40000, cat({lri(gpr0, 40), lri(gpr1, 2), math}));
  b.submit({a.desc(1)});
  b.run(us(100));
  EXPECT_EQ(b.p.gpu().regs().peek(gpr2), 42u);
  EXPECT_EQ(b.rcs().state(), EngineState::idle);
}

TEST_F(EngineTest, SemaphoreWaitReleasedByACpuWriteAndOneThatNeverIs) {
  uint64_t sem = b.map_ppgtt(0x30000);
  uint64_t t = b.map_ppgtt(0x10000);
  auto wait = pack(CmdId::MI_SEMAPHORE_WAIT, {{cmd::MI_SEMAPHORE_WAIT::WAIT_MODE, 1},
                                              {cmd::MI_SEMAPHORE_WAIT::COMPARE_OPERATION, 4},  // SAD_EQUAL_SDD
                                              {cmd::MI_SEMAPHORE_WAIT::SEMAPHORE_DATA_DWORD, 1},
                                              {cmd::MI_SEMAPHORE_WAIT::SEMAPHORE_ADDRESS, 0x30000}});
  auto a = b.context(0x20000, 0x40000, cat({wait, sdi(0x10000, 77)}));
  b.submit({a.desc(1)});
  b.run(us(50));
  EXPECT_EQ(b.rcs().state(), EngineState::waiting);
  EXPECT_EQ(b.read(t), 0u);
  b.write(sem, {1});  // the CPU releases it
  b.run(us(50));
  EXPECT_EQ(b.read(t), 77u);
  EXPECT_EQ(b.rcs().state(), EngineState::idle);
  // Never released: the engine keeps waiting (a hang a replayer's timeout reports), nothing crashes.
  b.write(sem, {0});
  b.write(b.ggtt_pa(a.ring_gma), cat({wait, sdi(0x10000, 78)}));
  b.set_image(a.lrca, 0, 32, a.ring_gma);
  b.submit({a.desc(1)});
  b.run(ms(5));
  EXPECT_EQ(b.rcs().state(), EngineState::waiting);
  EXPECT_EQ(b.read(t), 77u);
}

TEST_F(EngineTest, AtomicsReadModifyWriteMemory) {
  uint64_t t = b.map_ppgtt(0x10000);
  b.write(t, {10});
  auto add = pack(CmdId::MI_ATOMIC, {{cmd::MI_ATOMIC::ATOMIC_OPCODE, 0x07},  // ADD, dword
                                     {cmd::MI_ATOMIC::INLINE_DATA, 1},
                                     {cmd::MI_ATOMIC::MEMORY_ADDRESS, 0x10000},
                                     {cmd::MI_ATOMIC::OPERAND1_DATA_DWORD_0, 5}},
                  11);
  auto a = b.context(0x20000, 0x40000, cat({add, add}));
  b.submit({a.desc(1)});
  b.run(us(100));
  EXPECT_EQ(b.read(t), 20u);
}

}  // namespace
}  // namespace gvtsim::harness::testing
