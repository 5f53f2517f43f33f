// The register instance of each dword of the 2 MB MMIO window, by array lookup. The trap path looks a
// register up on every guest access; the spec table's find_reg searches, this indexes (built once per
// process, 1 MB). Same answers as find_reg for every dword of the window (tests/unit/vgpu).
#pragma once

#include <cstdint>

#include "spec/gen8/registers.h"

namespace gvtsim::vgpu {

// The instance covering the dword at `dw` (< 2 MB, dword aligned), or nullptr.
const spec::gen8::RegInstance* reg_at(uint32_t dw);

}  // namespace gvtsim::vgpu
