// The virtual GGTT (vgpu/ggtt.h; gvt-reference §2.3; i915 gvt/gtt.c emulate_ggtt_mmio_read/write,
// intel_vgpu_reset_ggtt; gvt/kvmgt.c intel_vgpu_mmap — CVE-2019-11085).
#include "vgpu/ggtt.h"

#include <memory>

#include <gtest/gtest.h>

#include "tests/unit/vgpu/fakes.h"

namespace gvtsim::vgpu {
namespace {

using namespace ggtt;
using testing::FakeHostGpu;
using testing::FakeHypervisor;

// The fake host, also counting GGTT flushes and host PTE writes.
class CountingHost : public FakeHostGpu {
 public:
  Status mmio_write(uint32_t offset, unsigned size, uint64_t value) override {
    if (offset == kGfxFlshCntl) {
      EXPECT_EQ(size, 4u);
      EXPECT_EQ(value, kGfxFlshCntlEn);
      ++flushes;
    } else if (offset >= kHostGgttBase) {
      EXPECT_EQ(size, 8u);
      EXPECT_EQ(offset % 8, 0u);
      ++pte_writes;
    }
    return FakeHostGpu::mmio_write(offset, size, value);
  }
  uint64_t pte(uint64_t index) const {
    auto it = regs.find(kHostGgttBase + uint32_t(index * 8));
    return it == regs.end() ? ~0ull : it->second;  // ~0: never written
  }
  unsigned flushes = 0;
  unsigned pte_writes = 0;
};

constexpr uint64_t idx(uint64_t gma) { return gma >> kPageShift; }
constexpr uint64_t off(uint64_t gma) { return idx(gma) * 8; }  // the entry's offset in the window
constexpr uint64_t pte(uint64_t gfn, uint64_t flags = 0x3) { return gfn << kPageShift | flags; }

class GgttTest : public ::testing::Test {
 protected:
  static constexpr VgpuId kVgpu = 1;
  GgttTest() {
    // Small slices of each kind, taken from the fake host as Vgpu creation does.
    low = *host.alloc_gm(kVgpu, GmKind::low, mib(2));
    high = *host.alloc_gm(kVgpu, GmKind::high, mib(4));
    scratch = *host.alloc_page(kVgpu, PageUse::scratch);
    ggtt = std::make_unique<VirtualGgtt>(kVgpu, low, high, hyp, host, scratch);
  }
  uint64_t host_page(uint64_t gfn) const { return FakeHypervisor::host_page(kVgpu, gfn); }
  unsigned pins(uint64_t gfn) const {
    auto it = hyp.pins.find({kVgpu, gfn});
    return it == hyp.pins.end() ? 0 : it->second;
  }
  uint64_t rd(uint64_t offset, unsigned size = 8) {
    Result<uint64_t> r = ggtt->read(offset, size);
    EXPECT_TRUE(r) << r.status().to_string();
    return r ? *r : ~0ull;
  }
  void wr(uint64_t offset, unsigned size, uint64_t value) {
    Status s = ggtt->write(offset, size, value);
    EXPECT_TRUE(s) << s.to_string();
  }

  CountingHost host;
  FakeHypervisor hyp;
  GmSlice low, high;
  uint64_t scratch = 0;
  std::unique_ptr<VirtualGgtt> ggtt;
};

TEST_F(GgttTest, ConstructionPointsBothSlicesAtScratch) {
  ASSERT_EQ(low.base, mib(128)) << "right above the host's 128 MB reserve";
  ASSERT_EQ(host.pte_writes, (mib(2) + mib(4)) / kPageSize);
  EXPECT_EQ(host.flushes, 1u);
  for (uint64_t g : {low.base, low.end() - kPageSize, high.base, high.end() - kPageSize})
    EXPECT_EQ(host.pte(idx(g)), scratch | kPresent) << std::hex << g;
  EXPECT_EQ(host.pte(idx(low.base) - 1), ~0ull) << "the host's entries are not touched";
  EXPECT_EQ(host.pte(idx(high.end())), ~0ull);
  EXPECT_EQ(rd(off(low.base)), 0u);
}

TEST_F(GgttTest, PresentEntriesLandWithPinnedHostPfns) {
  const unsigned flushes = host.flushes;
  wr(off(low.base), 8, pte(0x1234));
  wr(off(high.base + 5 * kPageSize), 8, pte(0x5678, 0x1));
  // Flags below bit 12 (present, RW, PAT index bits 3/4/7) and above bit 45 pass through.
  const uint64_t flags = (1ull << 62) | 0x99;  // present | PWT | PCD | PAT
  wr(off(low.end() - kPageSize), 8, pte(0x42, flags));
  EXPECT_EQ(host.pte(idx(low.base)), host_page(0x1234) | 0x3);
  EXPECT_EQ(host.pte(idx(high.base) + 5), host_page(0x5678) | 0x1);
  EXPECT_EQ(host.pte(idx(low.end()) - 1), host_page(0x42) | flags);
  EXPECT_EQ(pins(0x1234), 1u);
  EXPECT_EQ(pins(0x5678), 1u);
  EXPECT_EQ(pins(0x42), 1u);
  EXPECT_EQ(ggtt->pinned_count(), 3u);
  EXPECT_EQ(ggtt->pinned_gfn(idx(low.base)), 0x1234u);
  EXPECT_EQ(host.flushes, flushes + 3) << "a flush after every update";
  // Address bits 46+ are not part of the gfn (ADDR_4K_MASK, GTT_HAW 46).
  wr(off(low.base + kPageSize), 8, (1ull << 50) | pte(0x77));
  EXPECT_EQ(ggtt->pinned_gfn(idx(low.base) + 1), 0x77u);
  EXPECT_EQ(host.pte(idx(low.base) + 1), (1ull << 50) | host_page(0x77) | 0x3);
}

TEST_F(GgttTest, ReadsReturnTheGuestsValues) {
  const uint64_t v = pte(0x1234, 0x83);
  wr(off(high.base), 8, v);
  EXPECT_EQ(rd(off(high.base)), v) << "the guest's value, not the host's";
  EXPECT_EQ(rd(off(high.base), 4), v & 0xFFFFFFFF);
  EXPECT_EQ(rd(off(high.base) + 4, 4), v >> 32);
  EXPECT_EQ(ggtt->guest_entry(idx(high.base)), v);
  // An unpinnable entry reads back as the guest wrote it too.
  const uint64_t bad = pte(0x2'0000'0000);
  wr(off(low.base), 8, bad);
  EXPECT_EQ(rd(off(low.base)), bad);
}

TEST_F(GgttTest, OutsideTheSlicesWritesAreIgnoredAndReadZero) {
  const unsigned writes = host.pte_writes, flushes = host.flushes;
  for (uint64_t g : {uint64_t{0}, low.base - kPageSize, low.end(), high.base - kPageSize, high.end(),
                     uint64_t{4ull << 30} - kPageSize}) {
    SCOPED_TRACE(g);
    wr(off(g), 8, pte(0x10));
    wr(off(g), 4, 0x11003);
    wr(off(g) + 4, 4, 0);
    EXPECT_EQ(rd(off(g)), 0u);
    EXPECT_EQ(rd(off(g) + 4, 4), 0u);
  }
  EXPECT_EQ(host.pte_writes, writes);
  EXPECT_EQ(host.flushes, flushes);
  EXPECT_TRUE(hyp.pins.empty());
  EXPECT_EQ(ggtt->partial_count(), 0u) << "halves outside the slices are not held either";
}

TEST_F(GgttTest, SplitWritesAreHeldUntilComplete) {
  const uint64_t v = (uint64_t(0x1) << 32) | 0x2345'6003;  // gfn 0x123456, present | RW
  const uint64_t gfn = (v & kAddrMask) >> kPageShift;
  hyp.set_ram_size(8ull << 30);  // so that the upper half matters: gpa 0x1'2345'6000
  for (bool low_first : {true, false}) {
    SCOPED_TRACE(low_first);
    const uint64_t g = low_first ? low.base : high.base;
    const uint64_t o = off(g);
    const unsigned flushes = host.flushes, before = pins(gfn);  // the first round's entry keeps its pin
    if (low_first)
      wr(o, 4, v & 0xFFFFFFFF);
    else
      wr(o + 4, 4, v >> 32);
    // Held: nothing pinned, the host entry at scratch and not present, the virtual entry half-written.
    EXPECT_EQ(ggtt->partial_count(), 1u);
    EXPECT_EQ(pins(gfn), before);
    EXPECT_EQ(host.pte(idx(g)), scratch);
    EXPECT_EQ(rd(o), low_first ? (v & 0xFFFFFFFF) : (v & ~0xFFFFFFFFull));
    if (low_first)
      wr(o + 4, 4, v >> 32);
    else
      wr(o, 4, v & 0xFFFFFFFF);
    EXPECT_EQ(ggtt->partial_count(), 0u);
    EXPECT_EQ(pins(gfn), before + 1);
    EXPECT_EQ(host.pte(idx(g)), host_page(gfn) | 0x3);
    EXPECT_EQ(rd(o), v);
    EXPECT_EQ(host.flushes, flushes + 2);
  }
}

TEST_F(GgttTest, RewritingTheHeldHalfOnlyUpdatesIt) {
  const uint64_t o = off(low.base);
  wr(o, 4, 0x1003);
  const unsigned flushes = host.flushes, writes = host.pte_writes;
  wr(o, 4, 0x7003);  // the same half again
  EXPECT_EQ(host.flushes, flushes);
  EXPECT_EQ(host.pte_writes, writes);
  EXPECT_EQ(rd(o), 0x7003u);
  wr(o + 4, 4, 0);
  EXPECT_EQ(pins(0x7), 1u);
  EXPECT_EQ(pins(0x1), 0u);
  EXPECT_EQ(host.pte(idx(low.base)), host_page(0x7) | 0x3);
  // Halves of different entries are held independently.
  wr(off(low.base) + 8, 4, 0x8003);
  wr(off(high.base) + 4, 4, 0);
  EXPECT_EQ(ggtt->partial_count(), 2u);
  wr(off(high.base), 4, 0x9001);
  wr(off(low.base) + 12, 4, 0);
  EXPECT_EQ(ggtt->partial_count(), 0u);
  EXPECT_EQ(host.pte(idx(high.base)), host_page(0x9) | 0x1);
  EXPECT_EQ(host.pte(idx(low.base) + 1), host_page(0x8) | 0x3);
}

TEST_F(GgttTest, NonPresentAndUnpinnableGoToTheVgpusScratch) {
  // Not present: the scratch page alone, present clear, whatever else the guest wrote.
  wr(off(low.base), 8, pte(0x1234, 0x2));
  EXPECT_EQ(host.pte(idx(low.base)), scratch);
  EXPECT_EQ(pins(0x1234), 0u);
  // Present but not guest RAM (the fake has 4 GB): scratch, the guest's flags kept.
  hyp.set_ram_size(1ull << 30);
  wr(off(high.base), 8, pte(0x5'0000, 0x3));
  EXPECT_EQ(host.pte(idx(high.base)), scratch | 0x3);
  EXPECT_TRUE(hyp.pins.empty());
  EXPECT_EQ(ggtt->pinned_count(), 0u);

  // A second vGPU has a scratch page of its own (D4), and its unpinnable entries go there.
  constexpr VgpuId kTwo = 2;
  const GmSlice low2 = *host.alloc_gm(kTwo, GmKind::low, mib(1));
  const GmSlice high2 = *host.alloc_gm(kTwo, GmKind::high, mib(1));
  const uint64_t scratch2 = *host.alloc_page(kTwo, PageUse::scratch);
  ASSERT_NE(scratch2, scratch);
  VirtualGgtt two(kTwo, low2, high2, hyp, host, scratch2);
  EXPECT_EQ(two.scratch_page(), scratch2);
  EXPECT_EQ(host.pte(idx(low2.base)), scratch2 | kPresent);
  ASSERT_TRUE(two.write(off(low2.base), 8, pte(0x5'0000)));
  ASSERT_TRUE(two.write(off(high2.base), 8, pte(0x6, 0)));
  EXPECT_EQ(host.pte(idx(low2.base)), scratch2 | 0x3);
  EXPECT_EQ(host.pte(idx(high2.base)), scratch2);
  // Each vGPU's window covers only its own slices.
  ASSERT_TRUE(two.write(off(low.base), 8, pte(0x10)));
  EXPECT_EQ(host.pte(idx(low.base)), scratch) << "vGPU 2 cannot touch vGPU 1's entries";
  EXPECT_EQ(two.read(off(low.base), 8).value(), 0u);
}

TEST_F(GgttTest, OverwriteUnpinsTheOldFrame) {
  const uint64_t o = off(low.base + 3 * kPageSize);
  wr(o, 8, pte(0x100));
  wr(o, 8, pte(0x200));
  EXPECT_EQ(pins(0x100), 0u);
  EXPECT_EQ(pins(0x200), 1u);
  wr(o, 8, pte(0x200));  // the same frame again: pinned before the old pin goes, never dropped to 0
  EXPECT_EQ(pins(0x200), 1u);
  wr(o, 8, pte(0x200, 0));  // not present
  EXPECT_EQ(pins(0x200), 0u);
  wr(o, 8, pte(0x300));
  wr(o, 4, 0x400003);  // a first half: the host entry goes to scratch, the old frame is released
  EXPECT_EQ(pins(0x300), 0u);
  EXPECT_EQ(host.pte(idx(low.base) + 3), scratch);
  wr(o + 4, 4, 0);
  EXPECT_EQ(pins(0x400), 1u);
  // Two entries mapping one frame hold two pins.
  wr(off(high.base), 8, pte(0x400));
  EXPECT_EQ(pins(0x400), 2u);
  wr(off(high.base), 8, 0);
  EXPECT_EQ(pins(0x400), 1u);
}

TEST_F(GgttTest, ResetReturnsEverythingToScratch) {
  wr(off(low.base), 8, pte(0x1));
  wr(off(high.base + kPageSize), 8, pte(0x2));
  wr(off(high.base), 4, 0x3003);  // a held half
  ASSERT_EQ(hyp.pins.size(), 2u);
  const unsigned flushes = host.flushes;
  ggtt->reset();
  EXPECT_TRUE(hyp.pins.empty());
  EXPECT_EQ(ggtt->pinned_count(), 0u);
  EXPECT_EQ(ggtt->partial_count(), 0u);
  EXPECT_EQ(host.flushes, flushes + 1);
  for (uint64_t g : {low.base, high.base, high.base + kPageSize, high.end() - kPageSize})
    EXPECT_EQ(host.pte(idx(g)), scratch | kPresent);
  EXPECT_EQ(rd(off(low.base)), 0u);
  EXPECT_EQ(rd(off(high.base)), 0u);
  // The dropped half does not combine with a later one.
  wr(off(high.base) + 4, 4, 0);
  EXPECT_EQ(ggtt->partial_count(), 1u);
  EXPECT_EQ(pins(0x3), 0u);
}

TEST_F(GgttTest, DestructionReleasesPins) {
  wr(off(low.base), 8, pte(0x1));
  wr(off(high.base), 8, pte(0x2));
  wr(off(high.base) + 8, 8, pte(0x2));
  ASSERT_EQ(pins(0x2), 2u);
  ggtt.reset();
  EXPECT_TRUE(hyp.pins.empty());
  EXPECT_EQ(host.pte(idx(low.base)), 0u) << "no host entry is left on a released frame";
  EXPECT_EQ(host.pte(idx(high.base) + 1), 0u);
}

TEST_F(GgttTest, BadSizesAndAlignmentsAreGuestErrors) {
  const uint64_t o = off(low.base);
  for (unsigned size : {0u, 1u, 2u, 3u, 16u}) {
    SCOPED_TRACE(size);
    EXPECT_EQ(ggtt->write(o, size, 1).kind(), StatusKind::guest_error);
    EXPECT_EQ(ggtt->read(o, size).status().kind(), StatusKind::guest_error);
  }
  for (auto [offset, size] : {std::pair{o + 4, 8u}, std::pair{o + 2, 4u}, std::pair{o + 1, 8u}}) {
    SCOPED_TRACE(offset);
    EXPECT_EQ(ggtt->write(offset, size, pte(0x1)).kind(), StatusKind::guest_error);
    EXPECT_EQ(ggtt->read(offset, size).status().kind(), StatusKind::guest_error);
  }
  EXPECT_EQ(ggtt->write(kWindowSize, 8, pte(0x1)).kind(), StatusKind::guest_error) << "past the window";
  EXPECT_EQ(ggtt->read(kWindowSize - 4, 8).status().kind(), StatusKind::guest_error);
  EXPECT_TRUE(ggtt->read(kWindowSize - 8, 8)) << "the last entry of the window is fine";
  EXPECT_TRUE(hyp.pins.empty());
  EXPECT_EQ(ggtt->partial_count(), 0u);
  EXPECT_EQ(rd(o), 0u);
}

TEST_F(GgttTest, ApertureAccessLimitedToTheLowSlice) {
  // BAR2 offsets are GM addresses: the low slice is [128 MB, 130 MB).
  EXPECT_TRUE(ggtt->aperture_access_allowed(low.base, low.size));
  EXPECT_TRUE(ggtt->aperture_access_allowed(low.base, 4));
  EXPECT_TRUE(ggtt->aperture_access_allowed(low.end() - 4, 4));
  EXPECT_TRUE(ggtt->aperture_access_allowed(low.base + kPageSize, kPageSize));
  EXPECT_FALSE(ggtt->aperture_access_allowed(low.base - 4, 4)) << "the host's part of the aperture";
  EXPECT_FALSE(ggtt->aperture_access_allowed(low.base - kPageSize, 2 * kPageSize)) << "starts before";
  EXPECT_FALSE(ggtt->aperture_access_allowed(low.end() - 4, 8)) << "runs past the end (CVE-2019-11085)";
  EXPECT_FALSE(ggtt->aperture_access_allowed(low.base, low.size + kPageSize));
  EXPECT_FALSE(ggtt->aperture_access_allowed(low.end(), 4));
  EXPECT_FALSE(ggtt->aperture_access_allowed(0, mib(1024))) << "the whole BAR2";
  EXPECT_FALSE(ggtt->aperture_access_allowed(low.base, ~0ull)) << "no overflow";
  EXPECT_FALSE(ggtt->aperture_access_allowed(~0ull - 2, 4));
  EXPECT_FALSE(ggtt->aperture_access_allowed(high.base, 4)) << "hidden GM is not in the aperture";
}

}  // namespace
}  // namespace gvtsim::vgpu
