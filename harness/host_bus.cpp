#include "harness/host_bus.h"

namespace gvtsim::harness {

using model::gen8::Bar;

Result<std::pair<Bar, uint64_t>> HostBus::decode(uint64_t pa, uint64_t len) const {
  auto claim = m_gpu->pci().claim(pa, len);
  if (!claim) return Status::guest_error("master abort: no BAR claims {} bytes at CPU address {:#x}", len, pa);
  return *claim;
}

Result<uint64_t> HostBus::read(uint64_t pa, unsigned size) {
  auto d = decode(pa, size);
  if (!d) return d.status();
  if (d->first != Bar::bar0) return Status::guest_error("register read at {:#x} falls in the aperture", pa);
  return bar_read(d->first, d->second, size);
}

Status HostBus::write(uint64_t pa, unsigned size, uint64_t value) {
  auto d = decode(pa, size);
  if (!d) return d.status();
  if (d->first != Bar::bar0) return Status::guest_error("register write at {:#x} falls in the aperture", pa);
  return bar_write(d->first, d->second, size, value);
}

Status HostBus::read_block(uint64_t pa, void* dst, std::size_t len, Owner owner) {
  auto d = decode(pa, len);
  if (!d) return d.status();
  return bar_block(d->first, d->second, static_cast<uint8_t*>(dst), len, owner, false);
}

Status HostBus::write_block(uint64_t pa, const void* src, std::size_t len, Owner owner) {
  auto d = decode(pa, len);
  if (!d) return d.status();
  return bar_block(d->first, d->second, const_cast<uint8_t*>(static_cast<const uint8_t*>(src)), len, owner, true);
}

Result<uint32_t> DirectBus::cfg_read(uint32_t offset, unsigned size) {
  auto r = m_gpu->cfg_read(offset, size);
  if (r) *m_cost += m_gpu->config().mmio_cost;
  return r;
}

Status DirectBus::cfg_write(uint32_t offset, unsigned size, uint32_t value) {
  Status s = m_gpu->cfg_write(offset, size, value);
  if (s) *m_cost += m_gpu->config().mmio_cost;
  return s;
}

// Each access costs what the SystemC shell annotates for it (GpuConfig::mmio_cost), so both buses
// charge the same.
Result<uint64_t> DirectBus::bar_read(Bar, uint64_t offset, unsigned size) {
  auto r = m_gpu->bar0_read(offset, size);
  if (r) *m_cost += m_gpu->config().mmio_cost;
  return r;
}

Status DirectBus::bar_write(Bar, uint64_t offset, unsigned size, uint64_t value) {
  Status s = m_gpu->bar0_write(offset, size, value);
  if (s) *m_cost += m_gpu->config().mmio_cost;
  return s;
}

Status DirectBus::bar_block(Bar bar, uint64_t offset, uint8_t* buf, std::size_t len, Owner owner, bool write) {
  if (bar != Bar::bar2) return Status::guest_error("block access to BAR0 at {:#x}: registers take 1–8 byte accesses", offset);
  auto r = write ? m_gpu->bar2_write(offset, buf, len, owner) : m_gpu->bar2_read(offset, buf, len, owner);
  if (!r) return r.status();
  *m_cost += *r;
  return Status::ok();
}

}  // namespace gvtsim::harness
