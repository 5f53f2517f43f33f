// A deterministic, seedable random source (decisions D2: same seed, same results). SplitMix64
// (Steele, Lea, Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014): its output
// is fixed by the algorithm, unlike std:: distributions, whose results vary between libraries.
#pragma once

#include <cstdint>

namespace gvtsim {

class Rng {
 public:
  explicit Rng(uint64_t seed) : m_state(seed) {}
  uint64_t next() {
    uint64_t z = (m_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, bound) for bound > 0 (Lemire's multiply-shift; bias below 2^-32 for our bounds).
  uint64_t below(uint64_t bound) { return uint64_t((unsigned __int128)next() * bound >> 64); }

 private:
  uint64_t m_state;
};

}  // namespace gvtsim
