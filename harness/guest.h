// A guest i915 driver model (the guest side of GVT-g): what Linux's i915 does to its device when it
// finds itself on a vGPU, reduced to the accesses the mediation core sees. Everything goes through
// the in-process hypervisor exactly as a guest CPU's accesses would — config cycles, trapped BAR0
// accesses, BAR2 (aperture) accesses, guest RAM — and interrupts arrive as MSIs from it.
//
// boot() follows i915's probe order on a vGPU:
//   1. PCI probe (pci_enable_device, pci_set_master): vendor/device, BAR sizing probes, BAR0 and BAR2
//      placed at the configured guest physical addresses, memory decode and bus mastering on; the
//      MSI capability found through the capability list and programmed (pci_enable_msi);
//   2. intel_vgpu_detect (i915_vgpu.c): the PVINFO magic and version read — this is what marks the
//      guest PVINFO-aware (pv_notified) — and the capabilities;
//   3. intel_vgt_balloon (i915_vgpu.c): the balloon info — the vGPU's low and high GM slices and its
//      fence count. The guest uses only those; a slice smaller than it needs is a balloon failure,
//      reported to the host by a PVINFO rsv5 write (what GVT-g turns into failsafe
//      INSUFFICIENT_RESOURCE);
//   4. GGTT: with clear_ggtt, every entry of its slices set to its scratch PTE first (init_ggtt);
//      then its boot objects — a status page per engine and the configured number of buffer pages,
//      guest RAM pages — mapped into its low slice with 8-byte PTE writes (gen8_set_pte: address |
//      present), then GFX_FLSH_CNTL (gen8_ggtt_invalidate);
//   5. interrupts (gen8_irq_reset, gen8_gt_irq_postinstall, gen8_master_intr enable): master off,
//      every GT group masked and disabled and its IIR cleared; then each engine's user interrupt and
//      context switch unmasked and enabled; then the master on;
//   6. engines (execlists_resume): HWS_PGA at the engine's status page, the CSB pointers reset
//      (read = write = 5), GFX_MODE execlists enabled;
//   7. display_ready = 1 in PVINFO (i915_driver_register).
// Its interrupt handler is gen8_irq_handler: master off, each pending GT IIR read and written back
// (write 1 to clear), master on.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "base/status.h"
#include "harness/hypervisor.h"
#include "vgpu/common.h"

namespace gvtsim::harness {

struct GuestConfig {
  uint64_t bar0_gpa = 0xF000'0000;          // in the MMIO hole; BAR0 is 16 MB, naturally aligned
  uint64_t bar2_gpa = 0x80'0000'0000;       // 64-bit BAR above any guest RAM (512 GB)
  uint32_t msi_address = 0xFEE0'0000;       // x86 LAPIC MSI window
  uint16_t msi_data = 0x41;                 // the vector
  unsigned buffer_pages = 4;                // GGTT-mapped buffer pages at boot
  uint64_t min_aperture = vgpu::mib(16);    // less low GM than this after ballooning: balloon failure
  // i915's init_ggtt clears every hole of its GGTT — after ballooning, its whole slices — with its
  // scratch PTE (gen8_ggtt_clear_range: the scratch page's address | present). One trapped PTE write
  // per page of the slices (115k for GVTg_V4_8), so off unless a scenario wants the real cost.
  bool clear_ggtt = false;
};

class GuestI915 {
 public:
  struct Object {
    uint64_t gma;  // where the guest mapped it in graphics memory
    uint64_t gpa;  // its guest RAM page
  };
  struct Balloon {
    vgpu::GmSlice aperture, hidden;
    unsigned fences = 0;
  };

  GuestI915(InProcessHypervisor& hyp, vgpu::VgpuId id, GuestConfig config = {});
  GuestI915(const GuestI915&) = delete;
  GuestI915& operator=(const GuestI915&) = delete;

  // The whole probe; stops at the first failure (a balloon failure is reported to the host first).
  Status boot();
  bool booted() const { return m_booted; }
  // Its first steps alone, for guests that stop early or misbehave (hostile-guest tests).
  Status probe_pci();
  Status detect_vgpu();

  // --- the guest's register accesses (BAR0 offsets), through the hypervisor ---
  Result<uint64_t> mmio_read(uint32_t offset, unsigned size = 4);
  Status mmio_write(uint32_t offset, unsigned size, uint64_t value);
  Result<uint32_t> read32(uint32_t offset);
  Status write32(uint32_t offset, uint32_t value) { return mmio_write(offset, 4, value); }
  // A GGTT entry (gen8_set_pte: one 8-byte write at BAR0 + 8 MB + index * 8), no flush.
  Status write_pte(uint64_t gma, uint64_t pte);
  Status flush_ggtt();
  // Maps a guest RAM page at `gma` (present PTE + flush) and records the object.
  Status map_page(uint64_t gma, uint64_t gpa);
  // CPU access through the aperture (BAR2 + gma).
  Status aperture_write(uint64_t gma, std::span<const uint8_t> data);
  Status aperture_read(uint64_t gma, std::span<uint8_t> out);
  // A page of guest RAM (bump allocation from 1 MB; never freed).
  uint64_t alloc_page();

  // --- what the probe learnt ---
  vgpu::VgpuId id() const { return m_id; }
  const GuestConfig& config() const { return m_cfg; }
  const Balloon& balloon() const { return m_balloon; }
  const std::vector<Object>& objects() const { return m_objects; }
  uint64_t hwsp_gma(spec::gen8::Engine e) const;  // 0 when the engine has none
  uint32_t vgt_caps() const { return m_caps; }
  uint64_t scratch_gpa() const { return m_scratch_gpa; }  // its GGTT scratch page (clear_ggtt), 0 before

  // --- interrupts ---
  uint64_t interrupts() const { return m_interrupts; }
  // GT IIR bits the handler has seen, per group register offset.
  const std::map<uint32_t, uint32_t>& iir_seen() const { return m_iir_seen; }

 private:
  Status do_balloon();
  Status clear_ggtt();
  Status map_boot_objects();
  Status irq_install();
  Status engines_resume();
  void on_msi();
  Result<uint32_t> cfg_read(uint32_t offset, unsigned size = 4);
  Status cfg_write(uint32_t offset, unsigned size, uint32_t value);

  InProcessHypervisor& m_hyp;
  vgpu::VgpuId m_id;
  GuestConfig m_cfg;
  bool m_booted = false;
  uint32_t m_caps = 0;
  Balloon m_balloon;
  std::vector<Object> m_objects;
  std::map<spec::gen8::Engine, uint64_t> m_hwsp;
  uint64_t m_next_page = 1ull << 20;
  uint64_t m_scratch_gpa = 0;
  uint64_t m_next_gma = 0;
  spec::gen8::EngineMask m_engines = 0;
  uint64_t m_interrupts = 0;
  std::map<uint32_t, uint32_t> m_iir_seen;
};

}  // namespace gvtsim::harness
