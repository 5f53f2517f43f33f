#include "model/gen8/ppgtt.h"

#include "model/gen8/ggtt.h"

namespace gvtsim::model::gen8 {

namespace {
constexpr uint64_t kPs = 1ull << 7;                             // PS: this entry maps a page
constexpr uint64_t k2MAddressMask = 0x0000007FFFE00000ull;      // bits 38:21
constexpr uint64_t k1GAddressMask = 0x0000007FC0000000ull;      // bits 38:30
}  // namespace

const char* to_string(PpgttFaultKind k) {
  switch (k) {
    case PpgttFaultKind::not_present: return "not present";
    case PpgttFaultKind::huge_1g_unsupported: return "1 GB page (unsupported on this SKU)";
    case PpgttFaultKind::out_of_range: return "address out of range";
  }
  return "?";
}

PpgttWalker::PpgttWalker(MemoryPort& mem, StatGroup stats, bool allow_1g_pages)
    : m_mem(&mem),
      m_allow_1g(allow_1g_pages),
      m_fault_count(stats.counter("faults", Unit::events, "PPGTT translations that faulted")),
      m_tlb_hits(stats.counter("tlb_hits", Unit::count, "PPGTT translations served by the TLB")),
      m_tlb_misses(stats.counter("tlb_misses", Unit::count, "PPGTT translations that walked the tables")),
      m_invalidations(stats.counter("tlb_invalidations", Unit::count, "TLB invalidations through the TLB-invalidation register")) {}

void PpgttWalker::invalidate_tlb() {
  ++m_invalidations;
  for (auto& e : m_tlb) e.vpn = ~0ull;
}

PpgttTranslation PpgttWalker::fault(uint64_t ctx, uint64_t gva, PpgttFaultKind k, unsigned level, Duration cost) {
  ++m_fault_count;
  auto& list = m_faults[ctx];
  if (list.size() < kMaxFaultsPerContext) list.push_back({gva, k, level, m_now ? *m_now : 0});
  return {false, 0, 0, cost};
}

PpgttTranslation PpgttWalker::translate(const PpgttRoot& root, uint64_t gva, AccessTag tag, uint64_t ctx) {
  // Canonical 48-bit addresses sign-extend bit 47; the walk uses bits 47:0.
  gva &= (1ull << 48) - 1;
  if (root.mode == PpgttMode::legacy32 && gva >> 32) return fault(ctx, gva, PpgttFaultKind::out_of_range, 3, 0);
  uint64_t start = root.mode == PpgttMode::legacy48 ? root.pdp[0] & kPteAddressMask : root.pdp[(gva >> 30) & 3] & kPteAddressMask;
  uint64_t vpn = gva >> 12;
  TlbEntry& e = m_tlb[vpn & (m_tlb.size() - 1)];
  if (e.vpn == vpn && e.root == start) {
    ++m_tlb_hits;
    return {true, e.pa_page | (gva & 0xFFF), e.page_size, 0};
  }
  ++m_tlb_misses;
  Duration cost = 0;
  uint64_t table = start;
  unsigned level = root.mode == PpgttMode::legacy48 ? 4 : 2;  // legacy32 starts at the page directory
  uint64_t pa = 0, page_size = 0;
  for (;;) {
    unsigned shift = 12 + 9 * (level - 1);
    uint64_t entry = m_mem->read64(table + ((gva >> shift) & 511) * 8, tag, &cost);
    if (!(entry & kPtePresent)) return fault(ctx, gva, PpgttFaultKind::not_present, level, cost);
    if (level == 1) {
      pa = (entry & kPteAddressMask) | (gva & 0xFFF);
      page_size = 4096;
      break;
    }
    if (level == 2 && (entry & kPs)) {
      pa = (entry & k2MAddressMask) | (gva & 0x1FFFFF);
      page_size = 2ull << 20;
      break;
    }
    if (level == 3 && (entry & kPs)) {
      if (!m_allow_1g) return fault(ctx, gva, PpgttFaultKind::huge_1g_unsupported, level, cost);
      pa = (entry & k1GAddressMask) | (gva & 0x3FFFFFFF);
      page_size = 1ull << 30;
      break;
    }
    table = entry & kPteAddressMask;
    --level;
  }
  e = {start, vpn, pa & ~0xFFFull, page_size};
  return {true, pa, page_size, cost};
}

}  // namespace gvtsim::model::gen8
