#include "base/stats.h"

#include <bit>
#include <cmath>
#include <limits>

#include "base/status.h"

namespace gvtsim {

const char* to_string(Unit u) {
  switch (u) {
    case Unit::count: return "count";
    case Unit::ps: return "ps";
    case Unit::bytes: return "bytes";
    case Unit::dwords: return "dwords";
    case Unit::commands: return "commands";
    case Unit::events: return "events";
    case Unit::pages: return "pages";
    case Unit::ratio: return "ratio";
    case Unit::percent: return "percent";
    case Unit::per_second: return "per_second";
  }
  return "?";
}

void Histogram::sample(uint64_t v) {
  ++m_count;
  m_sum += v;
  if (v < m_min) m_min = v;
  if (v > m_max) m_max = v;
  ++m_buckets[v == 0 ? 0 : std::bit_width(v)];
}

Stats::Entry& Stats::add(std::string_view name, Unit unit, std::string_view desc, std::size_t kind) {
  GVT_ASSERT(!name.empty() && name.front() != '.' && name.back() != '.', "bad statistic name '{}'", name);
  auto it = m_entries.find(name);
  if (it != m_entries.end()) {
    GVT_ASSERT(it->second.stat.index() == kind && it->second.unit == unit,
               "statistic '{}' registered twice with a different kind or unit", name);
    return it->second;
  }
  // A name may not be both a leaf and a group ("a.b" and "a.b.c").
  std::string n(name);
  auto next = m_entries.lower_bound(n + ".");
  GVT_ASSERT(next == m_entries.end() || next->first.compare(0, n.size() + 1, n + ".") != 0,
             "statistic '{}' is also a group", name);
  for (size_t dot = n.find('.'); dot != std::string::npos; dot = n.find('.', dot + 1))
    GVT_ASSERT(!m_entries.count(n.substr(0, dot)), "statistic '{}' lies under leaf '{}'", name, n.substr(0, dot));
  Entry e{unit, std::string(desc), {}};
  auto [pos, ok] = m_entries.emplace(std::move(n), std::move(e));
  return pos->second;
}

Counter& Stats::counter(std::string_view name, Unit unit, std::string_view desc) {
  Entry& e = add(name, unit, desc, 0);
  if (e.stat.index() == 0 && !std::get<0>(e.stat)) e.stat = std::make_unique<Counter>();
  return *std::get<0>(e.stat);
}

Histogram& Stats::histogram(std::string_view name, Unit unit, std::string_view desc) {
  Entry& e = add(name, unit, desc, 1);
  if (e.stat.index() != 1) e.stat = std::make_unique<Histogram>();
  return *std::get<1>(e.stat);
}

void Stats::formula(std::string_view name, Unit unit, std::string_view desc, std::function<double()> fn) {
  Entry& e = add(name, unit, desc, 2);
  e.stat = std::move(fn);
}

const Counter* Stats::find_counter(std::string_view name) const {
  auto it = m_entries.find(name);
  if (it == m_entries.end() || it->second.stat.index() != 0) return nullptr;
  return std::get<0>(it->second.stat).get();
}

const Histogram* Stats::find_histogram(std::string_view name) const {
  auto it = m_entries.find(name);
  if (it == m_entries.end() || it->second.stat.index() != 1) return nullptr;
  return std::get<1>(it->second.stat).get();
}

double Stats::value(std::string_view name) const {
  auto it = m_entries.find(name);
  if (it == m_entries.end()) return std::numeric_limits<double>::quiet_NaN();
  const auto& s = it->second.stat;
  if (s.index() == 0) return double(std::get<0>(s)->value());
  if (s.index() == 1) return double(std::get<1>(s)->count());
  return std::get<2>(s)();
}

nlohmann::json Stats::leaf(const Entry& e) {
  switch (e.stat.index()) {
    case 0: return std::get<0>(e.stat)->value();
    case 1: {
      const Histogram& h = *std::get<1>(e.stat);
      nlohmann::json buckets = nlohmann::json::object();
      for (unsigned k = 0; k < Histogram::kBuckets; ++k)
        if (h.bucket(k)) buckets[k == 0 ? std::string("0") : "<2^" + std::to_string(k)] = h.bucket(k);
      return {{"count", h.count()}, {"sum", h.sum()}, {"min", h.min()}, {"max", h.max()}, {"buckets", buckets}};
    }
    default: {
      double v = std::get<2>(e.stat)();
      return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
    }
  }
}

nlohmann::json Stats::to_json(bool with_meta) const {
  nlohmann::json root = nlohmann::json::object();
  for (const auto& [name, e] : m_entries) {
    nlohmann::json* node = &root;
    size_t start = 0;
    for (size_t dot = name.find('.'); dot != std::string::npos; dot = name.find('.', start)) {
      node = &(*node)[name.substr(start, dot - start)];
      start = dot + 1;
    }
    nlohmann::json v = leaf(e);
    if (with_meta) v = {{"value", std::move(v)}, {"unit", to_string(e.unit)}, {"desc", e.desc}};
    (*node)[name.substr(start)] = std::move(v);
  }
  return root;
}

void Stats::for_each(const std::function<void(const std::string&, Unit, const std::string&, const nlohmann::json&)>& fn) const {
  for (const auto& [name, e] : m_entries) fn(name, e.unit, e.desc, leaf(e));
}

}  // namespace gvtsim
