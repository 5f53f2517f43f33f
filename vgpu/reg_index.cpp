#include "vgpu/reg_index.h"

#include <vector>

#include "vgpu/mmio.h"

namespace gvtsim::vgpu {

namespace g8 = spec::gen8;

const g8::RegInstance* reg_at(uint32_t dw) {
  // Index into kRegInstances + 1 per dword; 0: no register there.
  static const std::vector<uint16_t> index = [] {
    static_assert(g8::kRegInstanceCount < 0xFFFF);
    std::vector<uint16_t> v(kMmioWindow / 4, 0);
    for (std::size_t i = 0; i < g8::kRegInstances.size(); ++i) {
      const g8::RegInstance& r = g8::kRegInstances[i];
      for (uint32_t b = 0; b < r.row().width / 8u; b += 4)
        if (r.offset + b < kMmioWindow) v[(r.offset + b) / 4] = uint16_t(i + 1);
    }
    return v;
  }();
  const uint16_t i = index[dw / 4];
  return i ? &g8::kRegInstances[i - 1] : nullptr;
}

}  // namespace gvtsim::vgpu
