#include "base/event_queue.h"

#include <algorithm>

#include "base/status.h"

namespace gvtsim {

EventId EventSource::at(Time t, std::function<void()> fn) { return m_queue->insert(*this, t, std::move(fn)); }
EventId EventSource::after(Duration d, std::function<void()> fn) { return at(m_queue->now() + d, std::move(fn)); }
bool EventSource::cancel(EventId id) { return m_queue->cancel(id); }
Time EventSource::now() const { return m_queue->now(); }

EventSource& EventQueue::source(std::string name, EventBand band, bool sync_point) {
  GVT_ASSERT(m_sources.size() < (1u << 24), "too many event sources");
  uint32_t cls = (uint32_t(band) << 24) | uint32_t(m_sources.size());
  m_sources.push_back(std::unique_ptr<EventSource>(new EventSource(*this, std::move(name), cls, sync_point)));
  return *m_sources.back();
}

// std::push_heap keeps a max-heap; "later" as the comparison puts the earliest key on top.
bool EventQueue::later(const Entry& a, const Entry& b) {
  if (a.time != b.time) return a.time > b.time;
  if (a.cls != b.cls) return a.cls > b.cls;
  return a.seq > b.seq;
}

EventId EventQueue::insert(EventSource& src, Time t, std::function<void()> fn) {
  GVT_ASSERT(t >= m_now, "event '{}' scheduled in the past ({} ps < now {} ps)", src.name(), t, m_now);
  GVT_ASSERT(fn != nullptr, "event '{}' without a callback", src.name());
  uint32_t slot;
  if (!m_free.empty()) {
    slot = m_free.back();
    m_free.pop_back();
  } else {
    slot = uint32_t(m_slots.size());
    m_slots.emplace_back();
  }
  Slot& s = m_slots[slot];
  s.fn = std::move(fn);
  s.source = &src;
  s.live = true;
  m_heap.push_back(Entry{t, src.m_class, src.m_next_seq++, slot, s.generation});
  std::push_heap(m_heap.begin(), m_heap.end(), later);
  ++m_live;
  return EventId{slot, s.generation};
}

bool EventQueue::is_pending(EventId id) const {
  return id.valid() && id.slot < m_slots.size() && m_slots[id.slot].live &&
         m_slots[id.slot].generation == id.generation;
}

bool EventQueue::cancel(EventId id) {
  if (!is_pending(id)) return false;
  Slot& s = m_slots[id.slot];
  s.live = false;
  s.fn = nullptr;
  --m_live;
  // The heap entry stays until it reaches the top; its generation no longer matches.
  return true;
}

void EventQueue::drop_dead_top() {
  while (!m_heap.empty()) {
    const Entry& top = m_heap.front();
    const Slot& s = m_slots[top.slot];
    if (s.live && s.generation == top.generation) return;
    uint32_t slot = top.slot;
    bool reclaim = !s.live && s.generation == top.generation;
    std::pop_heap(m_heap.begin(), m_heap.end(), later);
    m_heap.pop_back();
    if (reclaim) {
      ++m_slots[slot].generation;
      m_free.push_back(slot);
    }
  }
}

Time EventQueue::next_time() {
  drop_dead_top();
  return m_heap.empty() ? kTimeNever : m_heap.front().time;
}

bool EventQueue::next_is_sync_point() {
  drop_dead_top();
  return !m_heap.empty() && m_slots[m_heap.front().slot].source->sync_point();
}

bool EventQueue::step() {
  drop_dead_top();
  if (m_heap.empty()) return false;
  Entry e = m_heap.front();
  std::pop_heap(m_heap.begin(), m_heap.end(), later);
  m_heap.pop_back();
  Slot& s = m_slots[e.slot];
  std::function<void()> fn = std::move(s.fn);
  s.fn = nullptr;
  s.live = false;
  ++s.generation;  // the id is spent: cancel() of it now fails
  m_free.push_back(e.slot);
  --m_live;
  m_now = e.time;
  ++m_executed;
  fn();  // may schedule or cancel other events
  return true;
}

uint64_t EventQueue::run_until(Time limit) {
  uint64_t n = 0;
  while (next_time() <= limit) {
    step();
    ++n;
  }
  if (limit != kTimeNever) advance_to(limit);
  return n;
}

void EventQueue::advance_to(Time t) {
  if (t <= m_now) return;
  GVT_ASSERT(next_time() >= t, "advance_to({}) would skip an event at {}", t, next_time());
  m_now = t;
}

}  // namespace gvtsim
