// vGPU types and the available-instance rule (gvt-reference §2.3; i915 gvt/vgpu.c
// intel_vgpu_configs[] and intel_gvt_init_vgpu_types, gvt/kvmgt.c intel_vgpu_get_available,
// gvt/gvt.h HOST_LOW_GM_SIZE / HOST_HIGH_GM_SIZE / HOST_FENCE).
//
// A type fixes a vGPU's share of the GPU: a low (mappable, "aperture") GM slice, a high (hidden) GM
// slice, a number of fence registers, a scheduler weight and the resolution of its virtual monitor's
// EDID. On BDW the names are GVTg_V4_<n> (V4 for Gen8, V5 for Gen9), n being roughly how many fit a
// typical GPU; the weight is VGPU_MAX_WEIGHT (16) / n.
//
//   type        low GM   high GM  fences  weight  EDID
//   GVTg_V4_8    64 MB    384 MB     4       2    1024x768
//   GVTg_V4_4   128 MB    512 MB     4       4    1920x1200
//   GVTg_V4_2   256 MB   1024 MB     4       8    1920x1200
//   GVTg_V4_1   512 MB   2048 MB     4      16    1920x1200
//
// Which types a host offers is decided once, from its totals (intel_gvt_init_vgpu_types): the types
// in table order while (aperture − 128 MB) / low GM ≥ 1 — the first that does not fit ends the list.
// How many instances of a type can still be created (intel_vgpu_get_available) is
//   min((aperture − 128 MB − allocated low) / low, (hidden − 384 MB − allocated high) / high,
//       (fences − 4 − allocated fences) / fences)
// — the `*_free` amounts of HostResources. With the D3 defaults (1 GB aperture, 4 GB GM, 32 fences)
// that is min(896/64, 2688/384, 28/4) = 7 × _8; a 256 MB aperture gives 128/64 = 2 × _8 or 1 × _4.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "vgpu/common.h"

namespace gvtsim::vgpu {

// What the host keeps for itself (gvt.h).
inline constexpr uint64_t kHostLowGm = mib(128);
inline constexpr uint64_t kHostHighGm = mib(384);
inline constexpr unsigned kHostFences = 4;

// The scheduler weight range (gvt/vgpu.c VGPU_MAX_WEIGHT); a type's weight is 16 / n.
inline constexpr unsigned kMinWeight = 1;
inline constexpr unsigned kMaxWeight = 16;

// The virtual monitor's EDID (gvt/edid.h GVT_EDID_1024_768, GVT_EDID_1920_1200).
enum class EdidResolution : uint8_t { r1024x768, r1920x1200 };
const char* to_string(EdidResolution r);

struct VgpuType {
  std::string_view name;
  uint64_t low_gm;   // bytes of mappable GM
  uint64_t high_gm;  // bytes of hidden GM
  unsigned fences;
  unsigned weight;
  EdidResolution edid;
};

// i915 gvt/vgpu.c intel_vgpu_configs[], named as on BDW ("GVTg_V%u_%s" with V4 for GRAPHICS_VER 8).
inline constexpr std::array<VgpuType, 4> kBdwTypes = {{
    {"GVTg_V4_8", mib(64), mib(384), 4, kMaxWeight / 8, EdidResolution::r1024x768},
    {"GVTg_V4_4", mib(128), mib(512), 4, kMaxWeight / 4, EdidResolution::r1920x1200},
    {"GVTg_V4_2", mib(256), mib(1024), 4, kMaxWeight / 2, EdidResolution::r1920x1200},
    {"GVTg_V4_1", mib(512), mib(2048), 4, kMaxWeight / 1, EdidResolution::r1920x1200},
}};

// The types a host with these totals offers, in table order (smallest first).
std::vector<const VgpuType*> offered_types(const HostResources& host);
// How many more instances of `type` the host's free resources allow (the kernel's rule; the
// vGPU-id limit is the Device's business).
unsigned available_instances(const VgpuType& type, const HostResources& host);
// The table row of that name, or nullptr.
const VgpuType* find_type(std::string_view name);

}  // namespace gvtsim::vgpu
