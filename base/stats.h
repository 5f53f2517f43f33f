// The statistics registry (style.md "Statistics", after gem5's statistics::Group): every statistic
// has a hierarchical, owner-first name ("vgpu0.mmio.trapped_writes"), a unit and a one-line
// description. Counters and histograms hold integers; formulas derive values from them when dumped.
// The JSON dump is in a stable (sorted) order, so two runs with the same inputs dump identical text.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <variant>

#include <nlohmann/json.hpp>

namespace gvtsim {

enum class Unit : uint8_t { count, ps, bytes, dwords, commands, events, pages, ratio, percent, per_second };
const char* to_string(Unit u);

class Counter {
 public:
  Counter& operator++() { ++m_value; return *this; }
  Counter& operator+=(uint64_t n) { m_value += n; return *this; }
  void set(uint64_t v) { m_value = v; }
  uint64_t value() const { return m_value; }

 private:
  uint64_t m_value = 0;
};

// A distribution of integer samples in power-of-two buckets: bucket k counts samples in
// [2^(k-1), 2^k) (bucket 0 counts zeros).
class Histogram {
 public:
  void sample(uint64_t v);
  uint64_t count() const { return m_count; }
  uint64_t sum() const { return m_sum; }
  uint64_t min() const { return m_count ? m_min : 0; }
  uint64_t max() const { return m_max; }
  uint64_t bucket(unsigned k) const { return m_buckets[k]; }
  static constexpr unsigned kBuckets = 65;

 private:
  uint64_t m_count = 0, m_sum = 0, m_min = ~0ull, m_max = 0;
  std::array<uint64_t, kBuckets> m_buckets{};
};

class Stats {
 public:
  // Registers (or returns the already registered) statistic. Registering one name as two different
  // kinds, or a name that is also another statistic's group, is a broken invariant.
  Counter& counter(std::string_view name, Unit unit, std::string_view desc);
  Histogram& histogram(std::string_view name, Unit unit, std::string_view desc);
  // A derived value, computed at dump time from other statistics.
  void formula(std::string_view name, Unit unit, std::string_view desc, std::function<double()> fn);

  const Counter* find_counter(std::string_view name) const;
  const Histogram* find_histogram(std::string_view name) const;
  // The current value of a counter or formula by name (tests, Python); nullopt-like NaN if absent.
  double value(std::string_view name) const;
  std::size_t size() const { return m_entries.size(); }

  // Nested by name components: {"vgpu0": {"mmio": {"trapped_writes": 3}}}. With `with_meta`, each
  // leaf is {"value": ..., "unit": ..., "desc": ...}.
  nlohmann::json to_json(bool with_meta = false) const;

  // Visits every statistic in name order: fn(name, unit, desc, value-as-json).
  void for_each(const std::function<void(const std::string&, Unit, const std::string&, const nlohmann::json&)>& fn) const;

 private:
  struct Entry {
    Unit unit;
    std::string desc;
    std::variant<std::unique_ptr<Counter>, std::unique_ptr<Histogram>, std::function<double()>> stat;
  };
  Entry& add(std::string_view name, Unit unit, std::string_view desc, std::size_t kind);
  static nlohmann::json leaf(const Entry& e);
  std::map<std::string, Entry, std::less<>> m_entries;
};

// A view of a Stats registry under a name prefix, handed to an owner ("vgpu0", "gpu.rcs").
class StatGroup {
 public:
  StatGroup(Stats& stats, std::string prefix) : m_stats(&stats), m_prefix(std::move(prefix)) {}
  Counter& counter(std::string_view name, Unit unit, std::string_view desc) {
    return m_stats->counter(full(name), unit, desc);
  }
  Histogram& histogram(std::string_view name, Unit unit, std::string_view desc) {
    return m_stats->histogram(full(name), unit, desc);
  }
  void formula(std::string_view name, Unit unit, std::string_view desc, std::function<double()> fn) {
    m_stats->formula(full(name), unit, desc, std::move(fn));
  }
  StatGroup group(std::string_view name) const { return StatGroup(*m_stats, full(name)); }
  const std::string& prefix() const { return m_prefix; }
  Stats& stats() const { return *m_stats; }

 private:
  std::string full(std::string_view name) const {
    return m_prefix.empty() ? std::string(name) : m_prefix + "." + std::string(name);
  }
  Stats* m_stats;
  std::string m_prefix;
};

}  // namespace gvtsim
