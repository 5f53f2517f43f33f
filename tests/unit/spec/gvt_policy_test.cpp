// The GVT-g policy columns of the register table (docs/tables.md, "GVT-g policy"): the kernel's tracked
// MMIO list for BDW and the attributes and handlers gvt/handlers.c gives it. The expected values are
// facts of the kernel sources, written here independently of registers.toml:
//   [table]    torvalds/linux drivers/gpu/drm/i915/intel_gvt_mmio_table.c (iterate_generic_mmio,
//              iterate_bdw_only_mmio, iterate_bdw_plus_mmio, iterate_pre_skl_mmio: the BDW set)
//   [handlers] drivers/gpu/drm/i915/gvt/handlers.c (init_generic_mmio_info, init_bdw_mmio_info,
//              handle_mmio_cb, init_mmio_block_handlers)
//   [ctx]      drivers/gpu/drm/i915/gvt/mmio_context.c (gen8_engine_mmio_list, in_context entries)
//   [ref]      ../shared/docs/gvt-reference.md §2.2, §2.5
#include "spec/gen8/registers.h"
#include "spec/gen8/skus.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace gvtsim::spec::gen8 {
namespace {

const Sku& sku(std::string_view name) {
  for (const Sku& s : kSkus)
    if (s.name == name) return s;
  ADD_FAILURE() << "no SKU " << name;
  return kSkus[0];
}

// The dwords the kernel tracks one by one on a SKU (num_tracked_mmio): every tracked instance's dwords,
// except the VCS2 instances of MMIO_RING_* rows when the SKU has no VCS2 (the macros check HAS_ENGINE).
struct Tally {
  size_t mmio = 0;  // MMIO_D and MMIO_F below 1 KB
  size_t ring = 0;  // MMIO_RING_D and MMIO_RING_F, all engines present
  size_t total() const { return mmio + ring; }
};

Tally tracked_dwords(EngineMask present) {
  Tally t;
  for (const RegInstance& inst : kRegInstances) {
    if (!gvt_tracked(inst)) continue;
    const RegRow& row = inst.row();
    size_t dwords = row.width / 32u;
    if (row.gvt == GvtTrack::ring) {
      if (has_engine(present, inst.engine)) t.ring += dwords;
    } else {
      t.mmio += dwords;
    }
  }
  return t;
}

uint16_t flags_at(uint32_t offset) {
  const RegInstance* r = find_reg(offset);
  EXPECT_NE(r, nullptr) << std::hex << offset;
  return r ? gvt_flags(*r) : 0;
}

GvtHandler handler_at(uint32_t offset) {
  const RegInstance* r = find_reg(offset);
  EXPECT_NE(r, nullptr) << std::hex << offset;
  return r && gvt_tracked(*r) ? r->row().gvt_handler : GvtHandler::none;
}

bool tracked_at(uint32_t offset) {
  const RegInstance* r = find_reg(offset);
  return r && gvt_tracked(*r);
}

// The reference (§2.2) counts 699 MMIO_D + 51 MMIO_F + 24 MMIO_RING_D + 3 MMIO_RING_F for BDW, "about
// 1,250 dwords, 1,295 with VCS2, plus 5 blocks". Exactly, from [table]:
//  - 699 MMIO_D: 699 dwords;
//  - 51 MMIO_F: 5 of them are 1 KB or more, which handle_mmio_cb makes blocks (MCHBAR mirror 256 KB,
//    PVINFO 4 KB, LGC_PALETTE A/B/C 1 KB each); the other 46 cover 366 dwords (fences 0x80 B = 32,
//    DDI_BUF_TRANS 5 x 0x50 B = 100, 0x70400/0x71400/0x72400 3 x 0x40 B = 48, 0x4f000 0x90 B = 36, the
//    eleven 8-byte pipeline statistics counters 22, ...);
//  - 24 MMIO_RING_D + 3 MMIO_RING_F (0x234 8 B, 0x370 48 B, 0x270 32 B = 22 dwords): 46 dwords per engine.
// Without VCS2 (GT1, GT2): 699 + 366 + 4 x 46 = 1,249, the reference's "about 1,250". With VCS2 (GT3):
// 1,249 + 46 = 1,295. The four raw VCS2 offsets the kernel lists with MMIO_D (0x1c054, 0x1c178,
// 0x1c17c, 0x1c1d0) are tracked on every SKU, so they are in the 699.
TEST(GvtPolicy, TrackedDwordCountIsTheKernels) {
  Tally gt2 = tracked_dwords(sku("BDW_GT2").engines);
  EXPECT_EQ(gt2.mmio, 699u + 366u);
  EXPECT_EQ(gt2.ring, 4u * (24u + 22u));
  EXPECT_EQ(gt2.total(), 1249u);
  EXPECT_EQ(tracked_dwords(sku("BDW_GT1").engines).total(), 1249u);
  Tally gt3 = tracked_dwords(sku("BDW_GT3").engines);
  EXPECT_EQ(gt3.mmio, 699u + 366u);
  EXPECT_EQ(gt3.ring, 5u * (24u + 22u));
  EXPECT_EQ(gt3.total(), 1295u);
}

TEST(GvtPolicy, TheFiveBlocks) {
  std::set<std::pair<uint32_t, uint32_t>> blocks;
  for (const RegRow& r : kRegRows)
    if (r.gvt == GvtTrack::block) blocks.insert({r.offset, r.bytes()});
  // [table] MCHBAR_MIRROR_BASE_SNB 0x40000, VGT_PVINFO_PAGE VGT_PVINFO_SIZE, LGC_PALETTE(PIPE_A..C, 0) 1024.
  std::set<std::pair<uint32_t, uint32_t>> expected = {
      {0x140000, 0x40000}, {0x78000, 0x1000}, {0x4A000, 1024}, {0x4A800, 1024}, {0x4B000, 1024}};
  EXPECT_EQ(blocks, expected);
  // [handlers] init_mmio_block_handlers: only PVINFO has handlers.
  const RegRow* pv = find_gvt_block(0x78000 + 0x818);
  ASSERT_NE(pv, nullptr);
  EXPECT_EQ(pv->gvt_handler, GvtHandler::pvinfo);
  const RegRow* mch = find_gvt_block(0x140000 + 0x3FFFC);
  ASSERT_NE(mch, nullptr);
  EXPECT_EQ(mch->gvt_handler, GvtHandler::none);
  EXPECT_FALSE(mch->expanded) << "256 KB of the MCHBAR mirror is a range, not 65,536 register instances";
  EXPECT_EQ(find_reg(0x140000), nullptr);
  EXPECT_EQ(find_gvt_block(0x180000), nullptr);
  EXPECT_EQ(find_gvt_block(0x4A400), nullptr) << "PREC_PAL_INDEX(PIPE_A) is a tracked dword after palette A";
  EXPECT_TRUE(tracked_at(0x4A400));
  // Block dwords are not tracked one by one, and no tracked dword lies in a block.
  for (const RegInstance& inst : kRegInstances) {
    if (inst.row().gvt == GvtTrack::block) {
      EXPECT_FALSE(gvt_tracked(inst)) << inst.name;
    }
    if (gvt_tracked(inst)) {
      EXPECT_EQ(find_gvt_block(inst.offset), nullptr) << inst.name;
    }
  }
}

// gvt-reference §2.2 and [handlers]: the attribute bits in the kernel's order.
TEST(GvtPolicy, FlagBitsAreTheKernels) {
  static_assert(kGvtF_RO == 1u << 0 && kGvtF_GMADR == 1u << 1 && kGvtF_MODE_MASK == 1u << 2 &&
                kGvtF_CMD_ACCESS == 1u << 3 && kGvtF_ACCESSED == 1u << 4 && kGvtF_PM_SAVE == 1u << 5 &&
                kGvtF_UNALIGN == 1u << 6 && kGvtF_SR_IN_CTX == 1u << 7 && kGvtF_CMD_WRITE_PATCH == 1u << 8);
  EXPECT_EQ(kGvtFlagNames[3], "F_CMD_ACCESS");
  EXPECT_EQ(kGvtTrackNames[static_cast<size_t>(GvtTrack::ring)], "ring");
}

TEST(GvtPolicy, FlagsOnlyFromTheListAndConsistent) {
  const uint16_t all = 0x1FF;
  for (const RegRow& r : kRegRows) {
    SCOPED_TRACE(std::string(r.name));
    EXPECT_EQ(r.tracked, r.gvt != GvtTrack::none);
    EXPECT_EQ(r.gvt_flags & ~all, 0);
    EXPECT_EQ(r.gvt_flags & kGvtF_ACCESSED, 0) << "F_ACCESSED is run-time state";
    for (uint16_t f : r.gvt_engine_flags) EXPECT_EQ(f & ~all, 0);
    EXPECT_EQ((r.gvt_flags & kGvtF_RO) != 0, r.gvt_ro != 0) << "the kernel sets F_RO with its ro_mask";
    EXPECT_LE(r.gvt_count, r.count);
    if (!r.tracked) {
      EXPECT_EQ(r.gvt_flags, 0);
      EXPECT_EQ(r.gvt_ro, 0u);
      EXPECT_EQ(r.gvt_handler, GvtHandler::none);
      EXPECT_TRUE(r.gvt_cite.empty());
    } else {
      EXPECT_FALSE(r.gvt_cite.empty());
    }
    if (r.gvt == GvtTrack::ring) {
      EXPECT_TRUE(r.per_engine);
    }
    if (r.gvt == GvtTrack::block) {
      EXPECT_EQ(r.gvt_flags, 0) << "blocks carry no attributes";
    }
    if (!r.expanded) {
      EXPECT_EQ(r.gvt, GvtTrack::block);
    }
  }
}

TEST(GvtPolicy, EveryHandlerIsUsed) {
  std::set<GvtHandler> used;
  for (const RegRow& r : kRegRows) used.insert(r.gvt_handler);
  EXPECT_EQ(kGvtHandlerNames[0], "none");
  for (size_t h = 1; h < kGvtHandlerCount; ++h) {
    EXPECT_TRUE(used.count(GvtHandler(h))) << kGvtHandlerNames[h] << " is bound to no register";
    EXPECT_FALSE(kGvtHandlerDescriptions[h].empty()) << kGvtHandlerNames[h];
  }
}

// Spot checks, each against the kernel line it comes from.
TEST(GvtPolicy, EngineRegisters) {
  const uint16_t gfx_mode = kGvtF_MODE_MASK | kGvtF_CMD_ACCESS | kGvtF_CMD_WRITE_PATCH;
  for (Engine e : {Engine::RCS, Engine::BCS, Engine::VCS, Engine::VCS2, Engine::VECS}) {
    SCOPED_TRACE(std::string(engine_name(e)));
    uint32_t b = engine_base(e);
    // [handlers] MMIO_RING_DFH(base + 0x29c, F_MODE_MASK | F_CMD_ACCESS | F_CMD_WRITE_PATCH, ring_mode_mmio_write)
    EXPECT_EQ(flags_at(b + 0x29C), gfx_mode);
    EXPECT_EQ(handler_at(b + 0x29C), GvtHandler::gfx_mode);
    // MMIO_RING_DFH(base + 0x230, 0, elsp_mmio_write)
    EXPECT_EQ(flags_at(b + 0x230), 0);
    EXPECT_EQ(handler_at(b + 0x230), GvtHandler::elsp);
    // MMIO_RING_F(base + 0x234, 8, F_RO, ro_mask ~0): execlist status read-only
    for (uint32_t o : {0x234u, 0x238u}) {
      EXPECT_EQ(flags_at(b + o), kGvtF_RO);
      EXPECT_EQ(find_reg(b + o)->row().gvt_ro, 0xFFFFFFFFu);
    }
    // MMIO_RING_F(base + 0x370, 48, F_RO, ro_mask ~0): the 12 CSB dwords
    for (uint32_t o = 0x370; o < 0x370 + 48; o += 4) {
      EXPECT_EQ(flags_at(b + o), kGvtF_RO) << std::hex << o;
      EXPECT_EQ(find_reg(b + o)->row().gvt_ro, 0xFFFFFFFFu);
    }
    EXPECT_EQ(flags_at(b + 0x3A0), kGvtF_MODE_MASK);  // MMIO_RING_DFH(base + 0x3a0, F_MODE_MASK)
    // MMIO_RING_F(base + 0xd0, 4, F_RO, ~_MASKED_BIT_ENABLE(RESET_CTL_REQUEST_RESET), ring_reset_ctl_write)
    EXPECT_EQ(flags_at(b + 0xD0), kGvtF_RO);
    EXPECT_EQ(find_reg(b + 0xD0)->row().gvt_ro, 0xFFFEFFFEu);
    EXPECT_EQ(handler_at(b + 0xD0), GvtHandler::reset_ctl);
    // MMIO_RING_GM(RING_HWS_PGA, hws_pga_write), MMIO_RING_GM(RING_START), MMIO_RING_GM(RING_BBADDR)
    EXPECT_EQ(flags_at(b + 0x80), kGvtF_GMADR);
    EXPECT_EQ(handler_at(b + 0x80), GvtHandler::hws_pga);
    EXPECT_EQ(flags_at(b + 0x38), kGvtF_GMADR);
    EXPECT_EQ(flags_at(b + 0x140), kGvtF_GMADR);
    // RING_TIMESTAMP(_UDW): F_CMD_ACCESS, read from the hardware; ACTHD(_UDW), INSTDONE (+0x6c) too
    for (uint32_t o : {0x358u, 0x35Cu}) {
      EXPECT_EQ(flags_at(b + o), kGvtF_CMD_ACCESS);
      EXPECT_EQ(handler_at(b + o), GvtHandler::mmio_read_from_hw);
    }
    for (uint32_t o : {0x74u, 0x5Cu, 0x6Cu}) EXPECT_EQ(handler_at(b + o), GvtHandler::mmio_read_from_hw);
    EXPECT_EQ(handler_at(b + 0xA8), GvtHandler::imr);  // MMIO_RING_DFH(RING_IMR, intel_vgpu_reg_imr_handler)
    // MMIO_RING_F(base + 0x270, 32, F_CMD_ACCESS): the PDPs
    for (uint32_t o = 0x270; o < 0x290; o += 4) EXPECT_EQ(flags_at(b + o), kGvtF_CMD_ACCESS);
    // RING_MI_MODE, RING_INSTPM: F_MODE_MASK | F_CMD_ACCESS
    EXPECT_EQ(flags_at(b + 0x9C), kGvtF_MODE_MASK | kGvtF_CMD_ACCESS);
    // [ctx] gen8_engine_mmio_list: only RCS INSTPM is in the context image (F_SR_IN_CTX)
    uint16_t instpm = kGvtF_MODE_MASK | kGvtF_CMD_ACCESS | (e == Engine::RCS ? kGvtF_SR_IN_CTX : 0);
    EXPECT_EQ(flags_at(b + 0xC0), instpm);
    // CSFE_CHICKEN1 (base + 0xd4) is in iterate_skl_plus_mmio only: untracked on BDW (decisions D6)
    EXPECT_FALSE(tracked_at(b + 0xD4));
    // Ring registers of MMIO_RING_*; VCS2 only when present
    EXPECT_EQ(find_reg(b + 0x30)->row().gvt, GvtTrack::ring);
  }
  // The raw per-engine offsets listed with MMIO_D are "mmio" rows: tracked on every SKU
  EXPECT_EQ(find_reg(0x1C054)->row().gvt, GvtTrack::mmio);
  EXPECT_EQ(flags_at(0x1C178), kGvtF_CMD_ACCESS);
  EXPECT_EQ(flags_at(0x2217C), kGvtF_CMD_ACCESS);
  EXPECT_FALSE(tracked_at(0x1A220)) << "0x220 is listed for RCS, VCS and BCS only";
  EXPECT_TRUE(tracked_at(0x22220));
  // MMIO_F(_MMIO(0x24d0), 48, F_CMD_ACCESS | F_CMD_WRITE_PATCH, force_nonpriv_write): RCS only
  for (uint32_t o = 0x24D0; o < 0x24D0 + 48; o += 4) {
    EXPECT_EQ(flags_at(o), kGvtF_CMD_ACCESS | kGvtF_CMD_WRITE_PATCH);
    EXPECT_EQ(handler_at(o), GvtHandler::force_nonpriv);
  }
  EXPECT_FALSE(tracked_at(0x224D0));
}

TEST(GvtPolicy, GlobalRegisters) {
  // FORCEWAKE_MT (iterate_pre_skl_mmio; mul_force_wake_write mirrors into FORCEWAKE_ACK_HSW, MMIO_DH no handler)
  EXPECT_EQ(handler_at(0xA188), GvtHandler::forcewake);
  EXPECT_TRUE(tracked_at(0x130044));
  EXPECT_EQ(handler_at(0x130044), GvtHandler::none);
  // MMIO_F(FENCE_REG_GEN6_LO(0), 0x80, fence_mmio_read/write): 16 of the 32 fences
  for (uint32_t o = 0x100000; o < 0x100080; o += 4) EXPECT_EQ(handler_at(o), GvtHandler::fence) << std::hex << o;
  ASSERT_NE(find_reg(0x100080), nullptr) << "fence 16 exists in the hardware";
  EXPECT_FALSE(tracked_at(0x100080)) << "but the kernel traps only the first 0x80 bytes";
  EXPECT_EQ(reg_row(RegId::FENCE_REG_GEN6).gvt_count, 16u);
  EXPECT_EQ(handler_at(0x941C), GvtHandler::gdrst);           // MMIO_DH(GEN6_GDRST, gdrst_mmio_write)
  EXPECT_EQ(handler_at(0x138124), GvtHandler::pcode_mailbox);  // MMIO_DH(GEN6_PCODE_MAILBOX, mailbox_write)
  for (uint32_t o = 0x4260; o <= 0x4270; o += 4) EXPECT_EQ(handler_at(o), GvtHandler::tlb_control);
  for (uint32_t o = 0x45400; o <= 0x45414; o += 4) EXPECT_EQ(handler_at(o), GvtHandler::power_well_ctl);
  EXPECT_EQ(handler_at(0x44200), GvtHandler::master_irq);
  EXPECT_EQ(handler_at(0x44304), GvtHandler::imr);   // GEN8_GT_IMR(0)
  EXPECT_EQ(handler_at(0x4430C), GvtHandler::ier);   // GEN8_GT_IER(0)
  EXPECT_EQ(handler_at(0x44308), GvtHandler::iir);   // GEN8_GT_IIR(0)
  EXPECT_TRUE(tracked_at(0x44300));                  // GEN8_GT_ISR(0): tracked, plain
  EXPECT_EQ(handler_at(0x44300), GvtHandler::none);
  // PIPE_CONTROL post-sync depth count / timestamp are audited as writes of 0x2350 / 0x2358 ([ref] §2.5)
  EXPECT_EQ(flags_at(0x2350), kGvtF_CMD_ACCESS);
  EXPECT_EQ(flags_at(0x2354), kGvtF_CMD_ACCESS) << "MMIO_F(PS_DEPTH_COUNT, 8): both dwords";
  EXPECT_NE(flags_at(0x2358) & kGvtF_CMD_ACCESS, 0);
  // The SRM/LRM allow-list (0xB118, 0x21F0, INSTPM) and LRR's 0x215C must be F_CMD_ACCESS ([ref] §2.5)
  for (uint32_t o : {0xB118u, 0x21F0u, 0x20C0u, 0x215Cu}) EXPECT_NE(flags_at(o) & kGvtF_CMD_ACCESS, 0) << std::hex << o;
  // MMIO_F(PCH_GPIO_BASE, 6 * 4, F_UNALIGN)
  for (uint32_t o = 0xC5010; o < 0xC5028; o += 4) EXPECT_EQ(flags_at(o), kGvtF_UNALIGN);
  // MMIO_RO(PCH_PORT_HOTPLUG, PORT{A,B,C,D}_HOTPLUG_STATUS_MASK)
  EXPECT_EQ(flags_at(0xC4030), kGvtF_RO);
  EXPECT_EQ(find_reg(0xC4030)->row().gvt_ro, 0x03030303u);
  // MMIO_GM_RDR(BSD_HWS_PGA_GEN7), CCID(RENDER_RING_BASE): F_GMADR | F_CMD_ACCESS
  EXPECT_EQ(flags_at(0x4180), kGvtF_GMADR | kGvtF_CMD_ACCESS);
  EXPECT_EQ(flags_at(0x2180), kGvtF_GMADR | kGvtF_CMD_ACCESS);
  // [ctx] in_context gen8 registers: F_SR_IN_CTX on top of their handlers.c flags
  for (uint32_t o : {0x7000u, 0x7004u, 0x7008u, 0x7010u, 0x7300u})
    EXPECT_EQ(flags_at(o), kGvtF_MODE_MASK | kGvtF_CMD_ACCESS | kGvtF_SR_IN_CTX) << std::hex << o;
  EXPECT_EQ(flags_at(0x83A4), kGvtF_CMD_ACCESS | kGvtF_SR_IN_CTX);  // VF_GUARDBAND, D_BDW
  // 0xe4cc's F_CMD_ACCESS is set in init_skl_mmio_info, which BDW does not run: tracked, no flags
  EXPECT_TRUE(tracked_at(0xE4CC));
  EXPECT_EQ(flags_at(0xE4CC), 0);
  // Not in the BDW list: registers the model has but the kernel leaves untracked
  EXPECT_FALSE(tracked_at(0x7034)) << "GEN8_L3CNTLREG is tracked on BXT only";
  EXPECT_FALSE(tracked_at(0x2400)) << "MI_PREDICATE_SRC0";
  EXPECT_FALSE(tracked_at(0x2600)) << "CS_GPR is tracked on BXT only";
}

}  // namespace
}  // namespace gvtsim::spec::gen8
