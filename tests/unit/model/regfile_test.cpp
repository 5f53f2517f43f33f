// The register file against its own table: every register row's reset value, read-only mask,
// masked-write and write-1-to-clear behaviour, on a RegFile with no behaviour bound (the rules
// alone). The independent golden list (golden_register_test.cpp) checks the table itself.
#include "model/gen8/regfile.h"

#include <gtest/gtest.h>

namespace gvtsim::model::gen8 {
namespace {

using namespace spec::gen8;

uint32_t dword_of(uint64_t v, unsigned d) { return uint32_t(v >> (32 * d)); }

TEST(RegFileTable, EveryRegisterFollowsItsRow) {
  Stats stats;
  RegFile rf(StatGroup(stats, "r"));
  size_t checked = 0;
  for (const RegInstance& inst : kRegInstances) {
    const RegRow& row = inst.row();
    for (unsigned d = 0; d < row.width / 32u; ++d) {
      uint32_t off = inst.offset + 4 * d;
      uint32_t reset = dword_of(row.reset, d), ro = dword_of(row.ro, d), w1c = dword_of(row.w1c, d);
      SCOPED_TRACE(::testing::Message() << inst.name << " dword " << d << " @" << std::hex << off);
      ASSERT_EQ(*rf.mmio_read(off, 4), reset) << "reset value";
      if (row.masked) {
        ASSERT_TRUE(rf.mmio_write(off, 4, 0x0000FFFF));  // no enable bits: nothing changes
        EXPECT_EQ(*rf.mmio_read(off, 4), reset);
        ASSERT_TRUE(rf.mmio_write(off, 4, 0xFFFFFFFF));  // enable and set every bit
        uint32_t set = (reset & ro) | (~ro & 0xFFFF);
        EXPECT_EQ(*rf.mmio_read(off, 4), set) << "masked set; the enable half reads 0";
        ASSERT_TRUE(rf.mmio_write(off, 4, 0xFFFF0000));  // enable and clear every bit
        EXPECT_EQ(*rf.mmio_read(off, 4), reset & ro & 0xFFFF);
      } else {
        ASSERT_TRUE(rf.mmio_write(off, 4, 0xFFFFFFFF));
        uint32_t ones = (reset & ro) | (~ro & ~w1c);  // writing 1 clears the w1c bits
        EXPECT_EQ(*rf.mmio_read(off, 4), ones) << "all-ones write";
        rf.set(inst, row.reset | row.w1c);            // hardware sets the w1c bits
        ASSERT_TRUE(rf.mmio_write(off, 4, 0));
        uint32_t zeros = (reset & ro) | w1c;          // writing 0 leaves w1c bits alone
        EXPECT_EQ(*rf.mmio_read(off, 4), zeros) << "zero write";
        if (w1c) {
          uint32_t lowest = w1c & (~w1c + 1);
          ASSERT_TRUE(rf.mmio_write(off, 4, lowest));  // clears that bit only
          EXPECT_EQ(*rf.mmio_read(off, 4), zeros & ~lowest) << "write-1-to-clear of one bit";
        }
      }
      ++checked;
    }
  }
  EXPECT_GE(checked, kRegInstanceCount);
}

TEST(RegFile, SubDwordAndQwordAccesses) {
  Stats stats;
  RegFile rf(StatGroup(stats, "r"));
  uint32_t hws = reg::RING_HWS_PGA::at(Engine::RCS);
  ASSERT_TRUE(rf.mmio_write(hws, 4, 0x12345000));
  EXPECT_EQ(*rf.mmio_read(hws + 1, 1), 0x50u);
  EXPECT_EQ(*rf.mmio_read(hws + 2, 2), 0x1234u);
  ASSERT_TRUE(rf.mmio_write(hws + 3, 1, 0xAB));
  EXPECT_EQ(*rf.mmio_read(hws, 4), 0xAB345000u);
  uint32_t fence = reg::FENCE_REG_GEN6::at(5);
  ASSERT_TRUE(rf.mmio_write(fence, 8, 0x0123456789ABC001ull));
  EXPECT_EQ(*rf.mmio_read(fence, 8), 0x0123456789ABC001ull);
  EXPECT_EQ(*rf.mmio_read(fence + 4, 4), 0x01234567u);
}

TEST(RegFile, UnknownOffsetsReadZeroAndAreCounted) {
  Stats stats;
  RegFile rf(StatGroup(stats, "r"));
  ASSERT_EQ(find_reg(0x4), nullptr);
  EXPECT_EQ(*rf.mmio_read(0x4, 4), 0u);
  EXPECT_TRUE(rf.mmio_write(0x4, 4, 0xFFFFFFFF));
  EXPECT_EQ(*rf.mmio_read(0x4, 4), 0u);
  EXPECT_DOUBLE_EQ(stats.value("r.unimplemented.mmio_offset"), 3.0);
}

TEST(RegFile, BadSizesAndAlignmentAreGuestErrors) {
  Stats stats;
  RegFile rf(StatGroup(stats, "r"));
  EXPECT_EQ(rf.mmio_read(0x2030, 3).status().kind(), StatusKind::guest_error);
  EXPECT_EQ(rf.mmio_read(0x2032, 4).status().kind(), StatusKind::guest_error);
  EXPECT_EQ(rf.mmio_write(0x2034, 8, 0).kind(), StatusKind::guest_error);  // 8 bytes need 8-byte alignment
  EXPECT_EQ(rf.mmio_write(0x2030, 16, 0).kind(), StatusKind::guest_error);
  EXPECT_DOUBLE_EQ(stats.value("r.guest_errors.mmio_access"), 4.0);
}

TEST(RegFile, AbsentEnginesDoNotDecode) {
  Stats stats;
  RegFile rf(StatGroup(stats, "r"));
  rf.set_present_engines(engine_bit(Engine::RCS) | engine_bit(Engine::BCS));
  ASSERT_TRUE(rf.mmio_write(reg::RING_TAIL::at(Engine::VCS2), 4, 0x100));
  EXPECT_EQ(*rf.mmio_read(reg::RING_TAIL::at(Engine::VCS2), 4), 0u);
  ASSERT_TRUE(rf.mmio_write(reg::RING_TAIL::at(Engine::BCS), 4, 0x100));
  EXPECT_EQ(*rf.mmio_read(reg::RING_TAIL::at(Engine::BCS), 4), 0x100u);
}

TEST(RegFile, HooksRunAfterTheRules) {
  Stats stats;
  RegFile rf(StatGroup(stats, "r"));
  uint32_t seen_before = 0, seen_now = 0, seen_written = 0;
  rf.bind(RegEffect::forcewake, {nullptr, [&](const RegInstance&, unsigned, uint32_t b, uint32_t n, uint32_t w) {
            seen_before = b, seen_now = n, seen_written = w;
          }});
  ASSERT_TRUE(rf.mmio_write(reg::FORCEWAKE_MT::offset, 4, 0x00010001));
  EXPECT_EQ(seen_before, 0u);
  EXPECT_EQ(seen_now, 1u);
  EXPECT_EQ(seen_written, 0x00010001u);
  EXPECT_TRUE(rf.bound(RegEffect::forcewake));
  EXPECT_FALSE(rf.bound(RegEffect::gdrst));
}

}  // namespace
}  // namespace gvtsim::model::gen8
