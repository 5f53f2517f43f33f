#include "vgpu/device.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/log.h"

namespace gvtsim::vgpu {

namespace {

// Resources a set of vGPUs needs, summed.
struct Demand {
  uint64_t low = 0, high = 0;
  unsigned fences = 0, count = 0;
  void add(const VgpuType& t, unsigned n = 1) {
    low += t.low_gm * n;
    high += t.high_gm * n;
    fences += t.fences * n;
    count += n;
  }
};

// What is short, as "high GM (needs 3072 MB, 2688 MB free), fences (needs 32, 28 free)"; empty when
// the demand fits.
std::string shortfall(const Demand& d, const HostResources& h, unsigned free_ids) {
  std::vector<std::string> parts;
  if (d.low > h.aperture_free)
    parts.push_back(fmt::format("low GM (needs {}, {} free)", format_size(d.low), format_size(h.aperture_free)));
  if (d.high > h.hidden_free)
    parts.push_back(fmt::format("high GM (needs {}, {} free)", format_size(d.high), format_size(h.hidden_free)));
  if (d.fences > h.fences_free) parts.push_back(fmt::format("fences (needs {}, {} free)", d.fences, h.fences_free));
  if (d.count > free_ids) parts.push_back(fmt::format("vGPU ids (needs {}, {} free)", d.count, free_ids));
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += i + 1 == parts.size() ? " and " : ", ";
    out += parts[i];
  }
  return out;
}

// "2 × GVTg_V4_8 + 1 × GVTg_V4_1", types in order of first appearance.
std::string describe(const std::vector<const VgpuType*>& types) {
  std::vector<std::pair<const VgpuType*, unsigned>> groups;
  for (const VgpuType* t : types) {
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == t; });
    if (it == groups.end())
      groups.push_back({t, 1});
    else
      ++it->second;
  }
  std::string out;
  for (const auto& [t, n] : groups) out += fmt::format("{}{} × {}", out.empty() ? "" : " + ", n, t->name);
  return out;
}

// vGPU ids double as owners (base/owner.h), which keeps 0xFFFE and 0xFFFF for "host" and "none".
constexpr unsigned kIdLimit = 0xFFFE;

constexpr const char* kHostReserve = "the host keeps 128 MB low GM, 384 MB high GM and 4 fences";

}  // namespace

Device::Device(Services services, DeviceConfig config, Stats* stats)
    : m_services(services), m_config(config), m_own_stats(stats ? nullptr : std::make_unique<Stats>()),
      m_stats(stats ? stats : m_own_stats.get()) {
  if (m_config.max_vgpus < 1 || m_config.max_vgpus >= kIdLimit)
    throw ConfigError(fmt::format("vGPU limit {}: 1..{} (id 0 is the idle vGPU)", m_config.max_vgpus, kIdLimit - 1));
  // gvt/firmware.c: the host's configuration space, snapshotted once.
  m_golden_cfg = m_services.host.config_space();
  GVT_ASSERT(m_golden_cfg.size() >= 0x100 && m_golden_cfg.size() <= kCfgSpaceSize,
             "HostGpu::config_space() returned {} bytes: 256 to 4096 expected", m_golden_cfg.size());
  // gvt/firmware.c mmio_snapshot_handler: the tracked registers, read once from the hardware.
  m_golden_mmio = std::make_shared<const std::vector<uint32_t>>(MmioEmulator::snapshot(m_services.host));
  // gvt/vgpu.c intel_gvt_init_vgpu_types: decided once, from the totals.
  const HostResources host = m_services.host.resources();
  m_types = offered_types(host);
  if (m_types.empty())
    log::warn(log::Channel::vgpu, "no vGPU type fits an aperture of {} ({} is the host's)",
              format_size(host.aperture_size), format_size(kHostLowGm));
}

Device::~Device() {
  while (!m_vgpus.empty()) {
    auto it = std::prev(m_vgpus.end());
    std::unique_ptr<Vgpu> v = std::move(it->second);
    m_vgpus.erase(it);
    v->destroy();
  }
}

unsigned Device::available_instances(const VgpuType& type) const {
  return std::min(vgpu::available_instances(type, m_services.host.resources()), free_ids());
}

std::string Device::what_fits() const {
  std::vector<std::string> fits;
  for (const VgpuType* t : m_types)
    if (unsigned n = available_instances(*t)) fits.push_back(fmt::format("{} × {}", n, t->name));
  if (fits.empty()) return "nothing";
  std::string out;
  for (std::size_t i = 0; i < fits.size(); ++i) {
    if (i) out += i + 1 == fits.size() ? " or " : ", ";
    out += fits[i];
  }
  return out;
}

Result<const VgpuType*> Device::named_type(const std::string& name) const {
  const VgpuType* t = find_type(name);
  if (!t) {
    std::string names;
    for (const VgpuType& k : kBdwTypes) names += fmt::format("{}, ", k.name);
    return Status::guest_error("unknown vGPU type '{}': the types are {}or auto", name, names);
  }
  if (std::find(m_types.begin(), m_types.end(), t) == m_types.end()) {
    std::string offered;
    for (const VgpuType* k : m_types) offered += fmt::format("{}{}", offered.empty() ? "" : ", ", k->name);
    return Status::guest_error("vGPU type {} is not offered by this host: its {} low GM needs more than the {} "
                               "aperture less the host's {}; offered: {}",
                               name, format_size(t->low_gm), format_size(m_services.host.resources().aperture_size),
                               format_size(kHostLowGm), offered.empty() ? "none" : offered);
  }
  return t;
}

Result<const VgpuType*> Device::resolve(const std::string& name, unsigned count) const {
  if (name != "auto") return named_type(name);
  if (count == 0) return Status::guest_error("type auto for 0 vGPUs: ask for at least one");
  for (auto it = m_types.rbegin(); it != m_types.rend(); ++it)
    if (available_instances(**it) >= count) return *it;
  return Status::guest_error("type auto: no vGPU type fits {} instances; what fits now: {} ({})", count, what_fits(),
                             kHostReserve);
}

Status Device::check_weight(const CreateParams& p) const {
  if (p.weight && (*p.weight < kMinWeight || *p.weight > kMaxWeight))
    return Status::guest_error("weight {} out of range {}..{}", *p.weight, kMinWeight, kMaxWeight);
  return Status::ok();
}

Result<std::vector<Device::Plan>> Device::plan(std::span<const CreateParams> params) const {
  const HostResources host = m_services.host.resources();
  std::vector<const VgpuType*> types(params.size(), nullptr);
  Demand explicit_demand;
  unsigned autos = 0;
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (Status s = check_weight(params[i]); !s) return s;
    if (params[i].type == "auto") {
      ++autos;
      continue;
    }
    Result<const VgpuType*> t = named_type(params[i].type);
    if (!t) return t.status();
    types[i] = *t;
    explicit_demand.add(**t);
  }
  if (autos) {
    // A lone "auto" asks for the largest type of which auto_count fit; in a set, the "auto" entries
    // are the N, next to the explicit ones.
    const unsigned n = params.size() == 1 ? params[0].auto_count : autos;
    if (n == 0) return Status::guest_error("type auto for 0 vGPUs: ask for at least one");
    const VgpuType* chosen = nullptr;
    for (auto it = m_types.rbegin(); it != m_types.rend() && !chosen; ++it) {
      Demand d = explicit_demand;
      d.add(**it, n);
      if (shortfall(d, host, free_ids()).empty()) chosen = *it;
    }
    if (!chosen)
      return Status::guest_error("type auto: no vGPU type fits {} instances{}; what fits now: {} ({})", n,
                                 explicit_demand.count ? " next to the named ones" : "", what_fits(), kHostReserve);
    for (auto& t : types)
      if (!t) t = chosen;
  }
  Demand total;
  for (const VgpuType* t : types) total.add(*t);
  if (std::string s = shortfall(total, host, free_ids()); !s.empty())
    return Status::guest_error("cannot create {}: short of {}; {}. What fits now: {}", describe(types), s,
                               kHostReserve, what_fits());
  std::vector<Plan> out;
  for (std::size_t i = 0; i < params.size(); ++i)
    out.push_back({types[i], params[i].weight.value_or(types[i]->weight)});
  return out;
}

std::optional<VgpuId> Device::lowest_free_id() const {
  for (unsigned id = 1; id <= m_config.max_vgpus; ++id)
    if (!m_vgpus.count(VgpuId(id))) return VgpuId(id);
  return std::nullopt;
}

Result<Vgpu*> Device::create_one(const Plan& p) {
  // 1. id: the lowest free one above the idle vGPU's.
  const std::optional<VgpuId> id = lowest_free_id();
  if (!id) return Status::guest_error("no free vGPU id: the limit is {}", m_config.max_vgpus);
  std::unique_ptr<Vgpu> v(new Vgpu(*id, *p.type, p.weight, m_services, m_golden_cfg, m_golden_mmio, m_services.host.resources(),
                                   StatGroup(*m_stats, fmt::format("vgpu{}", *id))));
  if (Status s = v->create(); !s) return s;
  Vgpu* raw = v.get();
  m_vgpus.emplace(*id, std::move(v));
  return raw;
}

Result<Vgpu*> Device::create(const CreateParams& params) {
  Result<std::vector<Plan>> p = plan(std::span<const CreateParams>(&params, 1));
  if (!p) return p.status();
  return create_one(p->front());
}

Result<std::vector<Vgpu*>> Device::create_all(std::span<const CreateParams> params) {
  Result<std::vector<Plan>> p = plan(params);
  if (!p) return p.status();
  std::vector<Vgpu*> made;
  for (const Plan& one : *p) {
    Result<Vgpu*> v = create_one(one);
    if (!v) {
      // All or nothing: a host that fragments its GM can refuse what the sums allowed.
      for (auto it = made.rbegin(); it != made.rend(); ++it) (void)destroy((*it)->id());
      return v.status();
    }
    made.push_back(*v);
  }
  return made;
}

Status Device::destroy(VgpuId id) {
  if (id == kIdleVgpu) return Status::guest_error("vgpu0 is the idle vGPU: it cannot be destroyed");
  auto it = m_vgpus.find(id);
  if (it == m_vgpus.end()) return Status::guest_error("no vgpu{} to destroy", id);
  // As intel_gvt_destroy_vgpu: the id goes first, then the vGPU's parts in reverse.
  std::unique_ptr<Vgpu> v = std::move(it->second);
  m_vgpus.erase(it);
  v->destroy();
  return Status::ok();
}

Vgpu* Device::find(VgpuId id) {
  auto it = m_vgpus.find(id);
  return it == m_vgpus.end() ? nullptr : it->second.get();
}

const Vgpu* Device::find(VgpuId id) const {
  auto it = m_vgpus.find(id);
  return it == m_vgpus.end() ? nullptr : it->second.get();
}

std::vector<VgpuId> Device::ids() const {
  std::vector<VgpuId> out;
  for (const auto& [id, v] : m_vgpus) out.push_back(id);
  return out;
}

}  // namespace gvtsim::vgpu
