#include "model/gen8/memory_sc.h"

#include "model/gen8/access_ext_sc.h"
#include "model/gen8/gpu_sc.h"

namespace gvtsim::model::gen8 {

MemorySc::MemorySc(sc_core::sc_module_name name) : sc_module(name), port("port") {
  port.register_b_transport(this, &MemorySc::b_transport);
  port.register_get_direct_mem_ptr(this, &MemorySc::get_direct_mem_ptr);
}

void MemorySc::b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  if (!tlm_check_basic(p, 0, false)) return;
  if (!m_mem) return p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  AccessTag tag = AccessTag::software();
  bool device = false;
  if (AccessExt* ext = p.get_extension<AccessExt>()) {
    tag = ext->tag;
    device = true;
  }
  Duration cost = p.is_read() ? m_mem->read(p.get_address(), p.get_data_ptr(), p.get_data_length(), tag)
                              : m_mem->write(p.get_address(), p.get_data_ptr(), p.get_data_length(), tag);
  delay += sc_core::sc_time::from_value(cost);
  p.set_dmi_allowed(!device);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

bool MemorySc::get_direct_mem_ptr(tlm::tlm_generic_payload& p, tlm::tlm_dmi& dmi) {
  if (!m_mem || p.get_extension<AccessExt>()) return false;
  uint64_t page = p.get_address() & ~(kPageSize - 1);
  dmi.set_dmi_ptr(m_mem->page_data(page));
  dmi.set_start_address(page);
  dmi.set_end_address(page + kPageSize - 1);
  dmi.allow_read_write();
  dmi.set_read_latency(sc_core::sc_time::from_value(m_mem->costs().latency));
  dmi.set_write_latency(sc_core::sc_time::from_value(m_mem->costs().latency));
  return true;
}

}  // namespace gvtsim::model::gen8
