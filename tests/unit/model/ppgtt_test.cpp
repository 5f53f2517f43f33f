#include "model/gen8/ppgtt.h"

#include "gpu_fixture.h"
#include "spec/gen8/registers.h"

namespace gvtsim::model::gen8 {
namespace {

using namespace spec::gen8;

// Builds page tables in memory with software writes, as a driver does.
struct PageTables {
  SystemMemory& mem;
  uint64_t next = 0x100000;  // bump allocator for table pages
  uint64_t alloc() {
    uint64_t p = next;
    next += 4096;
    return p;
  }
  uint64_t entry(uint64_t table, unsigned index) { return mem.read64(table + index * 8, AccessTag::software()); }
  void set(uint64_t table, unsigned index, uint64_t v) { mem.write64(table + index * 8, v, AccessTag::software()); }
  // Walks/creates down to the table at `stop_level` (2 = the page directory, 1 = a page table).
  uint64_t table_for(uint64_t top, unsigned top_level, uint64_t gva, unsigned stop_level) {
    uint64_t t = top;
    for (unsigned level = top_level; level > stop_level; --level) {
      unsigned idx = (gva >> (12 + 9 * (level - 1))) & 511;
      uint64_t e = entry(t, idx);
      if (!(e & 1)) {
        e = alloc() | 0x3;
        set(t, idx, e);
      }
      t = e & kPteAddressMask;
    }
    return t;
  }
  void map4k(uint64_t top, unsigned top_level, uint64_t gva, uint64_t pa) {
    set(table_for(top, top_level, gva, 1), (gva >> 12) & 511, pa | 0x3);
  }
  void map2m(uint64_t top, unsigned top_level, uint64_t gva, uint64_t pa) {
    set(table_for(top, top_level, gva, 2), (gva >> 21) & 511, pa | 0x3 | 0x80);
  }
};

struct PpgttTest : ::testing::Test {
  Stats stats;
  SystemMemory mem{StatGroup(stats, "mem"), OwnershipDefault::native};
  PpgttWalker walker{mem, StatGroup(stats, "ppgtt"), false};
  PageTables pt{mem};
  AccessTag tag = AccessTag::context(Owner::host());
};

TEST_F(PpgttTest, FourLevelWalkWith4KAnd2MPages) {
  PpgttRoot root{PpgttMode::legacy48, {pt.alloc()}};
  uint64_t gva = 0x0000'7FFF'FFEE'E000ull;  // high in the 48-bit space (iris puts batches near the top)
  pt.map4k(root.pdp[0], 4, gva, 0x4'0000'3000ull);
  pt.map2m(root.pdp[0], 4, 0x1'3F80'0000ull, 0x2'0000'0000ull);
  auto t = walker.translate(root, gva + 0x123, tag, 1);
  ASSERT_TRUE(t.ok);
  EXPECT_EQ(t.pa, 0x4'0000'3123ull);
  EXPECT_EQ(t.page_size, 4096u);
  EXPECT_GT(t.cost, 0u) << "a walk reads four entries from memory";
  // Canonical form: bits 63:48 sign-extend bit 47 and are ignored by the walk.
  EXPECT_EQ(walker.translate(root, 0xFFFF'7FFF'FFEE'E123ull | (1ull << 63), tag, 1).pa, 0x4'0000'3123ull);
  auto h = walker.translate(root, 0x1'3F9A'BCDEull, tag, 1);
  ASSERT_TRUE(h.ok);
  EXPECT_EQ(h.page_size, 2u << 20);
  EXPECT_EQ(h.pa, 0x2'001A'BCDEull);
}

TEST_F(PpgttTest, ThreeLevelWalkUsesTheFourPdps) {
  PpgttRoot root{PpgttMode::legacy32, {pt.alloc(), pt.alloc(), pt.alloc(), pt.alloc()}};
  for (unsigned i = 0; i < 4; ++i) pt.map4k(root.pdp[i], 2, (uint64_t(i) << 30) | 0x5000, 0x80000 + i * 0x1000);
  for (unsigned i = 0; i < 4; ++i) {
    auto t = walker.translate(root, (uint64_t(i) << 30) | 0x5010, tag, 2);
    ASSERT_TRUE(t.ok) << i;
    EXPECT_EQ(t.pa, 0x80010u + i * 0x1000) << "PDP" << i;
  }
  auto beyond = walker.translate(root, 1ull << 32, tag, 2);
  EXPECT_FALSE(beyond.ok) << "a 32-bit PPGTT has no address at or above 4 GB";
  pt.map2m(root.pdp[1], 2, (1ull << 30) | (2u << 21), 0x600000);
  EXPECT_EQ(walker.translate(root, (1ull << 30) | (2u << 21) | 0x1234, tag, 2).pa, 0x601234u);
}

TEST_F(PpgttTest, FaultsAreRecordedPerContextWithTheirLevel) {
  PpgttRoot root{PpgttMode::legacy48, {pt.alloc()}};
  pt.map4k(root.pdp[0], 4, 0x1000, 0x9000);
  Time now = 5;
  walker.set_time_source(&now);
  EXPECT_FALSE(walker.translate(root, 0x2000, tag, 7).ok);                // PT entry empty
  EXPECT_FALSE(walker.translate(root, 0x40000000, tag, 7).ok);            // PDP entry empty
  EXPECT_FALSE(walker.translate(root, 0x0000'8000'0000'0000ull >> 1, tag, 9).ok);  // PML4 entry empty
  ASSERT_EQ(walker.faults().at(7).size(), 2u);
  EXPECT_EQ(walker.faults().at(7)[0].level, 1u);
  EXPECT_EQ(walker.faults().at(7)[0].gva, 0x2000u);
  EXPECT_EQ(walker.faults().at(7)[1].level, 3u);
  EXPECT_EQ(walker.faults().at(9)[0].level, 4u);
  EXPECT_EQ(walker.faults().at(9)[0].kind, PpgttFaultKind::not_present);
  EXPECT_EQ(walker.fault_count(), 3u);
}

TEST_F(PpgttTest, OneGigabytePagesAreBehindTheSkuFlag) {
  PpgttRoot root{PpgttMode::legacy48, {pt.alloc()}};
  uint64_t pdp = pt.table_for(root.pdp[0], 4, 0x40000000, 3);
  pt.set(pdp, 1, 0x80000000ull | 0x3 | 0x80);  // PS in a PDPE
  auto t = walker.translate(root, 0x40001234, tag, 1);
  EXPECT_FALSE(t.ok);
  EXPECT_EQ(walker.faults().at(1).back().kind, PpgttFaultKind::huge_1g_unsupported);
  PpgttWalker with_1g(mem, StatGroup(stats, "ppgtt1g"), true);
  auto g = with_1g.translate(root, 0x40001234, tag, 1);
  ASSERT_TRUE(g.ok);
  EXPECT_EQ(g.pa, 0x80001234u);
  EXPECT_EQ(g.page_size, 1u << 30);
}

TEST_F(PpgttTest, TlbHitsAndInvalidation) {
  PpgttRoot root{PpgttMode::legacy48, {pt.alloc()}};
  pt.map4k(root.pdp[0], 4, 0x7000, 0xA000);
  EXPECT_EQ(walker.translate(root, 0x7000, tag, 1).pa, 0xA000u);
  auto hit = walker.translate(root, 0x7008, tag, 1);
  EXPECT_EQ(hit.pa, 0xA008u);
  EXPECT_EQ(hit.cost, 0u);
  EXPECT_EQ(walker.tlb_hits(), 1u);
  pt.map4k(root.pdp[0], 4, 0x7000, 0xB000);  // remap without invalidating: stale
  EXPECT_EQ(walker.translate(root, 0x7000, tag, 1).pa, 0xA000u);
  walker.invalidate_tlb();
  EXPECT_EQ(walker.translate(root, 0x7000, tag, 1).pa, 0xB000u);
  // Another root never hits this root's entries.
  PpgttRoot other{PpgttMode::legacy48, {pt.alloc()}};
  pt.map4k(other.pdp[0], 4, 0x7000, 0xC000);
  EXPECT_EQ(walker.translate(other, 0x7000, tag, 1).pa, 0xC000u);
}

TEST_F(PpgttTest, WalkReadsAreContextAccessesCheckedByTheOracle) {
  SystemMemory mm(StatGroup(stats, "mm"), OwnershipDefault::mediated);
  PpgttWalker w(mm, StatGroup(stats, "w"), false);
  PageTables t{mm};
  PpgttRoot root{PpgttMode::legacy48, {t.alloc()}};
  t.map4k(root.pdp[0], 4, 0x1000, 0x9000);
  mm.set_owner(0x100000, 0x10000, Owner::vgpu(1));  // the tables are vGPU 1's
  ASSERT_TRUE(w.translate(root, 0x1000, AccessTag::context(Owner::vgpu(1)), 1).ok);
  EXPECT_EQ(mm.violations(), 0u);
  w.invalidate_tlb();
  ASSERT_TRUE(w.translate(root, 0x1000, AccessTag::context(Owner::vgpu(2)), 2).ok);
  EXPECT_EQ(mm.violations(), 4u) << "each of the four table reads lands in another owner's page";
}

struct PpgttGpu : GpuFixture {};

TEST_F(PpgttGpu, TlbInvalidationRegistersInvalidateTheirEngineAndSelfClear) {
  PageTables t{mem};
  PpgttRoot root{PpgttMode::legacy48, {t.alloc()}};
  t.map4k(root.pdp[0], 4, 0x7000, 0xA000);
  AccessTag tag = AccessTag::context(Owner::host());
  for (auto [e, reg_off] : {std::pair{Engine::RCS, reg::GEN8_RTCR::offset}, std::pair{Engine::BCS, reg::GEN8_BTCR::offset},
                            std::pair{Engine::VCS, reg::GEN8_M1TCR::offset}, std::pair{Engine::VECS, reg::GEN8_VTCR::offset}}) {
    t.map4k(root.pdp[0], 4, 0x7000, 0xA000);
    gpu.ppgtt(e).invalidate_tlb();
    EXPECT_EQ(gpu.ppgtt(e).translate(root, 0x7000, tag, 1).pa, 0xA000u);
    t.map4k(root.pdp[0], 4, 0x7000, 0xB000);
    EXPECT_EQ(gpu.ppgtt(e).translate(root, 0x7000, tag, 1).pa, 0xA000u) << "stale until invalidated";
    wr(reg_off, 1);
    EXPECT_EQ(rd(reg_off), 0u) << "the request bit clears when done";
    EXPECT_EQ(gpu.ppgtt(e).translate(root, 0x7000, tag, 1).pa, 0xB000u) << engine_name(e);
  }
}

}  // namespace
}  // namespace gvtsim::model::gen8
