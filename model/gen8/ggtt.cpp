#include "model/gen8/ggtt.h"

namespace gvtsim::model::gen8 {

Ggtt::Ggtt(StatGroup stats)
    : m_ptes(kGgttEntries, 0),
      m_fault_count(stats.counter("faults", Unit::events, "translations of non-present entries or out-of-range addresses")),
      m_tlb_hits(stats.counter("tlb_hits", Unit::count, "translations served by the GGTT TLB")),
      m_tlb_misses(stats.counter("tlb_misses", Unit::count, "translations that read the PTE")),
      m_flushes(stats.counter("flushes", Unit::count, "GFX_FLSH_CNTL writes (TLB emptied)")) {}

void Ggtt::reset() {
  std::fill(m_ptes.begin(), m_ptes.end(), 0);
  flush();
  m_faults.clear();
}

Result<uint64_t> Ggtt::window_read(uint64_t offset, unsigned size) const {
  if ((size != 4 && size != 8) || offset % size || offset + size > kGgttWindowSize)
    return Status::guest_error("GGTT read of {} bytes at window offset {:#x}: 4 or 8 bytes, aligned, below 8 MB", size, offset);
  uint64_t pte = m_ptes[offset >> 3];
  if (size == 8) return pte;
  return (offset & 4) ? pte >> 32 : pte & 0xFFFFFFFF;
}

Status Ggtt::window_write(uint64_t offset, unsigned size, uint64_t value) {
  if ((size != 4 && size != 8) || offset % size || offset + size > kGgttWindowSize)
    return Status::guest_error("GGTT write of {} bytes at window offset {:#x}: 4 or 8 bytes, aligned, below 8 MB", size, offset);
  uint64_t& pte = m_ptes[offset >> 3];
  if (size == 8) pte = value;
  else if (offset & 4) pte = (pte & 0xFFFFFFFFull) | (value << 32);  // a half lands at once: the
  else pte = (pte & ~0xFFFFFFFFull) | (value & 0xFFFFFFFF);         // hardware holds no partial PTEs
  return Status::ok();
}

void Ggtt::flush() {
  ++m_flushes;
  for (auto& e : m_tlb) e.tag = ~0ull;
}

GgttTranslation Ggtt::translate(uint64_t gma) {
  uint64_t index = gma >> 12;
  if (index >= kGgttEntries) {
    ++m_fault_count;
    if (m_faults.size() < kMaxFaultLog) m_faults.push_back({gma, 0, m_now ? *m_now : 0});
    return {false, 0, 0};
  }
  TlbEntry& e = m_tlb[index & (m_tlb.size() - 1)];
  uint64_t pte;
  if (e.tag == index) {
    ++m_tlb_hits;
    pte = e.pte;
  } else {
    ++m_tlb_misses;
    pte = m_ptes[index];
    e = {index, pte};
  }
  if (!(pte & kPtePresent)) {
    ++m_fault_count;
    if (m_faults.size() < kMaxFaultLog) m_faults.push_back({gma, pte, m_now ? *m_now : 0});
    return {false, 0, 0};
  }
  return {true, (pte & kPteAddressMask) | (gma & 0xFFF), pte_pat_index(pte)};
}

}  // namespace gvtsim::model::gen8
