// Virtual time (decisions D2): an integer count of picoseconds. Every cost is an integer; no
// floating point takes part in timing, so the same inputs give the same times bit for bit.
#pragma once

#include <cstdint>

namespace gvtsim {

using Time = uint64_t;      // picoseconds since the platform started
using Duration = uint64_t;  // picoseconds

inline constexpr Time kTimeNever = ~Time{0};

constexpr Duration ps(uint64_t n) { return n; }
constexpr Duration ns(uint64_t n) { return n * 1'000; }
constexpr Duration us(uint64_t n) { return n * 1'000'000; }
constexpr Duration ms(uint64_t n) { return n * 1'000'000'000; }

// Cycles of a clock given in kHz (integer, so 1 GHz = 1'000'000 kHz) to picoseconds, rounding up.
constexpr Duration cycles_to_ps(uint64_t cycles, uint64_t clock_khz) {
  return (cycles * 1'000'000'000ull + clock_khz - 1) / clock_khz;
}

}  // namespace gvtsim
