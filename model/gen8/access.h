// Who makes a device memory access and on whose behalf (decisions D4). Every access the GPU makes to
// system memory carries an AccessTag; the isolation oracle in SystemMemory checks it against the
// owner of each page it touches.
#pragma once

#include <cstdint>

#include "base/owner.h"

namespace gvtsim::model::gen8 {

enum class Initiator : uint8_t {
  context,          // executing a context: ring/batch fetch, PPGTT walk, stores, atomics, save/restore
  engine_internal,  // the engine's own bookkeeping: global HWSP, CSB mirror, GGTT PTE fetch
  aperture,         // a CPU access through BAR2, translated by the GGTT
  display,          // scanout
  software,         // the host driver, hypervisor or mediation core writing memory from the CPU
};
const char* to_string(Initiator i);

struct AccessTag {
  Initiator initiator = Initiator::software;
  // On whose behalf: for a context access the owner of the page holding the executing context's
  // LRCA; for an aperture access the owner its initiator puts on it; engine-internal is the host.
  Owner owner = Owner::host();
  // A context access made by an engine names the physical page of the executing context's LRCA
  // instead of an owner: the hardware knows no owners, the oracle looks the page's owner up
  // (SystemMemory::check). ~0 when `owner` applies.
  uint64_t lrca_page = ~0ull;

  static constexpr AccessTag software() { return {Initiator::software, Owner::host()}; }
  static constexpr AccessTag engine() { return {Initiator::engine_internal, Owner::host()}; }
  static constexpr AccessTag context(Owner o) { return {Initiator::context, o}; }
  static constexpr AccessTag aperture(Owner o) { return {Initiator::aperture, o}; }
  static constexpr AccessTag display(Owner o) { return {Initiator::display, o}; }
  static constexpr AccessTag of_context(uint64_t lrca_pa) { return {Initiator::context, Owner::none(), lrca_pa & ~0xFFFull}; }
};

}  // namespace gvtsim::model::gen8
