// Hostile guests next to a well-behaved one (decisions D6): whatever the hostile guest does at the
// MMIO level — each row of D6's table, and a seeded fuzz of its whole BAR0 — the well-behaved
// guest's view (its registers, GGTT, pages, interrupts) equals its solo run, the simulator stays up,
// and the isolation oracle reads zero.
#include <array>
#include <functional>

#include "base/hash.h"
#include "base/random.h"
#include "tests/unit/harness/gvt_fixture.h"

namespace gvtsim::harness::testing {
namespace {

using namespace spec::gen8;

// What the victim (vGPU 1) does and sees, hashed.
uint64_t victim_run(GvtSystem& sys, GuestI915& victim, const std::function<void()>& meanwhile) {
  EXPECT_TRUE(victim.boot());
  meanwhile();
  std::vector<uint64_t> seen;
  const std::array<uint8_t, 8> data = {0xDE, 0xAD, 0xBE, 0xEF, 1, 2, 3, 4};
  for (const GuestI915::Object& o : victim.objects()) {
    EXPECT_TRUE(victim.aperture_write(o.gma + 8, data));
    std::array<uint8_t, 8> back{};
    EXPECT_TRUE(victim.aperture_read(o.gma + 8, back));
    seen.push_back(hash64(back.data(), back.size()));
    seen.push_back(*victim.mmio_read(vgpu::ggtt::entry_offset(o.gma), 8));
    seen.push_back(*sys.host().mmio_read(vgpu::ggtt::entry_offset(o.gma), 8));
  }
  sys.vgpu(victim.id()).trigger_event(vgpu::IrqEvent::RCS_MI_USER_INTERRUPT);
  sys.settle();
  seen.push_back(victim.interrupts());
  for (unsigned f : sys.vgpu(victim.id()).fences()) seen.push_back(*sys.host().mmio_read(reg::FENCE_REG_GEN6::at(f), 8));
  const auto vregs = sys.vgpu(victim.id()).mmio().vregs();
  seen.push_back(hash64(vregs.data(), vregs.size_bytes()));
  seen.push_back(sys.vgpu(victim.id()).failsafe());
  return hash64(seen.data(), seen.size() * sizeof(uint64_t));
}

struct Row {
  const char* name;
  bool boots;  // the hostile guest boots first (else it only probes PCI: never reads PVINFO)
  std::function<void(GuestI915& hostile, GuestI915& victim)> act;
};

using vgpu::ggtt::entry_offset;

const Row kRows[] = {
    {"gfx_mode_privilege_disable", true,
     [](GuestI915& h, GuestI915&) {
       (void)h.write32(reg::GFX_MODE::at(Engine::RCS), masked_write(reg::GFX_MODE::PRIVILEGE_CHECK_DISABLE, 1));
     }},
    {"execlist_enable_before_pvinfo", false,
     [](GuestI915& h, GuestI915&) {
       (void)h.write32(reg::GFX_MODE::at(Engine::RCS), masked_write(reg::GFX_MODE::EXECLIST_ENABLE, 1));
     }},
    {"fence_beyond_count", true, [](GuestI915& h, GuestI915&) { (void)h.write32(reg::FENCE_REG_GEN6::at(9), 0x1001); }},
    {"fence_beyond_count_before_pvinfo", false,
     [](GuestI915& h, GuestI915&) { (void)h.write32(reg::FENCE_REG_GEN6::at(9), 0x1001); }},
    {"hws_pga_into_the_victims_gm", true,
     [](GuestI915& h, GuestI915& v) { (void)h.write32(reg::RING_HWS_PGA::at(Engine::RCS), uint32_t(v.hwsp_gma(Engine::RCS))); }},
    {"pvinfo_rsv5", true, [](GuestI915& h, GuestI915&) { (void)h.write32(vgpu::kPvInfoBase + vgpu::pv::kRsv5, 1); }},
    {"ggtt_ptes_over_the_victims_slice", true,
     [](GuestI915& h, GuestI915& v) {
       for (const GuestI915::Object& o : v.objects()) (void)h.write_pte(o.gma, h.objects().front().gpa | 1);
       (void)h.flush_ggtt();
     }},
    {"ggtt_halves_over_the_victims_slice", true,
     [](GuestI915& h, GuestI915& v) {
       for (const GuestI915::Object& o : v.objects()) {
         (void)h.mmio_write(entry_offset(o.gma), 4, uint32_t(h.objects().front().gpa | 1));
         (void)h.mmio_write(entry_offset(o.gma) + 4, 4, 0);
       }
     }},
    {"ggtt_pte_to_an_unpinnable_gfn", true,
     [](GuestI915& h, GuestI915&) { (void)h.write_pte(h.balloon().hidden.base, InProcessHypervisor::kMmioHoleStart | 1); }},
    {"aperture_into_the_victims_slice", true,
     [](GuestI915& h, GuestI915& v) {
       std::array<uint8_t, 8> junk{};
       junk.fill(0x55);
       for (const GuestI915::Object& o : v.objects()) {
         (void)h.aperture_write(o.gma, junk);
         (void)h.aperture_read(o.gma, junk);
       }
       (void)h.aperture_write(h.balloon().aperture.end() - 4, junk);  // straddles the end
     }},
    {"full_gdrst", true,
     [](GuestI915& h, GuestI915&) { (void)h.write32(reg::GEN6_GDRST::offset, reg::GEN6_GDRST::GRDOM_FULL.mask()); }},
    {"interrupt_registers", true,
     [](GuestI915& h, GuestI915&) {
       (void)h.write32(reg::GEN8_MASTER_IRQ::offset, 0xFFFF'FFFF);
       (void)h.write32(reg::GEN8_GT_IMR0::offset, 0);
       (void)h.write32(reg::GEN8_GT_IER0::offset, 0xFFFF'FFFF);
       (void)h.write32(reg::GEN8_GT_IIR0::offset, 0xFFFF'FFFF);
     }},
    {"bar0_fuzz", true,
     [](GuestI915& h, GuestI915&) {
       // 4,000 seeded accesses anywhere in BAR0 — registers, PVINFO, the hole, the GGTT — of every
       // size, aligned or not.
       Rng rng(0xF00D);
       for (int i = 0; i < 4000; ++i) {
         const unsigned size = unsigned(1u << rng.below(4));
         uint32_t off = uint32_t(rng.below(vgpu::kBar0Size - 8));
         if (rng.below(4)) off &= ~(size - 1);  // mostly aligned, sometimes not
         if (rng.below(2))
           (void)h.mmio_write(off, size, rng.next());
         else
           (void)h.mmio_read(off, size);
       }
     }},
};

void PrintTo(const Row& r, std::ostream* os) { *os << r.name; }

class Hostile : public ::testing::TestWithParam<Row> {};

TEST_P(Hostile, TheOtherGuestSeesExactlyItsSoloRun) {
  const Row& row = GetParam();
  uint64_t solo = 0;
  {
    GvtSystem sys;
    GuestI915& victim = *sys.add_guest({.type = "GVTg_V4_8"}).value();
    solo = victim_run(sys, victim, [] {});
    EXPECT_EQ(sys.isolation_violations(), 0u);
  }
  GvtSystem sys;
  GuestI915& victim = *sys.add_guest({.type = "GVTg_V4_8"}).value();
  GuestI915& hostile = *sys.add_guest({.type = "GVTg_V4_8"}).value();
  const uint64_t shared = victim_run(sys, victim, [&] {
    ASSERT_TRUE(row.boots ? hostile.boot() : hostile.probe_pci());
    row.act(hostile, victim);
    sys.settle();
  });
  EXPECT_EQ(shared, solo);
  if (std::string(row.name) == "bar0_fuzz") {
    EXPECT_GT(sys.device().stats().value("vgpu2.mmio.accesses"), 4000.0) << "the fuzz reached the trap path";
  }
  EXPECT_FALSE(sys.vgpu(victim.id()).failsafe());
  EXPECT_EQ(sys.isolation_violations(), 0u);
  EXPECT_EQ(sys.untagged_accesses(), 0u);
}

TEST(HostileControl, WithTheGgttSliceCheckBrokenTheVictimsRunDiffersAndTheOracleFires) {
  // Negative control: the same row as ggtt_ptes_over_the_victims_slice with the hostile vGPU's slice
  // check switched off (fault injection) — the comparison and the oracle must both catch it.
  uint64_t solo = 0;
  {
    GvtSystem sys;
    GuestI915& victim = *sys.add_guest({.type = "GVTg_V4_8"}).value();
    solo = victim_run(sys, victim, [] {});
  }
  GvtSystem sys;
  GuestI915& victim = *sys.add_guest({.type = "GVTg_V4_8"}).value();
  GuestI915& hostile = *sys.add_guest({.type = "GVTg_V4_8"}).value();
  const uint64_t shared = victim_run(sys, victim, [&] {
    ASSERT_TRUE(hostile.boot());
    sys.vgpu(hostile.id()).inject_fault_skip_ggtt_slice_check(true);
    for (const GuestI915::Object& o : victim.objects()) (void)hostile.write_pte(o.gma, hostile.objects().front().gpa | 1);
  });
  EXPECT_NE(shared, solo);
  EXPECT_GT(sys.isolation_violations(), 0u);
}

INSTANTIATE_TEST_SUITE_P(D6, Hostile, ::testing::ValuesIn(kRows),
                         [](const ::testing::TestParamInfo<Row>& i) { return std::string(i.param.name); });

}  // namespace
}  // namespace gvtsim::harness::testing
