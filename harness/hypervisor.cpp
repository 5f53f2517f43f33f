#include "harness/hypervisor.h"

#include <algorithm>

namespace gvtsim::harness {

using model::gen8::AccessTag;

InProcessHypervisor::InProcessHypervisor(Platform& p)
    : m_p(p), m_events(p.queue().source("hyp.msi", EventBand::software, /*sync_point=*/true)) {}

Status InProcessHypervisor::add_vm(vgpu::VgpuId id, uint64_t ram_bytes) {
  if (m_vms.count(id)) return Status::guest_error("vgpu{} already has a VM", id);
  if (ram_bytes == 0 || ram_bytes % vgpu::kPageSize || ram_bytes > (12ull << 30))
    return Status::guest_error("guest RAM of {} bytes: whole pages, at most 12 GB", ram_bytes);
  Vm v;
  v.ram = ram_bytes;
  v.host_base = kGuestRamBase + uint64_t(id) * kGuestRamStride;
  GVT_ASSERT(v.host_base + kGuestRamStride <= (1ull << 39), "guest RAM of vgpu{} beyond the 39-bit physical space", id);
  // The whole RAM is the vGPU's in the oracle's map (pages are backed lazily by SystemMemory).
  m_p.memory().set_owner(v.host_base, ram_bytes, Owner::vgpu(id));
  m_vms.emplace(id, std::move(v));
  return Status::ok();
}

const InProcessHypervisor::Vm& InProcessHypervisor::vm(vgpu::VgpuId id) const {
  auto it = m_vms.find(id);
  GVT_ASSERT(it != m_vms.end(), "no VM for vgpu{}", id);
  return it->second;
}

InProcessHypervisor::Vm* InProcessHypervisor::find(vgpu::VgpuId id) {
  auto it = m_vms.find(id);
  return it == m_vms.end() ? nullptr : &it->second;
}

std::optional<uint64_t> InProcessHypervisor::host_pa(const Vm& v, uint64_t gpa) const {
  // RAM offset of a guest physical address: below the hole as is, above it shifted down by the hole.
  uint64_t off;
  if (gpa < kMmioHoleStart) off = gpa;
  else if (gpa < kMmioHoleEnd) return std::nullopt;
  else off = gpa - (kMmioHoleEnd - kMmioHoleStart);
  if (off >= v.ram) return std::nullopt;
  return v.host_base + off;
}

Status InProcessHypervisor::access(vgpu::VgpuId id, uint64_t gpa, std::size_t len,
                                   const std::function<void(uint64_t, std::size_t, std::size_t)>& fn) {
  Vm* v = find(id);
  if (!v) return Status::guest_error("no VM for vgpu{}", id);
  for (std::size_t done = 0; done < len;) {
    uint64_t a = gpa + done;
    std::size_t n = std::min<std::size_t>(len - done, vgpu::kPageSize - (a & (vgpu::kPageSize - 1)));
    auto hpa = host_pa(*v, a);
    if (!hpa) return Status::guest_error("vgpu{}: guest physical address {:#x} is not RAM", id, a);
    fn(*hpa, done, n);
    done += n;
  }
  return Status::ok();
}

Status InProcessHypervisor::read_gpa(vgpu::VgpuId id, uint64_t gpa, std::span<uint8_t> out) {
  return access(id, gpa, out.size(), [&](uint64_t hpa, std::size_t off, std::size_t n) {
    m_p.memory().read(hpa, out.data() + off, n, AccessTag::software());
  });
}

Status InProcessHypervisor::write_gpa(vgpu::VgpuId id, uint64_t gpa, std::span<const uint8_t> data) {
  return guest_write(id, gpa, data);
}

Status InProcessHypervisor::guest_write(vgpu::VgpuId id, uint64_t gpa, std::span<const uint8_t> data) {
  std::vector<std::pair<uint64_t, std::span<const uint8_t>>> traps;
  Vm* v = find(id);
  Status s = access(id, gpa, data.size(), [&](uint64_t hpa, std::size_t off, std::size_t n) {
    m_p.memory().write(hpa, data.data() + off, n, AccessTag::software());
    if (v->tracked.count((gpa + off) >> vgpu::kPageShift)) traps.push_back({gpa + off, data.subspan(off, n)});
  });
  if (!s) return s;
  // Trap after the write landed (KVM page-track notifies after emulating the write).
  for (auto& [a, d] : traps) {
    ++m_trapped;
    auto it = v->tracked.find(a >> vgpu::kPageShift);
    if (it != v->tracked.end()) it->second(a, d);
  }
  return Status::ok();
}

bool InProcessHypervisor::is_valid_gfn(vgpu::VgpuId id, uint64_t gfn) {
  Vm* v = find(id);
  return v && host_pa(*v, gfn << vgpu::kPageShift).has_value();
}

Result<uint64_t> InProcessHypervisor::pin_gfn(vgpu::VgpuId id, uint64_t gfn) {
  Vm* v = find(id);
  if (!v) return Status::guest_error("no VM for vgpu{}", id);
  auto hpa = host_pa(*v, gfn << vgpu::kPageShift);
  if (!hpa) return Status::guest_error("vgpu{}: gfn {:#x} is not guest RAM", id, gfn);
  ++v->pins[gfn];
  return *hpa;
}

void InProcessHypervisor::unpin_gfn(vgpu::VgpuId id, uint64_t gfn) {
  Vm* v = find(id);
  GVT_ASSERT(v && v->pins.count(gfn), "vgpu{} unpins gfn {:#x} it did not pin", id, gfn);
  if (--v->pins[gfn] == 0) v->pins.erase(gfn);
}

unsigned InProcessHypervisor::pin_count(vgpu::VgpuId id, uint64_t gfn) const {
  auto it = vm(id).pins.find(gfn);
  return it == vm(id).pins.end() ? 0 : it->second;
}

Status InProcessHypervisor::track_gfn(vgpu::VgpuId id, uint64_t gfn, WriteHandler handler) {
  Vm* v = find(id);
  if (!v || !host_pa(*v, gfn << vgpu::kPageShift)) return Status::guest_error("vgpu{}: cannot track gfn {:#x}", id, gfn);
  if (v->tracked.count(gfn)) return Status::guest_error("vgpu{}: gfn {:#x} is already tracked", id, gfn);
  v->tracked[gfn] = std::move(handler);
  return Status::ok();
}

Status InProcessHypervisor::untrack_gfn(vgpu::VgpuId id, uint64_t gfn) {
  Vm* v = find(id);
  if (!v || !v->tracked.erase(gfn)) return Status::guest_error("vgpu{}: gfn {:#x} is not tracked", id, gfn);
  return Status::ok();
}

void InProcessHypervisor::set_interrupt_sink(vgpu::VgpuId id, std::function<void(uint32_t, uint16_t)> sink) {
  if (Vm* v = find(id)) v->sink = std::move(sink);
}

Status InProcessHypervisor::inject_msi(vgpu::VgpuId id, uint32_t address, uint16_t data) {
  Vm* v = find(id);
  if (!v) return Status::guest_error("no VM for vgpu{}", id);
  v->msis.push_back({address, data});
  // Delivered later, from the queue: the guest's handler will read its vGPU's registers (D10).
  m_events.after(0, [this, id, address, data] {
    Vm* vm = find(id);
    if (vm && vm->sink) vm->sink(address, data);
  });
  return Status::ok();
}

void InProcessHypervisor::attach(vgpu::VgpuId id, vgpu::Vgpu& vgpu) {
  Vm* v = find(id);
  GVT_ASSERT(v && !v->device && vgpu.id() == id, "vgpu{}: attach without a VM or twice", id);
  v->device = &vgpu;
}

void InProcessHypervisor::detach(vgpu::VgpuId id) {
  if (Vm* v = find(id)) v->device = nullptr;
}

Result<uint32_t> InProcessHypervisor::guest_cfg_read(vgpu::VgpuId id, uint32_t offset, unsigned size) {
  Vm* v = find(id);
  if (!v || !v->device) return Status::guest_error("vgpu{}: no device attached", id);
  return v->device->cfg_read(offset, size);
}

Status InProcessHypervisor::guest_cfg_write(vgpu::VgpuId id, uint32_t offset, unsigned size, uint32_t value) {
  Vm* v = find(id);
  if (!v || !v->device) return Status::guest_error("vgpu{}: no device attached", id);
  return v->device->cfg_write(offset, size, value);
}

Result<std::pair<vgpu::Bar, uint64_t>> InProcessHypervisor::claim(vgpu::VgpuId id, uint64_t gpa, uint64_t len,
                                                                  vgpu::Vgpu*& dev) {
  Vm* v = find(id);
  if (!v || !v->device) return Status::guest_error("vgpu{}: no device attached", id);
  dev = v->device;
  std::optional<std::pair<vgpu::Bar, uint64_t>> c = dev->cfg().claim(gpa, len);
  if (!c) return Status::guest_error("vgpu{}: no device at guest physical {:#x}+{} (BARs not there, or disabled)", id, gpa, len);
  return *c;
}

Result<uint64_t> InProcessHypervisor::guest_mmio_read(vgpu::VgpuId id, uint64_t gpa, unsigned size) {
  vgpu::Vgpu* dev = nullptr;
  auto c = claim(id, gpa, size, dev);
  if (!c) return c.status();
  if (c->first == vgpu::Bar::gttmmio) return dev->mmio_read(c->second, size);
  uint64_t v = 0;
  if (size == 0 || size > 8) return Status::guest_error("vgpu{}: aperture read of {} bytes", id, size);
  if (Status s = aperture(id, gpa, reinterpret_cast<uint8_t*>(&v), size, false); !s) return s;
  return v;
}

Status InProcessHypervisor::guest_mmio_write(vgpu::VgpuId id, uint64_t gpa, unsigned size, uint64_t value) {
  vgpu::Vgpu* dev = nullptr;
  auto c = claim(id, gpa, size, dev);
  if (!c) return c.status();
  if (c->first == vgpu::Bar::gttmmio) return dev->mmio_write(c->second, size, value);
  if (size == 0 || size > 8) return Status::guest_error("vgpu{}: aperture write of {} bytes", id, size);
  return aperture(id, gpa, reinterpret_cast<uint8_t*>(&value), size, true);
}

Status InProcessHypervisor::guest_aperture_read(vgpu::VgpuId id, uint64_t gpa, std::span<uint8_t> out) {
  return aperture(id, gpa, out.data(), out.size(), false);
}

Status InProcessHypervisor::guest_aperture_write(vgpu::VgpuId id, uint64_t gpa, std::span<const uint8_t> data) {
  return aperture(id, gpa, const_cast<uint8_t*>(data.data()), data.size(), true);
}

Status InProcessHypervisor::aperture(vgpu::VgpuId id, uint64_t gpa, uint8_t* buf, std::size_t len, bool write) {
  vgpu::Vgpu* dev = nullptr;
  auto c = claim(id, gpa, len, dev);
  if (!c) return c.status();
  if (c->first != vgpu::Bar::aperture)
    return Status::guest_error("vgpu{}: {:#x} is not in the aperture (BAR2)", id, gpa);
  std::optional<uint64_t> hpa = dev->aperture_hpa(c->second, len);
  if (!hpa) {
    ++m_aperture_refused;
    return Status::guest_error("vgpu{}: aperture access at {:#x}+{} outside its slice {:#x}+{:#x}", id, c->second, len,
                               dev->aperture().base, dev->aperture().size);
  }
  const Owner initiator = Owner::vgpu(id);  // D4: the aperture access carries its initiator
  return write ? m_p.bus().write_block(*hpa, buf, len, initiator) : m_p.bus().read_block(*hpa, buf, len, initiator);
}

}  // namespace gvtsim::harness
