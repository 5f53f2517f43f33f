// `gvtsim selftest`: builds Platforms, runs the built-in checks under both drivers (and the SystemC
// driver at quanta 0, 1 us and 100 us), and reports whether every run agrees. Each hardware issue
// adds its check here.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/time.h"
#include "harness/hardware_check.h"
#include "harness/lifecycle_workload.h"
#include "harness/mediation_check.h"

namespace gvtsim::harness {

struct SelftestRun {
  std::string driver;    // "functional", "systemc"
  Duration quantum = 0;  // ps
  LifecycleResult lifecycle;
  HardwareCheckResult hardware;
  MediationCheckResult mediation;
};

struct SelftestReport {
  uint64_t seed = 1;
  uint16_t device_id = 0;
  std::vector<SelftestRun> runs;
  bool hardware_ok = false;  // the first run booted, round-tripped data and took its MSI, no violations
  bool mediation_ok = false; // the first run booted every guest on its vGPU, clean (MediationCheckResult::ok)
  bool agree = false;        // every run's results equal the first's
};

SelftestReport run_selftest(uint64_t seed);
// The one-screen summary.
std::string format_selftest(const SelftestReport& r);
std::string selftest_json(const SelftestReport& r);

}  // namespace gvtsim::harness
