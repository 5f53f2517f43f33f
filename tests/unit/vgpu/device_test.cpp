// The GVT-g device: types offered, the instance rule with ids, auto, mixes, the limit, weights, and
// create/destroy handing every resource back (vgpu/device.h, vgpu/vgpu.h; gvt-reference §2.3, §2.10).
#include "vgpu/device.h"

#include <gtest/gtest.h>

#include "tests/unit/vgpu/fakes.h"

namespace gvtsim::vgpu {
namespace {

using testing::Fakes;
using testing::FakeHostGpu;

std::vector<CreateParams> many(const std::string& type, unsigned n) { return std::vector<CreateParams>(n, {.type = type}); }

TEST(Device, SevenOfType8FitTheDefaultsAndAnEighthDoesNot) {
  Fakes f;
  Device d(f.services());
  EXPECT_EQ(d.types().size(), 4u);
  EXPECT_EQ(d.available_instances(*find_type("GVTg_V4_8")), 7u);
  Result<std::vector<Vgpu*>> made = d.create_all(many("GVTg_V4_8", 7));
  ASSERT_TRUE(made) << made.status().to_string();
  ASSERT_EQ(made->size(), 7u);
  for (unsigned i = 0; i < 7; ++i) {
    const Vgpu& v = *(*made)[i];
    EXPECT_EQ(v.id(), i + 1) << "ids 1..7: 0 is the idle vGPU";
    EXPECT_EQ(v.aperture().size, 64ull << 20);
    EXPECT_EQ(v.hidden().size, 384ull << 20);
    EXPECT_EQ(v.fences().size(), 4u);
    // Inside the vGPU part of each range: above the host's 128 MB of aperture and 384 MB of hidden GM.
    EXPECT_GE(v.aperture().base, 128ull << 20);
    EXPECT_LE(v.aperture().end(), 1ull << 30);
    EXPECT_GE(v.hidden().base, (1ull << 30) + (384ull << 20));
    EXPECT_LE(v.hidden().end(), 4ull << 30);
    for (unsigned j = 0; j < i; ++j) {
      const Vgpu& w = *(*made)[j];
      EXPECT_TRUE(v.aperture().end() <= w.aperture().base || w.aperture().end() <= v.aperture().base);
      EXPECT_TRUE(v.hidden().end() <= w.hidden().base || w.hidden().end() <= v.hidden().base);
      for (unsigned fence : v.fences()) EXPECT_EQ(std::count(w.fences().begin(), w.fences().end(), fence), 0);
      EXPECT_NE(v.scratch_page(), w.scratch_page()) << "per-vGPU scratch pages (D4)";
    }
  }
  EXPECT_EQ(d.what_fits(), "nothing");
  EXPECT_EQ(f.host.resources().fences_free, 0u);
  Result<Vgpu*> eighth = d.create({.type = "GVTg_V4_8"});
  ASSERT_FALSE(eighth);
  EXPECT_NE(eighth.status().message().find("cannot create 1 × GVTg_V4_8: short of"), std::string::npos)
      << eighth.status().message();
}

TEST(Device, A256MBApertureOffersTwoOfType8OrOneOfType4) {
  Fakes f(FakeHostGpu::Config{.aperture_size = 256ull << 20});
  Device d(f.services());
  ASSERT_EQ(d.types().size(), 2u);
  EXPECT_EQ(d.available_instances(*find_type("GVTg_V4_8")), 2u);
  EXPECT_EQ(d.available_instances(*find_type("GVTg_V4_4")), 1u);
  EXPECT_EQ(d.what_fits(), "2 × GVTg_V4_8 or 1 × GVTg_V4_4");
  Result<Vgpu*> big = d.create({.type = "GVTg_V4_2"});
  ASSERT_FALSE(big);
  EXPECT_NE(big.status().message().find("not offered by this host"), std::string::npos) << big.status().message();
  EXPECT_NE(big.status().message().find("offered: GVTg_V4_8, GVTg_V4_4"), std::string::npos);
  ASSERT_TRUE(d.create({.type = "GVTg_V4_4"}));
  EXPECT_EQ(d.available_instances(*find_type("GVTg_V4_8")), 0u) << "the _4 took the whole 128 MB";
  EXPECT_FALSE(d.create({.type = "GVTg_V4_8"}));
}

TEST(Device, AutoIsTheLargestTypeOfWhichNFit) {
  Fakes f;
  Device d(f.services());
  const std::pair<unsigned, const char*> expect[] = {{1, "GVTg_V4_1"}, {2, "GVTg_V4_2"}, {3, "GVTg_V4_4"},
                                                     {5, "GVTg_V4_4"}, {6, "GVTg_V4_8"}, {7, "GVTg_V4_8"}};
  for (auto [n, name] : expect) {
    Result<const VgpuType*> t = d.resolve("auto", n);
    ASSERT_TRUE(t) << n;
    EXPECT_EQ((*t)->name, name) << n << " instances";
  }
  Result<const VgpuType*> none = d.resolve("auto", 8);
  ASSERT_FALSE(none);
  EXPECT_EQ(none.status().message(),
            "type auto: no vGPU type fits 8 instances; what fits now: 7 × GVTg_V4_8, 5 × GVTg_V4_4, 2 × GVTg_V4_2 "
            "or 1 × GVTg_V4_1 (the host keeps 128 MB low GM, 384 MB high GM and 4 fences)");

  // A set of "auto" entries is the N; a lone create() takes its auto_count.
  Result<std::vector<Vgpu*>> three = d.create_all(many("auto", 3));
  ASSERT_TRUE(three);
  for (Vgpu* v : *three) EXPECT_EQ(v->type().name, "GVTg_V4_4");
  ASSERT_TRUE(d.destroy(1) && d.destroy(2) && d.destroy(3));
  Result<Vgpu*> one_of_six = d.create({.type = "auto", .auto_count = 6});
  ASSERT_TRUE(one_of_six);
  EXPECT_EQ((*one_of_six)->type().name, "GVTg_V4_8");
  EXPECT_EQ(d.count(), 1u);
}

TEST(Device, AutoNextToNamedTypesTakesWhatIsLeft) {
  Fakes f;
  Device d(f.services());
  // After a _1 (512 MB low, 2 GB high): 384 MB low, 640 MB high, 24 fences: a _4 (128/512) fits.
  const CreateParams mix[] = {{.type = "GVTg_V4_1"}, {.type = "auto"}};
  Result<std::vector<Vgpu*>> made = d.create_all(mix);
  ASSERT_TRUE(made) << made.status().to_string();
  EXPECT_EQ((*made)[0]->type().name, "GVTg_V4_1");
  EXPECT_EQ((*made)[1]->type().name, "GVTg_V4_4");
  // Two autos next to a _1: no type fits twice in 640 MB of high GM (2 × 384 MB > 640 MB).
  Fakes g;
  Device e(g.services());
  const CreateParams too_many[] = {{.type = "GVTg_V4_1"}, {.type = "auto"}, {.type = "auto"}};
  Result<std::vector<Vgpu*>> refused = e.create_all(too_many);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.status().message().find("no vGPU type fits 2 instances next to the named ones"), std::string::npos)
      << refused.status().message();
  EXPECT_EQ(e.count(), 0u);
}

TEST(Device, MixedTypesThatFitAreCreated) {
  Fakes f;
  Device d(f.services());
  // 256+128+64+64 = 512 MB low, 1024+512+384+384 = 2304 MB high, 16 fences: inside 896 / 2688 / 28.
  const CreateParams mix[] = {{.type = "GVTg_V4_2"}, {.type = "GVTg_V4_4"}, {.type = "GVTg_V4_8"}, {.type = "GVTg_V4_8"}};
  Result<std::vector<Vgpu*>> made = d.create_all(mix);
  ASSERT_TRUE(made) << made.status().to_string();
  EXPECT_EQ(d.count(), 4u);
  const HostResources r = f.host.resources();
  EXPECT_EQ(r.aperture_free, (896ull - 512) << 20);
  EXPECT_EQ(r.hidden_free, (2688ull - 2304) << 20);
  EXPECT_EQ(r.fences_free, 28u - 16);
}

TEST(Device, AMixThatDoesNotFitIsRefusedWithWhatFits) {
  Fakes f;
  Device d(f.services());
  std::vector<CreateParams> mix = {{.type = "GVTg_V4_1"}};
  for (int i = 0; i < 7; ++i) mix.push_back({.type = "GVTg_V4_8"});
  Result<std::vector<Vgpu*>> r = d.create_all(mix);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.status().kind(), StatusKind::guest_error);
  EXPECT_EQ(r.status().message(),
            "cannot create 1 × GVTg_V4_1 + 7 × GVTg_V4_8: short of low GM (needs 960 MB, 896 MB free), high GM "
            "(needs 4736 MB, 2688 MB free), fences (needs 32, 28 free) and vGPU ids (needs 8, 7 free); the host keeps "
            "128 MB low GM, 384 MB high GM and 4 fences. What fits now: 7 × GVTg_V4_8, 5 × GVTg_V4_4, 2 × GVTg_V4_2 "
            "or 1 × GVTg_V4_1");
  EXPECT_EQ(d.count(), 0u);
  EXPECT_TRUE(f.host.calls.empty()) << "checked as a whole before anything is allocated";
  // Unknown names say what exists.
  Result<Vgpu*> bad = d.create({.type = "GVTg_V4_16"});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.status().message(),
            "unknown vGPU type 'GVTg_V4_16': the types are GVTg_V4_8, GVTg_V4_4, GVTg_V4_2, GVTg_V4_1, or auto");
}

TEST(Device, TheVgpuLimitIsAConfigurationValue) {
  Fakes f;
  Device d(f.services(), DeviceConfig{.max_vgpus = 3});
  EXPECT_EQ(d.available_instances(*find_type("GVTg_V4_8")), 3u) << "ids bound the count before resources do";
  ASSERT_TRUE(d.create_all(many("GVTg_V4_8", 3)));
  EXPECT_EQ(d.ids(), (std::vector<VgpuId>{1, 2, 3}));
  Result<Vgpu*> fourth = d.create({.type = "GVTg_V4_8"});
  ASSERT_FALSE(fourth);
  EXPECT_NE(fourth.status().message().find("vGPU ids (needs 1, 0 free)"), std::string::npos) << fourth.status().message();
  // The lowest free id is reused, as idr_alloc does.
  ASSERT_TRUE(d.destroy(2));
  Result<Vgpu*> again = d.create({.type = "GVTg_V4_8"});
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->id(), 2);
  EXPECT_EQ(d.find(2), *again);
  // The default is the kernel's 7; 0 is no configuration at all.
  EXPECT_EQ(Device(f.services()).max_vgpus(), 7u);
  EXPECT_THROW(Device(f.services(), DeviceConfig{.max_vgpus = 0}), ConfigError);
}

TEST(Device, WeightsAreTheTypesUnlessOverridden) {
  Fakes f;
  Device d(f.services());
  const CreateParams mix[] = {{.type = "GVTg_V4_8"}, {.type = "GVTg_V4_4"}, {.type = "GVTg_V4_8", .weight = 16}};
  Result<std::vector<Vgpu*>> made = d.create_all(mix);
  ASSERT_TRUE(made);
  EXPECT_EQ((*made)[0]->weight(), 2u);
  EXPECT_EQ((*made)[1]->weight(), 4u);
  EXPECT_EQ((*made)[2]->weight(), 16u) << "the override (D3)";
  EXPECT_EQ((*made)[2]->type().weight, 2u) << "the type is unchanged";
  const std::size_t calls = f.host.calls.size();
  for (unsigned bad : {0u, 17u}) {
    Result<Vgpu*> r = d.create({.type = "GVTg_V4_8", .weight = bad});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.status().message(), fmt::format("weight {} out of range 1..16", bad));
  }
  EXPECT_EQ(f.host.calls.size(), calls) << "a refused weight allocates nothing";
  EXPECT_EQ((*d.create({.type = "GVTg_V4_8", .weight = 1}))->weight(), 1u);
}

TEST(Device, CreateAndDestroyFollowTheKernelsOrderAndReturnEverything) {
  Fakes f;
  const HostResources before = f.host.resources();
  Device d(f.services());
  Result<Vgpu*> v = d.create({.type = "GVTg_V4_4"});
  ASSERT_TRUE(v);
  EXPECT_EQ(f.host.calls, (std::vector<std::string>{"alloc_gm low vgpu1 128 MB", "alloc_gm high vgpu1 512 MB",
                                                    "alloc_fences vgpu1 4", "alloc_page vgpu1 scratch"}));
  EXPECT_EQ(f.host.held_by(1), 2u + 4u + 1u) << "two slices, four fences, the scratch page";
  EXPECT_EQ(f.host.pages_held[1].begin()->second, PageUse::scratch);
  EXPECT_EQ((*v)->vreg_size(), 2u << 20) << "the golden vreg placeholder: the 2 MB register image";
  f.host.calls.clear();
  ASSERT_TRUE(d.destroy(1));
  ASSERT_EQ(f.host.calls.size(), 4u);
  EXPECT_EQ(f.host.calls[0], "free_page vgpu1");
  EXPECT_EQ(f.host.calls[1].rfind("free_gm vgpu1 0x8000000+128 MB", 0), 0u) << f.host.calls[1];
  EXPECT_EQ(f.host.calls[2].rfind("free_gm vgpu1", 0), 0u);
  EXPECT_NE(f.host.calls[2].find("+512 MB"), std::string::npos);
  EXPECT_EQ(f.host.calls[3], "free_fences vgpu1 4");
  EXPECT_EQ(f.host.held_total(), 0u);
  const HostResources after = f.host.resources();
  EXPECT_EQ(after.aperture_free, before.aperture_free);
  EXPECT_EQ(after.hidden_free, before.hidden_free);
  EXPECT_EQ(after.fences_free, before.fences_free);
  EXPECT_EQ(d.find(1), nullptr);
  EXPECT_EQ(d.available_instances(*find_type("GVTg_V4_8")), 7u);
  // The idle vGPU and unknown ids cannot be destroyed.
  EXPECT_FALSE(d.destroy(0));
  EXPECT_FALSE(d.destroy(1));
}

TEST(Device, AFailedCreationUndoesEveryStep) {
  for (const char* step : {"alloc_gm low", "alloc_gm high", "alloc_fences", "alloc_page"}) {
    SCOPED_TRACE(step);
    Fakes f;
    Device d(f.services());
    f.host.fail_next(step);
    Result<Vgpu*> v = d.create({.type = "GVTg_V4_8"});
    ASSERT_FALSE(v);
    EXPECT_NE(v.status().message().find("injected failure"), std::string::npos);
    EXPECT_EQ(d.count(), 0u);
    EXPECT_EQ(f.host.held_total(), 0u);
    ASSERT_TRUE(d.create({.type = "GVTg_V4_8"})) << "the id and the resources are free again";
    EXPECT_EQ(d.ids(), std::vector<VgpuId>{1});
  }
  // In a set, a late failure takes the earlier vGPUs of the set with it.
  Fakes f;
  Device d(f.services());
  ASSERT_TRUE(d.create({.type = "GVTg_V4_8"}));
  const std::size_t held = f.host.held_total();
  f.host.calls.clear();
  // The second of the set fails at its scratch page, after the first of the set was made.
  f.host.fail_next("alloc_page", 1);
  Result<std::vector<Vgpu*>> set = d.create_all(many("GVTg_V4_8", 2));
  ASSERT_FALSE(set);
  EXPECT_EQ(d.ids(), std::vector<VgpuId>{1}) << "the vGPU made before the set stays";
  EXPECT_EQ(f.host.held_total(), held);
  EXPECT_EQ(std::count(f.host.calls.begin(), f.host.calls.end(), "free_page vgpu2"), 1)
      << "the set's first vGPU was made, then destroyed";
}

TEST(Device, DestroyingTheDeviceReleasesAllItsVgpus) {
  Fakes f;
  {
    Device d(f.services());
    ASSERT_TRUE(d.create_all(many("GVTg_V4_8", 5)));
    EXPECT_EQ(f.host.held_total(), 5u * 7u);
  }
  EXPECT_EQ(f.host.held_total(), 0u);
}

}  // namespace
}  // namespace gvtsim::vgpu
