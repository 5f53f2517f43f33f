#include "harness/systemc_driver.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "base/status.h"
#include "harness/platform.h"
#include "model/gen8/access_ext_sc.h"
#include "model/gen8/gpu_sc.h"
#include "model/gen8/memory_sc.h"

namespace gvtsim::harness {

namespace {

sc_core::sc_time ps_time(uint64_t ps) { return sc_core::sc_time::from_value(ps); }

using model::gen8::AccessExt;
using model::gen8::AccessTag;
using model::gen8::Bar;

// The CPU side of the SystemC top: an initiator per GPU target socket. Its HostBus sends every
// access of a platform's drivers as a TLM-2.0 transaction.
class CpuSc : public sc_core::sc_module {
 public:
  tlm_utils::simple_initiator_socket<CpuSc> cfg{"cfg"}, bar0{"bar0"}, bar2{"bar2"};
  explicit CpuSc(sc_core::sc_module_name name) : sc_module(name) {}
};

class TlmBus final : public HostBus {
 public:
  TlmBus(model::gen8::Gen8Gpu& gpu, Duration& stall, CpuSc& cpu) : HostBus(gpu, stall), m_cpu(cpu) {}
  Result<uint32_t> cfg_read(uint32_t offset, unsigned size) override {
    uint8_t b[4] = {};
    Status s = transact(m_cpu.cfg, tlm::TLM_READ_COMMAND, offset, b, size, nullptr);
    if (!s) return s;
    return uint32_t(load(b, size));
  }
  Status cfg_write(uint32_t offset, unsigned size, uint32_t value) override {
    uint8_t b[4];
    store(b, size, value);
    return transact(m_cpu.cfg, tlm::TLM_WRITE_COMMAND, offset, b, size, nullptr);
  }

 protected:
  Result<uint64_t> bar_read(Bar, uint64_t offset, unsigned size) override {
    uint8_t b[8] = {};
    Status s = transact(m_cpu.bar0, tlm::TLM_READ_COMMAND, offset, b, size, nullptr);
    if (!s) return s;
    return load(b, size);
  }
  Status bar_write(Bar, uint64_t offset, unsigned size, uint64_t value) override {
    uint8_t b[8];
    store(b, size, value);
    return transact(m_cpu.bar0, tlm::TLM_WRITE_COMMAND, offset, b, size, nullptr);
  }
  Status bar_block(Bar bar, uint64_t offset, uint8_t* buf, std::size_t len, Owner owner, bool write) override {
    if (bar != Bar::bar2) return Status::guest_error("block access to BAR0 at {:#x}: registers take 1–8 byte accesses", offset);
    AccessExt ext(AccessTag::aperture(owner));
    return transact(m_cpu.bar2, write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND, offset, buf, len, &ext);
  }

 private:
  static uint64_t load(const uint8_t* p, unsigned n) {
    uint64_t v = 0;
    for (unsigned i = 0; i < n; ++i) v |= uint64_t(p[i]) << (8 * i);
    return v;
  }
  static void store(uint8_t* p, unsigned n, uint64_t v) {
    for (unsigned i = 0; i < n; ++i) p[i] = uint8_t(v >> (8 * i));
  }
  Status transact(tlm_utils::simple_initiator_socket<CpuSc>& socket, tlm::tlm_command cmd, uint64_t addr, uint8_t* data,
                  std::size_t len, AccessExt* ext) {
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(data);
    p.set_data_length(unsigned(len));
    p.set_streaming_width(unsigned(len));
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    if (ext) p.set_extension(ext);
    sc_core::sc_time delay = sc_core::SC_ZERO_TIME;
    socket->b_transport(p, delay);
    if (ext) p.clear_extension(ext);
    *m_cost += delay.value();
    if (!p.is_response_ok())
      return Status::guest_error("{} of {} bytes at BAR offset {:#x}: {}", cmd == tlm::TLM_READ_COMMAND ? "read" : "write", len,
                                 addr, p.get_response_string());
    return Status::ok();
  }
  CpuSc& m_cpu;
};

// Receives the GPU's MSI writes and hands them to the platform being run.
class MsiSc : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<MsiSc> port{"port"};
  Platform* platform = nullptr;
  explicit MsiSc(sc_core::sc_module_name name) : sc_module(name) { port.register_b_transport(this, &MsiSc::b_transport); }

 private:
  void b_transport(tlm::tlm_generic_payload& p, sc_core::sc_time&) {
    if (!platform || !p.is_write() || p.get_data_length() != 4) return p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
    const uint8_t* d = p.get_data_ptr();
    platform->deliver_msi(uint32_t(p.get_address()), uint16_t(d[0] | d[1] << 8));
    p.set_response_status(tlm::TLM_OK_RESPONSE);
  }
};

class ScTop : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ScTop);
  explicit ScTop(sc_core::sc_module_name name)
      : sc_module(name), m_gpu("gpu"), m_memory("memory"), m_cpu("cpu"), m_msi("msi") {
    m_cpu.cfg.bind(m_gpu.cfg);
    m_cpu.bar0.bind(m_gpu.bar0);
    m_cpu.bar2.bind(m_gpu.bar2);
    m_gpu.dma.bind(m_memory.port);
    m_gpu.msi.bind(m_msi.port);
    SC_THREAD(thread);
  }

  static ScTop& instance() {
    // SystemC time values are counted in the time resolution; the platform counts picoseconds.
    static ScTop* top = [] {
      GVT_ASSERT(sc_core::sc_get_time_resolution() == ps_time(1), "SystemC time resolution must be 1 ps");
      return new ScTop("gvtsim_top");  // lives for the process: SystemC cannot elaborate twice
    }();
    return *top;
  }

  void prepare(Platform& p, Time limit, Duration quantum) {
    GVT_ASSERT(m_platform == nullptr, "SystemC driver re-entered");
    m_platform = &p;
    m_limit = limit;
    m_sc_origin = sc_core::sc_time_stamp().value();
    m_platform_origin = p.now();
    tlm::tlm_global_quantum::instance().set(ps_time(quantum));
    m_reset_keeper = true;
    // Point the shells at this platform's cores for the run.
    m_gpu.attach(p.gpu());
    m_memory.attach(p.memory());
    m_msi.platform = &p;
    m_bus = std::make_unique<TlmBus>(p.gpu(), p.cpu_stall(), m_cpu);
    p.set_active_bus(m_bus.get());
  }
  // After the run: the shells let go of the platform (it may run under the other driver next).
  void finish(Platform& p) {
    p.set_active_bus(nullptr);
    m_bus.reset();
    m_msi.platform = nullptr;
    m_memory.detach();
    m_gpu.detach();
  }
  bool running() const { return m_platform != nullptr; }
  uint64_t syncs() const { return m_syncs; }

 private:
  // SystemC time of platform time t in the current run.
  sc_core::sc_time sc_of(Time t) const { return ps_time(m_sc_origin + (t - m_platform_origin)); }

  void sync() {
    ++m_syncs;
    m_keeper.sync();
  }

  void thread() {
    for (;;) {
      if (m_platform == nullptr) {
        // Between runs: hand control back to run_until() and wait for the next sc_start().
        sc_core::sc_pause();
        wait(sc_core::SC_ZERO_TIME);
        continue;
      }
      if (m_reset_keeper) {
        m_keeper.reset();  // after set(): the local quantum is computed from the global one now
        m_reset_keeper = false;
      }
      Time t = m_platform->queue().next_time();
      if (t > m_limit) {
        if (m_limit != kTimeNever) {
          m_keeper.set(sc_of(m_limit) - sc_core::sc_time_stamp());
          sync();
          m_platform->queue().advance_to(m_limit);
        }
        m_platform = nullptr;
        continue;
      }
      m_keeper.set(sc_of(t) - sc_core::sc_time_stamp());
      if (m_platform->queue().next_is_sync_point() || m_keeper.need_sync()) sync();
      m_platform->queue().step();  // re-derived after the wait: the same earliest event
    }
  }

  Platform* m_platform = nullptr;
  Time m_limit = 0;
  uint64_t m_sc_origin = 0;
  Time m_platform_origin = 0;
  bool m_reset_keeper = false;
  uint64_t m_syncs = 0;
  tlm_utils::tlm_quantumkeeper m_keeper;
  model::gen8::GpuSc m_gpu;
  model::gen8::MemorySc m_memory;
  CpuSc m_cpu;
  MsiSc m_msi;
  std::unique_ptr<TlmBus> m_bus;
};

}  // namespace

void SystemCDriver::run_until(Platform& p, Time limit) {
  ScTop& top = ScTop::instance();
  top.prepare(p, limit, m_quantum);
  sc_core::sc_start();
  GVT_ASSERT(!top.running(), "SystemC run returned before the platform reached {} ps", limit);
  top.finish(p);
}

uint64_t SystemCDriver::syncs() { return ScTop::instance().syncs(); }

uint64_t SystemCDriver::systemc_time_ps() { return sc_core::sc_time_stamp().value(); }

}  // namespace gvtsim::harness
