// A Platform is one simulated machine (decisions D1): its event queue and virtual time, its clock
// service, statistics, trace buffer and seed; system memory with its ownership map; the Gen8 GPU;
// the CPU's bus to it; and — as later issues add them — the host driver, the hypervisor, the vGPUs
// and the guests. Everything in it is plain C++: no SystemC types. A driver (functional or SystemC)
// runs it; any number of Platforms may exist in one process, and they share nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/event_queue.h"
#include "base/stats.h"
#include "base/trace.h"
#include "harness/host_bus.h"
#include "model/gen8/gpu.h"
#include "model/gen8/memory.h"

namespace gvtsim::harness {

struct PlatformConfig {
  uint64_t seed = 1;
  uint16_t device_id = 0;                 // 0: the SKU table's default (BDW GT2, decisions D3)
  uint64_t aperture_size = 1ull << 30;    // D3: 1 GB, 128 MB – 2 GB
  // Native: every page is the host's. Mediated: pages are unowned until handed out (D4).
  model::gen8::OwnershipDefault ownership = model::gen8::OwnershipDefault::native;
};

struct MsiRecord {
  Time time;
  uint32_t address;
  uint16_t data;
  friend bool operator==(const MsiRecord&, const MsiRecord&) = default;
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

  model::gen8::SystemMemory& memory() { return *m_memory; }
  model::gen8::Gen8Gpu& gpu() { return *m_gpu; }
  // The CPU's bus to the GPU: TLM transactions while the SystemC driver runs this platform, direct
  // calls otherwise.
  HostBus& bus() { return m_active_bus ? *m_active_bus : *m_direct_bus; }
  void set_active_bus(HostBus* bus) { m_active_bus = bus; }
  // The CPU's accumulated stall time in MMIO, config and aperture accesses (both buses add to it).
  Duration& cpu_stall() { return m_cpu_stall; }

  // MSIs the GPU sent, in order; the CPU-side handler (a driver) is called for each.
  const std::vector<MsiRecord>& msis() const { return m_msis; }
  std::function<void(const MsiRecord&)> msi_handler;
  void deliver_msi(uint32_t address, uint16_t data);

 private:
  PlatformConfig m_config;
  EventQueue m_queue;
  Stats m_stats;
  trace::Tracer m_tracer;
  Clock m_clock;
  std::unique_ptr<model::gen8::SystemMemory> m_memory;
  std::unique_ptr<model::gen8::Gen8Gpu> m_gpu;
  std::unique_ptr<DirectBus> m_direct_bus;
  HostBus* m_active_bus = nullptr;
  Duration m_cpu_stall = 0;
  std::vector<MsiRecord> m_msis;
};

}  // namespace gvtsim::harness
