// `gvtsim replay --native TRACE`: the trace drives the Gen8 model as its own driver drove the GPU.
//
// The replayer is a software component on the platform's queue (a sync point, decisions D2): it
// boots the device through config space and BARs (the bare-metal driver), then applies the trace's
// blocks in order —
//   - memory writes: physical and page-table-entry spaces to memory, GGTT addresses to the pages
//     the GGTT maps (CPU writes), GGTT_ENTRY writes to the GGTT's PTEs through the BAR0 window
//     (followed by a GFX_FLSH_CNTL flush, as i915 does);
//   - register writes through BAR0 (the fourth ELSP dword submits to the engine);
//   - REG_POLL as a generic `(reg & mask) == value` wait, polled in simulated time, with a timeout
//     that reports a hang.
// After each submission the replayer waits for it to complete — its CSB context-complete event —
// before the next block (aub.md: the trace's own poll does not serialize execution). A submission
// that does not complete within the timeout, or an engine hang, stops the replay with an error.
//
// The report (docs/replay.md) carries the D5 result hash: xxh3 over (physical address, bytes) of
// every page the device wrote from a context, in address order, excluding context images and
// hardware status pages; time-valued dwords (timestamps) are hashed by location only.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "base/time.h"

namespace gvtsim::harness {

class Driver;

struct ReplayOptions {
  std::string trace;
  uint64_t seed = 1;
  Duration submission_timeout = ms(100);  // simulated time a submission may take
  Duration poll_timeout = ms(10);         // simulated time a REG_POLL may wait
  Duration poll_interval = us(1);
};

struct ReplayReport {
  uint64_t seed = 0;
  std::string mode = "native";
  std::string driver;
  uint64_t quantum_ps = 0;
  uint64_t sim_time_ns = 0;
  double wall_time_s = 0;
  uint64_t submissions = 0;
  uint64_t completed = 0;
  std::map<std::string, uint64_t> commands;     // by cost class
  std::map<std::string, uint64_t> busy_ns;      // per engine
  uint64_t isolation_violations = 0;
  uint64_t untagged_accesses = 0;
  uint64_t result_hash = 0;
  uint64_t hash_bytes = 0;
  std::map<std::string, uint64_t> unimplemented;  // by kind
  uint16_t pci_id = 0;
  std::string error;  // empty when every submission completed

  bool ok() const { return error.empty() && completed == submissions; }
  nlohmann::json to_json() const;
  // Everything but wall time, for "same run, same report" comparisons.
  nlohmann::json deterministic_json() const;
};

// Replays a trace natively with `driver`. Errors reading the trace are a Status; a replay that ran
// but did not complete returns a report with `error` set.
Result<ReplayReport> replay_native(const ReplayOptions& opt, Driver& driver);

}  // namespace gvtsim::harness
