// The virtual GGTT of one vGPU: GVT-g's GGTT partitioning (gvt-reference §2.1, §2.3; i915
// gvt/gtt.c emulate_ggtt_mmio_read / emulate_ggtt_mmio_write, ggtt_get/set_host_entry,
// ggtt_invalidate_pte, ggtt_invalidate, intel_vgpu_reset_ggtt; gvt/kvmgt.c intel_vgpu_mmap and
// intel_vgpu_in_aperture for BAR2).
//
// Ballooning, not translation: a guest GM address means the same thing to the guest and to the host,
// so guest GGTT index i is host GGTT index i. The guest reaches its GGTT through BAR0 + 8 MB
// (gvt.c init_device_info: gtt_start_offset = 8 MB, 8-byte entries); the core reaches the host's the
// same way (HostGpu::mmio_write at kHostGgttBase + index * 8, as gtt.c write_pte64 writes through
// ggtt->gsm) and flushes with GFX_FLSH_CNTL (ggtt_invalidate).
//
// A guest write (offset in the window; index = offset >> 3, gma = index << 12):
//   - 4 or 8 bytes, naturally aligned, inside the 8 MB window — anything else is a guest error
//     (the kernel returns -EINVAL for other sizes; gvtsim also refuses misaligned ones);
//   - gma outside both of the vGPU's slices: ignored (vgpu_gmadr_is_valid; D6 — no failsafe);
//   - a 4-byte half is kept in a partial-PTE list (the kernel's ggtt_mm.partial_pte_list): the first
//     half updates the virtual entry (the other half reads 0) and points the host entry at scratch,
//     not present; the same half again only updates the held value and the virtual entry; the other
//     half completes the entry, which is then processed as an 8-byte write. The first half also
//     releases the frame the entry pointed at (the kernel's path runs on to ggtt_invalidate_pte);
//   - a present entry (bit 0): the gfn (bits 12–45, gtt.c ADDR_4K_MASK / GTT_HAW 46) is pinned through
//     Hypervisor::pin_gfn and the host entry is the guest's value with bits 12–45 replaced by the host
//     pfn — bits 0–11 (present, RW, PAT index bits) and 46–63 pass through, as gen8_gtt_set_pfn
//     leaves them (m = e, then set_pfn);
//   - a present entry whose gfn is not guest RAM (Hypervisor::is_valid_gfn, the kernel's
//     is_valid_gfn check before the map) or cannot be pinned: the same, with the vGPU's scratch page
//     as the address (present stays set, as in the kernel);
//   - a non-present entry: the host entry is the scratch page's address alone, present clear (the
//     kernel's zero-initialised m, set_pfn(scratch), clear_present);
//   - then the frame the host entry pointed at before is unpinned (ggtt_invalidate_pte — after the
//     new pin, so rewriting the same gfn never drops it to zero pins) and the host GGTT is flushed.
// The virtual GGTT keeps the guest's values; reads inside the slices return them (byte lanes of the
// entry for 4-byte reads), reads outside return 0 (emulate_ggtt_mmio_read's validate_range check).
//
// Scratch (D4): the vGPU's own page, never shared. Its creator allocates it (HostGpu::alloc_page with
// PageUse::scratch — Vgpu does, at step 6 of creation) and passes its host physical address here;
// VirtualGgtt does not own it, and must be destroyed before the page is freed.
//
// Construction is the kernel's intel_vgpu_init_gtt → intel_vgpu_reset_ggtt(vgpu, false): every host
// entry of both slices points at scratch, present set, then a flush. reset() is
// intel_vgpu_reset_ggtt(vgpu, true) from a device-model reset: the same, after releasing every pin.
// gvtsim also zeroes the virtual entries and drops held halves at reset (the kernel keeps
// virtual_ggtt and partial_pte_list across it; a virtual entry that still reads "present" while the
// host entry is scratch would only mislead the rebooting guest). Destruction clears (writes 0 to)
// every host entry that points at a guest frame, then releases the pins, so the host GGTT never maps a
// frame the vGPU no longer holds.
//
// Known kernel behaviour kept: an 8-byte write does not drop a half held for the same entry; a later
// 4-byte write of the other half completes that held half (the kernel's list is only consulted for
// 4-byte writes).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "vgpu/common.h"
#include "vgpu/host_gpu.h"
#include "vgpu/hypervisor.h"

namespace gvtsim::vgpu {

namespace ggtt {
inline constexpr uint32_t kWindowOffset = 8u << 20;      // BAR0 + 8 MB (gvt.c gtt_start_offset)
inline constexpr uint64_t kWindowSize = 8u << 20;        // 4 GB GM / 4 KB × 8 bytes
inline constexpr uint32_t kHostGgttBase = kWindowOffset;  // the host's GGTT, the same place in its BAR0
inline constexpr uint32_t kGfxFlshCntl = 0x101008;       // GFX_FLSH_CNTL_GEN6
inline constexpr uint32_t kGfxFlshCntlEn = 1u << 0;      // GFX_FLSH_CNTL_EN
inline constexpr unsigned kEntrySize = 8;
inline constexpr unsigned kEntryShift = 3;
inline constexpr uint64_t kPresent = 1ull << 0;           // _PAGE_PRESENT
inline constexpr uint64_t kAddrMask = ((1ull << 46) - 1) & ~((1ull << 12) - 1);  // ADDR_4K_MASK, GTT_HAW 46
// The BAR0 offset of the GGTT entry mapping graphics address `gma` — the same in the guest's BAR0 and
// the host's (kHostGgttBase == kWindowOffset).
constexpr uint32_t entry_offset(uint64_t gma) { return uint32_t(kWindowOffset + (gma >> 12) * kEntrySize); }
}  // namespace ggtt

class VirtualGgtt {
 public:
  // `low` and `high` are the vGPU's slices (either may be empty); `scratch_hpa` is its own scratch
  // page (page aligned, owned by the caller). Points every host entry of both slices at scratch.
  VirtualGgtt(VgpuId vgpu, const GmSlice& low, const GmSlice& high, Hypervisor& hypervisor, HostGpu& host,
              uint64_t scratch_hpa);
  ~VirtualGgtt();
  VirtualGgtt(const VirtualGgtt&) = delete;
  VirtualGgtt& operator=(const VirtualGgtt&) = delete;

  // Guest accesses to BAR0 + 8 MB; `offset` is relative to the window.
  Result<uint64_t> read(uint64_t offset, unsigned size) const;
  Status write(uint64_t offset, unsigned size, uint64_t value);
  // A write in failsafe (mmio.c failsafe_emulate_mmio_rw): the virtual GGTT only — no pin, no host
  // entry, no held half. The kernel's virtual GGTT spans the whole window; this one holds the
  // slices, so a failsafe write outside them is dropped (it could never reach the host anyway).
  Status write_virtual(uint64_t offset, unsigned size, uint64_t value);

  // Device-model-level reset: every entry of both slices back to scratch (present), pins released,
  // virtual entries zeroed, held halves dropped; one flush.
  void reset();

  // BAR2 (aperture) access by the guest at `offset` (a BAR2 offset = a GM address) for `len` bytes:
  // allowed only inside the vGPU's low slice (KVMGT intel_vgpu_mmap after 51b00d8509dc, the fix of
  // CVE-2019-11085: the start in the slice, intel_vgpu_in_aperture, and start + len not past its end).
  bool aperture_access_allowed(uint64_t offset, uint64_t len) const;

  // Fault injection (a broken mediation on purpose, for oracle negative controls and fault
  // experiments): when set, a guest write outside the slices is not ignored but processed as if it
  // were inside them — pinned and written to the host GGTT. Never set in a normal run.
  void inject_fault_skip_slice_check(bool on) { m_fault_skip_slice_check = on; }

  // --- observation ---
  VgpuId vgpu() const { return m_vgpu; }
  uint64_t scratch_page() const { return m_scratch; }
  // The guest's value of entry `index` (0 outside the slices).
  uint64_t guest_entry(uint64_t index) const;
  // The gfn pinned for entry `index`, if any.
  std::optional<uint64_t> pinned_gfn(uint64_t index) const;
  std::size_t pinned_count() const { return m_pinned.size(); }
  std::size_t partial_count() const { return m_partial.size(); }

 private:
  struct Partial {
    unsigned lane;  // byte offset of the held half inside the entry: 0 or 4
    uint64_t data;  // the entry as assembled so far (the other half 0)
  };
  bool in_slices(uint64_t index) const;
  uint64_t* slot(uint64_t index);
  const uint64_t* slot(uint64_t index) const;
  void update_entry(uint64_t index, uint64_t guest, bool hold);  // the body of emulate_ggtt_mmio_write
  void set_host_entry(uint64_t index, uint64_t pte);
  void flush();
  void scratch_fill();  // every host entry of both slices → scratch | present

  VgpuId m_vgpu;
  GmSlice m_low, m_high;
  Hypervisor& m_hyp;
  HostGpu& m_host;
  uint64_t m_scratch;
  std::vector<uint64_t> m_low_entries, m_high_entries;  // the virtual GGTT (guest values)
  std::unordered_map<uint64_t, uint64_t> m_pinned;      // index → gfn pinned for its host entry
  std::map<uint64_t, Partial> m_partial;                // index → the held half
  std::unordered_map<uint64_t, uint64_t> m_foreign;     // fault injection: index outside the slices → guest value
  bool m_fault_skip_slice_check = false;
};

}  // namespace gvtsim::vgpu
