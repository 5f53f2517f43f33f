// Where a trace's memory writes land in the model (aub.md address spaces; docs/traces.md): GGTT
// and non-aperture GGTT addresses go to the pages the GGTT maps; GGTT_ENTRY writes the GGTT's PTEs;
// physical and the page-table-entry spaces (3, 6, 8, 9, 10: entries addressed physically) write
// memory; local memory (discrete parts) and PPGTT virtual addresses are errors. Shared by
// `gvtsim decode` and `gvtsim replay`, which differ only in how PTEs are written (directly, or by
// the driver through BAR0) and in what an unmapped GGTT write means (counted, or an error).
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "base/status.h"
#include "traces/aub_format.h"

namespace gvtsim::harness {

class Platform;

struct TraceMemory {
  Platform& platform;
  // Writes one GGTT PTE dword at `offset` in the 8 MB PTE window.
  std::function<Status(uint64_t offset, uint32_t value)> write_pte;
  // After a GGTT_ENTRY block: make the new PTEs visible (GFX_FLSH_CNTL).
  std::function<Status()> flush;
  // A write of `bytes` to GGTT address `gma`, which no PTE maps.
  std::function<Status(uint64_t gma, std::size_t bytes)> unmapped;

  Status write(aub::AddressSpace space, uint64_t address, std::span<const uint8_t> data);
};

}  // namespace gvtsim::harness
