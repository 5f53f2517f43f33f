#include "base/log.h"

#include <cstdlib>

#include <spdlog/sinks/stdout_color_sinks.h>

namespace gvtsim::log {

namespace detail {
std::atomic<uint32_t> g_enabled{0};

spdlog::logger& logger() {
  // One stderr logger for the process, created on first use. Pattern: level and message only; the
  // simulated time and owner are part of each message where they matter.
  static std::shared_ptr<spdlog::logger> l = [] {
    auto lg = std::make_shared<spdlog::logger>("gvtsim", std::make_shared<spdlog::sinks::stderr_color_sink_mt>());
    lg->set_pattern("%^%l%$ %v");
    lg->set_level(spdlog::level::debug);
    return lg;
  }();
  return *l;
}
}  // namespace detail

bool parse_channels(std::string_view names, uint32_t& out) {
  uint32_t mask = 0;
  while (!names.empty()) {
    size_t comma = names.find(',');
    std::string_view name = names.substr(0, comma);
    names = comma == std::string_view::npos ? std::string_view{} : names.substr(comma + 1);
    if (name.empty()) continue;
    if (name == "all") {
      mask |= (1u << kChannelNames.size()) - 1;
      continue;
    }
    bool found = false;
    for (size_t i = 0; i < kChannelNames.size(); ++i) {
      if (kChannelNames[i] == name) {
        mask |= 1u << i;
        found = true;
      }
    }
    if (!found) return false;
  }
  out = mask;
  return true;
}

bool enable(std::string_view names) {
  uint32_t mask = 0;
  if (!parse_channels(names, mask)) return false;
  detail::g_enabled.fetch_or(mask, std::memory_order_relaxed);
  return true;
}

void disable_all() { detail::g_enabled.store(0, std::memory_order_relaxed); }

void init_from_env() {
  if (const char* env = std::getenv("GVTSIM_LOG")) {
    if (!enable(env)) warn(Channel::core, "GVTSIM_LOG names an unknown channel ('{}'); channels: {}", env, channel_list());
  }
}

std::string channel_list() {
  std::string out;
  for (auto n : kChannelNames) {
    if (!out.empty()) out += ',';
    out += n;
  }
  return out;
}

bool RateLimit::allow() {
  ++m_seen;
  if (m_seen <= m_limit) return true;
  return false;
}

}  // namespace gvtsim::log
