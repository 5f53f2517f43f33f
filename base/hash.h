// Result hashing (decisions D5): xxh3-64 from Debian's libxxhash, streamed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace gvtsim {

class Hasher {
 public:
  Hasher();
  ~Hasher();
  Hasher(const Hasher&) = delete;
  Hasher& operator=(const Hasher&) = delete;

  void update(const void* data, std::size_t len);
  // Integers are hashed in little-endian byte order, whatever the host.
  template <typename T>
  void add(T v) requires std::is_integral_v<T> {
    unsigned char b[sizeof(T)];
    for (std::size_t i = 0; i < sizeof(T); ++i) b[i] = static_cast<unsigned char>(uint64_t(v) >> (8 * i));
    update(b, sizeof(T));
  }
  uint64_t digest() const;

 private:
  void* m_state;  // XXH3_state_t, kept out of the header
};

uint64_t hash64(const void* data, std::size_t len);

}  // namespace gvtsim
