// Guests booting on vGPUs, end to end: the guest i915 model's accesses go through the in-process
// hypervisor into the mediation core and, through the host driver, onto the Gen8 model.
#include <array>

#include "tests/unit/harness/gvt_fixture.h"

namespace gvtsim::harness::testing {
namespace {

using namespace spec::gen8;

TEST_F(GvtTest, OneGuestBootsAsI915DoesUnderGvtg) {
  GuestI915& g = boot();
  vgpu::Vgpu& v = sys.vgpu(g.id());
  EXPECT_FALSE(v.failsafe()) << v.failsafe_state().history().front().why;
  EXPECT_TRUE(v.pv_notified());
  EXPECT_TRUE(v.pvinfo().display_ready());
  // The balloon is the vGPU's slices, as PVINFO publishes them.
  EXPECT_EQ(g.balloon().aperture, v.aperture());
  EXPECT_EQ(g.balloon().hidden, v.hidden());
  EXPECT_EQ(g.balloon().fences, 4u);
  // Execlists enabled after the PVINFO read: no failsafe, the trap path saw it.
  EXPECT_NE(v.mmio().execlist_enabled() & engine_bit(Engine::RCS), 0);
  EXPECT_EQ(v.mmio().hws_pga(Engine::RCS), g.hwsp_gma(Engine::RCS));
  // Every boot object is in the host GGTT at the guest page's host frame.
  ASSERT_FALSE(g.objects().empty());
  for (const GuestI915::Object& o : g.objects()) {
    const uint64_t pte = host_pte(o.gma);
    EXPECT_EQ(pte & 1, 1u);
    EXPECT_EQ(pte & vgpu::ggtt::kAddrMask,
              InProcessHypervisor::kGuestRamBase + g.id() * InProcessHypervisor::kGuestRamStride + o.gpa);
    EXPECT_EQ(sys.hypervisor().pin_count(g.id(), o.gpa >> 12), 1u);
  }
  // The aperture reaches the guest's page through the host GGTT.
  const GuestI915::Object o = g.objects().back();
  const std::array<uint8_t, 8> data = {1, 2, 3, 4, 5, 6, 7, 8};
  ASSERT_TRUE(g.aperture_write(o.gma + 64, data));
  std::array<uint8_t, 8> ram{};
  ASSERT_TRUE(sys.hypervisor().guest_read(g.id(), o.gpa + 64, ram));
  EXPECT_EQ(ram, data);
  std::array<uint8_t, 8> back{};
  ASSERT_TRUE(g.aperture_read(o.gma + 64, back));
  EXPECT_EQ(back, data);
}

}  // namespace
}  // namespace gvtsim::harness::testing

namespace gvtsim::harness::testing {
namespace {

using namespace spec::gen8;

std::array<uint8_t, 16> pattern(uint8_t seed) {
  std::array<uint8_t, 16> p{};
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = uint8_t(seed * 31 + i);
  return p;
}

TEST_F(GvtTest, SevenGuestsOfType8BootWithTheD3Defaults) {
  const std::vector<vgpu::CreateParams> seven(7, vgpu::CreateParams{.type = "GVTg_V4_8"});
  Result<std::vector<GuestI915*>> guests = sys.add_guests(seven);
  ASSERT_TRUE(guests) << guests.status().to_string();
  ASSERT_EQ(guests->size(), 7u);
  for (GuestI915* g : *guests) ASSERT_TRUE(g->boot()) << "guest " << g->id();
  // Each guest writes its own pattern through the aperture into its first buffer; each reads back
  // its own, from its own RAM, and no vGPU's slice overlaps another's.
  for (GuestI915* g : *guests) ASSERT_TRUE(g->aperture_write(g->objects().back().gma, pattern(uint8_t(g->id()))));
  for (GuestI915* g : *guests) {
    vgpu::Vgpu& v = sys.vgpu(g->id());
    EXPECT_FALSE(v.failsafe());
    std::array<uint8_t, 16> ram{};
    ASSERT_TRUE(sys.hypervisor().guest_read(g->id(), g->objects().back().gpa, ram));
    EXPECT_EQ(ram, pattern(uint8_t(g->id()))) << "guest " << g->id();
    for (GuestI915* o : *guests)
      if (o != g) {
        EXPECT_FALSE(v.aperture().contains(o->balloon().aperture.base));
        EXPECT_FALSE(v.hidden().contains(o->balloon().hidden.base));
      }
  }
  EXPECT_EQ(sys.device().free_ids(), 0u);
}

TEST_F(GvtTest, MixedTypesThatFitBoot) {
  // 256 + 128 + 64 MB of the 896 MB left low, 1024 + 512 + 384 MB of the 2688 MB left high, 12 fences.
  const std::vector<vgpu::CreateParams> mix = {{.type = "GVTg_V4_2"}, {.type = "GVTg_V4_4"}, {.type = "GVTg_V4_8"}};
  Result<std::vector<GuestI915*>> guests = sys.add_guests(mix);
  ASSERT_TRUE(guests) << guests.status().to_string();
  for (GuestI915* g : *guests) {
    ASSERT_TRUE(g->boot());
    EXPECT_EQ(g->balloon().aperture, sys.vgpu(g->id()).aperture());
  }
  EXPECT_EQ(sys.vgpu(1).type().name, "GVTg_V4_2");
  EXPECT_EQ(sys.host().resources().hidden_free, vgpu::mib(2688 - 1920));
  EXPECT_EQ(sys.host().resources().aperture_free, vgpu::mib(896 - 448));
}

TEST_F(GvtTest, AMixThatDoesNotFitIsRefusedWithNothingCreated) {
  // 2048 + 1024 MB of high GM > the 2688 MB left.
  const std::vector<vgpu::CreateParams> mix = {{.type = "GVTg_V4_1"}, {.type = "GVTg_V4_2"}};
  Result<std::vector<GuestI915*>> guests = sys.add_guests(mix);
  ASSERT_FALSE(guests);
  EXPECT_NE(guests.status().message().find("high GM"), std::string::npos) << guests.status().message();
  EXPECT_EQ(sys.device().count(), 0u);
}

TEST_F(GvtTest, GgttWritesOutsideTheSliceAreIgnored) {
  GuestI915& g = boot();
  const uint64_t foreign = 0x1000;  // the host's reserve
  const uint64_t before = host_pte(foreign);
  ASSERT_TRUE(g.write_pte(foreign, (g.alloc_page() & vgpu::ggtt::kAddrMask) | 1));
  ASSERT_TRUE(g.flush_ggtt());
  EXPECT_EQ(host_pte(foreign), before);
  EXPECT_EQ(*g.mmio_read(vgpu::ggtt::entry_offset(foreign), 8), 0u) << "reads 0 outside";
  EXPECT_FALSE(sys.vgpu(g.id()).failsafe());
}

TEST_F(GvtTest, SplitPteWritesAreHeldUntilComplete) {
  GuestI915& g = boot();
  vgpu::Vgpu& v = sys.vgpu(g.id());
  const uint64_t gma = g.balloon().hidden.base;  // untouched at boot
  const uint64_t page = g.alloc_page();
  const uint64_t pte = page | 1;
  const uint32_t off = vgpu::ggtt::entry_offset(gma);
  ASSERT_TRUE(g.mmio_write(off, 4, uint32_t(pte)));
  EXPECT_EQ(host_pte(gma), v.scratch_page()) << "held: the host entry is scratch, not present";
  ASSERT_TRUE(g.mmio_write(off + 4, 4, uint32_t(pte >> 32)));
  EXPECT_EQ(host_pte(gma) & vgpu::ggtt::kAddrMask,
            InProcessHypervisor::kGuestRamBase + g.id() * InProcessHypervisor::kGuestRamStride + page);
  EXPECT_EQ(host_pte(gma) & 1, 1u);
  EXPECT_FALSE(v.failsafe());
}

TEST_F(GvtTest, APteToAnUnpinnableFrameMapsTheVgpusScratchPage) {
  GuestI915& g = boot();
  vgpu::Vgpu& v = sys.vgpu(g.id());
  const uint64_t gma = g.balloon().hidden.base;
  ASSERT_TRUE(g.write_pte(gma, InProcessHypervisor::kMmioHoleStart | 1));  // the MMIO hole: no RAM
  EXPECT_EQ(host_pte(gma), v.scratch_page() | 1);
  EXPECT_FALSE(v.failsafe());
}

TEST_F(GvtTest, ApertureAccessesBeyondTheSliceAreRefused) {
  GuestI915& g = boot();
  std::array<uint8_t, 8> buf{};
  // CVE-2019-11085: the last bytes of the slice and one past its end.
  const uint64_t end = g.balloon().aperture.end();
  EXPECT_FALSE(g.aperture_read(end - 4, buf));
  EXPECT_FALSE(g.aperture_read(end, buf));
  EXPECT_FALSE(g.aperture_read(0, buf)) << "the host's reserve";
  EXPECT_EQ(sys.hypervisor().aperture_refused(), 3u);
  EXPECT_FALSE(g.mmio_read(uint32_t(vgpu::kMmioSize) + 0x100));  // between registers and GGTT
  EXPECT_FALSE(sys.hypervisor().guest_mmio_read(g.id(), 0xE000'0000, 4)) << "no BAR there";
}

TEST_F(GvtTest, ABootThatClearsItsGgttPinsItsScratchPageOncePerEntry) {
  GuestI915& g = boot("GVTg_V4_8", GuestConfig{.clear_ggtt = true});
  vgpu::Vgpu& v = sys.vgpu(g.id());
  const uint64_t entries = (v.aperture().size + v.hidden().size) >> 12;
  const uint64_t scratch_gfn = g.scratch_gpa() >> 12;
  ASSERT_NE(scratch_gfn, 0u);
  // Every entry went to the guest's scratch page; the boot objects then took theirs back.
  EXPECT_EQ(sys.hypervisor().pin_count(g.id(), scratch_gfn), entries - g.objects().size());
  EXPECT_EQ(v.ggtt().pinned_count(), entries);
  const uint64_t host_scratch = InProcessHypervisor::kGuestRamBase + g.id() * InProcessHypervisor::kGuestRamStride + g.scratch_gpa();
  EXPECT_EQ(host_pte(v.hidden().end() - 4096), host_scratch | 1);
  EXPECT_EQ(host_pte(v.aperture().end() - 4096), host_scratch | 1);
  EXPECT_EQ(sys.device().stats().value("vgpu1.ggtt.accesses"), double(entries + g.objects().size()));
  // Destroying the vGPU takes the guest's frames out of the host GGTT and releases every pin.
  const vgpu::GmSlice hidden = v.hidden();
  ASSERT_TRUE(sys.remove_guest(g.id()));
  EXPECT_EQ(sys.hypervisor().pin_count(1, scratch_gfn), 0u);
  EXPECT_EQ(host_pte(hidden.end() - 4096), 0u);
}

TEST_F(GvtTest, MemoryDecodeOffUntrapsBar0AndUnmapsTheAperture) {
  GuestI915& g = boot();
  Result<uint32_t> cmd = sys.hypervisor().guest_cfg_read(g.id(), vgpu::pcicfg::kCommand, 2);
  ASSERT_TRUE(cmd);
  ASSERT_TRUE(sys.hypervisor().guest_cfg_write(g.id(), vgpu::pcicfg::kCommand, 2, *cmd & ~vgpu::pcicfg::kCommandMemory));
  std::array<uint8_t, 4> buf{};
  EXPECT_FALSE(g.read32(reg::GEN8_MASTER_IRQ::offset)) << "BAR0 untrapped: no device there";
  EXPECT_FALSE(g.aperture_read(g.objects().back().gma, buf)) << "BAR2 unmapped";
  ASSERT_TRUE(sys.hypervisor().guest_cfg_write(g.id(), vgpu::pcicfg::kCommand, 2, *cmd));
  EXPECT_TRUE(g.read32(reg::GEN8_MASTER_IRQ::offset));
  EXPECT_TRUE(g.aperture_read(g.objects().back().gma, buf));
}

TEST_F(GvtTest, OracleFiresWhenTheGgttSliceCheckIsBroken) {
  // Negative control (D4's aperture initiator): vGPU 1's GGTT write outside its slice is let through
  // (fault injection), overwriting an entry of vGPU 2's slice with vGPU 1's page; vGPU 2's aperture
  // access through that entry lands in vGPU 1's page and the oracle reports it.
  GuestI915& a = boot();
  GuestI915& b = boot();
  sys.vgpu(a.id()).inject_fault_skip_ggtt_slice_check(true);
  const uint64_t victim_gma = b.objects().back().gma;
  ASSERT_TRUE(a.write_pte(victim_gma, a.objects().back().gpa | 1));
  ASSERT_EQ(sys.isolation_violations(), 0u) << "nothing touched memory yet";
  std::array<uint8_t, 8> buf{};
  ASSERT_TRUE(b.aperture_read(victim_gma, buf));
  EXPECT_GT(sys.isolation_violations(), 0u);
  expect_oracle_fired();
}

}  // namespace
}  // namespace gvtsim::harness::testing
