#include "harness/host_driver.h"

#include "model/gen8/command_streamer.h"
#include "model/gen8/pci_config.h"
#include "spec/gen8/registers.h"

namespace gvtsim::harness {

using namespace spec::gen8;
namespace csb = model::gen8::csb;

HostDriver::HostDriver(Platform& p)
    : m_p(p), m_drv(p), m_events(p.queue().source("host.driver", EventBand::software, /*sync_point=*/true)) {
  m_fence_owner.fill(0);
  for (unsigned f = 0; f < kHostFences; ++f) m_fence_owner[f] = -1;
}

Status HostDriver::boot() {
  auto info = m_drv.boot();
  if (!info) return info.status();
  uint64_t aperture = info->bar2_size;
  m_free_low = {{kHostLowReserve, aperture - kHostLowReserve}};
  m_free_high = {{aperture + kHostHighReserve, kGraphicsMemory - aperture - kHostHighReserve}};
  // Context-switch interrupts of every engine (GT IIR bit 8 of each half), handled here.
  for (uint32_t iir : {reg::GEN8_GT_IIR0::offset, reg::GEN8_GT_IIR1::offset, reg::GEN8_GT_IIR3::offset})
    if (Status s = m_drv.enable_irq(iir, uint32_t(reg::GEN8_GT_IIR0::RCS_CONTEXT_SWITCH.mask() |
                                                  reg::GEN8_GT_IIR0::BCS_CONTEXT_SWITCH.mask()));
        !s)
      return s;
  m_p.msi_handler = [this](const MsiRecord& m) {
    on_msi();
    (void)m;
  };
  for (std::size_t e = 0; e < kEngineCount; ++e) {
    if (!m_p.gpu().engine(Engine(e))) continue;
    // i915 reset_csb_pointers: masked write of read = write = 5 ("the next entry is 0").
    if (Status s = m_drv.write32(reg::RING_CONTEXT_STATUS_PTR::at(Engine(e)), 0xFFFF0505); !s) return s;
    if (Status s = m_drv.write32(reg::GFX_MODE::at(Engine(e)), masked_write(reg::GFX_MODE::EXECLIST_ENABLE, 1)); !s) return s;
  }
  return Status::ok();
}

Result<uint64_t> HostDriver::mmio_read(uint32_t offset, unsigned size) { return m_p.bus().read(m_drv.info().bar0 + offset, size); }

Status HostDriver::mmio_write(uint32_t offset, unsigned size, uint64_t value) {
  return m_p.bus().write(m_drv.info().bar0 + offset, size, value);
}

std::vector<uint8_t> HostDriver::config_space() const {
  std::vector<uint8_t> cfg(256);
  for (unsigned o = 0; o < 256; o += 4) {
    auto v = m_p.bus().cfg_read(o, 4);
    uint32_t d = v ? *v : 0;
    for (unsigned i = 0; i < 4; ++i) cfg[o + i] = uint8_t(d >> (8 * i));
  }
  return cfg;
}

vgpu::HostResources HostDriver::resources() const {
  vgpu::HostResources r;
  r.aperture_size = m_drv.info().bar2_size;
  r.aperture_pa = m_drv.info().bar2;
  r.hidden_size = kGraphicsMemory - r.aperture_size;
  r.fence_count = kFenceCount;
  for (auto& [b, s] : m_free_low) r.aperture_free += s;
  for (auto& [b, s] : m_free_high) r.hidden_free += s;
  for (int o : m_fence_owner) r.fences_free += o == 0;
  for (std::size_t e = 0; e < kEngineCount; ++e)
    if (m_p.gpu().engine(Engine(e))) r.engines |= engine_bit(Engine(e));
  return r;
}

Result<vgpu::GmSlice> HostDriver::alloc_gm(vgpu::VgpuId vgpu, vgpu::GmKind kind, uint64_t size) {
  auto& free = kind == vgpu::GmKind::low ? m_free_low : m_free_high;
  if (size == 0 || size % vgpu::kPageSize) return Status::guest_error("GM slice of {} bytes: whole pages only", size);
  for (auto it = free.begin(); it != free.end(); ++it) {  // first fit, lowest address
    if (it->second < size) continue;
    uint64_t base = it->first, left = it->second - size;
    free.erase(it);
    if (left) free[base + size] = left;
    m_gm_owner[base] = {vgpu, size};
    return vgpu::GmSlice{base, size};
  }
  return Status::guest_error("no {} GM slice of {} left for vgpu{}", vgpu::to_string(kind), vgpu::format_size(size), vgpu);
}

void HostDriver::free_gm(vgpu::VgpuId vgpu, const vgpu::GmSlice& slice) {
  auto it = m_gm_owner.find(slice.base);
  GVT_ASSERT(it != m_gm_owner.end() && it->second.first == vgpu && it->second.second == slice.size,
             "vgpu{} frees a GM slice it does not own ({:#x})", vgpu, slice.base);
  m_gm_owner.erase(it);
  auto& free = slice.base < m_drv.info().bar2_size ? m_free_low : m_free_high;
  free[slice.base] = slice.size;
  // Coalesce with the neighbours.
  auto cur = free.find(slice.base);
  if (auto next = std::next(cur); next != free.end() && cur->first + cur->second == next->first) {
    cur->second += next->second;
    free.erase(next);
  }
  if (cur != free.begin()) {
    auto prev = std::prev(cur);
    if (prev->first + prev->second == cur->first) {
      prev->second += cur->second;
      free.erase(cur);
    }
  }
}

Result<std::vector<unsigned>> HostDriver::alloc_fences(vgpu::VgpuId vgpu, unsigned count) {
  std::vector<unsigned> got;
  for (unsigned f = 0; f < kFenceCount && got.size() < count; ++f)
    if (m_fence_owner[f] == 0) got.push_back(f);
  if (got.size() < count) return Status::guest_error("vgpu{} asks for {} fences, {} are free", vgpu, count, got.size());
  for (unsigned f : got) m_fence_owner[f] = vgpu;
  return got;
}

void HostDriver::free_fences(vgpu::VgpuId vgpu, std::span<const unsigned> fences) {
  for (unsigned f : fences) {
    GVT_ASSERT(f < kFenceCount && m_fence_owner[f] == int(vgpu), "vgpu{} frees fence {} it does not own", vgpu, f);
    m_fence_owner[f] = 0;
    (void)mmio_write(reg::FENCE_REG_GEN6::at(f), 8, 0);  // the fence is cleared for its next owner
  }
}

Result<uint64_t> HostDriver::alloc_page(vgpu::VgpuId vgpu, vgpu::PageUse use) {
  uint64_t pa;
  if (!m_free_pages.empty()) {
    pa = m_free_pages.back();
    m_free_pages.pop_back();
  } else {
    pa = m_next_page;
    m_next_page += vgpu::kPageSize;
    GVT_ASSERT(pa < (1ull << 39), "host page {:#x} beyond the 39-bit physical address space", pa);
  }
  std::vector<uint8_t> zero(vgpu::kPageSize, 0);  // handed out clean: no data leaks between owners
  m_p.memory().write(pa, zero.data(), zero.size(), model::gen8::AccessTag::software());
  m_p.memory().set_owner(pa, vgpu::kPageSize, Owner::vgpu(vgpu));  // D4: vGPU n's shadow/scratch pages
  m_page_owner[pa] = vgpu;
  (void)use;
  return pa;
}

void HostDriver::free_page(vgpu::VgpuId vgpu, uint64_t hpa) {
  auto it = m_page_owner.find(hpa);
  GVT_ASSERT(it != m_page_owner.end() && it->second == vgpu, "vgpu{} frees page {:#x} it does not own", vgpu, hpa);
  m_page_owner.erase(it);
  m_p.memory().set_owner(hpa, vgpu::kPageSize, Owner::none());
  m_free_pages.push_back(hpa);
}

void HostDriver::emit(const vgpu::SubmissionEvent& e) {
  // Delivered from the platform's queue, never from inside the caller's own call (D10).
  m_events.after(0, [this, e] {
    if (m_listener) m_listener(e);
  });
}

Result<vgpu::SubmissionId> HostDriver::submit(const vgpu::ShadowSubmission& s) {
  if (!m_p.gpu().engine(s.engine)) return Status::guest_error("engine {} does not exist on this SKU", engine_name(s.engine));
  if (!(s.descriptor & 1)) return Status::guest_error("shadow context descriptor {:#x} is not valid", s.descriptor);
  vgpu::SubmissionId id = m_next_id++;
  m_engines[std::size_t(s.engine)].queue.push_back({id, s, false});
  kick(s.engine);
  return id;
}

// Submits the engine's front workload when the hardware has none.
void HostDriver::kick(Engine e) {
  auto& q = m_engines[std::size_t(e)];
  if (q.queue.empty() || q.queue.front().running) return;
  InFlight& f = q.queue.front();
  f.running = true;
  uint32_t elsp = reg::RING_ELSP::at(e);
  for (uint32_t dw : {0u, 0u, uint32_t(f.s.descriptor >> 32), uint32_t(f.s.descriptor)})
    if (Status st = m_drv.write32(elsp, dw); !st) {
      emit({vgpu::SubmissionEvent::Kind::schedule_out, f.id, e, vgpu::ScheduleOut::failed, f.s.cookie});
      q.queue.pop_front();
      return;
    }
}

void HostDriver::on_msi() {
  // i915's pattern: master off, read and clear the IIRs, process the CSBs, master on.
  (void)m_drv.write32(reg::GEN8_MASTER_IRQ::offset, 0);
  for (uint32_t iir : {reg::GEN8_GT_IIR0::offset, reg::GEN8_GT_IIR1::offset, reg::GEN8_GT_IIR2::offset, reg::GEN8_GT_IIR3::offset})
    if (auto v = m_drv.read32(iir); v && *v) (void)m_drv.write32(iir, *v);
  for (std::size_t e = 0; e < kEngineCount; ++e)
    if (m_p.gpu().engine(Engine(e))) process_csb(Engine(e));
  (void)m_drv.write32(reg::GEN8_MASTER_IRQ::offset, uint32_t(reg::GEN8_MASTER_IRQ::MASTER_IRQ_CONTROL.mask()));
}

void HostDriver::process_csb(Engine e) {
  auto& q = m_engines[std::size_t(e)];
  auto ptr = m_drv.read32(reg::RING_CONTEXT_STATUS_PTR::at(e));
  if (!ptr) return;
  uint32_t write = uint32_t(reg::RING_CONTEXT_STATUS_PTR::WRITE_PTR.get(*ptr));
  if (write >= 6) return;  // nothing written since reset
  while (q.csb_read != write) {
    q.csb_read = (q.csb_read + 1) % 6;
    auto status = m_drv.read32(reg::RING_CONTEXT_STATUS_BUF_LO::at(e, q.csb_read));
    if (!status || q.queue.empty()) continue;
    InFlight& f = q.queue.front();
    if (*status & csb::kIdleToActive)
      emit({vgpu::SubmissionEvent::Kind::schedule_in, f.id, e, vgpu::ScheduleOut::complete, f.s.cookie});
    if (*status & (csb::kComplete | csb::kPreempted)) {
      auto reason = (*status & csb::kComplete) ? vgpu::ScheduleOut::complete : vgpu::ScheduleOut::preempted;
      emit({vgpu::SubmissionEvent::Kind::schedule_out, f.id, e, reason, f.s.cookie});
      q.queue.pop_front();
    }
  }
  // Acknowledge what was read (masked write of the read pointer, bits 10:8).
  (void)m_drv.write32(reg::RING_CONTEXT_STATUS_PTR::at(e), 0x07000000u | (q.csb_read << 8));
  kick(e);
}

Status HostDriver::reset_engine(Engine e) {
  static constexpr std::pair<Engine, spec::gen8::Field> kDomains[] = {
      {Engine::RCS, reg::GEN6_GDRST::GRDOM_RENDER}, {Engine::VCS, reg::GEN6_GDRST::GRDOM_MEDIA},
      {Engine::BCS, reg::GEN6_GDRST::GRDOM_BLT},    {Engine::VECS, reg::GEN6_GDRST::GRDOM_VECS},
      {Engine::VCS2, reg::GEN6_GDRST::GRDOM_MEDIA2}};
  for (auto [eng, field] : kDomains) {
    if (eng != e) continue;
    if (Status s = m_drv.write32(reg::GEN6_GDRST::offset, uint32_t(field.make(1))); !s) return s;
  }
  auto& q = m_engines[std::size_t(e)];
  for (auto& f : q.queue) emit({vgpu::SubmissionEvent::Kind::schedule_out, f.id, e, vgpu::ScheduleOut::failed, f.s.cookie});
  q.queue.clear();
  q.csb_read = 5;
  if (Status s = m_drv.write32(reg::RING_CONTEXT_STATUS_PTR::at(e), 0xFFFF0505); !s) return s;
  return m_drv.write32(reg::GFX_MODE::at(e), masked_write(reg::GFX_MODE::EXECLIST_ENABLE, 1));
}

std::optional<vgpu::VgpuId> HostDriver::engine_owner(Engine e) const {
  const auto& q = m_engines[std::size_t(e)];
  if (q.queue.empty() || !q.queue.front().running) return std::nullopt;
  return q.queue.front().s.vgpu;
}

}  // namespace gvtsim::harness
