// The global GTT (gvt-reference §2.3): 1 Mi 8-byte Gen8 PTEs — 4 GB of graphics memory — written by
// the CPU through the BAR0 window at +8 MB, in 32-bit halves or whole 64-bit entries.
//
// PTE (PRM vol 5 "GTT entry format", i915 gen8_ggtt_pte_encode): bit 0 present, bit 1 RW (ignored
// by the GGTT), PAT index = PWT (bit 3) | PCD (bit 4) << 1 | PAT (bit 7) << 2 selecting one of the
// eight PPAT entries (0x40E0/0x40E4), address bits 38:12 (Broadwell's 39-bit physical space).
//
// Translations are cached in a small TLB that only a write to GFX_FLSH_CNTL (0x101008) empties —
// as i915 does after updating PTEs (gen8_ggtt_invalidate) — so software that forgets the flush sees
// stale translations, like on hardware. A translation of a non-present entry, or of an address
// beyond 4 GB, is a recorded fault: reads see zeros (the model's scratch page), writes are dropped;
// never a crash. The GGTT itself lives in the device here (its PTE fetches are the GPU's internal
// business), so translating costs no memory access.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "base/stats.h"
#include "base/status.h"
#include "base/time.h"

namespace gvtsim::model::gen8 {

inline constexpr uint64_t kGgttEntries = 1ull << 20;                  // 8 MB of PTEs (D3)
inline constexpr uint64_t kGgttWindowSize = kGgttEntries * 8;
inline constexpr uint64_t kGraphicsMemorySize = kGgttEntries << 12;   // 4 GB
inline constexpr uint64_t kPteAddressMask = 0x0000007FFFFFF000ull;    // bits 38:12
inline constexpr uint64_t kPtePresent = 1;

constexpr unsigned pte_pat_index(uint64_t pte) {
  return unsigned((pte >> 3) & 1) | unsigned((pte >> 4) & 1) << 1 | unsigned((pte >> 7) & 1) << 2;
}

struct GgttFault {
  uint64_t gma;
  uint64_t pte;
  Time time;
};

struct GgttTranslation {
  bool present;
  uint64_t pa;          // valid when present
  unsigned pat_index;
};

class Ggtt {
 public:
  explicit Ggtt(StatGroup stats);

  // CPU access to the PTE window (offset from BAR0 + 8 MB): 4 or 8 bytes, naturally aligned.
  Result<uint64_t> window_read(uint64_t offset, unsigned size) const;
  Status window_write(uint64_t offset, unsigned size, uint64_t value);

  uint64_t pte(uint64_t index) const { return m_ptes[index]; }
  void set_pte(uint64_t index, uint64_t pte) { m_ptes[index] = pte; }  // hardware-internal / tests
  // GFX_FLSH_CNTL: empties the translation cache.
  void flush();

  GgttTranslation translate(uint64_t gma);
  const std::vector<GgttFault>& faults() const { return m_faults; }
  uint64_t fault_count() const { return m_fault_count.value(); }
  void set_time_source(const Time* now) { m_now = now; }
  void reset();

  static constexpr std::size_t kMaxFaultLog = 4096;

 private:
  struct TlbEntry {
    uint64_t tag = ~0ull;  // page index
    uint64_t pte = 0;
  };
  std::vector<uint64_t> m_ptes;
  std::array<TlbEntry, 256> m_tlb{};
  std::vector<GgttFault> m_faults;
  Counter& m_fault_count;
  Counter& m_tlb_hits;
  Counter& m_tlb_misses;
  Counter& m_flushes;
  const Time* m_now = nullptr;
};

}  // namespace gvtsim::model::gen8
