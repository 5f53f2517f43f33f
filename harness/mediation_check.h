// The built-in mediation check: a GVT-g host (harness/gvt_system.h) with `guests` vGPUs of type
// GVTg_V4_8 at the D3 defaults; each guest i915 model boots as a timed event on the platform's
// queue (clearing its whole GGTT first, as i915 does), writes a seeded pattern through its aperture, takes a virtual context-switch interrupt, and
// the whole state is hashed — every vGPU's vreg image, the host GGTT entries of the guests' objects,
// what each guest read back, the MSIs, the CPU's stall time. The result must be identical under both
// drivers and every quantum (D1, D2), with no failsafe and the isolation oracle at zero (D4).
// `gvtsim selftest` runs it; tests use it too.
#pragma once

#include <cstdint>
#include <string>

#include "base/time.h"

namespace gvtsim::harness {

class Driver;

struct MediationCheckResult {
  unsigned guests = 0;          // vGPUs created
  unsigned booted = 0;          // guests whose boot succeeded
  unsigned data_ok = 0;         // guests that read their own pattern back through the aperture
  unsigned interrupted = 0;     // guests whose handler took the virtual interrupt
  unsigned failsafe = 0;        // vGPUs in failsafe at the end (0 expected)
  uint64_t msis = 0;
  uint64_t violations = 0, untagged = 0;
  uint64_t state_hash = 0;
  Time end_time = 0;
  std::string error;            // the first failure, if any
  bool ok() const {
    return error.empty() && booted == guests && data_ok == guests && interrupted == guests && failsafe == 0 &&
           violations == 0 && untagged == 0;
  }
  friend bool operator==(const MediationCheckResult&, const MediationCheckResult&) = default;
};

MediationCheckResult run_mediation_check(Driver& driver, uint64_t seed, unsigned guests = 7);

}  // namespace gvtsim::harness
