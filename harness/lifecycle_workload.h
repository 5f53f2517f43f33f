// The built-in lifecycle workload: timers plus a few components that interact at the same
// instants, to show that the platform's event order and timing are fixed by its inputs alone
// (decisions D1, D2). `gvtsim selftest` runs it under both drivers and several quanta; the
// lifecycle tests also run it on several platforms at once and one after another.
//
// Components (each with its own event source, so its own event class):
//   producer  a periodic 3 us timer; each tick draws a value from the seeded Rng and sends it to
//             the consumer with a 2 us latency.
//   consumer  folds each value into a checksum; every value divisible by 4 sends a reply that
//             reaches the producer 1 us later and changes its next values.
//   auditor   a periodic 5 us timer that samples both; at multiples of 15 us it fires at the same
//             instant as the producer, and at 5 us + 3k us it meets the consumer's messages.
//   a one-shot timer cancelled before it fires, and a periodic one that cancels itself.
// Every step is appended to a log of (time, component, value), hashed with xxh3 at the end.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "base/time.h"

namespace gvtsim::harness {

class Driver;
class Platform;

struct LifecycleResult {
  uint64_t log_hash = 0;     // xxh3 over the (time, component, value) log
  uint64_t log_entries = 0;
  uint64_t events = 0;       // events the queue executed
  Time end_time = 0;         // platform time at the end (ps)
  uint64_t messages = 0, replies = 0, audits = 0;
  std::string stats_json;    // the platform's stats dump
  friend bool operator==(const LifecycleResult&, const LifecycleResult&) = default;
};

struct LifecycleOptions {
  uint64_t seed = 1;
  Duration duration = us(600);
};

// Installs the workload's components on `p`. The returned object must outlive the run.
class LifecycleWorkload {
 public:
  LifecycleWorkload(Platform& p, const LifecycleOptions& opt);
  ~LifecycleWorkload();
  LifecycleResult result() const;

 private:
  struct State;
  State* m_state;
};

// Builds a fresh Platform, runs the workload on it with `driver` to opt.duration, returns the result.
LifecycleResult run_lifecycle(Driver& driver, const LifecycleOptions& opt = {});

}  // namespace gvtsim::harness
