// Typed trace events (style.md "Logging and tracing"), after QEMU's trace-events.
//
// An event type is a struct of up to four 64-bit fields with a static descriptor naming it, its log
// channel and its fields; each module declares its events in its own trace_events.h:
//
//   struct TimerFired {
//     static constexpr trace::EventDesc desc{"timer_fired", log::Channel::core, {"timer", "period_ps"}};
//     uint64_t timer, period_ps;
//   };
//   tracer.emit(now, owner, TimerFired{.timer = id, .period_ps = p});
//
// Every record carries the simulated time and the owner. Disabled channels cost one load and one
// test; nothing is formatted on the hot path (formatting happens when records are printed). The
// buffer is bounded: records beyond the capacity are counted in dropped(), never silently lost.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/log.h"
#include "base/owner.h"
#include "base/time.h"

namespace gvtsim::trace {

struct EventDesc {
  std::string_view name;
  log::Channel channel;
  std::array<std::string_view, 4> fields;  // unused trailing names are empty
  unsigned field_count() const {
    unsigned n = 0;
    while (n < 4 && !fields[n].empty()) ++n;
    return n;
  }
};

struct Record {
  Time time;
  Owner owner;
  const EventDesc* desc;
  std::array<uint64_t, 4> args;
};

class Tracer {
 public:
  explicit Tracer(std::size_t capacity = 1u << 20) : m_capacity(capacity) {}

  // Enables the channels named like log::enable ("cmd,irq", "all"). False on an unknown name.
  bool enable(std::string_view channels);
  void disable_all() { m_mask = 0; }
  bool on(log::Channel c) const { return (m_mask >> unsigned(c)) & 1u; }

  template <typename E>
  void emit(Time t, Owner owner, const E& e) {
    static_assert(std::is_trivially_copyable_v<E> && sizeof(E) % 8 == 0 && sizeof(E) <= 32,
                  "a trace event is a struct of at most four 64-bit fields");
    if (!on(E::desc.channel)) [[likely]] return;
    Record r{t, owner, &E::desc, {}};
    std::memcpy(r.args.data(), &e, sizeof(E));
    push(r);
  }

  const std::vector<Record>& records() const { return m_records; }
  uint64_t dropped() const { return m_dropped; }
  void clear() { m_records.clear(); m_dropped = 0; }

  // "12.345000 us vgpu1 timer_fired timer=3 period_ps=1000000"
  static std::string format(const Record& r);
  static nlohmann::json to_json(const Record& r);

 private:
  void push(const Record& r);
  uint32_t m_mask = 0;
  std::size_t m_capacity;
  std::vector<Record> m_records;
  uint64_t m_dropped = 0;
};

}  // namespace gvtsim::trace
