// A CPU's view of the GPU: PCI configuration cycles and memory cycles to CPU physical addresses,
// which the PCI function claims through the BARs its driver programmed (a master abort otherwise).
// Two implementations, one per driver (decisions D1): DirectBus calls the functional core;
// the SystemC driver's bus (systemc_driver.cpp) sends TLM-2.0 transactions through the GPU shell's
// target sockets. The platform hands out whichever is active.
#pragma once

#include <cstdint>

#include "base/owner.h"
#include "base/stats.h"
#include "base/status.h"
#include "model/gen8/gpu.h"

namespace gvtsim::harness {

class HostBus {
 public:
  // `stall` accumulates the CPU's stall time in these accesses (owned by the platform, so it spans
  // the buses of both drivers).
  HostBus(model::gen8::Gen8Gpu& gpu, Duration& stall) : m_gpu(&gpu), m_cost(&stall) {}
  virtual ~HostBus() = default;

  virtual Result<uint32_t> cfg_read(uint32_t offset, unsigned size) = 0;
  virtual Status cfg_write(uint32_t offset, unsigned size, uint32_t value) = 0;
  // Register-sized accesses (1, 2, 4, 8 bytes) at a CPU physical address.
  Result<uint64_t> read(uint64_t pa, unsigned size);
  Status write(uint64_t pa, unsigned size, uint64_t value);
  // Block accesses (aperture data), on behalf of `owner` (the AccessExt of the transaction).
  Status read_block(uint64_t pa, void* dst, std::size_t len, Owner owner = Owner::host());
  Status write_block(uint64_t pa, const void* src, std::size_t len, Owner owner = Owner::host());

 protected:
  using Bar = model::gen8::Bar;
  virtual Result<uint64_t> bar_read(Bar bar, uint64_t offset, unsigned size) = 0;
  virtual Status bar_write(Bar bar, uint64_t offset, unsigned size, uint64_t value) = 0;
  virtual Status bar_block(Bar bar, uint64_t offset, uint8_t* buf, std::size_t len, Owner owner, bool write) = 0;
  model::gen8::Gen8Gpu* m_gpu;
  Duration* m_cost;

 private:
  Result<std::pair<Bar, uint64_t>> decode(uint64_t pa, uint64_t len) const;
};

class DirectBus final : public HostBus {
 public:
  using HostBus::HostBus;
  Result<uint32_t> cfg_read(uint32_t offset, unsigned size) override;
  Status cfg_write(uint32_t offset, unsigned size, uint32_t value) override;

 protected:
  Result<uint64_t> bar_read(Bar bar, uint64_t offset, unsigned size) override;
  Status bar_write(Bar bar, uint64_t offset, unsigned size, uint64_t value) override;
  Status bar_block(Bar bar, uint64_t offset, uint8_t* buf, std::size_t len, Owner owner, bool write) override;
};

}  // namespace gvtsim::harness
