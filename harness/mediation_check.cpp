#include "harness/mediation_check.h"

#include <array>

#include "base/hash.h"
#include "base/random.h"
#include "harness/driver.h"
#include "harness/gvt_system.h"

namespace gvtsim::harness {

MediationCheckResult run_mediation_check(Driver& driver, uint64_t seed, unsigned guests) {
  MediationCheckResult r;
  GvtSystem sys;
  const std::vector<vgpu::CreateParams> params(guests, vgpu::CreateParams{.type = "GVTg_V4_8"});
  // The guests clear their whole GGTT at boot as i915 does (init_ggtt): 115k trapped PTE writes each.
  Result<std::vector<GuestI915*>> created = sys.add_guests(params, GuestConfig{.clear_ggtt = true});
  if (!created) {
    r.error = created.status().to_string();
    return r;
  }
  r.guests = unsigned(created->size());
  Rng rng(seed);
  std::vector<std::array<uint8_t, 64>> patterns(created->size());
  for (auto& p : patterns)
    for (uint8_t& b : p) b = uint8_t(rng.next());
  std::vector<uint64_t> seen;  // what the guests read back, in order

  EventSource& cpu = sys.platform().queue().source("check.guest_cpus", EventBand::software, /*sync_point=*/true);
  for (std::size_t i = 0; i < created->size(); ++i) {
    GuestI915* g = (*created)[i];
    const Duration start = us(1) + i * us(2);
    cpu.at(start, [&, g] {
      if (Status s = g->boot(); !s) {
        if (r.error.empty()) r.error = s.to_string();
        return;
      }
      ++r.booted;
    });
    cpu.at(start + us(20), [&, g, i] {
      if (!g->booted()) return;
      const uint64_t gma = g->objects().back().gma;
      std::array<uint8_t, 64> back{};
      if (!g->aperture_write(gma, patterns[i]) || !g->aperture_read(gma, back)) return;
      std::array<uint8_t, 64> ram{};
      if (!sys.hypervisor().guest_read(g->id(), g->objects().back().gpa, ram)) return;
      r.data_ok += back == patterns[i] && ram == patterns[i];
      seen.push_back(hash64(back.data(), back.size()));
    });
    cpu.at(start + us(40), [&, g] { sys.vgpu(g->id()).trigger_event(vgpu::IrqEvent::RCS_AS_CONTEXT_SWITCH); });
  }
  driver.run_until(sys.platform(), us(200));

  std::vector<uint64_t> state = seen;
  for (GuestI915* g : *created) {
    const vgpu::Vgpu& v = sys.vgpu(g->id());
    r.failsafe += v.failsafe();
    r.interrupted += g->interrupts() > 0;
    r.msis += sys.hypervisor().msis(g->id()).size();
    const auto vregs = v.mmio().vregs();
    state.push_back(hash64(vregs.data(), vregs.size_bytes()));
    for (const GuestI915::Object& o : g->objects()) {
      Result<uint64_t> pte = sys.host().mmio_read(vgpu::ggtt::entry_offset(o.gma), 8);
      state.push_back(pte ? *pte : ~0ull);
    }
  }
  state.push_back(uint64_t(sys.platform().cpu_stall()));
  r.violations = sys.isolation_violations();
  r.untagged = sys.untagged_accesses();
  r.state_hash = hash64(state.data(), state.size() * sizeof(uint64_t));
  r.end_time = sys.platform().now();
  return r;
}

}  // namespace gvtsim::harness
