// The in-process hypervisor (the KVMGT role, decisions D10): implements vgpu::Hypervisor.
//
// Each VM has guest RAM of a configured size, backed by host physical pages of its own region
// (VM n at kGuestRamBase + n * kGuestRamStride, inside Broadwell's 39-bit physical space), owned by
// the VM's vGPU in the isolation oracle's map (D4) as soon as they exist. The guest-physical map has
// the usual x86 MMIO hole [3 GB, 4 GB) — PCI BARs, APIC, firmware — where there is no RAM: gfns in
// it, or beyond RAM, are invalid (is_valid_gfn false, pin fails), so RAM above 3 GB continues at
// 4 GB (gpa = 4 GB + (ram offset - 3 GB)).
//
// read_gpa/write_gpa are the hypervisor's own (software) accesses; a write — by the guest CPU
// (guest_write) or by write_gpa — to a tracked gfn lands first and then calls the tracker, as
// KVM's page-track notifier does. MSIs injected for a VM go to its interrupt sink (the guest
// driver model's handler) and are recorded.
#pragma once

#include <functional>
#include <map>
#include <vector>

#include "harness/platform.h"
#include "vgpu/hypervisor.h"
#include "vgpu/vgpu.h"

namespace gvtsim::harness {

class InProcessHypervisor final : public vgpu::Hypervisor {
 public:
  static constexpr uint64_t kGuestRamBase = 0x20'0000'0000ull;    // 128 GB
  static constexpr uint64_t kGuestRamStride = 0x4'0000'0000ull;   // 16 GB per VM
  static constexpr uint64_t kMmioHoleStart = 3ull << 30;
  static constexpr uint64_t kMmioHoleEnd = 4ull << 30;

  explicit InProcessHypervisor(Platform& p);

  // A VM for vGPU `id` with `ram_bytes` of guest RAM (whole pages, at most 12 GB).
  Status add_vm(vgpu::VgpuId id, uint64_t ram_bytes);
  // The guest CPU writing its RAM (tracked pages trap after the write lands).
  Status guest_write(vgpu::VgpuId id, uint64_t gpa, std::span<const uint8_t> data);
  // The guest CPU reading its RAM.
  Status guest_read(vgpu::VgpuId id, uint64_t gpa, std::span<uint8_t> out) { return read_gpa(id, gpa, out); }

  // --- the VM's device: its vGPU, attached once created (detached before it is destroyed) ---
  void attach(vgpu::VgpuId id, vgpu::Vgpu& vgpu);
  void detach(vgpu::VgpuId id);
  Result<uint32_t> guest_cfg_read(vgpu::VgpuId id, uint32_t offset, unsigned size);
  Status guest_cfg_write(vgpu::VgpuId id, uint32_t offset, unsigned size, uint32_t value);
  // Register-sized (1–8 bytes) accesses at a guest physical address in a BAR.
  Result<uint64_t> guest_mmio_read(vgpu::VgpuId id, uint64_t gpa, unsigned size);
  Status guest_mmio_write(vgpu::VgpuId id, uint64_t gpa, unsigned size, uint64_t value);
  // Block accesses through BAR2 (the aperture).
  Status guest_aperture_read(vgpu::VgpuId id, uint64_t gpa, std::span<uint8_t> out);
  Status guest_aperture_write(vgpu::VgpuId id, uint64_t gpa, std::span<const uint8_t> data);
  uint64_t aperture_refused() const { return m_aperture_refused; }

  // Where MSIs for the VM go.
  void set_interrupt_sink(vgpu::VgpuId id, std::function<void(uint32_t address, uint16_t data)> sink);
  const std::vector<std::pair<uint32_t, uint16_t>>& msis(vgpu::VgpuId id) const { return vm(id).msis; }
  unsigned pin_count(vgpu::VgpuId id, uint64_t gfn) const;
  uint64_t trapped_writes() const { return m_trapped; }

  // vgpu::Hypervisor
  Status read_gpa(vgpu::VgpuId vgpu, uint64_t gpa, std::span<uint8_t> out) override;
  Status write_gpa(vgpu::VgpuId vgpu, uint64_t gpa, std::span<const uint8_t> data) override;
  bool is_valid_gfn(vgpu::VgpuId vgpu, uint64_t gfn) override;
  Result<uint64_t> pin_gfn(vgpu::VgpuId vgpu, uint64_t gfn) override;
  void unpin_gfn(vgpu::VgpuId vgpu, uint64_t gfn) override;
  Status track_gfn(vgpu::VgpuId vgpu, uint64_t gfn, WriteHandler handler) override;
  Status untrack_gfn(vgpu::VgpuId vgpu, uint64_t gfn) override;
  Status inject_msi(vgpu::VgpuId vgpu, uint32_t address, uint16_t data) override;

 private:
  struct Vm {
    uint64_t ram = 0;
    uint64_t host_base = 0;
    std::map<uint64_t, unsigned> pins;
    std::map<uint64_t, WriteHandler> tracked;
    std::function<void(uint32_t, uint16_t)> sink;
    std::vector<std::pair<uint32_t, uint16_t>> msis;
    vgpu::Vgpu* device = nullptr;
  };
  // The vGPU behind a VM and the BAR/offset a guest physical range falls in.
  Result<std::pair<vgpu::Bar, uint64_t>> claim(vgpu::VgpuId id, uint64_t gpa, uint64_t len, vgpu::Vgpu*& dev);
  Status aperture(vgpu::VgpuId id, uint64_t gpa, uint8_t* buf, std::size_t len, bool write);
  const Vm& vm(vgpu::VgpuId id) const;
  Vm* find(vgpu::VgpuId id);
  // The host physical address of a guest physical address, or nullopt outside RAM.
  std::optional<uint64_t> host_pa(const Vm& v, uint64_t gpa) const;
  Status access(vgpu::VgpuId id, uint64_t gpa, std::size_t len, const std::function<void(uint64_t hpa, std::size_t off, std::size_t n)>& fn);

  Platform& m_p;
  EventSource& m_events;
  std::map<vgpu::VgpuId, Vm> m_vms;
  uint64_t m_trapped = 0;
  uint64_t m_aperture_refused = 0;
};

}  // namespace gvtsim::harness
