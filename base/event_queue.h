// The platform's one ordered event queue (decisions D1, D2).
//
// Every timed thing in a platform — an engine finishing a command, a timer, a guest CPU step — is an
// event here. Events are ordered by the key (time, class, sequence):
//   time      integer picoseconds;
//   class     the scheduling source: its band (hardware < timer < software, see EventBand) and then
//             the source's id, given in creation order;
//   sequence  a per-source counter.
// So two components that schedule events for the same instant always run in the same order, in
// whatever order they inserted them; and one component's events run in its own program order.
// Nothing depends on pointer values, container iteration order or SystemC process order.
//
// The queue is plain C++. The functional driver pops it in a loop; the SystemC driver pops it from
// an SC_THREAD under a quantum keeper (harness/systemc_driver.h). Both run the same events at the
// same times.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace gvtsim {

// The first component of an event's class: what kind of source it comes from.
enum class EventBand : uint8_t {
  hardware = 0,  // device state machines (engines, display, interrupt delivery)
  timer = 1,     // Clock timers (vGPU scheduler tick, vblank)
  software = 2,  // drivers and guests (host driver, hypervisor, guest CPU steps)
};

struct EventId {
  uint32_t slot = ~0u;
  uint32_t generation = 0;
  bool valid() const { return slot != ~0u; }
};

class EventQueue;

// A component's handle for scheduling. Its events share one class.
class EventSource {
 public:
  EventId at(Time t, std::function<void()> fn);
  EventId after(Duration d, std::function<void()> fn);
  bool cancel(EventId id);
  const std::string& name() const { return m_name; }
  uint32_t class_key() const { return m_class; }
  // A sync point: the SystemC driver synchronises its quantum keeper before running this source's
  // events (a cross-domain interaction, decisions D2).
  bool sync_point() const { return m_sync; }
  Time now() const;

 private:
  friend class EventQueue;
  EventSource(EventQueue& q, std::string name, uint32_t cls, bool sync)
      : m_queue(&q), m_name(std::move(name)), m_class(cls), m_sync(sync) {}
  EventQueue* m_queue;
  std::string m_name;
  uint32_t m_class;
  bool m_sync;
  uint64_t m_next_seq = 0;
};

class EventQueue {
 public:
  EventQueue() = default;
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // Creates a source. Ids follow creation order, so creation order must be deterministic.
  EventSource& source(std::string name, EventBand band, bool sync_point = false);

  Time now() const { return m_now; }
  // For components that stamp records with the current time (memory, GTTs).
  const Time* now_ptr() const { return &m_now; }
  bool empty() const { return m_live == 0; }
  std::size_t pending() const { return m_live; }
  // Time of the earliest live event, or kTimeNever.
  Time next_time();
  // Whether the earliest live event's source is a sync point.
  bool next_is_sync_point();
  // Runs the earliest event (advancing now to its time). False when there is none.
  bool step();
  // Runs every event with time <= limit, then advances now to limit. Returns the events run.
  uint64_t run_until(Time limit);
  // Moves now forward to `t` with no event in between (a broken invariant otherwise).
  void advance_to(Time t);
  bool cancel(EventId id);
  bool is_pending(EventId id) const;
  uint64_t executed() const { return m_executed; }

 private:
  friend class EventSource;
  struct Entry {
    Time time;
    uint32_t cls;
    uint64_t seq;
    uint32_t slot;
    uint32_t generation;
  };
  struct Slot {
    std::function<void()> fn;
    const EventSource* source = nullptr;
    uint32_t generation = 0;
    bool live = false;
  };
  static bool later(const Entry& a, const Entry& b);
  EventId insert(EventSource& src, Time t, std::function<void()> fn);
  void drop_dead_top();

  Time m_now = 0;
  std::vector<Entry> m_heap;
  std::vector<Slot> m_slots;
  std::vector<uint32_t> m_free;
  std::vector<std::unique_ptr<EventSource>> m_sources;
  std::size_t m_live = 0;
  uint64_t m_executed = 0;
};

}  // namespace gvtsim
