// The vGPU's virtual PCI configuration space (gvt-reference §2.1; i915 gvt/cfg_space.c, gvt/reg.h,
// gvt/gvt.h intel_vgpu_write_pci_bar / intel_vgpu_get_bar_gpa, gvt/interrupt.c for MSI).
//
// A golden copy of the host's 4 KB space (gvt/firmware.c snapshots it at GVT init) adjusted at
// creation (intel_vgpu_init_cfg_space, always "primary" for a created vGPU):
//   - GMCH control (0x50): GMS (bits 15:8) cleared — "show guest that there isn't any stolen memory";
//   - BAR2's address bits 31:4 = the host aperture's physical base, its flag bits kept; the upper
//     halves of BAR0 and BAR2 (0x14, 0x1C), BAR4/BAR5 (0x20–0x27), ASLS (0xFC) and the ROM BAR (0x30)
//     zeroed for the guest's firmware to assign;
//   - COMMAND: I/O, memory and bus-master enables cleared;
//   - BAR sizes: BAR0 = the host's BAR0 (16 MB), BAR2 = the host's whole aperture (pci_resource_len of
//     the host's BAR2 — not the vGPU's slice: ballooning, not resizing, keeps the guest inside it);
//     BAR4 and any other BAR size to 0 ("unimplemented BARs");
//   - the PM capability is found by walking the capability list (pmcsr_off); MSI likewise (the
//     kernel takes pdev->msi_cap, which the PCI core finds the same way);
//   - MSI starts disabled, address and data zero. This is gvtsim's: GVT copies the host's capability
//     as it is (i915 enables MSI before intel_gvt_init snapshots it), but under KVMGT the guest never
//     sees that — QEMU's vfio-pci emulates the MSI capability, disabled until the guest programs it,
//     and GVT's MSI eventfd stays unset until then (gvt/interrupt.c: no trigger, no MSI). Here the
//     virtual capability is the guest's, so it starts as the guest would find it.
//
// Guest accesses (intel_vgpu_emulate_cfg_read / _write):
//   - reads return the bytes;
//   - below 0x40 writes honour a per-byte writable map: COMMAND (0x04: all of byte 0, bits 2:0 of
//     byte 1), STATUS's upper byte as write-1-to-clear, cache-line size, the six BARs, the ROM BAR
//     (bit 0, bits 31:11), interrupt line; everything else there is read-only. From 0x40 up, GVT
//     stores what the guest writes (capabilities, GMCH, SWSCI, ASLS… are all plain storage);
//   - COMMAND (a 1- or 2-byte write at 0x04): a change of the memory-enable bit traps or untraps BAR0
//     and maps or unmaps the aperture (the flags the hypervisor consults);
//   - BARs: all-ones is a sizing probe (reads back the size mask with the flag bits; BAR0 is untrapped
//     / the aperture unmapped meanwhile); any other value moves the BAR and re-traps/re-maps it if
//     memory decode is on;
//   - ROM BAR: a sizing probe reads back 0 (no ROM);
//   - SWSCI (0xE8): the request is handed to the OpRegion emulation; the register itself is not
//     written (so its "non 0→1 transition" test always sees the golden value — as in the kernel);
//   - ASLS (0xFC): tells the OpRegion emulation where the guest's copy lives, then stored;
//   - a write at the PM control/status register whose power state is D3hot sets `d3_entered` (the
//     next device-model reset then keeps the PPGTT shadows; gvt.h: "Set on PCI_D3, reset on DMLR").
// Malformed accesses are guest errors, never crashes: sizes other than 1/2/4, a misaligned access,
// anything past 4 KB; a BAR/ROM/SWSCI/ASLS write that is not a whole dword; a 4-byte write at
// COMMAND (the kernel refuses those with -EINVAL too). Requiring natural alignment everywhere is
// stricter than the kernel (which copies unaligned bytes), and matches what a CPU's configuration
// mechanism can produce.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <utility>

#include "base/status.h"
#include "vgpu/common.h"

namespace gvtsim::vgpu {

inline constexpr uint32_t kCfgSpaceSize = 4096;     // gvt.c init_device_info: PCI_CFG_SPACE_EXP_SIZE
inline constexpr uint64_t kBar0Size = mib(16);      // GTTMMADR on BDW: 2 MB registers + GGTT at 8 MB

namespace pcicfg {
inline constexpr uint32_t kCommand = 0x04, kStatus = 0x06;
inline constexpr uint32_t kBar0 = 0x10, kBar1 = 0x14, kBar2 = 0x18, kBar3 = 0x1C, kBar4 = 0x20, kBar5 = 0x24;
inline constexpr uint32_t kRom = 0x30, kCapPtr = 0x34, kInterruptLine = 0x3C;
inline constexpr uint32_t kGmch = 0x50;    // INTEL_GVT_PCI_GMCH_CONTROL
inline constexpr uint32_t kSwsci = 0xE8;   // INTEL_GVT_PCI_SWSCI
inline constexpr uint32_t kAsls = 0xFC;    // INTEL_GVT_PCI_OPREGION
inline constexpr uint16_t kCommandIo = 1u << 0, kCommandMemory = 1u << 1, kCommandMaster = 1u << 2;
inline constexpr uint16_t kStatusCapList = 1u << 4;
inline constexpr uint16_t kGmsShift = 8, kGmsMask = 0xFF;  // BDW_GMCH_GMS_SHIFT / _MASK
inline constexpr uint32_t kBarFlags = 0xF;                 // bits 3:0 of a memory BAR
inline constexpr uint32_t kBarMem64 = 0x4;                 // PCI_BASE_ADDRESS_MEM_TYPE_64
inline constexpr uint32_t kRomAddressMask = ~0x7FFu;       // PCI_ROM_ADDRESS_MASK
inline constexpr uint8_t kCapIdPm = 0x01, kCapIdMsi = 0x05;
inline constexpr uint32_t kPmCtrl = 4;                     // PCI_PM_CTRL within the capability
inline constexpr uint16_t kPmStateMask = 0x3, kPmD3hot = 0x3;
// MSI capability fields (gvt/interrupt.c MSI_CAP_CONTROL/ADDRESS/DATA, MSI_CAP_EN).
inline constexpr uint32_t kMsiControl = 2, kMsiAddress = 4, kMsiData = 8;
inline constexpr uint16_t kMsiEnable = 1u << 0;
}  // namespace pcicfg

// gvt/cfg_space.c INTEL_GVT_PCI_BAR_*.
enum class Bar : uint8_t { gttmmio, aperture, pio };

struct MsiState {
  bool enabled = false;
  uint16_t control = 0;
  uint32_t address = 0;
  uint16_t data = 0;
};

class CfgSpace {
 public:
  // What the vGPU's other parts do for config writes that are more than storage. Unset hooks mean
  // "nothing to do"; a hook's failure fails the config write.
  struct Hooks {
    std::function<Status(uint32_t swsci)> on_swsci = nullptr;  // OpRegion SWSCI request
    std::function<Status(uint32_t gpa)> on_asls = nullptr;    // OpRegion base (ASLS) write
    std::function<void(Bar bar, bool on)> on_trap = nullptr;   // BAR0 trap / aperture map changed
  };

  // `golden`: the host's configuration space (256 bytes to 4 KB); the host's aperture size and
  // physical base (its BAR2).
  CfgSpace(std::span<const uint8_t> golden, uint64_t aperture_size, uint64_t aperture_pa);

  void set_hooks(Hooks hooks) { m_hooks = std::move(hooks); }

  Result<uint32_t> read(uint32_t offset, unsigned size) const;
  Status write(uint32_t offset, unsigned size, uint32_t value);

  // intel_vgpu_reset_cfg_space: untrap, then the creation-time contents again. `d3_entered` is the
  // device-model reset's to clear (it reads it first).
  void reset();

  bool memory_enabled() const { return read16(pcicfg::kCommand) & pcicfg::kCommandMemory; }
  bool bar0_trapped() const { return m_tracked[size_t(Bar::gttmmio)]; }
  bool aperture_mapped() const { return m_tracked[size_t(Bar::aperture)]; }
  // The guest's BAR base (intel_vgpu_get_bar_gpa: 64-bit, flag bits masked) and the size it probes.
  uint64_t bar_gpa(Bar bar) const;
  uint64_t bar_size(Bar bar) const { return m_bar_size[size_t(bar)]; }
  // The BAR and offset a guest physical access falls in, when that BAR is trapped (BAR0) or mapped
  // (BAR2); nullopt otherwise. (Limiting aperture accesses to the vGPU's slice is the aperture path's.)
  std::optional<std::pair<Bar, uint64_t>> claim(uint64_t gpa, uint64_t len) const;

  MsiState msi() const;
  unsigned msi_cap_offset() const { return m_msi_cap; }  // 0: none
  unsigned pmcsr_offset() const { return m_pmcsr; }      // 0: none
  bool d3_entered() const { return m_d3_entered; }
  void clear_d3_entered() { m_d3_entered = false; }
  uint32_t asls() const { return read32(pcicfg::kAsls); }

  const std::array<uint8_t, kCfgSpaceSize>& bytes() const { return m_cfg; }

 private:
  void init();
  uint16_t read16(uint32_t o) const { return uint16_t(m_cfg[o] | m_cfg[o + 1] << 8); }
  uint32_t read32(uint32_t o) const { return uint32_t(read16(o)) | uint32_t(read16(o + 2)) << 16; }
  void put32(uint32_t o, uint32_t v);
  // gvt.h intel_vgpu_write_pci_bar: a low dword keeps its flag bits 3:0; an upper dword is replaced.
  void write_bar_dword(uint32_t offset, uint32_t value, bool low);
  // vgpu_pci_cfg_mem_write: the writable map below 0x40, plain storage above, the D3hot check.
  void mem_write(uint32_t offset, unsigned size, uint32_t value);
  Status command_write(unsigned size, uint32_t value);
  void bar_write(uint32_t offset, uint32_t value);
  void rom_write(uint32_t value);
  void set_tracked(Bar bar, bool on);
  unsigned find_capability(uint8_t id) const;

  std::array<uint8_t, kCfgSpaceSize> m_golden{};
  std::array<uint8_t, kCfgSpaceSize> m_cfg{};
  uint64_t m_aperture_pa;
  std::array<uint64_t, 3> m_bar_size{};
  std::array<bool, 3> m_tracked{};
  unsigned m_msi_cap = 0;
  unsigned m_pmcsr = 0;
  bool m_d3_entered = false;
  Hooks m_hooks;
};

}  // namespace gvtsim::vgpu
