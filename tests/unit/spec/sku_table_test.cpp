#include "spec/gen8/skus.h"

#include <set>

#include <gtest/gtest.h>

namespace gvtsim::spec::gen8 {
namespace {

TEST(SkuTable, DefaultIsBdwGt2_0x1616) {  // decisions D3
  EXPECT_EQ(kDefaultDeviceId, 0x1616);
  const Sku* s = find_sku(kDefaultDeviceId);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->name, "BDW_GT2");
  EXPECT_EQ(s->gt, 2);
}

TEST(SkuTable, Gt3AddsVcs2AndTheCapturesAreGt3) {
  const Sku* gt3 = find_sku(0x162E);  // the shared captures' PCI id (aub.md)
  ASSERT_NE(gt3, nullptr);
  EXPECT_EQ(gt3->gt, 3);
  EXPECT_TRUE(has_engine(gt3->engines, Engine::VCS2));
  for (const Sku& s : kSkus) {
    EXPECT_TRUE(has_engine(s.engines, Engine::RCS)) << s.name;
    EXPECT_TRUE(has_engine(s.engines, Engine::BCS)) << s.name;
    EXPECT_TRUE(has_engine(s.engines, Engine::VCS)) << s.name;
    EXPECT_TRUE(has_engine(s.engines, Engine::VECS)) << s.name;
    EXPECT_EQ(has_engine(s.engines, Engine::VCS2), s.gt == 3) << s.name;
  }
}

TEST(SkuTable, DeviceIdsAreUniqueBroadwellIds) {
  std::set<uint16_t> ids;
  for (const Sku& s : kSkus) {
    EXPECT_GT(s.eus, 0) << s.name;
    EXPECT_FALSE(s.ppgtt_1g_pages) << s.name << ": 1 GB pages stay off until a PRM cite confirms them";
    for (uint16_t id : s.device_ids) {
      EXPECT_TRUE(ids.insert(id).second) << std::hex << id;
      EXPECT_EQ(id & 0xFFC0, 0x1600) << std::hex << id;  // BDW ids are 0x16xx
      EXPECT_EQ((id >> 4) & 0xF, s.gt - 1) << std::hex << id;  // 0x160x GT1, 0x161x GT2, 0x162x GT3
    }
  }
  EXPECT_EQ(find_sku(0x1234), nullptr);
  EXPECT_EQ(find_sku(0x1912), nullptr);  // Skylake
}

TEST(EngineTable, BasesAndOrder) {
  EXPECT_EQ(engine_base(Engine::RCS), 0x2000u);
  EXPECT_EQ(engine_base(Engine::BCS), 0x22000u);
  EXPECT_EQ(engine_base(Engine::VCS), 0x12000u);
  EXPECT_EQ(engine_base(Engine::VCS2), 0x1C000u);
  EXPECT_EQ(engine_base(Engine::VECS), 0x1A000u);
  EXPECT_EQ(engine_name(Engine::VECS), "VECS");
  EXPECT_EQ(kEngineCount, 5u);
}

}  // namespace
}  // namespace gvtsim::spec::gen8
