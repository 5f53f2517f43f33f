// The SystemC/TLM-2.0 shell of the Gen8 GPU (decisions D1): a loosely-timed model a virtual
// platform can instantiate.
//   cfg   target socket: PCI configuration space (address = config offset)
//   bar0  target socket: GTTMMADR (address = offset in BAR0: registers, GGTT window)
//   bar2  target socket: GMADR, the aperture (address = offset in BAR2); a transaction may carry an
//         AccessExt naming the owner its initiator puts on it (the host when absent)
//   dma   initiator socket: the GPU's own memory traffic, each transaction tagged with an AccessExt
//   msi   initiator socket: MSI writes (address and data from the MSI capability)
// The shell holds no simulation state: attach() points it at a functional core (Gen8Gpu) for a run
// and detach() lets go, so one elaborated shell serves many platforms one after another. Every
// malformed transaction (bad command, size, alignment, byte enables, streaming width, address, or
// a BAR access with memory decode off) gets a TLM error response, never an abort.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include "model/gen8/gpu.h"
#include "model/gen8/memory_port.h"

namespace gvtsim::model::gen8 {

class GpuSc : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<GpuSc> cfg;
  tlm_utils::simple_target_socket<GpuSc> bar0;
  tlm_utils::simple_target_socket<GpuSc> bar2;
  tlm_utils::simple_initiator_socket<GpuSc> dma;
  tlm_utils::simple_initiator_socket<GpuSc> msi;

  explicit GpuSc(sc_core::sc_module_name name);
  void attach(Gen8Gpu& core);
  void detach();

 private:
  class DmaPort final : public MemoryPort {
   public:
    explicit DmaPort(GpuSc& s) : m_sc(s) {}
    Duration read(uint64_t pa, void* dst, std::size_t len, AccessTag tag) override;
    Duration write(uint64_t pa, const void* src, std::size_t len, AccessTag tag) override;
   private:
    Duration transact(tlm::tlm_command cmd, uint64_t pa, uint8_t* data, std::size_t len, AccessTag tag);
    GpuSc& m_sc;
  };

  void b_cfg(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void b_bar0(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void b_bar2(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  void send_msi(uint32_t address, uint16_t data);

  Gen8Gpu* m_core = nullptr;
  MemoryPort* m_saved_port = nullptr;
  std::function<void(uint32_t, uint16_t)> m_saved_msi;
  DmaPort m_dma_port{*this};
};

// Checks common to every target: returns false (with the response status set) when the
// transaction is malformed for a target that takes `sizes` (bit n set: n bytes allowed; 0 = any).
bool tlm_check_basic(tlm::tlm_generic_payload& p, uint32_t sizes, bool aligned);

}  // namespace gvtsim::model::gen8
