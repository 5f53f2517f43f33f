// Drivers run a Platform's event queue (decisions D1, D2). Both run the same events at the same
// simulated times; they differ only in who owns the loop:
//   FunctionalDriver  a plain C++ loop. Any number of Platforms per process.
//   SystemCDriver     an SC_THREAD of a SystemC top elaborated once per process, stepping the queue
//                     under a tlm_quantumkeeper (harness/systemc_driver.h).
// The quantum only changes how often the SystemC driver synchronises with the SystemC kernel; it is
// an input and appears in reports, and results never depend on it.
#pragma once

#include <string_view>

#include "base/time.h"

namespace gvtsim::harness {

class Platform;

enum class DriverKind { functional, systemc };
const char* to_string(DriverKind k);

class Driver {
 public:
  virtual ~Driver() = default;
  virtual DriverKind kind() const = 0;
  Duration quantum() const { return m_quantum; }
  // Runs every event with time <= limit, then leaves the platform's time at `limit`.
  virtual void run_until(Platform& p, Time limit) = 0;
  void run_for(Platform& p, Duration d);

 protected:
  explicit Driver(Duration quantum) : m_quantum(quantum) {}
  Duration m_quantum;
};

class FunctionalDriver final : public Driver {
 public:
  explicit FunctionalDriver(Duration quantum = 0) : Driver(quantum) {}
  DriverKind kind() const override { return DriverKind::functional; }
  void run_until(Platform& p, Time limit) override;
};

}  // namespace gvtsim::harness
