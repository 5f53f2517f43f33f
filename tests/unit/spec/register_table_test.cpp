// Checks of the register table itself (spec/gen8/registers.toml through the generated C++): what
// the generator validates is checked again here, on what the C++ actually sees.
#include "spec/gen8/registers.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace gvtsim::spec::gen8 {
namespace {

uint64_t width_mask(const RegRow& r) { return r.width == 64 ? ~0ull : 0xFFFFFFFFull; }

TEST(RegisterTable, HasRows) {
  EXPECT_GT(kRegRowCount, 50u);
  EXPECT_GE(kRegInstanceCount, kRegRowCount);
}

TEST(RegisterTable, InstancesSortedAndNeverOverlapOnAnyEngine) {
  for (size_t i = 1; i < kRegInstances.size(); ++i) {
    const auto& a = kRegInstances[i - 1];
    const auto& b = kRegInstances[i];
    EXPECT_LE(a.offset + a.row().width / 8, b.offset) << a.name << " overlaps " << b.name;
  }
  for (const auto& inst : kRegInstances) {
    EXPECT_EQ(inst.offset % 4, 0u) << inst.name;
    EXPECT_LT(inst.offset, 2u * 1024 * 1024) << inst.name << " outside the 2 MB MMIO window";
  }
}

TEST(RegisterTable, MasksConsistentWithWidth) {
  for (const RegRow& r : kRegRows) {
    EXPECT_EQ(r.reset & ~width_mask(r), 0u) << r.name;
    EXPECT_EQ(r.ro & ~width_mask(r), 0u) << r.name;
    EXPECT_EQ(r.w1c & ~width_mask(r), 0u) << r.name;
    EXPECT_EQ(r.ro & r.w1c, 0u) << r.name << ": a bit cannot be read-only and write-1-to-clear";
    EXPECT_TRUE(r.width == 32 || r.width == 64) << r.name;
    if (r.masked) {
      EXPECT_EQ(r.width, 32) << r.name;
      EXPECT_EQ(r.reset >> 16, 0u) << r.name << ": the enable half of a masked register reads 0";
    }
    EXPECT_FALSE(r.cite.empty()) << r.name << " has no cite";
    EXPECT_GE(r.stride, r.width / 8) << r.name;
  }
}

TEST(RegisterTable, CanonicalOrderAndUniqueNames) {
  std::set<std::string_view> names;
  for (size_t i = 0; i < kRegRows.size(); ++i) {
    EXPECT_TRUE(names.insert(kRegRows[i].name).second) << kRegRows[i].name;
    EXPECT_EQ(size_t(reg_row(RegId(i)).offset), size_t(kRegRows[i].offset));
    if (i == 0) continue;
    const RegRow& a = kRegRows[i - 1];
    const RegRow& b = kRegRows[i];
    auto key = [](const RegRow& r) { return std::make_pair(r.per_engine ? 0 : 1, r.offset); };
    EXPECT_LT(key(a), key(b)) << a.name << " / " << b.name << ": engine rows first, then by offset";
  }
}

TEST(RegisterTable, EngineRowsExpandToEveryListedEngine) {
  for (size_t i = 0; i < kRegRows.size(); ++i) {
    const RegRow& r = kRegRows[i];
    if (!r.expanded) {  // a range only (a GVT-g block with expand = false): no instances at all
      EXPECT_EQ(find_reg(RegId(i), Engine::RCS, 0), nullptr) << r.name;
      EXPECT_EQ(find_reg(r.offset), nullptr) << r.name;
      continue;
    }
    for (size_t e = 0; e < kEngineCount; ++e) {
      Engine eng = Engine(e);
      for (uint32_t k = 0; k < r.count; ++k) {
        const RegInstance* inst = find_reg(RegId(i), eng, k);
        bool expected = !r.per_engine ? true : has_engine(r.engines, eng);
        ASSERT_EQ(inst != nullptr, expected) << r.name << " on " << engine_name(eng) << " [" << k << "]";
        if (!inst) continue;
        uint32_t off = (r.per_engine ? engine_base(eng) : 0) + r.offset + k * r.stride;
        EXPECT_EQ(inst->offset, off);
        if (r.per_engine) {
          EXPECT_EQ(inst->engine, eng);
          EXPECT_EQ(inst->name.substr(0, engine_name(eng).size()), engine_name(eng)) << inst->name;
        }
      }
    }
  }
}

TEST(RegisterTable, LookupByOffsetCoversEveryByteAndNothingElse) {
  for (const auto& inst : kRegInstances) {
    for (uint32_t b = 0; b < inst.row().width / 8u; ++b) {
      const RegInstance* f = find_reg(inst.offset + b);
      ASSERT_NE(f, nullptr) << inst.name << " +" << b;
      EXPECT_EQ(f, &inst);
    }
  }
  // A gap: nothing decodes at 4 (below every register) or at the top of the window.
  EXPECT_EQ(find_reg(4), nullptr);
  EXPECT_EQ(find_reg(2u * 1024 * 1024 - 4), nullptr);
}

TEST(RegisterTable, InstanceNamesAreUnique) {
  std::set<std::string_view> names;
  for (const auto& inst : kRegInstances) EXPECT_TRUE(names.insert(inst.name).second) << inst.name;
}

TEST(RegisterTable, EveryEffectIsUsedByARow) {
  std::set<RegEffect> used;
  for (const RegRow& r : kRegRows) used.insert(r.effect);
  for (size_t e = 1; e < kRegEffectCount; ++e)
    EXPECT_TRUE(used.count(RegEffect(e))) << kRegEffectNames[e] << " is bound to no register";
  EXPECT_EQ(kRegEffectNames[0], "none");
}

}  // namespace
}  // namespace gvtsim::spec::gen8

namespace gvtsim::spec::gen8 {
namespace {

// The generated typed API (docs/tables.md): constants and fields, no strings. The values are facts
// of gvt-reference §2.2/§2.11, written here independently of the table.
TEST(RegisterTable, TypedAccessors) {
  static_assert(reg::RING_TAIL::at(Engine::BCS) == 0x22030);
  static_assert(reg::RING_CTL::at(Engine::RCS) == 0x203C);
  static_assert(reg::RING_ELSP::at(Engine::VECS) == 0x1A230);
  static_assert(reg::GFX_MODE::at(Engine::RCS) == 0x229C);
  static_assert(reg::RING_CONTEXT_STATUS_BUF_LO::at(Engine::RCS, 5) == 0x2370 + 5 * 8);
  static_assert(reg::FENCE_REG_GEN6::at(31) == 0x100000 + 31 * 8);
  static_assert(reg::RING_CTL::BUFFER_LENGTH.get(0x1F001) == 0x1F);
  static_assert(reg::RING_HEAD::WRAP.make(1) == 1u << 21);
  static_assert(masked_write(reg::GFX_MODE::PRIVILEGE_CHECK_DISABLE, 1) == 0x00010001);
  static_assert(reg::RING_CONTEXT_STATUS_PTR::WRITE_PTR.mask() == 0x7);
  const RegInstance* head = find_reg(0x2034);
  ASSERT_NE(head, nullptr);
  EXPECT_EQ(head->name, "RCS_RING_HEAD");
  EXPECT_EQ(head->id, RegId::RING_HEAD);
  EXPECT_EQ(reg_row(RegId::RING_TAIL).effect, RegEffect::ring_tail);
  const RegInstance* fence_hi = find_reg(0x100000 + 3 * 8 + 4);  // high dword of fence 3
  ASSERT_NE(fence_hi, nullptr);
  EXPECT_EQ(fence_hi->name, "FENCE_REG_GEN6[3]");
  EXPECT_EQ(find_reg(RegId::RING_BB_PER_CTX_PTR, Engine::BCS), nullptr);  // RCS-only row
  EXPECT_NE(find_reg(RegId::RING_BB_PER_CTX_PTR, Engine::RCS), nullptr);
  EXPECT_TRUE(reg_row(RegId::RING_INSTPM).user_writable);  // D8: the captures LRI INSTPM 0x20C0
  EXPECT_TRUE(find_reg(0x7034)->row().user_writable);      // and L3CNTLREG 0x7034 from PPGTT batches
}

}  // namespace
}  // namespace gvtsim::spec::gen8
