// The MMIO register file: every register of spec/gen8/registers.toml, with the access rules the
// table gives (reset value, read-only mask, write-1-to-clear mask, masked writes) applied in one
// place, and behaviour bound to side-effect ids (RegEffect), never to names.
//
// CPU accesses (mmio_read / mmio_write, through BAR0) apply the rules and run the effect's hooks.
// Hardware-internal accesses (get / set) bypass both: the engines and the interrupt unit update
// status registers with them.
//
// Accesses are 1, 2, 4 or 8 bytes, naturally aligned; an 8-byte access is two dword accesses, low
// first. A misaligned or odd-sized access is a guest error. An offset no row covers reads 0 and
// ignores writes, counted as `unimplemented.mmio_offset` — never an abort.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <vector>

#include "base/stats.h"
#include "base/status.h"
#include "spec/gen8/registers.h"

namespace gvtsim::model::gen8 {

using spec::gen8::RegEffect;
using spec::gen8::RegId;
using spec::gen8::RegInstance;

class RegFile {
 public:
  // Hooks of one side effect. `dword` is 0 or 1 (the half of a 64-bit register).
  struct Hooks {
    // Returns the value a CPU read sees; `stored` is the register's stored dword.
    std::function<uint32_t(const RegInstance&, unsigned dword, uint32_t stored)> on_read;
    // Runs after the write rules stored `now` (was `before`; `written` is what the CPU wrote).
    std::function<void(const RegInstance&, unsigned dword, uint32_t before, uint32_t now, uint32_t written)> on_write;
  };

  explicit RegFile(StatGroup stats);

  // Binds the hooks of an effect (once per effect; a second bind is a broken invariant).
  void bind(RegEffect effect, Hooks hooks);
  bool bound(RegEffect effect) const { return m_bound[std::size_t(effect)]; }

  // CPU access through BAR0.
  Result<uint64_t> mmio_read(uint32_t offset, unsigned size);
  Status mmio_write(uint32_t offset, unsigned size, uint64_t value);

  // Hardware-internal access: no rules, no hooks.
  uint64_t get(const RegInstance& r) const { return m_values[index(r)]; }
  void set(const RegInstance& r, uint64_t v) { m_values[index(r)] = v; }
  uint64_t get(RegId id, spec::gen8::Engine e = spec::gen8::Engine::RCS, uint16_t i = 0) const;
  void set(RegId id, uint64_t v, spec::gen8::Engine e = spec::gen8::Engine::RCS, uint16_t i = 0);
  // By absolute offset of a dword (tests, inspection); unknown offsets read 0.
  uint32_t peek(uint32_t offset) const;

  // Every register back to its reset value.
  void reset();
  // Registers on engines the SKU lacks do not decode (VCS2 on GT1/GT2).
  void set_present_engines(spec::gen8::EngineMask m) { m_present = m; }

 private:
  static std::size_t index(const RegInstance& r) { return std::size_t(&r - spec::gen8::kRegInstances.data()); }
  const RegInstance* decode(uint32_t offset) const;
  uint32_t read_dword(const RegInstance& r, unsigned dword);
  void write_dword(const RegInstance& r, unsigned dword, uint32_t value, uint32_t byte_mask);

  std::vector<uint64_t> m_values;
  std::array<Hooks, spec::gen8::kRegEffectCount> m_hooks{};
  std::array<bool, spec::gen8::kRegEffectCount> m_bound{};
  spec::gen8::EngineMask m_present = 0xFF;
  Counter& m_reads;
  Counter& m_writes;
  Counter& m_unknown;
  Counter& m_bad_access;
};

}  // namespace gvtsim::model::gen8
