// The per-process GTT walker of one engine (gvt-reference §2.4; PRM vol 5 "Per-process GTT", i915
// gen8_ppgtt.c): 512 8-byte entries per 4 KiB table, entry bit 0 present, bit 1 RW, next-level or
// page address in bits 38:12.
//
//   32-bit legacy (descriptor addressing mode 1): 3 levels. The context's four PDP registers are the
//     page-directory addresses for gva[31:30]; then PDE = gva[29:21], PTE = gva[20:12].
//   48-bit legacy (mode 3): 4 levels. PDP0 holds the PML4 address; PML4E = gva[47:39],
//     PDPE = gva[38:30], PDE = gva[29:21], PTE = gva[20:12].
// A PDE with bit 7 (PS) maps a 2 MB page (address bits 38:21). A PDPE with PS would map 1 GB; Gen8
// legacy mode is not known to have 1 GB pages (GVT rejects them), so that is the SKU flag
// ppgtt_1g_pages, off by default: with it off such an entry is a fault.
// The root registers hold plain addresses (no present bit), as i915 writes them.
//
// Walk reads are device accesses with the caller's tag (a context access, decisions D4), charged by
// the memory model. Translations are cached in a TLB that only the engine's TLB-invalidation
// register (0x4260–0x4270) empties. Faults (non-present entries, 1 GB pages, 32-bit addresses past
// 4 GB) are recorded per context and counted; the caller reads zeros / drops writes.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <vector>

#include "base/stats.h"
#include "base/time.h"
#include "model/gen8/memory_port.h"

namespace gvtsim::model::gen8 {

enum class PpgttMode : uint8_t { legacy32 = 1, legacy48 = 3 };  // descriptor addressing-mode values

struct PpgttRoot {
  PpgttMode mode = PpgttMode::legacy48;
  uint64_t pdp[4] = {};  // legacy32: four page directories; legacy48: pdp[0] = PML4
};

enum class PpgttFaultKind : uint8_t { not_present, huge_1g_unsupported, out_of_range };
const char* to_string(PpgttFaultKind k);

struct PpgttFault {
  uint64_t gva;
  PpgttFaultKind kind;
  unsigned level;  // 4 = PML4E, 3 = PDPE, 2 = PDE, 1 = PTE
  Time time;
};

struct PpgttTranslation {
  bool ok;
  uint64_t pa;
  uint64_t page_size;  // 4 KiB, 2 MiB (or 1 GiB)
  Duration cost;       // memory cost of the walk (0 on a TLB hit)
};

class PpgttWalker {
 public:
  PpgttWalker(MemoryPort& mem, StatGroup stats, bool allow_1g_pages);

  PpgttTranslation translate(const PpgttRoot& root, uint64_t gva, AccessTag tag, uint64_t context_id);
  void invalidate_tlb();
  void set_memory(MemoryPort& mem) { m_mem = &mem; }
  void set_time_source(const Time* now) { m_now = now; }

  const std::map<uint64_t, std::vector<PpgttFault>>& faults() const { return m_faults; }
  uint64_t fault_count() const { return m_fault_count.value(); }
  uint64_t tlb_hits() const { return m_tlb_hits.value(); }
  uint64_t tlb_misses() const { return m_tlb_misses.value(); }

  static constexpr std::size_t kMaxFaultsPerContext = 256;

 private:
  struct TlbEntry {
    uint64_t root = ~0ull;  // the table the walk started from
    uint64_t vpn = ~0ull;   // gva >> 12
    uint64_t pa_page = 0;   // pa of the 4 KiB page
    uint64_t page_size = 0;
  };
  PpgttTranslation fault(uint64_t ctx, uint64_t gva, PpgttFaultKind k, unsigned level, Duration cost);

  MemoryPort* m_mem;
  bool m_allow_1g;
  std::array<TlbEntry, 512> m_tlb{};
  std::map<uint64_t, std::vector<PpgttFault>> m_faults;
  Counter& m_fault_count;
  Counter& m_tlb_hits;
  Counter& m_tlb_misses;
  Counter& m_invalidations;
  const Time* m_now = nullptr;
};

}  // namespace gvtsim::model::gen8
