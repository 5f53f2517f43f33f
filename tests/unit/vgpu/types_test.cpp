// vGPU types and the available-instance rule (vgpu/types.h; gvt-reference §2.3).
#include "vgpu/types.h"

#include <gtest/gtest.h>

namespace gvtsim::vgpu {
namespace {

// What a host reports before any vGPU exists: totals, and free = total − the host's reserve.
HostResources host(uint64_t aperture, uint64_t gm = 4ull << 30, unsigned fences = 32) {
  HostResources r;
  r.aperture_size = aperture;
  r.hidden_size = gm - aperture;
  r.fence_count = fences;
  r.aperture_free = aperture - kHostLowGm;
  r.hidden_free = gm - aperture - kHostHighGm;
  r.fences_free = fences - kHostFences;
  return r;
}

TEST(VgpuTypes, TableIsTheKernels) {
  // i915 gvt/vgpu.c intel_vgpu_configs[]: low, high, fences, weight 16/n, EDID.
  ASSERT_EQ(kBdwTypes.size(), 4u);
  struct Row { const char* name; uint64_t low_mb, high_mb; unsigned fences, weight; EdidResolution edid; };
  const Row rows[] = {
      {"GVTg_V4_8", 64, 384, 4, 2, EdidResolution::r1024x768},
      {"GVTg_V4_4", 128, 512, 4, 4, EdidResolution::r1920x1200},
      {"GVTg_V4_2", 256, 1024, 4, 8, EdidResolution::r1920x1200},
      {"GVTg_V4_1", 512, 2048, 4, 16, EdidResolution::r1920x1200},
  };
  for (std::size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(rows[i].name);
    EXPECT_EQ(kBdwTypes[i].name, rows[i].name);
    EXPECT_EQ(kBdwTypes[i].low_gm, rows[i].low_mb << 20);
    EXPECT_EQ(kBdwTypes[i].high_gm, rows[i].high_mb << 20);
    EXPECT_EQ(kBdwTypes[i].fences, rows[i].fences);
    EXPECT_EQ(kBdwTypes[i].weight, rows[i].weight);
    EXPECT_EQ(kBdwTypes[i].edid, rows[i].edid);
    EXPECT_EQ(find_type(rows[i].name), &kBdwTypes[i]);
  }
  EXPECT_EQ(find_type("GVTg_V5_8"), nullptr) << "V5 is Gen9";
  EXPECT_EQ(kHostLowGm, 128ull << 20);
  EXPECT_EQ(kHostHighGm, 384ull << 20);
  EXPECT_EQ(kHostFences, 4u);
}

TEST(VgpuTypes, SevenOfType8FitTheD3Defaults) {
  // 1 GB aperture, 4 GB GM, 32 fences: min(896/64, 2688/384, 28/4) = 7.
  const HostResources h = host(1ull << 30);
  EXPECT_EQ(available_instances(kBdwTypes[0], h), 7u);
  EXPECT_EQ(available_instances(kBdwTypes[1], h), 5u);  // min(7, 5, 7)
  EXPECT_EQ(available_instances(kBdwTypes[2], h), 2u);  // min(3, 2, 7)
  EXPECT_EQ(available_instances(kBdwTypes[3], h), 1u);  // min(1, 1, 7)
  EXPECT_EQ(offered_types(h).size(), 4u);
}

TEST(VgpuTypes, A256MBApertureGivesTwoOfType8OrOneOfType4) {
  const HostResources h = host(256ull << 20);
  EXPECT_EQ(available_instances(kBdwTypes[0], h), 2u);
  EXPECT_EQ(available_instances(kBdwTypes[1], h), 1u);
  // intel_gvt_init_vgpu_types stops at the first type whose low GM does not fit once: 128/256 = 0.
  const auto offered = offered_types(h);
  ASSERT_EQ(offered.size(), 2u);
  EXPECT_EQ(offered[0]->name, "GVTg_V4_8");
  EXPECT_EQ(offered[1]->name, "GVTg_V4_4");
  EXPECT_TRUE(offered_types(host(128ull << 20)).empty()) << "nothing is left after the host's 128 MB";
}

TEST(VgpuTypes, EachResourceBoundsTheCount) {
  // Fences: 16 − 4 = 12 → 3 of any type, even where GM allows more.
  EXPECT_EQ(available_instances(kBdwTypes[0], host(1ull << 30, 4ull << 30, 16)), 3u);
  // Hidden GM: 2 GB of GM with a 1 GB aperture leaves 1024 − 384 = 640 MB → 1 × _8.
  EXPECT_EQ(available_instances(kBdwTypes[0], host(1ull << 30, 2ull << 30)), 1u);
  // Aperture: 2 GB leaves 1920 MB of low GM → 30 × _8 by GM, but hidden (2048 − 384) / 384 = 4.
  EXPECT_EQ(available_instances(kBdwTypes[0], host(2ull << 30)), 4u);
  // What vGPUs already hold counts: the free amounts are what the rule divides.
  HostResources h = host(1ull << 30);
  h.hidden_free -= 6 * (384ull << 20);
  h.aperture_free -= 6 * (64ull << 20);
  h.fences_free -= 6 * 4;
  EXPECT_EQ(available_instances(kBdwTypes[0], h), 1u);
}

}  // namespace
}  // namespace gvtsim::vgpu
