// The Clock interface (decisions D10): the mediation core's timers — the scheduler's time slice
// (gvt/sched_policy.c, 1 ms), the vblank emulation timer (gvt/display.c, 16 ms) and the time stamps
// of its records (failsafe, statistics). harness/ implements it over base::Clock, whose timers are
// events of the platform's queue; tests/unit/vgpu/fakes.h fakes it with a hand-advanced time.
//
// Contract (as base/clock.h): a periodic timer fires at first, first + period, ... exactly, with no
// drift; a callback may cancel its own timer or start others; callbacks run from the event loop,
// never from inside a call of this interface (D10: the core is never re-entered).
#pragma once

#include <functional>

#include "base/clock.h"  // TimerId
#include "base/time.h"

namespace gvtsim::vgpu {

class Clock {
 public:
  virtual ~Clock() = default;

  virtual Time now() const = 0;
  virtual TimerId one_shot(Duration delay, std::function<void()> fn) = 0;
  // Fires first after `first` (0: after one period), then every `period` (> 0).
  virtual TimerId periodic(Duration period, std::function<void()> fn, Duration first) = 0;
  TimerId periodic(Duration period, std::function<void()> fn) { return periodic(period, std::move(fn), 0); }
  // False when the timer already fired (one-shot), was cancelled, or never existed.
  virtual bool cancel(TimerId id) = 0;
};

}  // namespace gvtsim::vgpu
