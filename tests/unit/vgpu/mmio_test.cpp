// The MMIO trap path (vgpu/mmio.h; gvt-reference §2.2, §2.10, §2.11; decisions D6; i915 gvt/mmio.c and
// gvt/handlers.c). Every test states the failsafe outcome it expects: the exact reason, or none.
#include "vgpu/mmio.h"

#include <memory>

#include <gtest/gtest.h>

#include "tests/unit/vgpu/fakes.h"

namespace gvtsim::vgpu::testing {
namespace {

constexpr VgpuId kId = 1;
constexpr uint32_t kRcs = 0x2000, kBcs = 0x22000;
constexpr uint32_t kFence0 = 0x100000;

class Mmio : public ::testing::Test {
 protected:
  Mmio() {
    fences = *fakes.host.alloc_fences(kId, 4);
    aperture = *fakes.host.alloc_gm(kId, GmKind::low, mib(64));
    hidden = *fakes.host.alloc_gm(kId, GmKind::high, mib(384));
    pvinfo.populate({kId, aperture, hidden, unsigned(fences.size())});
    golden.assign(kMmioWindow / 4, 0);
    golden[0x1F0000 / 4] = 0x600DF00D;
    golden[(kRcs + 0x09C) >> 2] = 0xABCD0000;  // RING_MI_MODE: upper half kept by the mode-mask rule
    make();
  }
  void make() {
    mmio = std::make_unique<MmioEmulator>(
        MmioEmulator::Deps{.id = kId,
                           .host = fakes.host,
                           .clock = fakes.clock,
                           .pvinfo = pvinfo,
                           .failsafe = failsafe,
                           .fences = fences,
                           .in_gm =
                               [this](uint64_t gma, uint64_t size) {
                                 for (const GmSlice& s : {aperture, hidden})
                                   if (s.contains(gma) && size <= s.end() - gma) return true;
                                 return false;
                               }},
        golden);
  }
  uint64_t rd(uint32_t offset, unsigned size = 4) {
    Result<uint64_t> r = mmio->read(offset, size);
    EXPECT_TRUE(r) << r.status().to_string();
    return r ? *r : ~0ull;
  }
  void wr(uint32_t offset, uint64_t value, unsigned size = 4) {
    Status s = mmio->write(offset, size, value);
    EXPECT_TRUE(s) << s.to_string();
  }
  void read_pvinfo() { EXPECT_EQ(rd(kPvInfoBase, 8), kVgtMagic); }
  void expect_no_failsafe() {
    EXPECT_FALSE(failsafe.active());
    EXPECT_EQ(failsafe.entries(), 0u);
  }
  void expect_failsafe(FailsafeReason r) {
    ASSERT_TRUE(failsafe.active());
    EXPECT_EQ(failsafe.reason(), r);
    EXPECT_EQ(failsafe.entries(), 1u);
  }
  std::map<uint32_t, uint64_t> host_fence_regs() const {
    std::map<uint32_t, uint64_t> out;
    for (const auto& [o, v] : fakes.host.regs)
      if (o >= kFence0 && o < kFence0 + 0x100) out[o] = v;
    return out;
  }

  Fakes fakes;
  std::vector<unsigned> fences;
  GmSlice aperture, hidden;
  PvInfo pvinfo;
  Failsafe failsafe;
  std::vector<uint32_t> golden;
  std::unique_ptr<MmioEmulator> mmio;
};

// --- size, alignment, lookup order ---

TEST_F(Mmio, SizeAndAlignmentRules) {
  EXPECT_FALSE(mmio->read(0x1F0000, 0)) << "0 bytes";
  EXPECT_FALSE(mmio->read(0x1F0000, 16)) << "more than 8 bytes";
  EXPECT_FALSE(mmio->write(0x1F0000, 3, 0)) << "3 bytes without F_UNALIGN";
  EXPECT_FALSE(mmio->read(0x2032, 4)) << "misaligned dword";
  EXPECT_FALSE(mmio->write(0x2034, 8, 0)) << "misaligned qword";
  EXPECT_FALSE(mmio->read(0x1FFFFC, 8)) << "runs past the 2 MB window";
  EXPECT_FALSE(mmio->read(kMmioWindow, 4)) << "outside the window (GTT is not the MMIO path's)";
  EXPECT_EQ(mmio->counts().guest_errors, 7u);
  // PCH_GPIO_BASE is F_UNALIGN (handlers.c MMIO_F(PCH_GPIO_BASE, 24, F_UNALIGN)).
  wr(0xC5011, 0xA1B2C3, 3);
  EXPECT_EQ(rd(0xC5010), 0xA1B2C300u);
  wr(0xC5013, 0xEEFF, 2);  // crosses into the next dword
  EXPECT_EQ(rd(0xC5010), 0xFFB2C300u);
  EXPECT_EQ(rd(0xC5014) & 0xFF, 0xEEu);
  expect_no_failsafe();
}

TEST_F(Mmio, UntrackedOffsetsLiveInTheVregFromTheGoldenImage) {
  EXPECT_EQ(rd(0x1F0000), 0x600DF00Du);
  EXPECT_EQ(rd(0x1F0001, 1), 0xF0u);
  wr(0x1F0002, 0x1234, 2);
  EXPECT_EQ(rd(0x1F0000), 0x1234F00Du);
  wr(0x1F0008, 0x1122334455667788ull, 8);
  EXPECT_EQ(rd(0x1F0008, 8), 0x1122334455667788ull);
  EXPECT_EQ(rd(0x1F000C), 0x11223344u);
  mmio->reset();
  EXPECT_EQ(rd(0x1F0000), 0x600DF00Du);
  EXPECT_EQ(rd(0x1F0008, 8), 0u);
  expect_no_failsafe();
}

TEST_F(Mmio, GoldenSnapshotFromTheHost) {
  fakes.host.regs[0x2000 + 0x9C] = 0x1234;
  std::vector<uint32_t> g = MmioEmulator::snapshot(fakes.host);
  ASSERT_EQ(g.size(), kMmioWindow / 4);
  EXPECT_EQ(g[(0x2000 + 0x9C) / 4], 0x1234u);
}

TEST_F(Mmio, PvinfoIsABlockDelegatedToThePvinfoObject) {
  EXPECT_FALSE(pvinfo.pv_notified());
  read_pvinfo();
  EXPECT_TRUE(pvinfo.pv_notified());
  EXPECT_EQ(rd(kPvInfoBase + pv::kVgtId), kId);
  EXPECT_EQ(rd(kPvInfoBase + pv::kFenceNum), 4u);
  wr(kPvInfoBase + pv::kDisplayReady, 1);
  EXPECT_TRUE(pvinfo.display_ready());
  EXPECT_EQ(mmio->vreg(kPvInfoBase + pv::kDisplayReady), 0u) << "the PVINFO object holds the page, not the vreg";
  expect_no_failsafe();
}

TEST_F(Mmio, OtherBlocksArePlainVreg) {
  wr(0x140010, 0xCAFE);  // MCHBAR mirror
  EXPECT_EQ(rd(0x140010), 0xCAFEu);
  wr(0x4A004, 0xBEEF);  // legacy palette A
  EXPECT_EQ(rd(0x4A004), 0xBEEFu);
  expect_no_failsafe();
}

// --- F_RO / ro_mask and F_MODE_MASK on real rows ---

TEST_F(Mmio, ExeclistStatusAndCsbAreReadOnly) {
  mmio->set_vreg(kRcs + 0x234, 0x18);
  mmio->set_vreg(kRcs + 0x238, 0x77);
  mmio->set_vreg(kRcs + 0x370, 0x1);
  wr(kRcs + 0x234, 0);
  wr(kRcs + 0x238, 0);
  wr(kRcs + 0x370, 0xFFFF);
  wr(kRcs + 0x370 + 8 * 4, ~0ull, 8);  // CSB entry 4, both dwords
  wr(kRcs + 0x374 + 8 * 5, 0xFFFF);
  EXPECT_EQ(rd(kRcs + 0x234), 0x18u);
  EXPECT_EQ(rd(kRcs + 0x238), 0x77u);
  EXPECT_EQ(rd(kRcs + 0x370), 1u);
  EXPECT_EQ(rd(kRcs + 0x370 + 8 * 4, 8), 0u);
  EXPECT_EQ(rd(kRcs + 0x374 + 8 * 5), 0u);
  EXPECT_EQ(mmio->counts().ro_dropped, 6u) << "the 8-byte write is two dwords";
  // The status register is 64-bit at +0x234, which is not 8-byte aligned: the kernel's alignment
  // rule (mmio.c IS_ALIGNED(offset, bytes)) refuses an 8-byte access there.
  EXPECT_FALSE(mmio->read(kRcs + 0x234, 8));
  expect_no_failsafe();
}

TEST_F(Mmio, PartialRoMaskKeepsTheVregBits) {
  // PCH_PORT_HOTPLUG: MMIO_RO with ro_mask 0x03030303 (the hotplug status bits).
  mmio->set_vreg(0xC4030, 0x01010101);
  wr(0xC4030, 0xFFFFFFFF);
  EXPECT_EQ(rd(0xC4030), 0xFDFDFDFDu);
  wr(0xC4030, 0);
  EXPECT_EQ(rd(0xC4030), 0x01010101u);
  expect_no_failsafe();
}

TEST_F(Mmio, ModeMaskOnlyChangesEnabledBits) {
  const uint32_t mi_mode = kRcs + 0x09C;  // RING_MI_MODE: F_MODE_MASK | F_CMD_ACCESS
  wr(mi_mode, 0x00030001);                // enable bits 0 and 1: bit 0 set, bit 1 clear
  EXPECT_EQ(rd(mi_mode), 0xABCD0001u) << "bits 31:16 keep their old value";
  wr(mi_mode, 0x00000102);  // no enable bits: nothing changes
  EXPECT_EQ(rd(mi_mode), 0xABCD0001u);
  wr(mi_mode, 0x01000100);  // bit 8 (STOP_RING) set
  EXPECT_EQ(rd(mi_mode), 0xABCD0101u);
  wr(mi_mode, 0x00010000);  // bit 0 cleared
  EXPECT_EQ(rd(mi_mode), 0xABCD0100u);
  expect_no_failsafe();
}

// --- handlers ---

TEST_F(Mmio, ElspCapturesFourDwordsInReverseAndTheFourthSubmits) {
  const uint32_t elsp = kRcs + 0x230;
  wr(elsp, 0x1111'0001);  // element 1 high
  wr(elsp, 0x2222'0002);  // element 1 low
  wr(elsp, 0x3333'0003);  // element 0 high
  EXPECT_TRUE(mmio->take_submissions().empty());
  wr(kBcs + 0x230, 0xDEAD);  // another engine's capture is its own
  wr(elsp, 0x4444'0004);     // element 0 low: submits
  std::vector<ElspSubmission> subs = mmio->take_submissions();
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].engine, Engine::RCS);
  EXPECT_EQ(subs[0].desc[0], 0x3333'0003'4444'0004ull);
  EXPECT_EQ(subs[0].desc[1], 0x1111'0001'2222'0002ull);
  EXPECT_TRUE(mmio->take_submissions().empty());
  for (uint32_t v : {1u, 2u, 3u}) wr(kBcs + 0x230, v);
  subs = mmio->take_submissions();
  ASSERT_EQ(subs.size(), 1u);
  EXPECT_EQ(subs[0].engine, Engine::BCS);
  EXPECT_EQ(subs[0].desc[0], 0x2'0000'0003ull);
  EXPECT_EQ(subs[0].desc[1], 0xDEAD'0000'0001ull);
  expect_no_failsafe();
}

TEST_F(Mmio, GfxModePrivilegeCheckDisableIsStrippedAndForcesFailsafe) {
  read_pvinfo();
  const uint32_t gfx_mode = kRcs + 0x29C;
  wr(gfx_mode, 0x00010001);
  expect_failsafe(FailsafeReason::unsupported_guest);
  EXPECT_EQ(rd(gfx_mode) & 1, 0u) << "bit 0 never reaches the vreg";
}

TEST_F(Mmio, ExeclistEnableBeforePvinfoReadForcesFailsafe) {
  wr(kRcs + 0x29C, 0x80008000);  // what a captured trace does (gvt-reference §2.11)
  expect_failsafe(FailsafeReason::unsupported_guest);
  EXPECT_EQ(mmio->execlist_enabled(), 0);
}

TEST_F(Mmio, PpgttEnableBeforePvinfoReadForcesFailsafe) {
  wr(kBcs + 0x29C, 0x02000200);
  expect_failsafe(FailsafeReason::unsupported_guest);
}

TEST_F(Mmio, ExeclistEnableAfterPvinfoReadStartsScheduling) {
  wr(kRcs + 0x29C, 0x80000000);  // a disable before PVINFO is no enable: no failsafe
  expect_no_failsafe();
  read_pvinfo();
  wr(kRcs + 0x29C, 0x82008200);
  wr(kRcs + 0x29C, 0xFFFF8000);  // the resume path's value is legal too (IS_MASKED_BITS_ENABLED)
  expect_no_failsafe();
  EXPECT_EQ(mmio->execlist_enabled(), spec::gen8::engine_bit(Engine::RCS));
  EXPECT_EQ(rd(kRcs + 0x29C), 0x00008000u) << "mode-mask rule: bit 15 set, bits 31:16 unchanged";
}

TEST_F(Mmio, ForcewakeIsMirroredIntoTheAck) {
  wr(0xA188, 0x00010001);
  EXPECT_EQ(rd(0x130044), 1u);
  wr(0xA188, 0x00020002);
  EXPECT_EQ(rd(0x130044), 3u);
  wr(0xA188, 0x00010000);
  EXPECT_EQ(rd(0x130044), 2u);
  EXPECT_EQ(rd(0xA188) & 0xFFFF, 2u);
  expect_no_failsafe();
}

TEST_F(Mmio, FenceWritesLandInTheVgpusOwnHostFence) {
  read_pvinfo();
  wr(kFence0 + 8 * 2, 0x0123'4567'89AB'C001ull, 8);
  const uint32_t host = kFence0 + 8 * fences[2];
  EXPECT_EQ(host_fence_regs(), (std::map<uint32_t, uint64_t>{{host, 0x89AB'C001}, {host + 4, 0x0123'4567}}));
  EXPECT_EQ(rd(kFence0 + 8 * 2, 8), 0x0123'4567'89AB'C001ull);
  wr(kFence0 + 8 * 3 + 4, 0x55);  // the high dword alone programs fence 3 with the vreg's low dword
  EXPECT_EQ(fakes.host.regs[kFence0 + 8 * fences[3] + 4], 0x55u);
  EXPECT_EQ(fakes.host.regs[kFence0 + 8 * fences[3]], 0u);
  EXPECT_EQ(host_fence_regs().size(), 4u) << "no other host fence touched";
  EXPECT_EQ(fakes.host.regs.count(kFence0 + 8 * 2), 0u) << "guest index 2 is not host fence 2";
  expect_no_failsafe();
}

TEST_F(Mmio, FenceBeyondTheCountFailsWithoutFailsafeAfterPvinfo) {
  read_pvinfo();
  EXPECT_FALSE(mmio->write(kFence0 + 8 * 4, 8, 0xF001));
  EXPECT_FALSE(mmio->read(kFence0 + 8 * 15, 4));
  EXPECT_TRUE(host_fence_regs().empty());
  EXPECT_EQ(mmio->vreg(kFence0 + 8 * 4), 0u);
  expect_no_failsafe();
  // The kernel traps only the first 16 fences: above them the vreg simply holds the write.
  wr(kFence0 + 8 * 20, 0xF001);
  EXPECT_TRUE(host_fence_regs().empty());
}

TEST_F(Mmio, FenceBeyondTheCountBeforePvinfoForcesFailsafe) {
  EXPECT_FALSE(mmio->read(kFence0 + 8 * 4, 4));
  expect_failsafe(FailsafeReason::unsupported_guest);
}

TEST_F(Mmio, HwsPgaMustLieInsideTheVgpusGm) {
  const uint32_t hws = kRcs + 0x080;
  wr(hws, uint32_t(aperture.base + 0x3000));
  EXPECT_EQ(mmio->hws_pga(Engine::RCS), aperture.base + 0x3000);
  EXPECT_EQ(rd(hws), aperture.base + 0x3000);
  EXPECT_FALSE(mmio->write(hws, 4, 0x1000)) << "the host's reserve, not the vGPU's";
  EXPECT_FALSE(mmio->write(hws, 4, uint32_t(aperture.end() - 0x800))) << "the page crosses the slice's end";
  EXPECT_EQ(rd(hws), aperture.base + 0x3000) << "a rejected write changes nothing";
  wr(hws, 0);  // zero is always accepted
  EXPECT_EQ(mmio->hws_pga(Engine::RCS), 0u);
  expect_no_failsafe();
}

TEST_F(Mmio, GdrstReportsTheRequestAndReadsZero) {
  wr(0x941C, (1u << 1) | (1u << 3));  // RENDER | BLT
  std::optional<ResetRequest> r = mmio->take_reset_request();
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->full);
  EXPECT_EQ(r->engines, spec::gen8::engine_bit(Engine::RCS) | spec::gen8::engine_bit(Engine::BCS));
  EXPECT_EQ(rd(0x941C), 0u);
  EXPECT_FALSE(mmio->take_reset_request());
  wr(0x941C, 1u | (1u << 2));  // GRDOM_FULL wins
  r = mmio->take_reset_request();
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->full);
  EXPECT_EQ(r->engines, 0x1F);
  EXPECT_EQ(rd(0x941C), 0u);
  expect_no_failsafe();
}

TEST_F(Mmio, GdrstPerEngineBitsAreLimitedToTheSkusEngines) {
  // A GT2 without VCS2 (the kernel masks with gt->info.engine_mask).
  auto deps = MmioEmulator::Deps{.id = kId, .host = fakes.host, .clock = fakes.clock, .pvinfo = pvinfo,
                                 .failsafe = failsafe, .fences = fences, .in_gm = nullptr, .sku_engines = 0x17};
  MmioEmulator m(deps, {});
  ASSERT_TRUE(m.write(0x941C, 4, 1u << 7));
  EXPECT_EQ(m.take_reset_request()->engines, 0);
}

TEST_F(Mmio, TlbControlIsPendingPerEngineAndReadsZero) {
  wr(0x4260, 1);
  wr(0x426C, 1);
  EXPECT_EQ(mmio->tlb_pending(), spec::gen8::engine_bit(Engine::RCS) | spec::gen8::engine_bit(Engine::BCS));
  EXPECT_EQ(rd(0x4260), 0u);
  mmio->clear_tlb_pending(Engine::RCS);
  EXPECT_EQ(mmio->tlb_pending(), spec::gen8::engine_bit(Engine::BCS));
  expect_no_failsafe();
}

TEST_F(Mmio, ResetCtlRequestSetsReady) {
  const uint32_t ctl = kRcs + 0x0D0;
  wr(ctl, 0x00010001);
  EXPECT_EQ(rd(ctl) & 3, 3u) << "REQUEST and READY_TO_RESET";
  wr(ctl, 0x00020002);  // READY is read-only to the guest (ro_mask 0xFFFEFFFE); REQUEST and its
                        // enable bit are written as given, so REQUEST now reads 0 and READY stays
  EXPECT_EQ(rd(ctl) & 3, 2u);
  wr(ctl, 0x00010000);
  EXPECT_EQ(rd(ctl) & 3, 0u);
  expect_no_failsafe();
}

TEST_F(Mmio, PcodeMailboxIsFaked) {
  wr(0x138124, 0x8000'1205);  // READY | param 0x12 | READ_RC6VIDS
  EXPECT_EQ(rd(0x138124), 0x0000'1200u) << "READY and the error/command byte read clear";
  EXPECT_EQ(rd(0x138128) & 1, 1u) << "RC6VIDS answer in GEN6_PCODE_DATA";
  EXPECT_TRUE(fakes.host.regs.empty()) << "PCODE is never reached";
  expect_no_failsafe();
}

TEST_F(Mmio, ForceNonprivValuesAreCheckedAgainstTheWhitelist) {
  const uint32_t slot = kRcs + 0x4D0;
  wr(slot, 0x7010);  // GEN7_COMMON_SLICE_CHICKEN1: on force_nonpriv_white_list
  EXPECT_EQ(rd(slot), 0x7010u);
  wr(slot + 4, kRcs + 0x094);  // the engine's own RING_NOPID
  EXPECT_EQ(rd(slot + 4), kRcs + 0x094);
  wr(slot, 0x2358);  // RING_TIMESTAMP: off the list, dropped (the access itself succeeds)
  EXPECT_EQ(rd(slot), 0x7010u);
  wr(slot + 4, kBcs + 0x094);  // another engine's NOPID
  EXPECT_EQ(rd(slot + 4), kRcs + 0x094);
  EXPECT_EQ(mmio->counts().nonpriv_rejected, 2u);
  EXPECT_FALSE(mmio->write(slot, 2, 0x7010)) << "4-byte writes only";
  expect_no_failsafe();
}

TEST_F(Mmio, TimestampIsAlwaysReadFromTheHardware) {
  fakes.host.regs[kRcs + 0x358] = 0x1234'5678;
  fakes.host.regs[kRcs + 0x35C] = 0x9A;
  fakes.host.owners[Engine::RCS] = 5;  // another vGPU owns RCS
  EXPECT_EQ(rd(kRcs + 0x358), 0x1234'5678u);
  EXPECT_EQ(rd(kRcs + 0x358, 8), 0x9A'1234'5678ull);
  fakes.host.regs[kRcs + 0x358] = 0x1234'9999;
  EXPECT_EQ(rd(kRcs + 0x358), 0x1234'9999u);
  expect_no_failsafe();
}

TEST_F(Mmio, ActhdComesFromTheHardwareOnlyWhenTheVgpuOwnsTheEngine) {
  const uint32_t acthd = kRcs + 0x074;
  fakes.host.regs[acthd] = 0xAAAA;
  mmio->set_vreg(acthd, 0x5555);
  EXPECT_EQ(rd(acthd), 0x5555u) << "no owner";
  fakes.host.owners[Engine::RCS] = 2;
  EXPECT_EQ(rd(acthd), 0x5555u) << "another vGPU owns RCS";
  fakes.host.owners[Engine::RCS] = kId;
  EXPECT_EQ(rd(acthd), 0xAAAAu);
  fakes.host.owners[Engine::RCS] = 2;
  fakes.host.regs[acthd] = 0xBBBB;
  EXPECT_EQ(rd(acthd), 0xAAAAu) << "the vreg keeps the last value read while owned";
  // INSTDONE likewise; GEN7_SC_INSTDONE (0x7100) is no engine register: always the hardware.
  fakes.host.regs[kRcs + 0x06C] = 0x77;
  EXPECT_EQ(rd(kRcs + 0x06C), 0u);
  fakes.host.regs[0x7100] = 0x42;
  EXPECT_EQ(rd(0x7100), 0x42u);
  expect_no_failsafe();
}

TEST_F(Mmio, InterruptRegistersArePlainVregWithIirW1cAndMasterBit31) {
  wr(0x44304, 0xFFFF'FEFE);  // GT IMR0: stored
  EXPECT_EQ(rd(0x44304), 0xFFFF'FEFEu);
  mmio->set_vreg(0x44308, 0xF0);
  wr(0x44308, 0x30);  // GT IIR0: write 1 to clear
  EXPECT_EQ(rd(0x44308), 0xC0u);
  wr(0x4430C, 0x101);  // GT IER0
  EXPECT_EQ(rd(0x4430C), 0x101u);
  mmio->set_vreg(0x44200, 0x5);
  wr(0x44200, 0xFFFF'FFFF);  // master: only bit 31
  EXPECT_EQ(rd(0x44200), 0x8000'0005u);
  wr(0x44200, 0);
  EXPECT_EQ(rd(0x44200), 0x5u);
  expect_no_failsafe();
}

TEST_F(Mmio, OtherHandlerIdsAreDefaultVregAndCounted) {
  wr(0x42300, 0x8000'0001);  // FPGA_DBG: fpga_dbg_mmio_write is not implemented here
  EXPECT_EQ(rd(0x42300), 0x8000'0001u);
  EXPECT_EQ(mmio->counts().unhandled, 2u) << "the write and the read";
  expect_no_failsafe();
}

TEST_F(Mmio, InFailsafeAccessesOnlyTouchTheVreg) {
  wr(kRcs + 0x29C, 0x80008000);  // no PVINFO read: failsafe
  expect_failsafe(FailsafeReason::unsupported_guest);
  // A fence write beyond the count neither fails nor reaches the host; one in range stays virtual.
  wr(kFence0 + 8 * 5, 0xF001);
  wr(kFence0, 0xF001);
  EXPECT_TRUE(host_fence_regs().empty());
  EXPECT_EQ(rd(kFence0), 0xF001u);
  // TIMESTAMP is the vreg; ELSP submits nothing; GDRST reports nothing; PVINFO reads don't notify.
  fakes.host.regs[kRcs + 0x358] = 0x1234;
  EXPECT_EQ(rd(kRcs + 0x358), 0u);
  for (int i = 0; i < 4; ++i) wr(kRcs + 0x230, i);
  EXPECT_TRUE(mmio->take_submissions().empty());
  wr(0x941C, 1);
  EXPECT_FALSE(mmio->take_reset_request());
  EXPECT_EQ(rd(0x941C), 1u);
  EXPECT_EQ(rd(kPvInfoBase, 8), kVgtMagic);
  EXPECT_FALSE(pvinfo.pv_notified());
  wr(kRcs + 0x29C, 0x00010001);  // no re-entry
  EXPECT_EQ(failsafe.entries(), 1u);
  EXPECT_GT(mmio->counts().failsafe_accesses, 0u);
}

TEST_F(Mmio, ResetRestoresTheGoldenImageAndDropsPendingState) {
  wr(0x1F0000, 1);
  wr(0x4260, 1);
  for (uint32_t v : {1u, 2u, 3u}) wr(kRcs + 0x230, v);
  mmio->reset();
  EXPECT_EQ(rd(0x1F0000), 0x600DF00Du);
  EXPECT_EQ(mmio->tlb_pending(), 0);
  wr(kRcs + 0x230, 4);
  EXPECT_TRUE(mmio->take_submissions().empty()) << "the ELSP capture restarted";
  wr(0x1F0000, 2);
  mmio->set_vreg(0x40000, 7);
  mmio->restore_golden(0x44200);  // what a full GDRST restores
  EXPECT_EQ(mmio->vreg(0x40000), 0u);
  EXPECT_EQ(rd(0x1F0000), 2u) << "above 0x44200 the vreg survives";
  expect_no_failsafe();
}

}  // namespace
}  // namespace gvtsim::vgpu::testing
