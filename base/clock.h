// The Clock service: one-shot and periodic timers over the platform's event queue, with cancel.
// vgpu::Clock (the mediation core's timer interface, decisions D10) is implemented over it by the
// harness; models and tests use it directly.
//
// A periodic timer fires at first, first + period, first + 2 period, ... exactly (integer
// picoseconds, no drift). A callback may cancel its own timer or start others.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "base/event_queue.h"

namespace gvtsim {

struct TimerId {
  uint64_t value = 0;
  bool valid() const { return value != 0; }
  friend bool operator==(TimerId, TimerId) = default;
};

class Clock {
 public:
  Clock(EventQueue& queue, std::string name, EventBand band = EventBand::timer);

  TimerId one_shot(Duration delay, std::function<void()> fn);
  // Fires first after `first` (default: one period), then every `period` (> 0).
  TimerId periodic(Duration period, std::function<void()> fn, Duration first = 0);
  // False when the timer already fired (one-shot), was cancelled, or never existed.
  bool cancel(TimerId id);
  bool active(TimerId id) const { return m_timers.count(id.value) != 0; }
  std::size_t active_count() const { return m_timers.size(); }
  Time now() const { return m_source.now(); }

 private:
  struct Timer {
    Duration period;  // 0 for one-shot
    std::function<void()> fn;
    EventId pending;
  };
  void arm(uint64_t id, Time when);
  void fire(uint64_t id);

  EventSource& m_source;
  std::map<uint64_t, Timer> m_timers;
  uint64_t m_next_id = 1;
};

}  // namespace gvtsim
