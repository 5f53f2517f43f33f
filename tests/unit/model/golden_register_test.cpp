// The model's register file against an independent golden list of register facts
// (golden_register_facts.h: researched from i915, GVT-g, Mesa and the PRM without reading
// spec/gen8/registers.toml, each with its cite). The table-driven test (regfile_test.cpp) checks the
// model against its own table; this one checks the table against the sources.
#include <gtest/gtest.h>

#include "golden_register_facts.h"
#include "gpu_fixture.h"

namespace gvtsim::model::gen8 {
namespace {

using tests::GoldenRegisterFact;

struct Golden : GpuFixture {
  void check(const GoldenRegisterFact& f) {
    SCOPED_TRACE(::testing::Message() << f.name << " @0x" << std::hex << f.offset << " — " << f.cite);
    uint32_t c = f.check;
    uint32_t before = rd(f.offset);
    if (f.reset_known) EXPECT_EQ(before & c, f.reset & c) << "power-on value";
    uint32_t writable = f.writable & c;
    if (f.masked) {
      // Enable and set the checked bits of 15:0.
      wr(f.offset, (c & 0xFFFF) << 16 | (c & 0xFFFF));
      uint32_t v = rd(f.offset);
      uint32_t expect_set = f.self_clearing ? 0 : writable;
      EXPECT_EQ(v & c & 0xFFFF, (expect_set | (before & ~writable)) & c & 0xFFFF) << "masked set";
      EXPECT_EQ(v >> 16, 0u) << "the enable half reads 0";
      wr(f.offset, (c & 0xFFFF) << 16);  // enable and clear
      EXPECT_EQ(rd(f.offset) & writable & 0xFFFF, 0u) << "masked clear";
      wr(f.offset, c & 0xFFFF);          // no enables: nothing changes
      EXPECT_EQ(rd(f.offset) & writable & 0xFFFF, 0u) << "a masked write without enables changes nothing";
    } else {
      wr(f.offset, c);
      uint32_t v = rd(f.offset);
      uint32_t expect = (before & ~writable & ~f.w1c) | (f.self_clearing ? 0 : writable);
      EXPECT_EQ(v & c, expect & c) << "after writing ones to the checked bits";
      wr(f.offset, 0);
      EXPECT_EQ(rd(f.offset) & writable, 0u) << "after writing zeros";
    }
  }
};

TEST_F(Golden, EveryFactHolds) {
  size_t n = 0;
  for (const GoldenRegisterFact& f : tests::kGoldenRegisterFacts) {
    check(f);
    ++n;
  }
  // Per-engine facts on the four engines every Broadwell has.
  const std::pair<const char*, uint32_t> engines[] = {{"RCS", 0x2000}, {"BCS", 0x22000}, {"VCS", 0x12000}, {"VECS", 0x1A000}};
  for (const auto& ef : tests::kGoldenEngineFacts) {
    for (auto [ename, base] : engines) {
      if (ef.not_rcs && base == 0x2000) continue;
      std::string name = std::string(ename) + " " + ef.name;
      GoldenRegisterFact f{name.c_str(), base + ef.relative, 0, ef.writable, ef.masked, ef.w1c, ef.cite, false, false, ef.check};
      check(f);
      ++n;
    }
  }
  EXPECT_GE(n, 40u) << "the issue asks for at least 40 independent facts";
}

}  // namespace
}  // namespace gvtsim::model::gen8
