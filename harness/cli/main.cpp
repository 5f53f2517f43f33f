// gvtsim: the command-line front end (CLI11). Each subcommand lives in the harness; this file only
// parses options and maps outcomes to exit codes. Errors are one line on stderr, exit status 2 for
// bad usage or configuration, 1 for a failed check.
#include <cstdio>
#include <iostream>

#include <CLI/CLI.hpp>

#include "base/log.h"
#include "base/status.h"
#include "harness/selftest.h"

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
    if (*selftest) {
      auto rep = harness::run_selftest(seed);
      std::cout << (json ? harness::selftest_json(rep) + "\n" : harness::format_selftest(rep));
      return rep.agree && rep.hardware_ok ? 0 : 1;
    }
  } catch (const ConfigError& e) {
    std::fprintf(stderr, "gvtsim: %s\n", e.what());
    return 2;
  }
  return 0;
}
