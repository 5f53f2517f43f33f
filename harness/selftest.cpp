#include "harness/selftest.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "harness/driver.h"
#include "harness/systemc_driver.h"
#include "spec/gen8/skus.h"

namespace gvtsim::harness {

SelftestReport run_selftest(uint64_t seed) {
  SelftestReport rep;
  rep.seed = seed;
  rep.device_id = spec::gen8::kDefaultDeviceId;
  LifecycleOptions opt{.seed = seed};
  {
    FunctionalDriver d;
    rep.runs.push_back({"functional", 0, run_lifecycle(d, opt), run_hardware_check(d, seed), run_mediation_check(d, seed)});
  }
  for (Duration q : {Duration(0), us(1), us(100)}) {
    SystemCDriver d(q);
    rep.runs.push_back({"systemc", q, run_lifecycle(d, opt), run_hardware_check(d, seed), run_mediation_check(d, seed)});
  }
  const HardwareCheckResult& hw = rep.runs.front().hardware;
  rep.hardware_ok = hw.error.empty() && hw.booted && hw.data_ok && hw.executed && hw.msis >= 2 && hw.violations == 0 &&
                    hw.untagged == 0;
  rep.mediation_ok = rep.runs.front().mediation.ok();
  rep.agree = true;
  for (const auto& r : rep.runs)
    rep.agree &= r.lifecycle == rep.runs.front().lifecycle && r.hardware == rep.runs.front().hardware &&
                 r.mediation == rep.runs.front().mediation;
  return rep;
}

static std::string quantum_text(Duration q) {
  if (q == 0) return "0";
  if (q % us(1) == 0) return fmt::format("{} us", q / us(1));
  return fmt::format("{} ps", q);
}

std::string format_selftest(const SelftestReport& r) {
  const auto* sku = spec::gen8::find_sku(r.device_id);
  std::string out = fmt::format("gvtsim selftest — {} ({:#06x}), seed {}\n", sku ? sku->name : "?", r.device_id, r.seed);
  const LifecycleResult& first = r.runs.front().lifecycle;
  out += fmt::format("  lifecycle workload: {:.3f} us simulated, {} events, {} log entries\n",
                     double(first.end_time) / 1e6, first.events, first.log_entries);
  out += fmt::format("    {:<11} {:>8}  {:>18}  {:>8}  {:>8}  {}\n", "driver", "quantum", "result hash", "messages", "replies", "verdict");
  for (const auto& run : r.runs) {
    out += fmt::format("    {:<11} {:>8}  {:#018x}  {:>8}  {:>8}  {}\n", run.driver, quantum_text(run.quantum),
                       run.lifecycle.log_hash, run.lifecycle.messages, run.lifecycle.replies,
                       run.lifecycle == first ? "same" : "DIFFERENT");
  }
  const HardwareCheckResult& hw = r.runs.front().hardware;
  out += fmt::format("  hardware check: boot via config space and BARs, {} GGTT pages, aperture round trip {},\n"
                     "                  execlist submission {}, {} MSI(s), {} isolation violations, {} untagged accesses{}\n",
                     hw.pages_mapped, hw.data_ok ? "ok" : "WRONG", hw.executed ? "executed" : "NOT EXECUTED", hw.msis,
                     hw.violations, hw.untagged,
                     hw.error.empty() ? "" : " — error: " + hw.error);
  out += fmt::format("    {:<11} {:>8}  {:>18}  {:>10}  {}\n", "driver", "quantum", "state hash", "sim time", "verdict");
  for (const auto& run : r.runs) {
    out += fmt::format("    {:<11} {:>8}  {:#018x}  {:>7} us  {}\n", run.driver, quantum_text(run.quantum), run.hardware.state_hash,
                       run.hardware.end_time / us(1), run.hardware == hw ? "same" : "DIFFERENT");
  }
  const MediationCheckResult& m = r.runs.front().mediation;
  out += fmt::format("  mediation check: {} x GVTg_V4_8 guests booted {}/{}, aperture round trips {}, virtual interrupts {},\n"
                     "                   {} MSI(s), {} in failsafe, {} isolation violations, {} untagged accesses{}\n",
                     m.guests, m.booted, m.guests, m.data_ok, m.interrupted, m.msis, m.failsafe, m.violations, m.untagged,
                     m.error.empty() ? "" : " — error: " + m.error);
  out += fmt::format("    {:<11} {:>8}  {:>18}  {:>10}  {}\n", "driver", "quantum", "state hash", "sim time", "verdict");
  for (const auto& run : r.runs) {
    out += fmt::format("    {:<11} {:>8}  {:#018x}  {:>7} us  {}\n", run.driver, quantum_text(run.quantum), run.mediation.state_hash,
                       run.mediation.end_time / us(1), run.mediation == m ? "same" : "DIFFERENT");
  }
  bool pass = r.agree && r.hardware_ok && r.mediation_ok;
  out += pass ? "  result: PASS — every driver and quantum gives the same results and simulated times\n"
              : "  result: FAIL — a check failed or runs disagree\n";
  return out;
}

std::string selftest_json(const SelftestReport& r) {
  nlohmann::json j;
  j["seed"] = r.seed;
  j["device_id"] = r.device_id;
  j["agree"] = r.agree;
  j["hardware_ok"] = r.hardware_ok;
  j["mediation_ok"] = r.mediation_ok;
  for (const auto& run : r.runs) {
    j["runs"].push_back({{"driver", run.driver},
                         {"quantum_ps", run.quantum},
                         {"log_hash", run.lifecycle.log_hash},
                         {"events", run.lifecycle.events},
                         {"end_time_ps", run.lifecycle.end_time},
                         {"hardware_state_hash", run.hardware.state_hash},
                         {"hardware_error", run.hardware.error},
                         {"mediation_state_hash", run.mediation.state_hash},
                         {"mediation_error", run.mediation.error}});
  }
  return j.dump(2);
}

}  // namespace gvtsim::harness
