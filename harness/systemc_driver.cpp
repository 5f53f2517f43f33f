#include "harness/systemc_driver.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/tlm_quantumkeeper.h>

#include "base/status.h"
#include "harness/platform.h"

namespace gvtsim::harness {

namespace {

sc_core::sc_time ps_time(uint64_t ps) { return sc_core::sc_time::from_value(ps); }

class ScTop : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(ScTop);
  explicit ScTop(sc_core::sc_module_name name) : sc_module(name) { SC_THREAD(thread); }

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
};

}  // namespace

void SystemCDriver::run_until(Platform& p, Time limit) {
  ScTop& top = ScTop::instance();
  top.prepare(p, limit, m_quantum);
  sc_core::sc_start();
  GVT_ASSERT(!top.running(), "SystemC run returned before the platform reached {} ps", limit);
}

uint64_t SystemCDriver::syncs() { return ScTop::instance().syncs(); }

uint64_t SystemCDriver::systemc_time_ps() { return sc_core::sc_time_stamp().value(); }

}  // namespace gvtsim::harness
