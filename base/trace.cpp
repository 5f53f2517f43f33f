#include "base/trace.h"

#include <fmt/format.h>

namespace gvtsim::trace {

bool Tracer::enable(std::string_view channels) {
  uint32_t mask = 0;
  if (!log::parse_channels(channels, mask)) return false;
  m_mask |= mask;
  return true;
}

void Tracer::push(const Record& r) {
  if (m_records.size() >= m_capacity) {
    ++m_dropped;
    return;
  }
  m_records.push_back(r);
}

std::string Tracer::format(const Record& r) {
  std::string out = fmt::format("{}.{:06} us {} {}", r.time / 1'000'000, r.time % 1'000'000, r.owner.to_string(), r.desc->name);
  for (unsigned i = 0; i < r.desc->field_count(); ++i) out += fmt::format(" {}={:#x}", r.desc->fields[i], r.args[i]);
  return out;
}

nlohmann::json Tracer::to_json(const Record& r) {
  nlohmann::json j = {{"time_ps", r.time}, {"owner", r.owner.to_string()}, {"event", std::string(r.desc->name)}};
  for (unsigned i = 0; i < r.desc->field_count(); ++i) j[std::string(r.desc->fields[i])] = r.args[i];
  return j;
}

}  // namespace gvtsim::trace
