// Guests booting on vGPUs as events on the platform's queue: the same results and simulated times
// under the functional driver and the SystemC driver at any quantum (decisions D1, D2) — the guests'
// accesses then cross the TLM bus.
#include <gtest/gtest.h>

#include "base/hash.h"
#include "harness/driver.h"
#include "harness/gvt_system.h"
#include "harness/systemc_driver.h"

namespace gvtsim::harness {
namespace {

std::vector<uint64_t> scenario(Driver& d) {
  GvtSystem sys;
  std::vector<GuestI915*> guests;
  for (int i = 0; i < 2; ++i) guests.push_back(sys.add_guest({.type = "GVTg_V4_8"}).value());
  EventSource& cpu = sys.platform().queue().source("test.guest_cpu", EventBand::software, true);
  std::vector<uint64_t> out;
  cpu.at(us(1), [&] {
    for (GuestI915* g : guests) out.push_back(g->boot().is_ok());
  });
  cpu.at(us(20), [&] { sys.vgpu(1).trigger_event(vgpu::IrqEvent::RCS_AS_CONTEXT_SWITCH); });
  cpu.at(us(30), [&] {
    const std::array<uint8_t, 4> data = {9, 8, 7, 6};
    out.push_back(guests[1]->aperture_write(guests[1]->objects().back().gma, data).is_ok());
  });
  d.run_until(sys.platform(), us(100));
  for (GuestI915* g : guests) {
    const auto vregs = sys.vgpu(g->id()).mmio().vregs();
    out.push_back(hash64(vregs.data(), vregs.size_bytes()));
    out.push_back(g->interrupts());
  }
  for (auto& [a, data] : sys.hypervisor().msis(1)) out.push_back(uint64_t(a) << 16 | data);
  out.push_back(uint64_t(sys.platform().cpu_stall()));
  out.push_back(sys.isolation_violations());
  out.push_back(sys.untagged_accesses());
  const std::string stats = sys.platform().stats().to_json().dump();
  out.push_back(hash64(stats.data(), stats.size()));
  return out;
}

TEST(GvtDrivers, GuestBootIsIdenticalUnderBothDrivers) {
  FunctionalDriver f;
  const std::vector<uint64_t> ref = scenario(f);
  ASSERT_EQ(ref[0], 1u) << "guest 1 booted";
  ASSERT_EQ(ref[1], 1u) << "guest 2 booted";
  ASSERT_EQ(ref[2], 1u) << "the aperture write went through";
  EXPECT_EQ(ref[4], 1u) << "the context-switch event reached guest 1's handler";
  EXPECT_GT(ref[ref.size() - 4], 0u) << "the CPU stalled on its accesses";
  for (Duration q : {Duration(0), us(1), us(100)}) {
    SystemCDriver sc(q);
    EXPECT_EQ(scenario(sc), ref) << "quantum " << q;
  }
}

}  // namespace
}  // namespace gvtsim::harness
