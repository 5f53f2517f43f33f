// The GPU's path to system memory. Under the functional driver it is SystemMemory itself; under the
// SystemC driver the GPU's shell swaps in its TLM initiator socket (model/gen8/gpu_sc.h), so every
// device access crosses a real TLM-2.0 transaction carrying its AccessTag as an extension.
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/time.h"
#include "model/gen8/access.h"

namespace gvtsim::model::gen8 {

class MemoryPort {
 public:
  virtual ~MemoryPort() = default;
  // Return the cost of the access.
  virtual Duration read(uint64_t pa, void* dst, std::size_t len, AccessTag tag) = 0;
  virtual Duration write(uint64_t pa, const void* src, std::size_t len, AccessTag tag) = 0;

  uint64_t read64(uint64_t pa, AccessTag tag, Duration* cost = nullptr) {
    uint8_t b[8];
    Duration c = read(pa, b, 8, tag);
    if (cost) *cost += c;
    uint64_t v = 0;
    for (int i = 7; i >= 0; --i) v = v << 8 | b[i];
    return v;
  }
};

}  // namespace gvtsim::model::gen8
