// The MMIO trap path of one vGPU (gvt-reference §2.2; i915 gvt/mmio.c intel_vgpu_emulate_mmio_read /
// intel_vgpu_emulate_mmio_write, gvt/handlers.c intel_vgpu_mmio_reg_rw and the BDW handlers): the
// guest's accesses to the 2 MB register window of BAR0, emulated against the vGPU's vreg image.
//
// Policy comes from the spec table's GVT-g columns (docs/tables.md): RegRow::tracked, gvt_flags
// (kGvtF_*), gvt_ro and gvt_handler. Behaviour is bound to GvtHandler ids, never to names.
//
// Access rules (gvt/mmio.c): 1–8 bytes, inside the 2 MB window; naturally aligned (sizes 1, 2, 4, 8)
// unless the dword at the offset is F_UNALIGN. Anything else is a guest error.
// Lookup order (handlers.c intel_vgpu_mmio_reg_rw): a block (PVINFO → the PvInfo object; the other
// blocks — MCHBAR mirror, palettes — have no handlers and are plain vreg) → a tracked dword with its
// handler → the default (a copy to/from the vreg). Untracked offsets simply live in the vreg.
// Writes to tracked dwords: gvt_ro (the kernel's ro_mask) keeps the vreg's bits, an all-ones ro_mask
// drops the write; on F_MODE_MASK dwords, after the handler, only the bits enabled by bits 31:16 of
// the new value change in 15:0 (the kernel's post-processing; bits 31:16 keep their old value).
//
// Failsafe (§2.10; mmio.c failsafe_emulate_mmio_rw): once the vGPU is in failsafe, every access is the
// default vreg copy — no handler, no host access, no failsafe re-entry. PVINFO reads then return the
// page without marking pv_notified, and PVINFO writes are dropped (the kernel's vreg holds PVINFO; here
// it is the PvInfo object, whose write path has side effects the kernel skips in failsafe).
//
// Where gvtsim differs from the kernel, and why:
//   - an 8-byte access is two dword accesses, low dword first (the kernel hands all 8 bytes to the
//     start dword's handler; its ELSP, GFX_MODE, … handlers then read only the low dword);
//   - a 1- or 2-byte access goes to the handler of the dword containing it, as a 4-byte access with
//     the other bytes taken from the vreg (the kernel looks handlers up by exact offset, so a byte
//     write at GFX_MODE + 2 would bypass ring_mode_mmio_write);
//   - mmio_read_from_hw refreshes each dword of the access (the kernel only the first);
//   - an unaligned access (F_UNALIGN, only PCH_GPIO on BDW) that crosses dwords is a plain vreg copy.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "base/status.h"
#include "spec/gen8/engines.h"
#include "spec/gen8/registers.h"
#include "vgpu/clock.h"
#include "vgpu/common.h"
#include "vgpu/failsafe.h"
#include "vgpu/host_gpu.h"
#include "vgpu/pvinfo.h"

namespace gvtsim::vgpu {

using spec::gen8::EngineMask;

inline constexpr uint32_t kMmioWindow = 2u << 20;  // gvt.c init_device_info: mmio_size

// What the 4th ELSP write of an engine yields (elsp_mmio_write: data[3 - index] = value; desc[i] =
// data[2i] | data[2i + 1] << 32). Execlist virtualization takes it later.
struct ElspSubmission {
  Engine engine = Engine::RCS;
  std::array<uint64_t, 2> desc{};  // desc[0] is element 0 (the last two dwords written)
};

// A GDRST write (gdrst_mmio_write): GRDOM_FULL asks for a reset of everything (the caller also
// restores the vregs below 0x44200 and repopulates PVINFO, §2.10); otherwise the engines whose GRDOM
// bits are set, limited to the engines the SKU has.
struct ResetRequest {
  bool full = false;
  EngineMask engines = 0;
};

class VirtualIrq;  // irq.h: the virtual interrupt tree the IMR/IER/IIR/master handlers drive

class MmioEmulator {
 public:
  struct Deps {
    VgpuId id = 0;
    HostGpu& host;
    Clock& clock;
    PvInfo& pvinfo;
    Failsafe& failsafe;
    std::vector<unsigned> fences;  // the vGPU's host fence indices: guest fence i is host fence fences[i]
    // Whether [gma, gma + size) lies inside the vGPU's GM slices (intel_gvt_ggtt_validate_range).
    std::function<bool(uint64_t gma, uint64_t size)> in_gm;
    EngineMask sku_engines = 0x1F;  // engines the host has (GDRST per-engine bits are limited to them)
  };

  // `golden` is the vreg at creation (kMmioWindow / 4 dwords; shorter is zero-padded, an empty one is
  // an all-zero image).
  MmioEmulator(Deps deps, std::vector<uint32_t> golden);

  // Reads the host's registers through HostGpu as a golden snapshot (gvt/firmware.c keeps one taken
  // at load): the tracked dwords and the tracked blocks but PVINFO; every other dword is 0.
  static std::vector<uint32_t> snapshot(HostGpu& host);

  // The vGPU's host fences, known once its resources are allocated (creation step 4).
  void set_fences(std::vector<unsigned> fences) { m_d.fences = std::move(fences); }
  // Where the IMR/IER/IIR/master handlers go (gvt/interrupt.c). Without one they only store
  // (IIR: write-1-to-clear; master: bit 31), as the unit tests of the trap path alone use it.
  void set_irq(VirtualIrq* irq) { m_irq = irq; }

  // Guest accesses by BAR0 offset. A failed access (malformed, a fence index beyond the vGPU's
  // fences, HWS_PGA outside its GM, ...) is a guest_error; a failed read's data is zero, as the kernel
  // memsets it, so the caller answers the guest 0.
  Result<uint64_t> read(uint32_t offset, unsigned size);
  Status write(uint32_t offset, unsigned size, uint64_t value);

  // Device-model reset: the vreg as the golden image, ELSP capture, pending TLB invalidations and
  // HWS_PGA values dropped. restore_golden(end) restores only the vregs below `end` (a full GDRST
  // restores below 0x44200).
  void reset();
  void restore_golden(uint32_t end);
  // A GDRST of `engines` (execlist.c intel_vgpu_reset_execlist → init_vgpu_execlist): the ELSP
  // capture and the captured, not yet taken submissions of those engines dropped; each engine's CSB
  // pointer vreg back to read 0 / write 7; its pending TLB invalidation dropped.
  void reset_engines(EngineMask engines);
  // A full GDRST (intel_gvt_reset_vgpu_locked with ALL_ENGINES, dmlr false): every engine reset as
  // above, the vregs below 0x44200 restored from the golden image (interrupt and display state
  // survive: GVT_GEN8_MMIO_RESET_OFFSET), submission back to none (execlists must be re-enabled) and
  // the HWS_PGA values dropped.
  void full_reset();

  // --- what the trap path leaves for the rest of the core ---
  std::vector<ElspSubmission> take_submissions();
  std::optional<ResetRequest> take_reset_request();
  // TLB invalidations written through GEN8_*TCR, pending until the engine's next switch-in.
  EngineMask tlb_pending() const { return m_tlb_pending; }
  void clear_tlb_pending(Engine e) { m_tlb_pending &= EngineMask(~spec::gen8::engine_bit(e)); }
  // Engines on which the guest enabled execlists (GFX_MODE run-list enable): scheduling starts there.
  EngineMask execlist_enabled() const { return m_execlist_enabled; }
  uint32_t hws_pga(Engine e) const { return m_hws_pga[static_cast<std::size_t>(e)]; }

  // The vreg image, for the rest of the core and tests.
  uint32_t vreg(uint32_t offset) const { return m_vreg[offset / 4]; }
  std::span<uint32_t> vreg_image() { return m_vreg; }  // for the virtual interrupt tree
  void set_vreg(uint32_t offset, uint32_t value) { m_vreg[offset / 4] = value; }
  std::span<const uint32_t> vregs() const { return m_vreg; }
  uint32_t golden(uint32_t offset) const { return m_golden[offset / 4]; }
  std::span<const uint32_t> golden_image() const { return m_golden; }

  struct Counts {
    uint64_t reads = 0, writes = 0;
    uint64_t guest_errors = 0;      // malformed or refused accesses
    uint64_t ro_dropped = 0;        // writes to an all-ones ro_mask dword
    uint64_t failsafe_accesses = 0; // accesses served as plain vreg because of failsafe
    uint64_t unhandled = 0;         // accesses to a tracked dword whose handler id has no behaviour here
    uint64_t nonpriv_rejected = 0;  // FORCE_TO_NONPRIV values off the whitelist
    uint64_t host_reads = 0, host_writes = 0;
  };
  const Counts& counts() const { return m_counts; }

 private:
  struct Dword {
    const spec::gen8::RegInstance* inst = nullptr;  // tracked instance covering it, or nullptr
    uint16_t flags = 0;
    uint32_t ro = 0;  // this dword's part of gvt_ro
    spec::gen8::GvtHandler handler = spec::gen8::GvtHandler::none;
  };
  static Dword lookup(uint32_t dw_offset);
  static std::optional<Engine> engine_of(uint32_t offset);  // intel_gvt_render_mmio_to_engine

  Result<uint32_t> read_dword(uint32_t dw);
  Status write_dword(uint32_t dw, uint32_t value);
  Status handler_write(const Dword& d, uint32_t dw, uint32_t value);
  Status fence_check(uint32_t dw);
  void enter_failsafe(FailsafeReason r, std::string why);
  uint64_t default_read(uint32_t offset, unsigned size) const;
  void default_write(uint32_t offset, unsigned size, uint64_t value);
  Status guest_error(Status s);

  Deps m_d;
  VirtualIrq* m_irq = nullptr;
  std::vector<uint32_t> m_golden;
  std::vector<uint32_t> m_vreg;
  std::array<std::array<uint32_t, 4>, spec::gen8::kEngineCount> m_elsp{};
  std::array<unsigned, spec::gen8::kEngineCount> m_elsp_index{};
  std::array<uint32_t, spec::gen8::kEngineCount> m_hws_pga{};
  std::vector<ElspSubmission> m_submissions;
  std::optional<ResetRequest> m_reset;
  EngineMask m_tlb_pending = 0, m_execlist_enabled = 0;
  Counts m_counts;
};

}  // namespace gvtsim::vgpu
