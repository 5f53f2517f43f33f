// The AccessTag of decisions D4 as a TLM-2.0 extension: every transaction the GPU sends to memory
// carries who initiated it and on whose behalf, so the memory target's isolation oracle can check it.
// An aperture access from a CPU carries the owner its initiator (the hypervisor, the host) put on it.
#pragma once

#include <tlm>

#include "model/gen8/access.h"

namespace gvtsim::model::gen8 {

struct AccessExt : tlm::tlm_extension<AccessExt> {
  AccessTag tag;
  AccessExt() = default;
  explicit AccessExt(AccessTag t) : tag(t) {}
  tlm::tlm_extension_base* clone() const override { return new AccessExt(tag); }
  void copy_from(const tlm::tlm_extension_base& other) override { tag = static_cast<const AccessExt&>(other).tag; }
};

}  // namespace gvtsim::model::gen8
