// A bare-metal driver for the Gen8 model: what firmware and i915 do to bring the device up, through
// configuration space and the BARs only (never by reaching into the model). Used by tests and by
// `gvtsim selftest`; the host driver of the mediation issues builds on it.
//
// boot(): find the device (vendor 0x8086, a Broadwell id, class VGA), size and place its BARs,
// enable memory decode and bus mastering, read the GGTT size from GMCH, program MSI, take
// forcewake, program the PPAT as i915 does, enable the interrupts it handles. Then map_ggtt() writes
// GGTT PTEs through the BAR0 window and flushes; aperture_read/write go through BAR2; the MSI
// handler acknowledges interrupts the way i915's gen8 handler does (master off, IIRs cleared,
// master on).
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"
#include "harness/platform.h"

namespace gvtsim::harness {

struct BootInfo {
  uint16_t device_id = 0;
  uint64_t bar0 = 0, bar0_size = 0;   // GTTMMADR
  uint64_t bar2 = 0, bar2_size = 0;   // GMADR (aperture)
  uint64_t ggtt_bytes = 0;            // from GMCH GGMS
  uint64_t stolen_bytes = 0;          // from GMCH GMS
};

// What the MSI handler found in the IIRs it acknowledged.
struct IrqRecord {
  Time time;
  uint32_t master;                  // master status bits 30:0
  std::vector<std::pair<uint32_t, uint32_t>> iirs;  // (IIR offset, bits cleared)
};

class BareMetalDriver {
 public:
  // Where firmware places the BARs (64-bit, naturally aligned, above 4 GB).
  static constexpr uint64_t kDefaultBar0 = 0x40'0000'0000ull + (0x10ull << 30);  // 272 GB
  static constexpr uint64_t kDefaultBar2 = 0x40'0000'0000ull;                    // 256 GB
  static constexpr uint32_t kMsiAddress = 0xFEE00000;  // x86 local APIC, destination 0
  static constexpr uint16_t kMsiData = 0x0041;         // vector 0x41

  explicit BareMetalDriver(Platform& p) : m_p(p) {}

  Result<BootInfo> boot(uint64_t bar0 = kDefaultBar0, uint64_t bar2 = kDefaultBar2);
  const BootInfo& info() const { return m_info; }

  Result<uint32_t> read32(uint32_t mmio_offset);
  Status write32(uint32_t mmio_offset, uint32_t value);
  // Maps `pages` GGTT pages from graphics address `gma` to physical pages from `pa` (PTE = pa |
  // present, PAT index 0), with 64-bit PTE writes, then flushes through GFX_FLSH_CNTL.
  Status map_ggtt(uint64_t gma, uint64_t pa, uint64_t pages);
  Status aperture_write(uint64_t gma, const void* src, std::size_t len);
  Status aperture_read(uint64_t gma, void* dst, std::size_t len);
  // Enables the interrupt bits `bits` of the GT/DE group whose IIR is at `iir_offset` (IMR, IER).
  Status enable_irq(uint32_t iir_offset, uint32_t bits);

  const std::vector<IrqRecord>& irqs() const { return m_irqs; }
  uint64_t handled_msis() const { return m_irqs.size(); }

 private:
  void on_msi(const MsiRecord& m);
  Platform& m_p;
  BootInfo m_info;
  std::vector<IrqRecord> m_irqs;
};

}  // namespace gvtsim::harness
