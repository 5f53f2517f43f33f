// The Gen8 GPU's functional core (decisions D1): the PCI function, the register file, the interrupt
// tree, the GGTT with the aperture behind it, one PPGTT walker per engine, and the behaviour bound to
// every register side effect. Plain C++: the SystemC shell (gpu_sc.h) only turns TLM transactions
// into these calls.
//
// CPU-side entry points take BAR-relative offsets; the platform's bus decodes CPU physical addresses
// with the BARs the driver programmed (PciConfig::claim). With memory decode off (COMMAND bit 1
// clear) BAR accesses fail.
//
// BAR0 (16 MB): registers in 0–2 MB (RegFile), the GGTT PTE window in 8–16 MB (Ggtt); 2–8 MB reads
// 0 and counts `unimplemented.bar0_hole`. BAR2 (the aperture) maps graphics memory [0, aperture
// size) through the GGTT to system memory; each access carries the owner its initiator put on it.
//
// Engines: the ELSP port of each engine latches four dwords and hands the execlist to the engine's
// CommandStreamer (command_streamer.h). Legacy ring-buffer use (out of scope for GVT-g on BDW) is
// counted as `unimplemented.legacy_ringbuffer`.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <memory>

#include "base/event_queue.h"
#include "base/stats.h"
#include "base/status.h"
#include "base/time.h"
#include "model/gen8/command_streamer.h"
#include "model/gen8/costs.h"
#include "model/gen8/ggtt.h"
#include "model/gen8/interrupts.h"
#include "model/gen8/memory_port.h"
#include "model/gen8/pci_config.h"
#include "model/gen8/ppgtt.h"
#include "model/gen8/regfile.h"
#include "spec/gen8/skus.h"

namespace gvtsim::model::gen8 {

using spec::gen8::Engine;
using spec::gen8::kEngineCount;

struct GpuConfig {
  uint16_t device_id = spec::gen8::kDefaultDeviceId;
  uint64_t aperture_size = 1ull << 30;  // D3: 1 GB (128 MB – 2 GB)
  Duration mmio_cost = ns(100);         // one uncached register access seen by the CPU (D12)
  CostTable costs;                      // command streamer timing (D12)
};

// What the ELSP port of one engine has latched (four dword writes: element 1 high, 1 low, element 0
// high, 0 low; the fourth submits — i915 execlists_submit_ports, gvt-reference §2.2).
struct ElspLatch {
  std::array<uint32_t, 4> dwords{};
  unsigned count = 0;
  uint64_t submissions = 0;
  std::array<uint64_t, 2> last{};  // descriptors of the last submission: element 0, element 1
};

class Gen8Gpu {
 public:
  // The engines schedule their work on `queue` (the platform's); its time is the GPU's time.
  Gen8Gpu(const GpuConfig& cfg, MemoryPort& memory, StatGroup stats, EventQueue& queue);
  Gen8Gpu(const Gen8Gpu&) = delete;
  Gen8Gpu& operator=(const Gen8Gpu&) = delete;

  const spec::gen8::Sku& sku() const { return *m_sku; }
  const GpuConfig& config() const { return m_cfg; }
  PciConfig& pci() { return m_pci; }
  RegFile& regs() { return m_regs; }
  Interrupts& irq() { return m_irq; }
  Ggtt& ggtt() { return m_ggtt; }
  PpgttWalker& ppgtt(Engine e) { return *m_ppgtt[std::size_t(e)]; }
  const ElspLatch& elsp(Engine e) const { return m_elsp[std::size_t(e)]; }
  // The command streamer of an engine the SKU has (nullptr otherwise).
  CommandStreamer* engine(Engine e) { return m_engines[std::size_t(e)].get(); }
  uint64_t reset_count(Engine e) const { return m_resets[std::size_t(e)]; }
  bool engine_present(Engine e) const { return spec::gen8::has_engine(m_sku->engines, e); }

  // CPU accesses.
  Result<uint32_t> cfg_read(uint32_t offset, unsigned size) const { return m_pci.read(offset, size); }
  Status cfg_write(uint32_t offset, unsigned size, uint32_t value) { return m_pci.write(offset, size, value); }
  Result<uint64_t> bar0_read(uint64_t offset, unsigned size);
  Status bar0_write(uint64_t offset, unsigned size, uint64_t value);
  // BAR2 aperture: any length; split at pages. Returns the memory cost.
  Result<Duration> bar2_read(uint64_t offset, void* dst, std::size_t len, Owner owner);
  Result<Duration> bar2_write(uint64_t offset, const void* src, std::size_t len, Owner owner);

  // The GPU's own memory traffic goes here (SystemMemory, or the SystemC shell's initiator socket).
  void set_memory_port(MemoryPort& port);
  MemoryPort& memory() { return *m_mem; }
  // An MSI write: address and data from the MSI capability (needs MSI enable and bus mastering).
  std::function<void(uint32_t address, uint16_t data)> on_msi;
  // A complete ELSP submission goes to the engine's command streamer — or, when this hook is set,
  // to the hook instead (gvtsim decode lists submissions without executing them).
  std::function<void(Engine, uint64_t desc0, uint64_t desc1)> on_elsp_submit;

  // PPAT entry i (0..7) as programmed in GEN8_PRIVATE_PAT_LO/HI.
  uint8_t ppat(unsigned i) const;
  // The ring timestamp (12.5 MHz: one tick per 80 ns, i915 RING_TIMESTAMP on BDW).
  uint64_t timestamp() const { return m_queue.now() / ns(80); }
  // Power-on reset of everything but system memory.
  void reset();

 private:
  void bind_effects();
  void engine_reset(Engine e);
  Result<Duration> aperture(uint64_t offset, uint8_t* buf, std::size_t len, Owner owner, bool write);

  GpuConfig m_cfg;
  const spec::gen8::Sku* m_sku;
  EventQueue& m_queue;
  MemoryPort* m_mem;
  StatGroup m_stats;
  PciConfig m_pci;
  RegFile m_regs;
  Interrupts m_irq;
  Ggtt m_ggtt;
  std::array<std::unique_ptr<PpgttWalker>, kEngineCount> m_ppgtt;
  std::array<ElspLatch, kEngineCount> m_elsp{};
  std::array<uint64_t, kEngineCount> m_resets{};
  std::array<std::unique_ptr<CommandStreamer>, kEngineCount> m_engines;
  Counter& m_msis;
  Counter& m_intx;
  Counter& m_bar0_hole;
  Counter& m_elsp_unimplemented;
  Counter& m_legacy_ring;
  Counter& m_aperture_faults;
};

}  // namespace gvtsim::model::gen8
