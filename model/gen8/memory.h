// System memory (decisions D4): a sparse 64-bit physical memory of 4 KiB pages, allocated on first
// write — reading a page never written returns zeros and allocates nothing — with a per-page owner
// map and the isolation oracle.
//
// The oracle: every device access (initiator context, engine-internal, aperture, display) is checked
// page by page against the page's owner.
//   - a page owned by someone other than the access's owner: an isolation violation — counted,
//     logged (rate-limited) and kept in a queryable list with address, page owner, access owner and
//     initiator; never dropped (the list is bounded, the count is not);
//   - a page owned by nobody: counted apart as an untagged access (end-to-end tests assert 0, so the
//     oracle cannot pass by never tagging anything);
//   - software accesses (host driver, hypervisor, mediation core from the CPU) are not device
//     accesses and are not checked.
// Ownership defaults: a native (bare-metal) platform gives every page to the host; a mediated one
// leaves pages unowned until the host driver or hypervisor hands them out (set_owner).
//
// Costs (decisions D12): each device access is charged latency + bytes / bandwidth, returned to the
// caller, which adds it to its own time.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/log.h"
#include "base/stats.h"
#include "base/time.h"
#include "model/gen8/access.h"
#include "model/gen8/memory_port.h"

namespace gvtsim::model::gen8 {

inline constexpr uint64_t kPageSize = 4096;
inline constexpr uint64_t kPageShift = 12;

enum class OwnershipDefault : uint8_t { native, mediated };

struct MemoryCosts {
  Duration latency = ns(80);       // DRAM access latency seen by the GPU (DDR3L-1600 class, BDW ULT)
  uint64_t bytes_per_ns = 25;      // sustained bandwidth, ~25.6 GB/s dual-channel DDR3-1600
};

struct IsolationViolation {
  uint64_t address;
  Owner page_owner;
  Owner access_owner;
  Initiator initiator;
  bool write;
  Time time;
  std::string to_string() const;
};

class SystemMemory final : public MemoryPort {
 public:
  SystemMemory(StatGroup stats, OwnershipDefault def, MemoryCosts costs = {});

  // Device accesses: checked by the oracle, charged by the cost model. Return the cost.
  Duration read(uint64_t pa, void* dst, std::size_t len, AccessTag tag) override;
  Duration write(uint64_t pa, const void* src, std::size_t len, AccessTag tag) override;
  uint32_t read32(uint64_t pa, AccessTag tag);
  void write32(uint64_t pa, uint32_t v, AccessTag tag);
  void write64(uint64_t pa, uint64_t v, AccessTag tag);

  // Ownership.
  void set_owner(uint64_t pa, uint64_t len, Owner owner);  // whole pages covering [pa, pa+len)
  Owner owner(uint64_t pa) const;
  OwnershipDefault ownership_default() const { return m_default; }

  // The oracle's findings.
  uint64_t violations() const { return m_violation_count.value(); }
  uint64_t untagged_accesses() const { return m_untagged.value(); }
  const std::vector<IsolationViolation>& violation_log() const { return m_violation_log; }

  // Pages written by device context accesses (the workload's own results, decisions D5), in order.
  const std::set<uint64_t>& device_written_pages() const { return m_device_written; }
  // A pointer to the page's bytes for direct access (SystemC DMI, bulk copies); allocates it.
  uint8_t* page_data(uint64_t pa);
  bool page_allocated(uint64_t pa) const { return m_pages.count(pa >> kPageShift) != 0; }
  std::size_t allocated_pages() const { return m_pages.size(); }
  // latency + transfer time, in integer picoseconds (rounded up).
  Duration cost(std::size_t bytes) const {
    return m_costs.latency + (uint64_t(bytes) * 1000 + m_costs.bytes_per_ns - 1) / m_costs.bytes_per_ns;
  }
  const MemoryCosts& costs() const { return m_costs; }
  // Current time source for violation records (the platform's clock).
  void set_time_source(const Time* now) { m_now = now; }

  static constexpr std::size_t kMaxViolationLog = 4096;

 private:
  struct Page {
    uint8_t bytes[kPageSize];
  };
  const uint8_t* find_page(uint64_t pfn) const;
  uint8_t* get_page(uint64_t pfn);
  void check(uint64_t pfn, uint64_t pa, AccessTag tag, bool write);

  StatGroup m_stats;
  OwnershipDefault m_default;
  MemoryCosts m_costs;
  std::unordered_map<uint64_t, std::unique_ptr<Page>> m_pages;
  std::unordered_map<uint64_t, Owner> m_owner;  // pages whose owner differs from the default
  // One-entry lookup cache: most accesses hit the page of the previous one.
  mutable uint64_t m_last_pfn = ~0ull;
  mutable uint8_t* m_last_page = nullptr;
  std::vector<IsolationViolation> m_violation_log;
  std::set<uint64_t> m_device_written;
  Counter& m_bytes_read;
  Counter& m_bytes_written;
  Counter& m_violation_count;
  Counter& m_untagged;
  Counter& m_pages_allocated;
  log::RateLimit m_violation_rate{16};
  const Time* m_now = nullptr;
};

}  // namespace gvtsim::model::gen8
