#include "base/clock.h"

#include "base/status.h"

namespace gvtsim {

Clock::Clock(EventQueue& queue, std::string name, EventBand band) : m_source(queue.source(std::move(name), band)) {}

TimerId Clock::one_shot(Duration delay, std::function<void()> fn) {
  uint64_t id = m_next_id++;
  m_timers.emplace(id, Timer{0, std::move(fn), {}});
  arm(id, now() + delay);
  return TimerId{id};
}

TimerId Clock::periodic(Duration period, std::function<void()> fn, Duration first) {
  GVT_ASSERT(period > 0, "periodic timer with a zero period");
  uint64_t id = m_next_id++;
  m_timers.emplace(id, Timer{period, std::move(fn), {}});
  arm(id, now() + (first ? first : period));
  return TimerId{id};
}

bool Clock::cancel(TimerId id) {
  auto it = m_timers.find(id.value);
  if (it == m_timers.end()) return false;
  m_source.cancel(it->second.pending);
  m_timers.erase(it);
  return true;
}

void Clock::arm(uint64_t id, Time when) {
  m_timers.at(id).pending = m_source.at(when, [this, id] { fire(id); });
}

void Clock::fire(uint64_t id) {
  auto it = m_timers.find(id);
  GVT_ASSERT(it != m_timers.end(), "timer {} fired after it was cancelled", id);
  if (it->second.period) {
    arm(id, now() + it->second.period);   // re-arm first: the callback may cancel it
    auto fn = it->second.fn;               // copy: the callback may cancel (erase) its own timer
    fn();
  } else {
    auto fn = std::move(it->second.fn);
    m_timers.erase(it);
    fn();
  }
}

}  // namespace gvtsim
