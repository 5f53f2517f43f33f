#include "harness/gvt_system.h"

namespace gvtsim::harness {

GvtSystem::GvtSystem(GvtSystemConfig config)
    : m_config(config), m_platform(config.platform), m_host(m_platform), m_hyp(m_platform), m_clock(m_platform.clock()) {
  if (Status s = m_host.boot(); !s) throw ConfigError("the host driver did not boot: " + s.to_string());
  m_device = std::make_unique<vgpu::Device>(vgpu::Services{m_hyp, m_host, m_clock}, config.device, &m_platform.stats());
}

GvtSystem::~GvtSystem() {
  // Guests go first (their sinks point at them), then every vGPU, before the hypervisor they use.
  for (auto& [id, g] : m_guests) m_hyp.set_interrupt_sink(id, nullptr);
  for (vgpu::VgpuId id : m_device->ids()) m_hyp.detach(id);
  m_guests.clear();
  m_device.reset();
}

Result<GuestI915*> GvtSystem::attach(vgpu::Vgpu& v, const GuestConfig& guest) {
  if (Status s = m_hyp.add_vm(v.id(), m_config.guest_ram); !s) return s;
  m_hyp.attach(v.id(), v);
  auto g = std::make_unique<GuestI915>(m_hyp, v.id(), guest);
  GuestI915* out = g.get();
  m_guests[v.id()] = std::move(g);
  return out;
}

Result<GuestI915*> GvtSystem::add_guest(const vgpu::CreateParams& params, GuestConfig guest) {
  Result<vgpu::Vgpu*> v = m_device->create(params);
  if (!v) return v.status();
  return attach(**v, guest);
}

Result<std::vector<GuestI915*>> GvtSystem::add_guests(std::span<const vgpu::CreateParams> params, GuestConfig guest) {
  Result<std::vector<vgpu::Vgpu*>> vs = m_device->create_all(params);
  if (!vs) return vs.status();
  std::vector<GuestI915*> out;
  for (vgpu::Vgpu* v : *vs) {
    Result<GuestI915*> g = attach(*v, guest);
    if (!g) return g.status();
    out.push_back(*g);
  }
  return out;
}

Status GvtSystem::remove_guest(vgpu::VgpuId id) {
  auto it = m_guests.find(id);
  if (it == m_guests.end()) return Status::guest_error("no guest {}", id);
  m_hyp.set_interrupt_sink(id, nullptr);
  m_hyp.detach(id);
  m_guests.erase(it);
  return m_device->destroy(id);
}

void GvtSystem::settle() { m_platform.queue().run_until(m_platform.now()); }

vgpu::Vgpu& GvtSystem::vgpu(vgpu::VgpuId id) {
  vgpu::Vgpu* v = m_device->find(id);
  GVT_ASSERT(v, "no vgpu{}", id);
  return *v;
}

GuestI915& GvtSystem::guest(vgpu::VgpuId id) {
  auto it = m_guests.find(id);
  GVT_ASSERT(it != m_guests.end(), "no guest {}", id);
  return *it->second;
}

}  // namespace gvtsim::harness
