// The built-in hardware check: the bare-metal driver boots the Gen8 model through configuration
// space and BARs only, maps seeded GGTT pages, writes seeded data through the aperture and reads it
// back, submits a context whose batch stores a value (ring, image and batch written through the
// aperture, ELSP by MMIO), takes a hot-plug interrupt and the context-switch interrupts as MSIs
// (acknowledged the i915 way), reads the timestamp and resets the render engine — as timed events on the platform's queue. Its result (a hash of what the
// driver saw and of the memory and GGTT state) must be identical under both drivers and every
// quantum (decisions D1, D2). `gvtsim selftest` runs it; tests use it too.
#pragma once

#include <cstdint>
#include <string>

#include "base/time.h"

namespace gvtsim::harness {

class Driver;

struct HardwareCheckResult {
  bool booted = false;
  bool data_ok = false;         // the aperture read back what was written
  bool submitted = false;       // an execlist submission was made through the BARs
  bool executed = false;        // its batch stored the expected value
  uint64_t state_hash = 0;      // memory pages, GGTT PTEs, registers, MSIs, IRQ records, timestamps
  uint64_t pages_mapped = 0;
  uint64_t msis = 0;
  uint64_t violations = 0, untagged = 0;
  Time end_time = 0;
  std::string error;            // the first failure, if any
  friend bool operator==(const HardwareCheckResult&, const HardwareCheckResult&) = default;
};

HardwareCheckResult run_hardware_check(Driver& driver, uint64_t seed, uint16_t device_id = 0);

}  // namespace gvtsim::harness
