#include "vgpu/types.h"

#include <algorithm>

namespace gvtsim::vgpu {

const char* to_string(EdidResolution r) { return r == EdidResolution::r1024x768 ? "1024x768" : "1920x1200"; }

std::vector<const VgpuType*> offered_types(const HostResources& host) {
  // intel_gvt_init_vgpu_types: low_avail = aperture − HOST_LOW_GM_SIZE; the loop stops at the first
  // type whose low GM does not fit even once (types are ordered by growing size).
  const uint64_t low_avail = host.aperture_size > kHostLowGm ? host.aperture_size - kHostLowGm : 0;
  std::vector<const VgpuType*> out;
  for (const VgpuType& t : kBdwTypes) {
    if (low_avail / t.low_gm == 0) break;
    out.push_back(&t);
  }
  return out;
}

unsigned available_instances(const VgpuType& type, const HostResources& host) {
  // kvmgt.c intel_vgpu_get_available: min3 of the three quotients.
  const uint64_t low = host.aperture_free / type.low_gm;
  const uint64_t high = host.hidden_free / type.high_gm;
  const uint64_t fences = host.fences_free / type.fences;
  return unsigned(std::min({low, high, fences}));
}

const VgpuType* find_type(std::string_view name) {
  for (const VgpuType& t : kBdwTypes)
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace gvtsim::vgpu
