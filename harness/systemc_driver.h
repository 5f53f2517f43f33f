// The SystemC driver (decisions D1, D2): runs a Platform's event queue from an SC_THREAD of a
// SystemC top module, under a tlm_quantumkeeper, so the platform's time is SystemC time and SystemC
// models (the GPU's TLM shell) can sit beside it.
//
// Debian's SystemC 2.3.4 elaborates once per process (toolchain.md §4). The top is therefore created
// on first use and reused; it holds no simulation state — only the platform it is currently running,
// the time origin of that run and the quantum keeper — so one process can run several Platforms one
// after another (A, then B, then A again). Its thread re-derives everything from the platform after
// every wait(), so nothing lives on its stack across a wait.
//
// This header has no SystemC types; only systemc_driver.cpp includes <systemc>.
#pragma once

#include <cstdint>

#include "harness/driver.h"

namespace gvtsim::harness {

class SystemCDriver final : public Driver {
 public:
  explicit SystemCDriver(Duration quantum = 0) : Driver(quantum) {}
  DriverKind kind() const override { return DriverKind::systemc; }
  void run_until(Platform& p, Time limit) override;

  // How many quantum-keeper synchronisations (SystemC waits) the runs of this process made: the
  // quantum changes this, never the results.
  static uint64_t syncs();
  // Current SystemC time in picoseconds (monotonic across runs of one process).
  static uint64_t systemc_time_ps();
};

}  // namespace gvtsim::harness
