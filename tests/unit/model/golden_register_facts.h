#pragma once
// Golden register facts for the BDW (Gen8) MMIO model -- an INDEPENDENT list.
//
// What this is
//   A short list of facts about Broadwell MMIO registers as a CPU sees them
//   through BAR0. It was written without looking at the project's register
//   table (spec/), so a test can check the model against it without the
//   check being circular.
//
// How the facts were gathered
//   From public sources only, read through the stored-source search tools:
//   Linux i915 (gt/intel_engine_regs.h, i915_reg.h, i915_pvinfo.h, i915_vgpu.c,
//   gt/intel_gt.c / intel_tlb.c, intel_reset.c, old intel_lrc.c), i915 GVT-g
//   (gvt/handlers.c, gvt/interrupt.c, gvt/execlist.c/.h, gvt/mmio.c, and gvt commit
//   83faaf074e6d), the older XenGT vgt tree, Mesa genxml gen8.xml, Genode's
//   Broadwell driver (which cites IHD-OS-BDW-Vol 2c-11.15 page numbers), and
//   ../shared/docs/gvt-reference.md sections 2.2, 2.8, 2.10 and 2.11. Only facts
//   were recorded; no code or prose was copied.
//
// The rule that shaped the list
//   Every number in a fact has a source. The text of the BDW PRM vol 2c
//   ("Default Value" per register) could NOT be reached from here: the stored
//   page corpora hold only the first pages of the PRM PDFs, and there is no
//   network. The kernel and GVT sources describe layouts, masks and behaviour,
//   but they almost never state a power-on value (GVT seeds its virtual
//   registers from a snapshot of the host, not from constants). So a register is
//   listed only when its power-on/idle read value is itself attested:
//     - CSB pointer: i915 says the write pointer is all ones after power-up/GPU
//       reset; current GVT sets the read pointer to 0 (the older XenGT vgt set
//       both pointers to 7, so bits 10:8 of the reset value are the weak part).
//     - GDRST and the gen8 TLB-invalidate registers: request bits self-clear and
//       i915 polls for them to read 0 (that is the ack); GVT stores 0 after every write.
//     - PVINFO window: the hardware has no backing store for 0x78000-0x78FFF
//       (gvt commit 83faaf074e6d), so bare metal reads 0 and ignores writes.
//   For self-clearing registers, `writable` lists the request bits a write can
//   set; they read back as 0 again once the hardware is done.
//
// Left out for lack of a sourced power-on value (other attributes ARE sourced;
// add them once someone can read the BDW PRM "Default Value" rows).
// Engine bases: RCS 0x2000, VCS 0x12000, VECS 0x1A000, BCS 0x22000.
//   RING_TAIL   +0x30  plain; tail field 20:3 = 0x001FFFF8 (TAIL_ADDR)
//   RING_HEAD   +0x34  plain; offset 20:2 (HEAD_ADDR) + wrap count 31:21, HW-advanced
//   RING_START  +0x38  plain; address 31:12 (Genode, GVT F_GMADR)
//   RING_CTL    +0x3C  plain; length 20:12, RBWait 11 and SemWait 10 are HW status,
//                      reg-access-disable 8 (non-RCS only, gen8.xml), report 2:1, enable 0
//   HWS_PGA     +0x80  plain; page-aligned GGTT address (GVT hws_pga_write)
//   HWSTAM      +0x98  plain (GVT MMIO_RING_DFH, flags 0)
//   MI_MODE     +0x9C  masked (GVT F_MODE_MASK); MODE_IDLE bit 9 is HW status
//   INSTPM      +0xC0  masked (GVT F_MODE_MASK; gen8.xml "... Mask" fields 17/18/19/22)
//   RESET_CTL   +0xD0  masked in use (i915 _MASKED_BIT_ENABLE); only bit 0 (request) is
//                      SW-writable -- ready 1 and cat-error 2 are HW-set (GVT ro_mask
//                      ~0x00010001, i915 gen8_engine_reset_prepare)
//   ELSP        +0x230 write-only submit port, 4 dword writes (GVT elsp_mmio_write)
//   EXECLIST_STATUS +0x234/+0x238  read-only (GVT F_RO, ro_mask ~0)
//   CONTEXT_CONTROL +0x244  written with masked values by i915; GVT does NOT mark it
//                      F_MODE_MASK (disagreement)
//   GFX_MODE    +0x29C masked (GVT F_MODE_MASK); bit 0 = privilege-check disable
//   CSB entries +0x370..+0x39C  read-only (GVT F_RO)
//   CTX_TIMESTAMP +0x3A8  (i915 RING_CTX_TIMESTAMP; no access or reset data found)
//   GT ISR/IMR/IIR/IER 0x44300+0x10n (+0/+4/+8/+C): IIR write-1-to-clear (gvt/interrupt.c
//                      intel_vgpu_reg_iir_handler; i915 writes IIR twice); IMR/IER plain;
//                      ISR is status (GVT does not enforce read-only)
//   MASTER_IRQ 0x44200: only bit 31 is writable; bits 30:0 are roll-up status
//                      (gvt/interrupt.c intel_vgpu_reg_master_irq_handler)
//   DE pipe 0x44400+0x10p, DE port 0x44440, DE misc 0x44460, PCU 0x444E0, PCH SDE
//                      0xC4000: same ISR/IMR/IIR/IER layout (display ISRs carry live
//                      hot-plug state, so their power-on value depends on the board)
//   FENCE n 0x100000+8n: LO start 31:12, Y-tiling 1, valid 0; HI end 31:12, pitch
//                      from bit 0 (i915 fence code); 32 fences on BDW
//   FORCEWAKE_MT 0xA188 masked; its ack FORCEWAKE_ACK_HSW 0x130044 mirrors bits 15:0
//                      and is written by the GT, not by software (GVT mul_force_wake_write)
//   GFX_FLSH_CNTL 0x101008: software writes bit 0 to flush the GGTT write path
//   PPAT 0x40E0/0x40E4: 8 one-byte entries, mem type 1:0, target cache 3:2, age 5:4
#include <cstdint>
namespace gvtsim::tests {
// One fact about a BDW MMIO register as seen by the CPU through BAR0, independent of spec/gen8.
struct GoldenRegisterFact {
  const char* name;     // i915 / PRM spelling, with the engine for per-engine registers ("RCS RING_TAIL")
  uint32_t offset;      // absolute MMIO offset (dword aligned)
  uint32_t reset;       // value a read returns after power-on, before any write
  uint32_t writable;    // bits a plain 32-bit CPU write can change (for masked registers: of bits 15:0, when the enable bit is set)
  bool masked;          // bits 31:16 of a write are per-bit write enables for bits 15:0
  uint32_t w1c;         // write-1-to-clear bits (0 if none)
  const char* cite;     // source of each number, e.g. "i915 gt/intel_engine_regs.h RING_TAIL; PRM vol2c"
  // Added when the list grew past the registers with sourced power-on values:
  bool reset_known = true;      // false: the power-on value is not documented; only masks are checked
  bool self_clearing = false;   // writable bits are requests the hardware clears when done (read 0)
  uint32_t check = 0xFFFFFFFF;  // the bits this fact speaks about (the rest are not sourced)
};

// Facts about per-engine registers, given relative to the engine's MMIO base; the test applies each
// to RCS 0x2000, BCS 0x22000, VCS 0x12000 and VECS 0x1A000 (i915 gt/intel_engine_regs.h
// RENDER_RING_BASE, BLT_RING_BASE, GEN6_BSD_RING_BASE, VEBOX_RING_BASE), except where `not_rcs`.
struct GoldenEngineFact {
  const char* name;
  uint32_t relative;
  uint32_t writable;
  bool masked;
  uint32_t w1c;
  uint32_t check;
  bool not_rcs;
  const char* cite;
};
inline constexpr GoldenEngineFact kGoldenEngineFacts[] = {
  {"RING_TAIL", 0x30, 0x001FFFF8, false, 0, 0xFFFFFFFF, false,
   "i915 gt/intel_engine_regs.h RING_TAIL(base) base+0x30, TAIL_ADDR 0x001FFFF8 (QWord-aligned tail 20:3; other bits reserved)"},
  {"RING_HEAD", 0x34, 0xFFFFFFFC, false, 0, 0xFFFFFFFF, false,
   "i915 gt/intel_engine_regs.h RING_HEAD(base) base+0x34, HEAD_ADDR 0x001FFFFC, HEAD_WRAP_COUNT 0xFFE00000"},
  {"RING_START", 0x38, 0xFFFFF000, false, 0, 0xFFFFFFFF, false,
   "i915 gt/intel_engine_regs.h RING_START(base) base+0x38; page-aligned GGTT address 31:12 (GVT F_GMADR, Genode BDW driver)"},
  {"RING_CTL", 0x3C, 0x001FF107, false, 0, 0xFFFFFFFF, true,
   "i915 gt/intel_engine_regs.h RING_CTL base+0x3c: RING_NR_PAGES 0x001FF000, RING_REPORT_MASK 2:1, RING_VALID 0; "
   "bit 8 register-access disable on non-render rings (Mesa gen8.xml *_RING_BUFFER_CTL); RBWait 11 / SemWait 10 are status"},
  {"RING_HWS_PGA", 0x80, 0xFFFFF000, false, 0, 0xFFFFFFFF, false,
   "i915 gt/intel_engine_regs.h RING_HWS_PGA base+0x80; a page-aligned GGTT address (gvt handlers.c hws_pga_write)"},
  {"RING_MI_MODE STOP_RING", 0x9C, 0x0100, true, 0, 0x0100, false,
   "i915 gt/intel_engine_regs.h RING_MI_MODE base+0x9c, STOP_RING bit 8 set with _MASKED_BIT_ENABLE (intel_engine_stop_cs); "
   "masked: gvt handlers.c F_MODE_MASK"},
  {"RING_INSTPM FORCE_ORDERING", 0xC0, 0x0080, true, 0, 0x0080, false,
   "i915 gt/intel_engine_regs.h RING_INSTPM base+0xc0; INSTPM_FORCE_ORDERING bit 7 written with _MASKED_BIT_ENABLE "
   "(i915 intel_engine_cs / gen8 init); masked: gvt handlers.c F_MODE_MASK"},
  {"RING_RESET_CTL REQUEST", 0xD0, 0x0001, true, 0, 0x0005, false,
   "i915 gt/intel_engine_regs.h RING_RESET_CTL base+0xd0: RESET_CTL_REQUEST_RESET bit 0 (software, masked), "
   "RESET_CTL_CAT_ERROR bit 2 hardware-set; i915 gen8_engine_reset_prepare; gvt ro_mask"},
  {"GFX_MODE (RING_MODE_GEN7)", 0x29C, 0x8200, true, 0, 0x8200, false,
   "i915 gt/intel_engine_regs.h RING_MODE_GEN7 base+0x29c; GFX_RUN_LIST_ENABLE bit 15 and GFX_PPGTT_ENABLE bit 9 written "
   "masked by i915 (enable_execlists); gvt handlers.c F_MODE_MASK"},
  {"RING_EXECLIST_STATUS_LO", 0x234, 0x0, false, 0, 0xFFFFFFFF, false,
   "i915 gt/intel_engine_regs.h RING_EXECLIST_STATUS_LO base+0x234; read-only status (gvt handlers.c F_RO, ro_mask ~0)"},
  {"RING_EXECLIST_STATUS_HI", 0x238, 0x0, false, 0, 0xFFFFFFFF, false,
   "i915 gt/intel_engine_regs.h RING_EXECLIST_STATUS_HI base+0x238; read-only (gvt handlers.c F_RO)"},
  {"RING_CONTEXT_STATUS_BUF_LO(0)", 0x370, 0x0, false, 0, 0xFFFFFFFF, false,
   "i915 gt/intel_engine_regs.h RING_CONTEXT_STATUS_BUF_BASE base+0x370; read-only (gvt handlers.c F_RO, 48 bytes)"},
  {"RING_CONTEXT_STATUS_BUF_HI(5)", 0x39C, 0x0, false, 0, 0xFFFFFFFF, false,
   "i915 CSB: 6 entries of 8 bytes from base+0x370, entry 5 high at +0x39c; read-only (gvt handlers.c F_RO)"},
};
inline constexpr GoldenRegisterFact kGoldenRegisterFacts[] = {
  // ---- Context status buffer pointer (engine base + 0x3A0) ----------------------------
  // Fields: write pointer 2:0, read pointer 10:8 (gvt/execlist.h); masked (GVT F_MODE_MASK).
  {"RCS RING_CONTEXT_STATUS_PTR", 0x023A0, 0x00000007, 0x00000707, true, 0,
   "offset: i915 gt/intel_engine_regs.h RING_CONTEXT_STATUS_PTR (base+0x3a0); fields write 2:0 / read 10:8: "
   "gvt/execlist.h execlist_context_status_pointer_format; masked: gvt/handlers.c init_bdw_mmio_info F_MODE_MASK; "
   "reset: write ptr all-ones after power-up/GPU reset per i915 intel_lrc.c gen8_init_common_ring comment (v4.5 era), "
   "read ptr 0 per gvt/execlist.c init_vgpu_execlist; writable: i915 reset_csb_pointers writes both fields, "
   "gvt-reference 2.11"},
  {"BCS RING_CONTEXT_STATUS_PTR", 0x223A0, 0x00000007, 0x00000707, true, 0,
   "as RCS: i915 gt/intel_engine_regs.h base+0x3a0 with BLT base 0x22000; gvt/execlist.h fields; "
   "gvt/handlers.c F_MODE_MASK; reset per i915 intel_lrc.c gen8 CSB comment + gvt/execlist.c init_vgpu_execlist"},
  {"VCS RING_CONTEXT_STATUS_PTR", 0x123A0, 0x00000007, 0x00000707, true, 0,
   "as RCS: i915 gt/intel_engine_regs.h base+0x3a0 with BSD base 0x12000; gvt/execlist.h fields; "
   "gvt/handlers.c F_MODE_MASK; reset per i915 intel_lrc.c gen8 CSB comment + gvt/execlist.c init_vgpu_execlist"},
  {"VECS RING_CONTEXT_STATUS_PTR", 0x1A3A0, 0x00000007, 0x00000707, true, 0,
   "as RCS: i915 gt/intel_engine_regs.h base+0x3a0 with VEBOX base 0x1a000; gvt/execlist.h fields; "
   "gvt/handlers.c F_MODE_MASK; reset per i915 intel_lrc.c gen8 CSB comment + gvt/execlist.c init_vgpu_execlist"},

  // ---- Graphics device reset (self-clearing request bits) ------------------------------
  {"GEN6_GDRST", 0x0941C, 0x00000000, 0x0000009F, false, 0,
   "offset+bits: i915_reg.h GEN6_GDRST, GRDOM_FULL 0 / RENDER 1 / MEDIA 2 / BLT 3 / VECS 4, GEN8_GRDOM_MEDIA2 7; "
   "self-clearing, reads 0 when idle: i915 gt/intel_reset.c gen6_hw_domain_reset waits for (GDRST & mask) == 0 "
   "as the device's ack; gvt/handlers.c gdrst_mmio_write stores 0 after the reset; "
   "gvt-reference 2.10", true, true},

  // ---- Gen8 TLB invalidation control (self-clearing bit 0, not masked before gen12) -----
  {"RCS GEN8_RTCR", 0x04260, 0x00000000, 0x00000001, false, 0,
   "offset: i915 gt/intel_gt_regs.h GEN8_RTCR; request bit BIT(instance)=bit 0, plain (not masked) on gen8-11 "
   "per i915 gt/intel_gt.c mmio_invalidate_full comment; self-clears: i915 wait_for_invalidate polls the bit to 0; "
   "gvt/handlers.c gvt_reg_tlb_control_handler stores 0 (D_BDW_PLUS)", true, true},
  {"VCS GEN8_M1TCR", 0x04264, 0x00000000, 0x00000001, false, 0,
   "offset: i915 gt/intel_gt_regs.h GEN8_M1TCR (VIDEO_DECODE_CLASS in gen8_regs); bit 0 request, self-clearing, "
   "not masked on gen8 (i915 gt/intel_gt.c mmio_invalidate_full / wait_for_invalidate); gvt/handlers.c stores 0", true, true},
  {"BCS GEN8_BTCR", 0x0426C, 0x00000000, 0x00000001, false, 0,
   "offset: i915 gt/intel_gt_regs.h GEN8_BTCR (COPY_ENGINE_CLASS in gen8_regs); bit 0 request, self-clearing, "
   "not masked on gen8 (i915 gt/intel_gt.c mmio_invalidate_full / wait_for_invalidate); gvt/handlers.c stores 0", true, true},
  {"VECS GEN8_VTCR", 0x04270, 0x00000000, 0x00000001, false, 0,
   "offset: i915 gt/intel_gt_regs.h GEN8_VTCR (VIDEO_ENHANCEMENT_CLASS in gen8_regs); bit 0 request, self-clearing, "
   "not masked on gen8 (i915 gt/intel_gt.c mmio_invalidate_full / wait_for_invalidate); gvt/handlers.c stores 0", true, true},

  // ---- PVINFO window 0x78000-0x78FFF on bare metal ---------------------------------------
  // Layout: i915_pvinfo.h struct vgt_if. Bare metal: no backing store (gvt commit 83faaf074e6d), so
  // reads return 0 and writes are dropped; i915_vgpu.c i915_check_vgpu treats magic != VGT_MAGIC as native.
  {"PVINFO vgt_if.magic (low dword)", 0x78000, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h VGT_PVINFO_PAGE 0x78000, magic at +0x00; reset/writable: gvt commit 83faaf074e6d "
   "(HW has no backing store for the pvinfo range); i915_vgpu.c i915_check_vgpu 64-bit magic read"},
  {"PVINFO vgt_if.magic (high dword)", 0x78004, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h struct vgt_if u64 magic (+0x04 = high half); reset/writable: gvt commit 83faaf074e6d"},
  {"PVINFO vgt_if.version_major/minor", 0x78008, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h u16 version_major at +0x08, version_minor at +0x0a; reset/writable: gvt commit 83faaf074e6d"},
  {"PVINFO vgt_if.vgt_id", 0x7800C, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h vgt_id at +0x0c; reset/writable: gvt commit 83faaf074e6d"},
  {"PVINFO vgt_if.vgt_caps", 0x78010, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h vgt_caps at +0x10 (gvt/handlers.c pvinfo_mmio_read case 0x78010); "
   "reset/writable: gvt commit 83faaf074e6d"},
  {"PVINFO avail_rs.mappable_gmadr.base", 0x78040, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h avail_rs starts at +0x40 (rsv1 pads to 0x40); read by i915_vgpu.c intel_vgt_balloon; "
   "reset/writable: gvt commit 83faaf074e6d"},
  {"PVINFO avail_rs.mappable_gmadr.size", 0x78044, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h avail_rs +0x44; read by i915_vgpu.c intel_vgt_balloon; reset/writable: gvt commit 83faaf074e6d"},
  {"PVINFO avail_rs.nonmappable_gmadr.base", 0x78048, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h avail_rs +0x48; read by i915_vgpu.c intel_vgt_balloon; reset/writable: gvt commit 83faaf074e6d"},
  {"PVINFO avail_rs.nonmappable_gmadr.size", 0x7804C, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h avail_rs +0x4c; read by i915_vgpu.c intel_vgt_balloon; reset/writable: gvt commit 83faaf074e6d"},
  {"PVINFO avail_rs.fence_num", 0x78050, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h fence_num at +0x50; reset/writable: gvt commit 83faaf074e6d; gvt-reference 2.2 PVINFO table"},
  {"PVINFO display_ready", 0x78804, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h rsv3 pads to 0x800, rsv4 at 0x800, display_ready at +0x804; "
   "reset/writable on bare metal: gvt commit 83faaf074e6d; gvt-reference 2.2"},
  {"PVINFO g2v_notify", 0x78818, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h g2v_notify after rsv5[4] at +0x818; reset/writable on bare metal: gvt commit 83faaf074e6d; "
   "gvt-reference 2.2"},
  {"PVINFO pdp[0].lo", 0x78838, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h pdp[4] after cursor_x_hot/y_hot (+0x830/+0x834) starts at +0x838; "
   "reset/writable on bare metal: gvt commit 83faaf074e6d; gvt-reference 2.2"},
  {"PVINFO pdp[0].hi", 0x7883C, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h pdp[0].hi at +0x83c; reset/writable on bare metal: gvt commit 83faaf074e6d"},
  {"PVINFO execlist_context_descriptor_lo", 0x78858, 0x00000000, 0x00000000, false, 0,
   "offset: i915_pvinfo.h execlist_context_descriptor_lo after pdp[4] at +0x858; "
   "reset/writable on bare metal: gvt commit 83faaf074e6d; gvt-reference 2.2"},

  // ---- Interrupt registers (gvt-reference 2.8/2.11; i915 i915_reg.h GEN8_*; gvt/interrupt.c) ----
  // IMR/IER plain read-write; IIR write-1-to-clear (intel_vgpu_reg_iir_handler; i915 gen8 IIR reset
  // writes 0xffffffff twice); ISR read-only live status; the master: only bit 31 writable.
  {"GEN8_MASTER_IRQ", 0x44200, 0, 0x80000000, false, 0,
   "i915_reg.h GEN8_MASTER_IRQ 0x44200, GEN8_MASTER_IRQ_CONTROL bit 31; bits 30:0 roll-up status "
   "(gvt/interrupt.c intel_vgpu_reg_master_irq_handler); reset: nothing pending, master off", true},
  {"GEN8_GT_IMR0", 0x44304, 0, 0xFFFFFFFF, false, 0, "i915_reg.h GEN8_GT_IMR(0) 0x44304; plain mask register", false},
  {"GEN8_GT_IIR0", 0x44308, 0, 0, false, 0xFFFFFFFF, "i915_reg.h GEN8_GT_IIR(0) 0x44308; write-1-to-clear (gvt/interrupt.c)", false},
  {"GEN8_GT_IER0", 0x4430C, 0, 0xFFFFFFFF, false, 0, "i915_reg.h GEN8_GT_IER(0) 0x4430c; plain enable register", false},
  {"GEN8_GT_ISR0", 0x44300, 0, 0, false, 0, "i915_reg.h GEN8_GT_ISR(0) 0x44300; read-only live status (PRM vol2c ISR)", false},
  {"GEN8_GT_IMR1", 0x44314, 0, 0xFFFFFFFF, false, 0, "i915_reg.h GEN8_GT_IMR(1) 0x44314", false},
  {"GEN8_GT_IIR1", 0x44318, 0, 0, false, 0xFFFFFFFF, "i915_reg.h GEN8_GT_IIR(1) 0x44318; write-1-to-clear", false},
  {"GEN8_GT_IER1", 0x4431C, 0, 0xFFFFFFFF, false, 0, "i915_reg.h GEN8_GT_IER(1) 0x4431c", false},
  {"GEN8_GT_IMR2", 0x44324, 0, 0xFFFFFFFF, false, 0, "i915_reg.h GEN8_GT_IMR(2) 0x44324 (PM)", false},
  {"GEN8_GT_IIR2", 0x44328, 0, 0, false, 0xFFFFFFFF, "i915_reg.h GEN8_GT_IIR(2) 0x44328; write-1-to-clear", false},
  {"GEN8_GT_IMR3", 0x44334, 0, 0xFFFFFFFF, false, 0, "i915_reg.h GEN8_GT_IMR(3) 0x44334 (VECS)", false},
  {"GEN8_GT_IIR3", 0x44338, 0, 0, false, 0xFFFFFFFF, "i915_reg.h GEN8_GT_IIR(3) 0x44338; write-1-to-clear", false},
  {"GEN8_GT_IER3", 0x4433C, 0, 0xFFFFFFFF, false, 0, "i915_reg.h GEN8_GT_IER(3) 0x4433c", false},
  {"GEN8_DE_PIPE_IMR(A)", 0x44404, 0, 0xFFFFFFFF, false, 0, "i915_reg.h GEN8_DE_PIPE_IMR(pipe) 0x44404 + 0x10*pipe", false},
  {"GEN8_DE_PIPE_IIR(A)", 0x44408, 0, 0, false, 0xFFFFFFFF, "i915_reg.h GEN8_DE_PIPE_IIR(pipe) 0x44408; write-1-to-clear", false},
  {"GEN8_DE_PIPE_IER(B)", 0x4441C, 0, 0xFFFFFFFF, false, 0, "i915_reg.h GEN8_DE_PIPE_IER(pipe) 0x4440c + 0x10*pipe, pipe B", false},
  {"GEN8_DE_PIPE_IIR(C)", 0x44428, 0, 0, false, 0xFFFFFFFF, "i915_reg.h GEN8_DE_PIPE_IIR(pipe), pipe C 0x44428; w1c", false},
  {"GEN8_DE_PORT_IMR", 0x44444, 0, 0xFFFFFFFF, false, 0, "i915_reg.h GEN8_DE_PORT_IMR 0x44444", false},
  {"GEN8_DE_PORT_IIR", 0x44448, 0, 0, false, 0xFFFFFFFF, "i915_reg.h GEN8_DE_PORT_IIR 0x44448; write-1-to-clear", false},
  {"GEN8_DE_MISC_IER", 0x4446C, 0, 0xFFFFFFFF, false, 0, "i915_reg.h GEN8_DE_MISC_IER 0x4446c", false},
  {"GEN8_DE_MISC_IIR", 0x44468, 0, 0, false, 0xFFFFFFFF, "i915_reg.h GEN8_DE_MISC_IIR 0x44468; write-1-to-clear", false},
  {"GEN8_PCU_IMR", 0x444E4, 0, 0xFFFFFFFF, false, 0, "i915_reg.h GEN8_PCU_IMR 0x444e4", false},
  {"GEN8_PCU_IIR", 0x444E8, 0, 0, false, 0xFFFFFFFF, "i915_reg.h GEN8_PCU_IIR 0x444e8; write-1-to-clear", false},
  {"SDEIMR", 0xC4004, 0, 0xFFFFFFFF, false, 0, "i915_reg.h SDEIMR 0xc4004 (PCH south display engine)", false},
  {"SDEIIR", 0xC4008, 0, 0, false, 0xFFFFFFFF, "i915_reg.h SDEIIR 0xc4008; write-1-to-clear", false},
  {"SDEIER", 0xC400C, 0, 0xFFFFFFFF, false, 0, "i915_reg.h SDEIER 0xc400c", false},
  {"SDEISR", 0xC4000, 0, 0, false, 0, "i915_reg.h SDEISR 0xc4000; read-only live hot-plug status", false},

  // ---- Forcewake, fences ---------------------------------------------------------------------
  {"FORCEWAKE_MT kernel bit", 0x0A188, 0, 0x0001, true, 0,
   "i915 intel_uncore.h/.c FORCEWAKE_MT 0xa188, FORCEWAKE_KERNEL bit 0 set/cleared with _MASKED_BIT_ENABLE/DISABLE; "
   "gvt handlers.c mul_force_wake_write", false, false, 0x0001},
  {"FORCEWAKE_ACK_HSW", 0x130044, 0, 0, false, 0,
   "i915 FORCEWAKE_ACK_HSW 0x130044: written by the GT, mirrors the request (gvt mul_force_wake_write); "
   "software writes do not change it", false, false, 0x0000FFFF},
  {"FENCE_REG_GEN6_LO(0)", 0x100000, 0, 0xFFFFF003, false, 0,
   "i915 FENCE_REG_GEN6_LO(i) 0x100000 + 8i: start address 31:12, I965_FENCE_TILING_Y_SHIFT 1, I965_FENCE_REG_VALID 0",
   false, false, 0xFFFFF003},
  {"FENCE_REG_GEN6_LO(31)", 0x1000F8, 0, 0xFFFFF003, false, 0,
   "i915 FENCE_REG_GEN6_LO(31) 0x1000f8: 32 fences on BDW (gvt-reference 2.2); layout as fence 0", false, false, 0xFFFFF003},
  {"FENCE_REG_GEN6_HI(0) end", 0x100004, 0, 0xFFFFF000, false, 0,
   "i915 FENCE_REG_GEN6_HI(i) 0x100004 + 8i: end address in 31:12 (fence value bits 63:44, i915 fence code)",
   false, false, 0xFFFFF000},
};
}  // namespace gvtsim::tests
