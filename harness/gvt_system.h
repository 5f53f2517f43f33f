// A host machine running GVT-g (decisions D10): the platform (the Gen8 model), the host driver
// booted on it, the in-process hypervisor, the mediation core's Device over the three interfaces,
// and the guests — each a VM with guest RAM, its vGPU attached, and a guest i915 driver model.
//
// This is the composition every mediated scenario shares (tests, and later replay on vGPUs). The
// platform is mediated: pages are unowned until handed out, so the isolation oracle checks every
// device access (D4).
#pragma once

#include <map>
#include <memory>

#include "harness/guest.h"
#include "harness/host_driver.h"
#include "harness/hypervisor.h"
#include "harness/platform.h"
#include "harness/vgpu_clock.h"
#include "vgpu/device.h"

namespace gvtsim::harness {

struct GvtSystemConfig {
  PlatformConfig platform{.ownership = model::gen8::OwnershipDefault::mediated};
  vgpu::DeviceConfig device{};
  uint64_t guest_ram = vgpu::mib(512);  // per VM
};

class GvtSystem {
 public:
  // Boots the host; a platform that does not boot is a ConfigError.
  explicit GvtSystem(GvtSystemConfig config = {});
  ~GvtSystem();
  GvtSystem(const GvtSystem&) = delete;
  GvtSystem& operator=(const GvtSystem&) = delete;

  // Creates a vGPU, its VM and the guest driver model (not booted yet: guest->boot()).
  Result<GuestI915*> add_guest(const vgpu::CreateParams& params = {}, GuestConfig guest = {});
  // A set of guests, all or nothing (Device::create_all).
  Result<std::vector<GuestI915*>> add_guests(std::span<const vgpu::CreateParams> params, GuestConfig guest = {});
  Status remove_guest(vgpu::VgpuId id);

  // Runs the platform's queue at the current time: deferred deliveries (MSIs to guests, host
  // driver events) happen.
  void settle();

  Platform& platform() { return m_platform; }
  HostDriver& host() { return m_host; }
  InProcessHypervisor& hypervisor() { return m_hyp; }
  vgpu::Device& device() { return *m_device; }
  vgpu::Vgpu& vgpu(vgpu::VgpuId id);
  GuestI915& guest(vgpu::VgpuId id);
  // The isolation oracle's figures (D4): both must stay 0 in a correct run.
  uint64_t isolation_violations() { return m_platform.memory().violations(); }
  uint64_t untagged_accesses() { return m_platform.memory().untagged_accesses(); }

 private:
  Result<GuestI915*> attach(vgpu::Vgpu& v, const GuestConfig& guest);

  GvtSystemConfig m_config;
  Platform m_platform;
  HostDriver m_host;
  InProcessHypervisor m_hyp;
  PlatformClock m_clock;
  std::unique_ptr<vgpu::Device> m_device;
  std::map<vgpu::VgpuId, std::unique_ptr<GuestI915>> m_guests;
};

}  // namespace gvtsim::harness
