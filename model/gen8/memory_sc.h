// SystemMemory behind a TLM-2.0 target socket (decisions D1: our own top puts it behind a target;
// a foreign virtual platform brings its own memory). Transactions carrying an AccessExt are device
// accesses checked by the isolation oracle; transactions without one are software accesses.
// DMI is granted only to software accesses (one page per grant): a DMI pointer would bypass the
// oracle, so tagged device traffic always takes b_transport.
#pragma once

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_target_socket.h>

#include "model/gen8/memory.h"

namespace gvtsim::model::gen8 {

class MemorySc : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<MemorySc> port;

  explicit MemorySc(sc_core::sc_module_name name);
  void attach(SystemMemory& mem) { m_mem = &mem; }
  void detach() { m_mem = nullptr; }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay);
  bool get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi);
  SystemMemory* m_mem = nullptr;
};

}  // namespace gvtsim::model::gen8
