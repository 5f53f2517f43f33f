// The host driver (harness/host_driver.h) as the mediation core sees it through vgpu::HostGpu, on a
// mediated platform: pages are unowned until handed out (D4).
#include <gtest/gtest.h>

#include "harness/driver.h"
#include "harness/host_driver.h"
#include "spec/gen8/command.h"
#include "spec/gen8/registers.h"

namespace gvtsim::harness {
namespace {

using namespace spec::gen8;
using vgpu::GmKind;

struct HostDriverTest : ::testing::Test {
  Platform p{PlatformConfig{.ownership = model::gen8::OwnershipDefault::mediated}};
  HostDriver host{p};
  std::vector<vgpu::SubmissionEvent> events;
  void SetUp() override {
    ASSERT_TRUE(host.boot());
    host.set_submission_listener([this](const vgpu::SubmissionEvent& e) { events.push_back(e); });
  }
  void run(Duration d) { FunctionalDriver().run_for(p, d); }
  // Every e2e test ends with the isolation oracle at zero (D4), except the negative control.
  void TearDown() override {
    if (!oracle_must_be_clean) return;
    EXPECT_EQ(p.memory().violations(), 0u);
    EXPECT_EQ(p.memory().untagged_accesses(), 0u);
  }
  bool oracle_must_be_clean = true;
};

TEST_F(HostDriverTest, ResourcesKeepTheHostReserve) {
  auto r = host.resources();
  EXPECT_EQ(r.aperture_size, 1ull << 30);
  EXPECT_EQ(r.hidden_size, 3ull << 30);
  EXPECT_EQ(r.aperture_free, (1ull << 30) - (128ull << 20));
  EXPECT_EQ(r.hidden_free, (3ull << 30) - (384ull << 20));
  EXPECT_EQ(r.fence_count, 32u);
  EXPECT_EQ(r.fences_free, 28u);
}

TEST_F(HostDriverTest, SevenGvtgV48SlicesFitExactlyAndFreeingCoalesces) {
  std::vector<vgpu::GmSlice> low, high;
  for (vgpu::VgpuId id = 1; id <= 7; ++id) {
    auto l = host.alloc_gm(id, GmKind::low, 64ull << 20);
    auto h = host.alloc_gm(id, GmKind::high, 384ull << 20);
    ASSERT_TRUE(l && h) << "vgpu" << id;
    EXPECT_GE(l->base, HostDriver::kHostLowReserve);
    EXPECT_GE(h->base, (1ull << 30) + HostDriver::kHostHighReserve);
    ASSERT_TRUE(host.alloc_fences(id, 4));
    low.push_back(*l), high.push_back(*h);
  }
  EXPECT_EQ(host.resources().hidden_free, 0u) << "7 x 384 MB = the hidden GM left after the host's 384 MB";
  EXPECT_EQ(host.resources().fences_free, 0u);
  auto none = host.alloc_gm(8, GmKind::high, 384ull << 20);
  ASSERT_FALSE(none);
  EXPECT_NE(none.status().message().find("no high GM slice"), std::string::npos);
  for (vgpu::VgpuId id = 1; id <= 7; ++id) host.free_gm(id, high[id - 1]);
  auto big = host.alloc_gm(9, GmKind::high, 7 * (384ull << 20));
  EXPECT_TRUE(big) << "freed slices coalesce into one range";
}

TEST_F(HostDriverTest, PagesAreTaggedForTheirVgpuAndCleanWhenHandedOut) {
  auto pa = host.alloc_page(3, vgpu::PageUse::scratch);
  ASSERT_TRUE(pa);
  EXPECT_EQ(p.memory().owner(*pa), Owner::vgpu(3));
  uint32_t dirty = 0xDEAD;
  p.memory().write(*pa, &dirty, 4, model::gen8::AccessTag::software());
  host.free_page(3, *pa);
  EXPECT_EQ(p.memory().owner(*pa), Owner::none());
  auto again = host.alloc_page(4, vgpu::PageUse::shadow_page_table);
  ASSERT_EQ(*again, *pa) << "recycled";
  EXPECT_EQ(p.memory().read32(*again, model::gen8::AccessTag::software()), 0u) << "no data passes between owners";
  EXPECT_EQ(p.memory().owner(*again), Owner::vgpu(4));
}

TEST_F(HostDriverTest, AShadowContextRunsAndReportsScheduleInAndOut) {
  const vgpu::VgpuId id = 2;
  auto slice = host.alloc_gm(id, GmKind::low, 1ull << 20);
  ASSERT_TRUE(slice);
  uint64_t gma = slice->base;
  // Ring, 19-page image and a target page, all vGPU 2's host pages, mapped in its GGTT slice.
  std::vector<uint64_t> pages;
  for (int i = 0; i < 21; ++i) {
    auto pa = host.alloc_page(id, vgpu::PageUse::shadow_context);
    ASSERT_TRUE(pa);
    pages.push_back(*pa);
    ASSERT_TRUE(host.driver().map_ggtt(gma + 4096ull * i, *pa, 1));
  }
  uint64_t ring = gma, lrca = gma + 4096, target = gma + 20 * 4096;
  std::vector<uint32_t> rg = pack(CmdId::MI_STORE_DATA_IMM, {{cmd::MI_STORE_DATA_IMM::USE_GLOBAL_GTT, 1},
                                                             {cmd::MI_STORE_DATA_IMM::ADDRESS, target},
                                                             {cmd::MI_STORE_DATA_IMM::IMMEDIATE_DATA, 0x5A5A}});
  uint32_t b = 0x2000;
  std::vector<uint32_t> image = {0, 0x11001009, b + 0x244, 0x00090009, b + 0x34, 0, b + 0x30, uint32_t(rg.size() * 4),
                                 b + 0x38, uint32_t(ring), b + 0x3C, 0x1, 0x05000000};
  p.memory().write(pages[0], rg.data(), rg.size() * 4, model::gen8::AccessTag::software());
  p.memory().write(pages[2], image.data(), image.size() * 4, model::gen8::AccessTag::software());
  auto sub = host.submit({id, Engine::RCS, lrca | (3u << 3) | (1u << 8) | 1u, 77});
  ASSERT_TRUE(sub);
  EXPECT_EQ(host.engine_owner(Engine::RCS), std::optional<vgpu::VgpuId>(id));
  run(us(100));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind, vgpu::SubmissionEvent::Kind::schedule_in);
  EXPECT_EQ(events[1].kind, vgpu::SubmissionEvent::Kind::schedule_out);
  EXPECT_EQ(events[1].reason, vgpu::ScheduleOut::complete);
  EXPECT_EQ(events[1].cookie, 77u);
  EXPECT_EQ(events[1].id, *sub);
  EXPECT_EQ(p.memory().read32(pages[20], model::gen8::AccessTag::software()), 0x5A5Au);
  EXPECT_EQ(host.engine_owner(Engine::RCS), std::nullopt);
  EXPECT_EQ(p.memory().violations(), 0u) << "every page the context touched is vGPU 2's";
  EXPECT_EQ(p.memory().untagged_accesses(), 0u);
  // A second submission queues behind nothing and runs too (CSB read pointer follows).
  ASSERT_TRUE(host.submit({id, Engine::RCS, lrca | (3u << 3) | (1u << 8) | 1u, 78}));
  run(us(100));
  ASSERT_EQ(events.size(), 4u);
  EXPECT_EQ(events[3].cookie, 78u);
}

TEST_F(HostDriverTest, TheOracleFiresWhenAShadowContextTouchesAnotherVgpusPage) {
  // Negative control for the previous test: the target page belongs to vGPU 5.
  oracle_must_be_clean = false;
  auto slice = host.alloc_gm(2, GmKind::low, 1ull << 20);
  ASSERT_TRUE(slice);
  std::vector<uint64_t> pages;
  for (int i = 0; i < 20; ++i) {
    auto pa = host.alloc_page(2, vgpu::PageUse::shadow_context);
    pages.push_back(*pa);
    ASSERT_TRUE(host.driver().map_ggtt(slice->base + 4096ull * i, *pa, 1));
  }
  auto foreign = host.alloc_page(5, vgpu::PageUse::shadow_context);
  ASSERT_TRUE(host.driver().map_ggtt(slice->base + 20 * 4096, *foreign, 1));
  uint64_t ring = slice->base, lrca = slice->base + 4096;
  std::vector<uint32_t> rg = pack(CmdId::MI_STORE_DATA_IMM, {{cmd::MI_STORE_DATA_IMM::USE_GLOBAL_GTT, 1},
                                                             {cmd::MI_STORE_DATA_IMM::ADDRESS, slice->base + 20 * 4096},
                                                             {cmd::MI_STORE_DATA_IMM::IMMEDIATE_DATA, 1}});
  uint32_t b = 0x2000;
  std::vector<uint32_t> image = {0, 0x11001009, b + 0x244, 0x00090009, b + 0x34, 0, b + 0x30, uint32_t(rg.size() * 4),
                                 b + 0x38, uint32_t(ring), b + 0x3C, 0x1, 0x05000000};
  p.memory().write(pages[0], rg.data(), rg.size() * 4, model::gen8::AccessTag::software());
  p.memory().write(pages[2], image.data(), image.size() * 4, model::gen8::AccessTag::software());
  ASSERT_TRUE(host.submit({2, Engine::RCS, lrca | (3u << 3) | (1u << 8) | 1u, 1}));
  run(us(100));
  EXPECT_GE(p.memory().violations(), 1u);
  EXPECT_EQ(p.memory().violation_log().at(0).page_owner, Owner::vgpu(5));
  EXPECT_EQ(p.memory().violation_log().at(0).access_owner, Owner::vgpu(2));
}

TEST_F(HostDriverTest, EngineResetFailsQueuedSubmissions) {
  // A descriptor whose image is not mapped hangs the engine; the reset fails the submission.
  ASSERT_TRUE(host.submit({1, Engine::RCS, 0x7000'0000 | (3u << 3) | 1u, 9}));
  run(us(10));
  EXPECT_TRUE(p.gpu().engine(Engine::RCS)->hung());
  ASSERT_TRUE(host.reset_engine(Engine::RCS));
  run(us(1));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().reason, vgpu::ScheduleOut::failed);
  EXPECT_EQ(events.back().cookie, 9u);
  EXPECT_FALSE(p.gpu().engine(Engine::RCS)->hung());
  EXPECT_FALSE(host.alloc_fences(1, 40)) << "more fences than exist";
}

}  // namespace
}  // namespace gvtsim::harness
