#include "model/gen8/ggtt.h"

#include <cstring>

#include "gpu_fixture.h"
#include "spec/gen8/registers.h"

namespace gvtsim::model::gen8 {
namespace {

using namespace spec::gen8;

TEST(Ggtt, PteWritesIn64And32BitHalves) {
  Stats stats;
  Ggtt g(StatGroup(stats, "g"));
  ASSERT_TRUE(g.window_write(8 * 5, 8, 0x0000001234567003ull));
  EXPECT_EQ(g.pte(5), 0x0000001234567003ull);
  ASSERT_TRUE(g.window_write(8 * 6, 4, 0x89ABC001));  // low half first
  EXPECT_EQ(g.pte(6), 0x89ABC001ull) << "the hardware takes each half at once";
  ASSERT_TRUE(g.window_write(8 * 6 + 4, 4, 0x7F));
  EXPECT_EQ(g.pte(6), 0x0000007F89ABC001ull);
  EXPECT_EQ(*g.window_read(8 * 6 + 4, 4), 0x7Fu);
  EXPECT_EQ(*g.window_read(8 * 6, 8), 0x0000007F89ABC001ull);
  EXPECT_FALSE(g.window_write(8 * 6 + 2, 4, 0)) << "misaligned";
  EXPECT_FALSE(g.window_write(kGgttWindowSize, 4, 0)) << "beyond the window";
  EXPECT_FALSE(g.window_read(0, 2)) << "GTT accesses are 4 or 8 bytes";
}

TEST(Ggtt, TranslationAddressAndPatIndex) {
  Stats stats;
  Ggtt g(StatGroup(stats, "g"));
  // Address bits 38:12, present, PWT|PCD|PAT = bits 3, 4, 7 -> PAT index 0b111.
  g.set_pte(0x10, 0x0000'0042'1234'5000ull | 0x1 | 0x8 | 0x10 | 0x80);
  GgttTranslation t = g.translate(0x10ABC);
  ASSERT_TRUE(t.present);
  EXPECT_EQ(t.pa, 0x42'1234'5ABCull);
  EXPECT_EQ(t.pat_index, 7u);
  g.set_pte(0x11, 0xFFFF'FF80'0000'1001ull);  // bits above 38 are not address bits
  g.flush();
  EXPECT_EQ(g.translate(0x11000).pa, 0x1000ull);
  EXPECT_EQ(pte_pat_index(0x8), 1u);
  EXPECT_EQ(pte_pat_index(0x10), 2u);
  EXPECT_EQ(pte_pat_index(0x80), 4u);
}

TEST(Ggtt, NonPresentAndOutOfRangeAreRecordedFaults) {
  Stats stats;
  Ggtt g(StatGroup(stats, "g"));
  Time now = 42;
  g.set_time_source(&now);
  EXPECT_FALSE(g.translate(0x5000).present);
  EXPECT_FALSE(g.translate(kGraphicsMemorySize).present);
  ASSERT_EQ(g.faults().size(), 2u);
  EXPECT_EQ(g.faults()[0].gma, 0x5000u);
  EXPECT_EQ(g.faults()[0].time, 42u);
  EXPECT_EQ(g.faults()[1].gma, kGraphicsMemorySize);
  EXPECT_EQ(g.fault_count(), 2u);
}

struct GgttGpu : GpuFixture {};

TEST_F(GgttGpu, TranslationsAreCachedUntilGfxFlushCntl) {
  pte(0x3000, 0x100000 | 1);
  EXPECT_EQ(gpu.ggtt().translate(0x3000).pa, 0x100000u);
  pte(0x3000, 0x200000 | 1);  // rewrite without a flush: the TLB still has the old entry
  EXPECT_EQ(gpu.ggtt().translate(0x3000).pa, 0x100000u);
  wr(reg::GFX_FLSH_CNTL_GEN6::offset, 1);
  EXPECT_EQ(gpu.ggtt().translate(0x3000).pa, 0x200000u);
}

TEST_F(GgttGpu, ApertureGoesThroughTheGgttToMemory) {
  pte(0x0000, 0x7000 | 1);
  pte(0x1000, 0x3000 | 1);  // graphics pages 0 and 1 map to physical 0x7000 and 0x3000
  wr(reg::GFX_FLSH_CNTL_GEN6::offset, 1);
  const char msg[] = "through the aperture, across a page";
  ASSERT_TRUE(gpu.bar2_write(0xFF0, msg, sizeof msg, Owner::host()));
  char back[sizeof msg] = {};
  mem.read(0x7FF0, back, 16, AccessTag::software());
  mem.read(0x3000, back + 16, sizeof msg - 16, AccessTag::software());
  EXPECT_STREQ(back, msg);
  char again[sizeof msg] = {};
  ASSERT_TRUE(gpu.bar2_read(0xFF0, again, sizeof msg, Owner::host()));
  EXPECT_STREQ(again, msg);
}

TEST_F(GgttGpu, ApertureThroughANonPresentEntryReadsZerosAndDropsWrites) {
  uint32_t v = 0xFFFFFFFF;
  ASSERT_TRUE(gpu.bar2_write(0x9000, &v, 4, Owner::host()));
  ASSERT_TRUE(gpu.bar2_read(0x9000, &v, 4, Owner::host()));
  EXPECT_EQ(v, 0u);
  EXPECT_EQ(mem.allocated_pages(), 0u);
  EXPECT_DOUBLE_EQ(stats.value("gpu.aperture.faults"), 2.0);
  EXPECT_EQ(gpu.ggtt().fault_count(), 2u);
}

TEST_F(GgttGpu, ApertureBoundsAndDecode) {
  uint8_t b[8];
  EXPECT_FALSE(gpu.bar2_read(gpu.config().aperture_size - 4, b, 8, Owner::host()));
  ASSERT_TRUE(gpu.cfg_write(pci::kCommand, 2, 0));
  EXPECT_FALSE(gpu.bar2_read(0, b, 4, Owner::host())) << "memory decode off";
  EXPECT_FALSE(gpu.bar0_read(0x2030, 4)) << "memory decode off";
}

// The isolation oracle seen from the aperture (D4): a GGTT entry that points into another owner's
// page makes an aperture access on behalf of vGPU 1 land in vGPU 2's page.
struct MediatedGpu : GpuFixture {
  MediatedGpu() : GpuFixture(OwnershipDefault::mediated) {}
};

TEST_F(MediatedGpu, OracleFlagsAnApertureAccessThroughAForeignGgttEntry) {
  mem.set_owner(0x40000, 4096, Owner::vgpu(1));
  mem.set_owner(0x50000, 4096, Owner::vgpu(2));
  pte(0x0000, 0x40000 | 1);  // vGPU 1's page
  pte(0x1000, 0x50000 | 1);  // planted: vGPU 2's page in vGPU 1's range
  wr(reg::GFX_FLSH_CNTL_GEN6::offset, 1);
  uint32_t v = 7;
  ASSERT_TRUE(gpu.bar2_write(0x0000, &v, 4, Owner::vgpu(1)));
  EXPECT_EQ(mem.violations(), 0u);
  ASSERT_TRUE(gpu.bar2_write(0x1000, &v, 4, Owner::vgpu(1)));
  ASSERT_EQ(mem.violations(), 1u);
  EXPECT_EQ(mem.violation_log()[0].initiator, Initiator::aperture);
  EXPECT_EQ(mem.violation_log()[0].page_owner, Owner::vgpu(2));
  EXPECT_EQ(mem.violation_log()[0].access_owner, Owner::vgpu(1));
  // An entry pointing at a page nobody was given: untagged, not a violation.
  pte(0x2000, 0x60000 | 1);
  wr(reg::GFX_FLSH_CNTL_GEN6::offset, 1);
  ASSERT_TRUE(gpu.bar2_read(0x2000, &v, 4, Owner::vgpu(1)));
  EXPECT_EQ(mem.untagged_accesses(), 1u);
  EXPECT_EQ(mem.violations(), 1u);
}

}  // namespace
}  // namespace gvtsim::model::gen8
