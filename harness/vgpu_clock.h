// vgpu::Clock (decisions D10), implemented over the platform's Clock service: the mediation core's
// timers (scheduler tick, vblank) become events on the platform's queue, so they run at the same
// simulated times under the functional and the SystemC driver. The fake for unit tests lives in
// tests/unit/vgpu/fakes.h.
#pragma once

#include "base/clock.h"
#include "vgpu/clock.h"

namespace gvtsim::harness {

class PlatformClock final : public vgpu::Clock {
 public:
  explicit PlatformClock(gvtsim::Clock& clock) : m_clock(clock) {}
  Time now() const override { return m_clock.now(); }
  TimerId one_shot(Duration delay, std::function<void()> fn) override { return m_clock.one_shot(delay, std::move(fn)); }
  TimerId periodic(Duration period, std::function<void()> fn, Duration first) override {
    return m_clock.periodic(period, std::move(fn), first);
  }
  using vgpu::Clock::periodic;
  bool cancel(TimerId id) override { return m_clock.cancel(id); }

 private:
  gvtsim::Clock& m_clock;
};

}  // namespace gvtsim::harness
