// Log channels per subsystem (style.md "Logging"), enabled by name at run time:
//   gvtsim::log::enable("gtt,irq")  or  GVTSIM_LOG=gtt,irq  or  --log gtt,irq  ("all" for every one).
// Debug and info lines print only for enabled channels; warnings and errors always print. The check
// is one load and one test, so disabled lines cost nothing but that (no formatting).
// Messages about a vGPU say "vgpu<N>" (style.md).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include <spdlog/spdlog.h>

namespace gvtsim::log {

// The channels. Add one here and in kChannelNames.
enum class Channel : uint8_t { core, mem, mmio, gtt, cmd, engine, irq, sched, dpy, pci, aub, vgpu, trace };
inline constexpr std::array<std::string_view, 13> kChannelNames = {
    "core", "mem", "mmio", "gtt", "cmd", "engine", "irq", "sched", "dpy", "pci", "aub", "vgpu", "trace"};

// Parses a comma-separated list of channel names ("all" = every channel) into a bit mask.
// False when a name is unknown.
bool parse_channels(std::string_view names, uint32_t& mask);
// Enables the channels named in a comma-separated list ("all" enables every channel). Returns false
// and changes nothing when a name is unknown.
bool enable(std::string_view names);
void disable_all();
// Reads GVTSIM_LOG once; called by the CLI and the bindings at start-up.
void init_from_env();
// The channel names, comma separated, for --help.
std::string channel_list();

namespace detail {
extern std::atomic<uint32_t> g_enabled;
spdlog::logger& logger();
}  // namespace detail

inline bool enabled(Channel c) {
  return (detail::g_enabled.load(std::memory_order_relaxed) >> static_cast<unsigned>(c)) & 1u;
}

template <typename... Args>
void debug(Channel c, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(c)) detail::logger().debug("[{}] {}", kChannelNames[unsigned(c)], fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void info(Channel c, fmt::format_string<Args...> f, Args&&... args) {
  if (enabled(c)) detail::logger().info("[{}] {}", kChannelNames[unsigned(c)], fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void warn(Channel c, fmt::format_string<Args...> f, Args&&... args) {
  detail::logger().warn("[{}] {}", kChannelNames[unsigned(c)], fmt::format(f, std::forward<Args>(args)...));
}
template <typename... Args>
void error(Channel c, fmt::format_string<Args...> f, Args&&... args) {
  detail::logger().error("[{}] {}", kChannelNames[unsigned(c)], fmt::format(f, std::forward<Args>(args)...));
}

// Logs the first `limit` occurrences of a recurring condition (a guest error that a hostile guest can
// repeat at will), then one line saying further ones are suppressed. The count goes on in a stat.
class RateLimit {
 public:
  explicit RateLimit(uint32_t limit = 10) : m_limit(limit) {}
  // True when this occurrence should be logged.
  bool allow();
  uint64_t seen() const { return m_seen; }

 private:
  uint32_t m_limit;
  uint64_t m_seen = 0;
};

}  // namespace gvtsim::log
