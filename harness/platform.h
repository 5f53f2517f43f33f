// A Platform is one simulated machine (decisions D1): its event queue and virtual time, its clock
// service, statistics, trace buffer and seed, and — as later issues add them — the GPU model,
// system memory with its ownership map, the host driver, the hypervisor, the vGPUs and the guests.
// Everything in it is plain C++: no SystemC types. A driver (functional or SystemC) runs it; any
// number of Platforms may exist in one process, and they share nothing.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/event_queue.h"
#include "base/stats.h"
#include "base/trace.h"

namespace gvtsim::harness {

struct PlatformConfig {
  uint64_t seed = 1;
  uint16_t device_id = 0;  // 0: the SKU table's default (BDW GT2, decisions D3)
};

class Platform {
 public:
  explicit Platform(PlatformConfig config = {});
  Platform(const Platform&) = delete;
  Platform& operator=(const Platform&) = delete;

  const PlatformConfig& config() const { return m_config; }
  EventQueue& queue() { return m_queue; }
  Clock& clock() { return m_clock; }
  Stats& stats() { return m_stats; }
  trace::Tracer& tracer() { return m_tracer; }
  Time now() const { return m_queue.now(); }

 private:
  PlatformConfig m_config;
  EventQueue m_queue;
  Stats m_stats;
  trace::Tracer m_tracer;
  Clock m_clock;
};

}  // namespace gvtsim::harness
