// The GVT-g device (i915 gvt/gvt.h struct intel_gvt): the mediation core's root. It holds the three
// interfaces (D10), the golden configuration snapshot, the vGPU types this host offers and the
// vGPUs by id, and creates and destroys them (gvt/vgpu.c, gvt/kvmgt.c intel_vgpu_get_available).
//
// Ids. Id 0 is the idle vGPU (gvt/vgpu.c IDLE_VGPU_IDR: the scheduler's placeholder, it owns nothing);
// guests get the lowest free id in 1..limit, as idr_alloc(…, IDLE_VGPU_IDR + 1, GVT_MAX_VGPU) does.
// The kernel's limit is 7 (GVT_MAX_VGPU 8 ids, including the idle one); here it is a configuration
// value, 7 by default.
//
// Choosing types (decisions D3).
//   - By name: one of the types this host offers (types.h: decided once, from the host's totals).
//   - "auto": the largest type of which N instances fit, N being the number of vGPUs asked for with
//     "auto" (create(): CreateParams::auto_count; create_all(): the "auto" entries of the list) next to
//     the explicit ones.
//   - A set of vGPUs (create_all) is checked as a whole — low GM, high GM, fences and ids summed
//     against what is free — and refused, with nothing created, when it does not fit; the error says
//     what is short and lists what would fit. Each creation is all-or-nothing too.
// Weight. The type's by default; an override of 1–16 per vGPU (D3: a documented departure from the
// kernel, which takes the weight from the type only, needed to study weights resources alone would
// not allow).
// Failures of create/destroy are Status guest_error: the request came from outside the core (a
// scenario, the API) and its caller decides; at start-up the harness turns them into ConfigError.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/stats.h"
#include "base/status.h"
#include "vgpu/common.h"
#include "vgpu/types.h"
#include "vgpu/vgpu.h"

namespace gvtsim::vgpu {

struct DeviceConfig {
  unsigned max_vgpus = 7;  // ids 1..max_vgpus (id 0: the idle vGPU)
};

struct CreateParams {
  std::string type = "auto";       // a type name ("GVTg_V4_8") or "auto"
  unsigned auto_count = 1;         // create(): the N of "auto" (create_all counts its "auto" entries)
  std::optional<unsigned> weight = std::nullopt;  // 1..16; the type's when absent
};

class Device {
 public:
  // Takes the golden configuration snapshot and decides the offered types now, as GVT does at init.
  // A bad configuration (a vGPU limit of 0 or beyond the owner ids) throws ConfigError.
  Device(Services services, DeviceConfig config = {}, Stats* stats = nullptr);
  ~Device();  // destroys the remaining vGPUs, returning their resources
  Device(const Device&) = delete;
  Device& operator=(const Device&) = delete;

  const std::vector<const VgpuType*>& types() const { return m_types; }
  unsigned max_vgpus() const { return m_config.max_vgpus; }
  unsigned free_ids() const { return m_config.max_vgpus - unsigned(m_vgpus.size()); }
  // How many more vGPUs of this type can be created: the kernel's rule (types.h), bounded by free ids.
  unsigned available_instances(const VgpuType& type) const;
  // "7 × GVTg_V4_8, 5 × GVTg_V4_4, 2 × GVTg_V4_2 or 1 × GVTg_V4_1" — each type alone, now.
  std::string what_fits() const;

  // The type a request names: an offered type, or for "auto" the largest of which `count` fit.
  Result<const VgpuType*> resolve(const std::string& name, unsigned count = 1) const;

  Result<Vgpu*> create(const CreateParams& params);
  // All or nothing: checked as a whole first; created in order; on any failure none remains.
  Result<std::vector<Vgpu*>> create_all(std::span<const CreateParams> params);
  Status destroy(VgpuId id);

  Vgpu* find(VgpuId id);
  const Vgpu* find(VgpuId id) const;
  std::size_t count() const { return m_vgpus.size(); }
  std::vector<VgpuId> ids() const;
  Stats& stats() { return *m_stats; }

 private:
  struct Plan {
    const VgpuType* type;
    unsigned weight;
  };
  Result<std::vector<Plan>> plan(std::span<const CreateParams> params) const;
  Result<const VgpuType*> named_type(const std::string& name) const;
  Status check_weight(const CreateParams& p) const;
  std::optional<VgpuId> lowest_free_id() const;
  Result<Vgpu*> create_one(const Plan& p);

  Services m_services;
  DeviceConfig m_config;
  std::unique_ptr<Stats> m_own_stats;
  Stats* m_stats;
  std::vector<uint8_t> m_golden_cfg;
  std::shared_ptr<const std::vector<uint32_t>> m_golden_mmio;
  std::vector<const VgpuType*> m_types;
  std::map<VgpuId, std::unique_ptr<Vgpu>> m_vgpus;
};

}  // namespace gvtsim::vgpu
