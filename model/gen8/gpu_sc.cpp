#include "model/gen8/gpu_sc.h"

#include <cstring>

#include "model/gen8/access_ext_sc.h"

namespace gvtsim::model::gen8 {

namespace {
sc_core::sc_time ps_time(Duration d) { return sc_core::sc_time::from_value(d); }

uint64_t load(const unsigned char* p, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v |= uint64_t(p[i]) << (8 * i);
  return v;
}
void store(unsigned char* p, unsigned n, uint64_t v) {
  for (unsigned i = 0; i < n; ++i) p[i] = uint8_t(v >> (8 * i));
}
}  // namespace

bool tlm_check_basic(tlm::tlm_generic_payload& p, uint32_t sizes, bool aligned) {
  if (p.get_command() != tlm::TLM_READ_COMMAND && p.get_command() != tlm::TLM_WRITE_COMMAND) {
    p.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return false;
  }
  if (p.get_byte_enable_ptr()) {
    p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return false;
  }
  unsigned len = p.get_data_length();
  if (len == 0 || p.get_streaming_width() != len || !p.get_data_ptr()) {
    p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return false;
  }
  if (sizes && (len > 8 || !((sizes >> len) & 1))) {
    p.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return false;
  }
  if (aligned && p.get_address() % len) {
    p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return false;
  }
  return true;
}

GpuSc::GpuSc(sc_core::sc_module_name name) : sc_module(name), cfg("cfg"), bar0("bar0"), bar2("bar2"), dma("dma"), msi("msi") {
  cfg.register_b_transport(this, &GpuSc::b_cfg);
  bar0.register_b_transport(this, &GpuSc::b_bar0);
  bar2.register_b_transport(this, &GpuSc::b_bar2);
}

void GpuSc::attach(Gen8Gpu& core) {
  detach();
  m_core = &core;
  m_saved_port = &core.memory();
  m_saved_msi = core.on_msi;
  core.set_memory_port(m_dma_port);
  core.on_msi = [this](uint32_t a, uint16_t d) { send_msi(a, d); };
}

void GpuSc::detach() {
  if (!m_core) return;
  m_core->set_memory_port(*m_saved_port);
  m_core->on_msi = m_saved_msi;
  m_core = nullptr;
}

void GpuSc::b_cfg(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  if (!tlm_check_basic(p, 0b10110, true)) return;
  if (!m_core || p.get_address() >= 4096) return p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  unsigned len = p.get_data_length();
  uint32_t off = uint32_t(p.get_address());
  if (p.is_read()) {
    auto r = m_core->cfg_read(off, len);
    if (!r) return p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    store(p.get_data_ptr(), len, *r);
  } else if (!m_core->cfg_write(off, len, uint32_t(load(p.get_data_ptr(), len)))) {
    return p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
  }
  delay += ps_time(m_core->config().mmio_cost);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

void GpuSc::b_bar0(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  if (!tlm_check_basic(p, 0b100010110, true)) return;
  if (!m_core || p.get_address() >= kBar0Size || !m_core->pci().memory_enabled())
    return p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  unsigned len = p.get_data_length();
  if (p.is_read()) {
    auto r = m_core->bar0_read(p.get_address(), len);
    if (!r) return p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    store(p.get_data_ptr(), len, *r);
  } else if (!m_core->bar0_write(p.get_address(), len, load(p.get_data_ptr(), len))) {
    return p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
  }
  delay += ps_time(m_core->config().mmio_cost);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

void GpuSc::b_bar2(tlm::tlm_generic_payload& p, sc_core::sc_time& delay) {
  if (!tlm_check_basic(p, 0, false)) return;
  uint64_t len = p.get_data_length();
  if (!m_core || !m_core->pci().memory_enabled() || p.get_address() > m_core->pci().aperture_size() ||
      len > m_core->pci().aperture_size() - p.get_address())
    return p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
  Owner owner = Owner::host();
  if (AccessExt* ext = p.get_extension<AccessExt>()) owner = ext->tag.owner;
  auto r = p.is_read() ? m_core->bar2_read(p.get_address(), p.get_data_ptr(), len, owner)
                       : m_core->bar2_write(p.get_address(), p.get_data_ptr(), len, owner);
  if (!r) return p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
  delay += ps_time(*r);
  p.set_response_status(tlm::TLM_OK_RESPONSE);
}

void GpuSc::send_msi(uint32_t address, uint16_t data) {
  unsigned char bytes[4] = {uint8_t(data), uint8_t(data >> 8), 0, 0};
  tlm::tlm_generic_payload p;
  p.set_command(tlm::TLM_WRITE_COMMAND);
  p.set_address(address);
  p.set_data_ptr(bytes);
  p.set_data_length(4);
  p.set_streaming_width(4);
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  msi->b_transport(p, delay);
  GVT_ASSERT(p.is_response_ok(), "the MSI target refused an MSI write to {:#x}", address);
}

Duration GpuSc::DmaPort::transact(tlm::tlm_command cmd, uint64_t pa, uint8_t* data, std::size_t len, AccessTag tag) {
  AccessExt ext(tag);
  tlm::tlm_generic_payload p;
  p.set_command(cmd);
  p.set_address(pa);
  p.set_data_ptr(data);
  p.set_data_length(unsigned(len));
  p.set_streaming_width(unsigned(len));
  p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
  p.set_extension(&ext);
  sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
  m_sc.dma->b_transport(p, delay);
  p.clear_extension(&ext);
  GVT_ASSERT(p.is_response_ok(), "memory refused a GPU access at {:#x} ({})", pa, p.get_response_string());
  return delay.value();
}

Duration GpuSc::DmaPort::read(uint64_t pa, void* dst, std::size_t len, AccessTag tag) {
  return transact(tlm::TLM_READ_COMMAND, pa, static_cast<uint8_t*>(dst), len, tag);
}

Duration GpuSc::DmaPort::write(uint64_t pa, const void* src, std::size_t len, AccessTag tag) {
  return transact(tlm::TLM_WRITE_COMMAND, pa, const_cast<uint8_t*>(static_cast<const uint8_t*>(src)), len, tag);
}

}  // namespace gvtsim::model::gen8
