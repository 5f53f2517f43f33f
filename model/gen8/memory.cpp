#include "model/gen8/memory.h"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

namespace gvtsim::model::gen8 {

std::string IsolationViolation::to_string() const {
  return fmt::format("isolation violation: {} {} at {:#x} by {} on a page of {} (t={} ps)", gen8::to_string(initiator),
                     write ? "write" : "read", address, access_owner.to_string(), page_owner.to_string(), time);
}

SystemMemory::SystemMemory(StatGroup stats, OwnershipDefault def, MemoryCosts costs)
    : m_stats(stats),
      m_default(def),
      m_costs(costs),
      m_bytes_read(stats.counter("bytes_read", Unit::bytes, "bytes read by device accesses")),
      m_bytes_written(stats.counter("bytes_written", Unit::bytes, "bytes written by device accesses")),
      m_violation_count(stats.counter("isolation_violations", Unit::events,
                                      "device accesses to a page of another owner (decisions D4)")),
      m_untagged(stats.counter("untagged_accesses", Unit::events, "device accesses to a page owned by nobody")),
      m_pages_allocated(stats.counter("pages_allocated", Unit::pages, "4 KiB pages backed by host memory")) {}

const uint8_t* SystemMemory::find_page(uint64_t pfn) const {
  if (pfn == m_last_pfn) return m_last_page;
  auto it = m_pages.find(pfn);
  if (it == m_pages.end()) return nullptr;
  m_last_pfn = pfn;
  m_last_page = it->second->bytes;
  return m_last_page;
}

uint8_t* SystemMemory::get_page(uint64_t pfn) {
  if (pfn == m_last_pfn) return m_last_page;
  auto& slot = m_pages[pfn];
  if (!slot) {
    slot = std::make_unique<Page>();
    std::memset(slot->bytes, 0, kPageSize);
    ++m_pages_allocated;
  }
  m_last_pfn = pfn;
  m_last_page = slot->bytes;
  return m_last_page;
}

uint8_t* SystemMemory::page_data(uint64_t pa) { return get_page(pa >> kPageShift); }

void SystemMemory::set_owner(uint64_t pa, uint64_t len, Owner owner) {
  if (len == 0) return;
  Owner def = m_default == OwnershipDefault::native ? Owner::host() : Owner::none();
  for (uint64_t pfn = pa >> kPageShift; pfn <= (pa + len - 1) >> kPageShift; ++pfn) {
    if (owner == def) m_owner.erase(pfn);
    else m_owner[pfn] = owner;
  }
}

Owner SystemMemory::owner(uint64_t pa) const {
  auto it = m_owner.find(pa >> kPageShift);
  if (it != m_owner.end()) return it->second;
  return m_default == OwnershipDefault::native ? Owner::host() : Owner::none();
}

void SystemMemory::check(uint64_t pfn, uint64_t pa, AccessTag tag, bool write) {
  if (tag.initiator == Initiator::software) return;
  if (tag.lrca_page != ~0ull) tag.owner = owner(tag.lrca_page);  // D4: the owner of the context's LRCA page
  Owner page = owner(pfn << kPageShift);
  if (page.is_none()) {
    ++m_untagged;
    return;
  }
  if (page == tag.owner) return;
  ++m_violation_count;
  IsolationViolation v{pa, page, tag.owner, tag.initiator, write, m_now ? *m_now : 0};
  if (m_violation_log.size() < kMaxViolationLog) m_violation_log.push_back(v);
  if (m_violation_rate.allow()) log::warn(log::Channel::mem, "{}", v.to_string());
}

Duration SystemMemory::read(uint64_t pa, void* dst, std::size_t len, AccessTag tag) {
  auto* out = static_cast<uint8_t*>(dst);
  std::size_t done = 0;
  while (done < len) {
    uint64_t a = pa + done;
    uint64_t pfn = a >> kPageShift;
    std::size_t off = a & (kPageSize - 1);
    std::size_t n = std::min<std::size_t>(len - done, kPageSize - off);
    check(pfn, a, tag, false);
    if (const uint8_t* page = find_page(pfn)) std::memcpy(out + done, page + off, n);
    else std::memset(out + done, 0, n);  // never written: zeros, nothing allocated
    done += n;
  }
  if (tag.initiator != Initiator::software) m_bytes_read += len;
  return cost(len);
}

Duration SystemMemory::write(uint64_t pa, const void* src, std::size_t len, AccessTag tag) {
  const auto* in = static_cast<const uint8_t*>(src);
  std::size_t done = 0;
  while (done < len) {
    uint64_t a = pa + done;
    uint64_t pfn = a >> kPageShift;
    std::size_t off = a & (kPageSize - 1);
    std::size_t n = std::min<std::size_t>(len - done, kPageSize - off);
    check(pfn, a, tag, true);
    if (tag.initiator == Initiator::context) m_device_written.insert(pfn);
    std::memcpy(get_page(pfn) + off, in + done, n);
    done += n;
  }
  if (tag.initiator != Initiator::software) m_bytes_written += len;
  return cost(len);
}

uint32_t SystemMemory::read32(uint64_t pa, AccessTag tag) {
  uint8_t b[4];
  read(pa, b, 4, tag);
  return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
}

void SystemMemory::write32(uint64_t pa, uint32_t v, AccessTag tag) {
  uint8_t b[4] = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
  write(pa, b, 4, tag);
}

void SystemMemory::write64(uint64_t pa, uint64_t v, AccessTag tag) {
  uint8_t b[8];
  for (int i = 0; i < 8; ++i) b[i] = uint8_t(v >> (8 * i));
  write(pa, b, 8, tag);
}

}  // namespace gvtsim::model::gen8
