// The GPU's PCI function (bus 0, device 2, function 0): a type-0 configuration space.
//
//   0x00 vendor 0x8086, device id from the SKU table     0x04 COMMAND (I/O, memory, bus master, INTx disable)
//   0x08 revision, class 0x030000 (VGA)                  0x10 BAR0 GTTMMADR: 64-bit memory, 16 MB
//   0x18 BAR2 GMADR: 64-bit prefetchable, the aperture   0x20 BAR4: I/O, 64 bytes
//   0x34 capability list -> 0x90 MSI -> 0xD0 power management
//   0x50 GMCH control (GGMS = 8 MB GGTT, GMS = 0: no stolen memory)   0x5C BDSM
//   0xE8 SWSCI    0xFC ASLS (OpRegion address)
// Facts: PCI Local Bus 3.0 (header, BAR sizing, MSI and PM capabilities); i915 i915_drv.h / intel-gtt
// (SNB_GMCH_CTRL 0x50, BDW_GMCH_GGMS 7:6, BDW_GMCH_GMS 15:8, BDSM 0x5C, ASLS 0xFC, SWSCI 0xE8);
// capability offsets as lspci shows them on Broadwell GT2; gvt-reference §2.1.
//
// BAR sizing works as on hardware: the address bits below the BAR's size are read-only zero, so an
// all-ones write reads back the size mask. Accesses are 1, 2 or 4 bytes within one dword; offsets
// 0x100–0xFFF (PCIe extended space: no capabilities) read 0.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "base/status.h"

namespace gvtsim::model::gen8 {

inline constexpr uint64_t kBar0Size = 16ull << 20;      // GTTMMADR: registers + GGTT
inline constexpr uint64_t kBar0GgttOffset = 8ull << 20; // GGTT window at BAR0 + 8 MB
inline constexpr uint64_t kMmioWindow = 2ull << 20;     // registers in the first 2 MB
inline constexpr uint64_t kBar4Size = 64;

namespace pci {
inline constexpr uint16_t kVendorIntel = 0x8086;
inline constexpr unsigned kCommand = 0x04, kStatus = 0x06, kBar0 = 0x10, kBar2 = 0x18, kBar4 = 0x20;
inline constexpr unsigned kCapPtr = 0x34, kGmch = 0x50, kBdsm = 0x5C, kSwsci = 0xE8, kAsls = 0xFC;
inline constexpr unsigned kMsiCap = 0x90, kPmCap = 0xD0;
inline constexpr uint16_t kCommandIo = 1u << 0, kCommandMemory = 1u << 1, kCommandBusMaster = 1u << 2;
inline constexpr uint16_t kMsiEnable = 1u << 0;
}  // namespace pci

enum class Bar : uint8_t { bar0, bar2, bar4 };

class PciConfig {
 public:
  PciConfig(uint16_t device_id, uint64_t aperture_size);

  Result<uint32_t> read(uint32_t offset, unsigned size) const;
  Status write(uint32_t offset, unsigned size, uint32_t value);

  bool memory_enabled() const { return command() & pci::kCommandMemory; }
  bool bus_master() const { return command() & pci::kCommandBusMaster; }
  uint16_t command() const { return read16(pci::kCommand); }
  uint64_t bar_base(Bar b) const;
  uint64_t bar_size(Bar b) const;
  // The BAR and offset a CPU physical address falls in, when memory decode is on.
  std::optional<std::pair<Bar, uint64_t>> claim(uint64_t cpu_pa, uint64_t len) const;

  bool msi_enabled() const { return read16(pci::kMsiCap + 2) & pci::kMsiEnable; }
  uint32_t msi_address() const { return read32(pci::kMsiCap + 4); }
  uint16_t msi_data() const { return read16(pci::kMsiCap + 8); }
  unsigned power_state() const { return read16(pci::kPmCap + 4) & 3; }  // D0..D3hot
  uint64_t aperture_size() const { return m_aperture_size; }

  void reset();

 private:
  uint16_t read16(unsigned o) const { return uint16_t(m_cfg[o] | m_cfg[o + 1] << 8); }
  uint32_t read32(unsigned o) const { return uint32_t(read16(o)) | uint32_t(read16(o + 2)) << 16; }
  void init(unsigned o, unsigned bytes, uint32_t value, uint32_t writable, uint32_t w1c = 0);

  uint16_t m_device_id;
  uint64_t m_aperture_size;
  std::array<uint8_t, 256> m_cfg{};
  std::array<uint8_t, 256> m_writable{};
  std::array<uint8_t, 256> m_w1c{};
};

}  // namespace gvtsim::model::gen8
