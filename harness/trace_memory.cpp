#include "harness/trace_memory.h"

#include <algorithm>

#include "harness/platform.h"
#include "model/gen8/ggtt.h"

namespace gvtsim::harness {

Status TraceMemory::write(aub::AddressSpace space, uint64_t address, std::span<const uint8_t> data) {
  using aub::AddressSpace;
  auto& mem = platform.memory();
  switch (space) {
    case AddressSpace::ggtt:
    case AddressSpace::non_aperture_ggtt:
      for (std::size_t done = 0; done < data.size();) {
        uint64_t gma = address + done;
        std::size_t n = std::min<std::size_t>(data.size() - done, 4096 - (gma & 0xFFF));
        auto t = platform.gpu().ggtt().translate(gma);
        if (t.present) mem.write(t.pa, data.data() + done, n, model::gen8::AccessTag::software());
        else if (Status s = unmapped(gma, n); !s) return s;
        done += n;
      }
      return Status::ok();
    case AddressSpace::ggtt_entry:
      if (address % 4 || data.size() % 4) return Status::guest_error("GGTT_ENTRY write at {:#x} of {} bytes: not dwords", address, data.size());
      for (std::size_t i = 0; i < data.size(); i += 4) {
        uint64_t off = address + i;
        if (off / 8 >= model::gen8::kGgttEntries) return Status::guest_error("GGTT_ENTRY write at {:#x}: beyond the 8 MB GGTT", off);
        uint32_t v = uint32_t(data[i]) | uint32_t(data[i + 1]) << 8 | uint32_t(data[i + 2]) << 16 | uint32_t(data[i + 3]) << 24;
        if (Status s = write_pte(off, v); !s) return s;
      }
      return flush();
    case AddressSpace::physical:
    case AddressSpace::ggtt_pd_entry:
    case AddressSpace::ppgtt_entry:
    case AddressSpace::physical_pdp_entry:
    case AddressSpace::ppgtt_pd_entry:
    case AddressSpace::pml4_entry:
      mem.write(address, data.data(), data.size(), model::gen8::AccessTag::software());
      return Status::ok();
    case AddressSpace::local:
      return Status::guest_error("MEM_WRITE to local (device) memory at {:#x}: Broadwell has none", address);
    case AddressSpace::ppgtt:
      return Status::guest_error("MEM_WRITE to a PPGTT virtual address {:#x}: no context to translate it in", address);
  }
  return Status::guest_error("MEM_WRITE to address space {}", int(space));
}

}  // namespace gvtsim::harness
