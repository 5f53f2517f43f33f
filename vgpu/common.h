// Vocabulary shared by the mediation core and the interfaces it declares (decisions D10): vGPU ids,
// pages, graphics-memory slices and the host's resource report.
//
// Graphics memory (GM) is the 4 GB address space the GGTT maps (gvt-reference §2.3). Its low part —
// the first "aperture size" bytes — is *mappable*: the CPU reaches it through BAR2. The rest is
// *hidden* (non-mappable). GVT-g partitions both by ballooning, not by translation: each vGPU owns one
// contiguous slice of each (i915 gvt/aperture_gm.c alloc_gm, drm_mm PIN_MAPPABLE / PIN_HIGH), the
// guest learns them from PVINFO and reserves everything else. A slice's base is therefore a GM
// address that means the same thing to the guest and to the host.
#pragma once

#include <cstdint>
#include <string>

#include "spec/gen8/engines.h"

namespace gvtsim::vgpu {

// GVT-g's vGPU ids: 0 is the idle vGPU (i915 gvt/vgpu.c IDLE_VGPU_IDR), guests get 1..limit.
using VgpuId = uint16_t;
inline constexpr VgpuId kIdleVgpu = 0;

inline constexpr uint64_t kPageSize = 4096;
inline constexpr unsigned kPageShift = 12;
constexpr uint64_t mib(uint64_t n) { return n << 20; }

enum class GmKind : uint8_t {
  low,   // mappable: inside the aperture (PIN_MAPPABLE)
  high,  // hidden: above the aperture (PIN_HIGH)
};
const char* to_string(GmKind k);

// One contiguous range of graphics memory.
struct GmSlice {
  uint64_t base = 0;  // GM address (a GGTT index << 12)
  uint64_t size = 0;
  bool contains(uint64_t gma) const { return gma >= base && gma - base < size; }
  uint64_t end() const { return base + size; }
  friend bool operator==(const GmSlice&, const GmSlice&) = default;
};

// What the host GPU has and what it can still give vGPUs (HostGpu::resources()).
//
// The totals are the hardware's; the `*_free` amounts are what vGPUs may still take: the total, less
// the host's own reserve (kHostLowGm, kHostHighGm, kHostFences in types.h), less what vGPUs hold —
// the quantities i915's kvmgt.c intel_vgpu_get_available() divides by a type's needs.
struct HostResources {
  uint64_t aperture_size = 0;     // mappable GM = the size of the host's BAR2
  uint64_t aperture_pa = 0;       // host physical base of BAR2 (gvt.h gvt_aperture_pa_base)
  uint64_t hidden_size = 0;       // GM above the aperture
  unsigned fence_count = 0;       // fence registers of the hardware (32 on BDW)
  uint64_t aperture_free = 0;
  uint64_t hidden_free = 0;
  unsigned fences_free = 0;
  spec::gen8::EngineMask engines = 0;  // the engines the hardware has (a GDRST is limited to them)
};

// "896 MB" for whole mebibytes, else the byte count in hex.
std::string format_size(uint64_t bytes);

}  // namespace gvtsim::vgpu
