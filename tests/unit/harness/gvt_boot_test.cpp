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
