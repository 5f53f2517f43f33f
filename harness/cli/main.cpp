// gvtsim: the command-line front end (CLI11). Each subcommand lives in the harness; this file only
// parses options and maps outcomes to exit codes. Errors are one line on stderr, exit status 2 for
// bad usage or configuration, 1 for a failed check.
#include <cstdio>
#include <functional>
#include <iostream>

#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "base/log.h"
#include "base/status.h"
#include "harness/driver.h"
#include "harness/native_replay.h"
#include "harness/selftest.h"
#include "harness/systemc_driver.h"
#include "harness/trace_decoder.h"
#include "spec/gen8/command.h"

int main(int argc, char** argv) {
  using namespace gvtsim;
  CLI::App app{"gvtsim — a full-system simulator for Intel GVT-g on a Gen8 (Broadwell) GPU model"};
  app.require_subcommand(1);
  std::string log_channels;
  app.add_option("--log", log_channels, "enable log channels: " + log::channel_list() + ", or all");

  auto* selftest = app.add_subcommand("selftest", "run the built-in checks under both drivers and print a summary");
  uint64_t seed = 1;
  bool json = false;
  selftest->add_option("--seed", seed, "seed of the built-in workload");
  selftest->add_flag("--json", json, "print the report as JSON");

  auto* decode = app.add_subcommand("decode", "list the commands a trace's submissions execute, as the hardware fetches them");
  std::string trace_path;
  bool decode_json = false, decode_summary = false;
  decode->add_option("TRACE", trace_path, "AUB trace (raw, .xz or .zst)")->required();
  decode->add_flag("--json", decode_json, "JSON lines (one object per command); with --summary, one JSON object");
  decode->add_flag("--summary", decode_summary, "block counts and the command-name histogram instead of the listing");

  auto* replay = app.add_subcommand("replay", "replay a captured trace on the model (natively for now)");
  harness::ReplayOptions ropt;
  bool native = false, quiet = false;
  std::string report_path, driver_name = "functional";
  uint64_t quantum_ns = 1000;
  replay->add_option("TRACE", ropt.trace, "AUB trace (raw, .xz or .zst)")->required();
  replay->add_flag("--native", native, "run the trace on the model with no mediation");
  replay->add_option("--report", report_path, "write the JSON report to this file");
  replay->add_flag("--quiet", quiet, "print nothing but errors");
  replay->add_option("--driver", driver_name, "functional or systemc")->check(CLI::IsMember({"functional", "systemc"}));
  replay->add_option("--quantum-ns", quantum_ns, "SystemC driver quantum in ns (0: sync at every event)");
  replay->add_option("--seed", ropt.seed, "seed");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  log::init_from_env();
  if (!log_channels.empty() && !log::enable(log_channels)) {
    std::fprintf(stderr, "gvtsim: unknown log channel in '%s' (channels: %s)\n", log_channels.c_str(), log::channel_list().c_str());
    return 2;
  }

  try {
    if (*replay) {
      if (!native) {
        std::fprintf(stderr, "gvtsim: replay on vGPUs needs the mediation core (not built yet): use --native\n");
        return 2;
      }
      harness::FunctionalDriver fd;
      harness::SystemCDriver sd(ns(quantum_ns));
      harness::Driver& d = driver_name == "systemc" ? static_cast<harness::Driver&>(sd) : fd;
      auto rep = harness::replay_native(ropt, d);
      if (!rep) {
        std::fprintf(stderr, "gvtsim: %s\n", rep.status().message().c_str());
        return 1;
      }
      std::string json = rep->to_json().dump(2);
      if (!report_path.empty()) {
        std::FILE* f = std::fopen(report_path.c_str(), "w");
        if (!f) {
          std::fprintf(stderr, "gvtsim: cannot write %s\n", report_path.c_str());
          return 2;
        }
        std::fputs((json + "\n").c_str(), f);
        std::fclose(f);
      }
      if (!quiet && report_path.empty()) std::cout << json << '\n';
      else if (!quiet)
        std::cout << fmt::format("{}: {}/{} submissions completed, {} us simulated, result {:#018x} over {} bytes\n", ropt.trace,
                                 rep->completed, rep->submissions, rep->sim_time_ns / 1000, rep->result_hash, rep->hash_bytes);
      if (!rep->ok()) {
        std::fprintf(stderr, "gvtsim: %s\n", rep->error.empty() ? "a submission did not complete" : rep->error.c_str());
        return 1;
      }
      return 0;
    }
    if (*decode) {
      std::function<void(const harness::ListingEntry&)> on_command;
      std::function<void(const std::string&)> on_note;
      if (!decode_summary) {
        on_command = [&](const harness::ListingEntry& e) {
          if (decode_json) {
            std::string obj = spec::gen8::to_json(*e.cmd);
            std::cout << fmt::format("{{\"submission\":{},\"engine\":\"{}\",\"level\":{},", e.submission,
                                     spec::gen8::engine_name(e.engine), e.level)
                      << obj.substr(1) << '\n';
          } else {
            std::cout << std::string(2 * e.level, ' ') << spec::gen8::to_text(*e.cmd) << '\n';
          }
        };
        on_note = [&](const std::string& note) {
          if (!decode_json) std::cout << note << '\n';
        };
      }
      auto summary = harness::decode_trace(trace_path, on_command, on_note);
      if (!summary) {
        std::fprintf(stderr, "gvtsim: %s\n", summary.status().message().c_str());
        return 1;
      }
      if (decode_summary) std::cout << (decode_json ? summary->to_json() + "\n" : summary->to_text());
      return 0;
    }
    if (*selftest) {
      auto rep = harness::run_selftest(seed);
      std::cout << (json ? harness::selftest_json(rep) + "\n" : harness::format_selftest(rep));
      return rep.agree && rep.hardware_ok && rep.mediation_ok ? 0 : 1;
    }
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "gvtsim: %s\n", e.what());
    return 2;
  }
  return 0;
}
