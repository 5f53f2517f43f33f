// A bit field of a register or command dword: hi and lo inclusive, as the PRM writes "20:12".
// Generated register namespaces (spec/gen8/registers.h) declare their fields with it, so fields are
// typed constants, never looked up by string.
#pragma once

#include <cstdint>

namespace gvtsim::spec::gen8 {

struct Field {
  uint8_t hi;
  uint8_t lo;

  constexpr unsigned width() const { return hi - lo + 1u; }
  // The field's bits in place.
  constexpr uint64_t mask() const {
    return (width() >= 64 ? ~0ull : ((1ull << width()) - 1)) << lo;
  }
  // The field's value, shifted down.
  constexpr uint64_t get(uint64_t reg) const { return (reg & mask()) >> lo; }
  constexpr bool test(uint64_t reg) const { return get(reg) != 0; }
  // `reg` with the field replaced by `value` (extra high bits of `value` are dropped).
  constexpr uint64_t set(uint64_t reg, uint64_t value) const {
    return (reg & ~mask()) | ((value << lo) & mask());
  }
  // The field alone holding `value`.
  constexpr uint64_t make(uint64_t value) const { return set(0, value); }
};

// A write to a masked register (bits 31:16 enable bits 15:0) that sets the field to `value`.
constexpr uint32_t masked_write(Field f, uint32_t value) {
  return uint32_t(f.mask() << 16) | uint32_t(f.make(value));
}

}  // namespace gvtsim::spec::gen8
