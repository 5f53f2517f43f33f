// Fakes of the mediation core's three interfaces (decisions D10; style.md "each interface has exactly
// two implementations: the real one in harness/ and a fake in tests/"). They keep just enough state to
// be believable and expose it, so tests can check what the core asked for:
//   FakeHostGpu   — a host with a configurable aperture, GM and fence count; first-fit GM allocation
//                   above the host's reserve, fences above the host's 4, host pages from a counter;
//                   every call logged in order, everything handed out tracked per vGPU (so a test can
//                   prove destroy() returns it all), failures injectable by call name; submissions
//                   queued and their events delivered only when the test pumps them (the interface
//                   promises the listener is never called from inside submit());
//   FakeHypervisor — sparse guest memory per vGPU with a RAM size, pins with counts, page tracking
//                   (a guest_write() helper lands the bytes and calls the handler, as KVM does), an MSI
//                   log;
//   FakeClock     — time that moves only when the test advances it; one-shot and periodic timers.
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "vgpu/clock.h"
#include "vgpu/host_gpu.h"
#include "vgpu/hypervisor.h"
#include "vgpu/types.h"
#include "vgpu/vgpu.h"

namespace gvtsim::vgpu::testing {

// A Broadwell GT2 function as a booted host sees it (the layout of model/gen8/pci_config.h, with the
// values firmware and i915 leave behind): decode enabled, BARs placed, MSI enabled, and a GMCH that
// reports stolen memory — so that clearing GMS is visible.
struct HostPci {
  static constexpr uint16_t kDeviceId = 0x1616;
  static constexpr uint64_t kBar0 = 0xF000'0000;          // GTTMMADR
  static constexpr uint16_t kGmch = (0x05u << 8) | (3u << 6);  // GMS = 5 (160 MB stolen), GGMS = 3 (8 MB)
  static constexpr uint32_t kHostAsls = 0xDAF3'E018;
  static constexpr uint8_t kMsiCap = 0x90, kPmCap = 0xD0;

  static std::vector<uint8_t> config(uint64_t aperture_pa) {
    std::vector<uint8_t> c(256, 0);
    auto put = [&](unsigned o, unsigned n, uint32_t v) {
      for (unsigned i = 0; i < n; ++i) c[o + i] = uint8_t(v >> (8 * i));
    };
    put(0x00, 2, 0x8086);
    put(0x02, 2, kDeviceId);
    put(0x04, 2, 0x0007);                 // I/O, memory, bus master on
    put(0x06, 2, 0x0010);                 // capability list
    put(0x08, 4, 0x03000009);             // VGA, revision 9
    put(0x10, 4, uint32_t(kBar0) | 0x4);  // 64-bit memory
    put(0x14, 4, 0);
    put(0x18, 4, uint32_t(aperture_pa) | 0xC);  // 64-bit prefetchable
    put(0x1C, 4, uint32_t(aperture_pa >> 32));
    put(0x20, 4, 0x3001);                 // I/O BAR4
    put(0x2C, 4, uint32_t(kDeviceId) << 16 | 0x8086);
    put(0x30, 4, 0x000C0001);             // a ROM BAR the host firmware left
    put(0x34, 1, kMsiCap);
    put(0x3C, 2, 0x010B);
    put(0x50, 2, kGmch);
    put(0x5C, 4, 0x7B00'0001);            // BDSM
    put(kMsiCap, 2, 0x05 | kPmCap << 8);  // MSI, next = PM
    put(kMsiCap + 2, 2, 0x0001);          // enabled (the host's), 1 vector, 32-bit
    put(kMsiCap + 4, 4, 0xFEE0'1000);
    put(kMsiCap + 8, 2, 0x4022);
    put(kPmCap, 2, 0x01);                 // PM, end of list
    put(kPmCap + 2, 2, 0x0022);
    put(0xE8, 4, 0);                      // SWSCI
    put(0xFC, 4, kHostAsls);
    return c;
  }
};

class FakeHostGpu : public HostGpu {
 public:
  struct Config {
    uint64_t aperture_size = 1ull << 30;  // D3 defaults: 1 GB aperture, 4 GB GM, 32 fences
    uint64_t gm_size = 4ull << 30;
    unsigned fences = 32;
    uint64_t aperture_pa = 0x40'0000'0000;
    spec::gen8::EngineMask engines = 0x1F;  // RCS, BCS, VCS, VCS2, VECS
  };

  FakeHostGpu() : FakeHostGpu(Config{}) {}
  explicit FakeHostGpu(Config c) : m_c(c) {
    // The host's own reserve sits at the start of each range, as i915 allocates before GVT does.
    m_free[GmKind::low] = {{kHostLowGm, c.aperture_size}};
    m_free[GmKind::high] = {{c.aperture_size + kHostHighGm, c.gm_size}};
    for (unsigned f = kHostFences; f < c.fences; ++f) m_free_fences.insert(f);
  }

  // --- HostGpu ---
  Result<uint64_t> mmio_read(uint32_t offset, unsigned size) override {
    if (size != 4 && size != 8) return Status::guest_error("host MMIO read of {} bytes", size);
    auto it = regs.find(offset);
    return it == regs.end() ? 0 : it->second;
  }
  Status mmio_write(uint32_t offset, unsigned size, uint64_t value) override {
    if (size != 4 && size != 8) return Status::guest_error("host MMIO write of {} bytes", size);
    regs[offset] = value;
    return Status::ok();
  }
  std::vector<uint8_t> config_space() const override { return HostPci::config(m_c.aperture_pa); }

  HostResources resources() const override {
    HostResources r;
    r.aperture_size = m_c.aperture_size;
    r.aperture_pa = m_c.aperture_pa;
    r.hidden_size = m_c.gm_size - m_c.aperture_size;
    r.fence_count = m_c.fences;
    r.aperture_free = free_bytes(GmKind::low);
    r.hidden_free = free_bytes(GmKind::high);
    r.fences_free = unsigned(m_free_fences.size());
    r.engines = m_c.engines;
    return r;
  }

  Result<GmSlice> alloc_gm(VgpuId vgpu, GmKind kind, uint64_t size) override {
    calls.push_back(fmt::format("alloc_gm {} vgpu{} {}", to_string(kind), vgpu, format_size(size)));
    if (Status s = injected("alloc_gm " + std::string(to_string(kind))); !s) return s;
    if (size == 0 || size % kPageSize) return Status::guest_error("GM size {:#x} is not whole pages", size);
    auto& ranges = m_free[kind];
    for (auto it = ranges.begin(); it != ranges.end(); ++it) {
      if (it->second - it->first < size) continue;
      GmSlice s{it->first, size};
      it->first += size;
      if (it->first == it->second) ranges.erase(it);
      gm_held[vgpu].push_back(s);
      return s;
    }
    return Status::guest_error("no {} GM range of {} left", to_string(kind), format_size(size));
  }
  void free_gm(VgpuId vgpu, const GmSlice& slice) override {
    calls.push_back(fmt::format("free_gm vgpu{} {:#x}+{}", vgpu, slice.base, format_size(slice.size)));
    auto& held = gm_held[vgpu];
    auto it = std::find(held.begin(), held.end(), slice);
    if (it == held.end()) {
      ADD_FAILURE() << "free_gm of a slice vgpu" << vgpu << " does not hold";
      return;
    }
    held.erase(it);
    const GmKind kind = slice.base < m_c.aperture_size ? GmKind::low : GmKind::high;
    m_free[kind].push_back({slice.base, slice.end()});
    coalesce(kind);
  }
  Result<std::vector<unsigned>> alloc_fences(VgpuId vgpu, unsigned count) override {
    calls.push_back(fmt::format("alloc_fences vgpu{} {}", vgpu, count));
    if (Status s = injected("alloc_fences"); !s) return s;
    if (m_free_fences.size() < count) return Status::guest_error("{} fences asked, {} left", count, m_free_fences.size());
    std::vector<unsigned> out;
    while (out.size() < count) {
      out.push_back(*m_free_fences.begin());
      m_free_fences.erase(m_free_fences.begin());
    }
    for (unsigned f : out) fences_held[vgpu].insert(f);
    return out;
  }
  void free_fences(VgpuId vgpu, std::span<const unsigned> fences) override {
    calls.push_back(fmt::format("free_fences vgpu{} {}", vgpu, fences.size()));
    for (unsigned f : fences) {
      if (!fences_held[vgpu].erase(f)) ADD_FAILURE() << "free of fence " << f << " vgpu" << vgpu << " does not hold";
      m_free_fences.insert(f);
    }
  }
  Result<uint64_t> alloc_page(VgpuId vgpu, PageUse use) override {
    calls.push_back(fmt::format("alloc_page vgpu{} {}", vgpu, to_string(use)));
    if (Status s = injected("alloc_page"); !s) return s;
    const uint64_t hpa = kPagePool + m_next_page++ * kPageSize;
    pages_held[vgpu][hpa] = use;
    return hpa;
  }
  void free_page(VgpuId vgpu, uint64_t hpa) override {
    calls.push_back(fmt::format("free_page vgpu{}", vgpu));
    if (!pages_held[vgpu].erase(hpa)) ADD_FAILURE() << "free of a page vgpu" << vgpu << " does not hold";
  }

  void set_submission_listener(SubmissionListener listener) override { m_listener = std::move(listener); }
  Result<SubmissionId> submit(const ShadowSubmission& s) override {
    const SubmissionId id = m_next_submission++;
    m_events.push_back({SubmissionEvent::Kind::schedule_in, id, s.engine, ScheduleOut::complete, s.cookie});
    m_events.push_back({SubmissionEvent::Kind::schedule_out, id, s.engine, next_outcome, s.cookie});
    return id;
  }
  Status reset_engine(Engine engine) override {
    calls.push_back(fmt::format("reset_engine {}", spec::gen8::engine_name(engine)));
    return Status::ok();
  }
  std::optional<VgpuId> engine_owner(Engine engine) const override {
    auto it = owners.find(engine);
    if (it == owners.end()) return std::nullopt;
    return it->second;
  }

  // --- test controls ---
  // Delivers the queued submission events to the listener, in order; returns how many.
  std::size_t deliver_events() {
    std::size_t n = 0;
    while (!m_events.empty()) {
      SubmissionEvent e = m_events.front();
      m_events.pop_front();
      if (m_listener) m_listener(e);
      ++n;
    }
    return n;
  }
  std::size_t pending_events() const { return m_events.size(); }
  // A call whose name starts with `call` fails once, after `skip` such calls succeeded.
  void fail_next(std::string call, unsigned skip = 0) {
    m_fail = std::move(call);
    m_fail_skip = skip;
  }
  // What a vGPU still holds.
  std::size_t held_by(VgpuId vgpu) const {
    std::size_t n = 0;
    if (auto it = gm_held.find(vgpu); it != gm_held.end()) n += it->second.size();
    if (auto it = fences_held.find(vgpu); it != fences_held.end()) n += it->second.size();
    if (auto it = pages_held.find(vgpu); it != pages_held.end()) n += it->second.size();
    return n;
  }
  std::size_t held_total() const {
    std::size_t n = 0;
    for (VgpuId v = 0; v < 64; ++v) n += held_by(v);
    return n;
  }

  std::vector<std::string> calls;
  std::map<uint32_t, uint64_t> regs;
  std::map<VgpuId, std::vector<GmSlice>> gm_held;
  std::map<VgpuId, std::set<unsigned>> fences_held;
  std::map<VgpuId, std::map<uint64_t, PageUse>> pages_held;
  std::map<Engine, VgpuId> owners;
  ScheduleOut next_outcome = ScheduleOut::complete;
  static constexpr uint64_t kPagePool = 0x2'0000'0000;

 private:
  Status injected(const std::string& call) {
    if (!m_fail.empty() && call.rfind(m_fail, 0) == 0) {
      if (m_fail_skip) {
        --m_fail_skip;
        return Status::ok();
      }
      m_fail.clear();
      return Status::guest_error("injected failure of {}", call);
    }
    return Status::ok();
  }
  uint64_t free_bytes(GmKind kind) const {
    uint64_t n = 0;
    for (const auto& [b, e] : m_free.at(kind)) n += e - b;
    return n;
  }
  void coalesce(GmKind kind) {
    auto& r = m_free[kind];
    std::sort(r.begin(), r.end());
    std::vector<std::pair<uint64_t, uint64_t>> out;
    for (const auto& x : r) {
      if (!out.empty() && out.back().second == x.first)
        out.back().second = x.second;
      else
        out.push_back(x);
    }
    r = out;
  }

  Config m_c;
  std::map<GmKind, std::vector<std::pair<uint64_t, uint64_t>>> m_free;  // [begin, end) ranges
  std::set<unsigned> m_free_fences;
  uint64_t m_next_page = 0;
  std::string m_fail;
  unsigned m_fail_skip = 0;
  SubmissionListener m_listener;
  std::deque<SubmissionEvent> m_events;
  SubmissionId m_next_submission = 1;
};

class FakeHypervisor : public Hypervisor {
 public:
  explicit FakeHypervisor(uint64_t ram_size = 4ull << 30) : m_ram_size(ram_size) {}

  Status read_gpa(VgpuId vgpu, uint64_t gpa, std::span<uint8_t> out) override {
    if (!in_ram(gpa, out.size())) return Status::guest_error("read of {:#x}+{} outside guest RAM", gpa, out.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
      auto it = m_mem.find({vgpu, (gpa + i) >> kPageShift});
      out[i] = it == m_mem.end() ? 0 : it->second[(gpa + i) & (kPageSize - 1)];
    }
    return Status::ok();
  }
  Status write_gpa(VgpuId vgpu, uint64_t gpa, std::span<const uint8_t> data) override {
    if (!in_ram(gpa, data.size())) return Status::guest_error("write of {:#x}+{} outside guest RAM", gpa, data.size());
    for (std::size_t i = 0; i < data.size(); ++i) m_mem[{vgpu, (gpa + i) >> kPageShift}][(gpa + i) & (kPageSize - 1)] = data[i];
    return Status::ok();
  }
  bool is_valid_gfn(VgpuId, uint64_t gfn) override { return (gfn << kPageShift) < m_ram_size; }
  Result<uint64_t> pin_gfn(VgpuId vgpu, uint64_t gfn) override {
    if (!is_valid_gfn(vgpu, gfn)) return Status::guest_error("gfn {:#x} is not guest RAM", gfn);
    ++pins[{vgpu, gfn}];
    return host_page(vgpu, gfn);
  }
  void unpin_gfn(VgpuId vgpu, uint64_t gfn) override {
    auto it = pins.find({vgpu, gfn});
    if (it == pins.end()) {
      ADD_FAILURE() << "unpin of gfn " << gfn << " that vgpu" << vgpu << " never pinned";
      return;
    }
    if (--it->second == 0) pins.erase(it);
  }
  Status track_gfn(VgpuId vgpu, uint64_t gfn, WriteHandler handler) override {
    if (!is_valid_gfn(vgpu, gfn)) return Status::guest_error("gfn {:#x} is not guest RAM", gfn);
    m_tracked[{vgpu, gfn}] = std::move(handler);
    return Status::ok();
  }
  Status untrack_gfn(VgpuId vgpu, uint64_t gfn) override {
    if (!m_tracked.erase({vgpu, gfn})) return Status::guest_error("gfn {:#x} is not tracked", gfn);
    return Status::ok();
  }
  Status inject_msi(VgpuId vgpu, uint32_t address, uint16_t data) override {
    msis.push_back({vgpu, address, data});
    return Status::ok();
  }

  // --- test controls ---
  void set_ram_size(uint64_t bytes) { m_ram_size = bytes; }
  // The host page a pinned frame maps to: a fixed function of (vGPU, gfn).
  static uint64_t host_page(VgpuId vgpu, uint64_t gfn) { return (uint64_t(vgpu) << 40) | (gfn << kPageShift); }
  // A guest CPU write: lands in memory, then the tracking handler (if any) sees it.
  void guest_write(VgpuId vgpu, uint64_t gpa, std::span<const uint8_t> data) {
    ASSERT_TRUE(write_gpa(vgpu, gpa, data));
    if (auto it = m_tracked.find({vgpu, gpa >> kPageShift}); it != m_tracked.end()) it->second(gpa, data);
  }
  bool tracked(VgpuId vgpu, uint64_t gfn) const { return m_tracked.count({vgpu, gfn}) != 0; }
  uint32_t read32(VgpuId vgpu, uint64_t gpa) {
    std::array<uint8_t, 4> b{};
    EXPECT_TRUE(read_gpa(vgpu, gpa, b));
    return uint32_t(b[0]) | uint32_t(b[1]) << 8 | uint32_t(b[2]) << 16 | uint32_t(b[3]) << 24;
  }
  void write32(VgpuId vgpu, uint64_t gpa, uint32_t v) {
    const std::array<uint8_t, 4> b = {uint8_t(v), uint8_t(v >> 8), uint8_t(v >> 16), uint8_t(v >> 24)};
    EXPECT_TRUE(write_gpa(vgpu, gpa, b));
  }

  struct Msi {
    VgpuId vgpu;
    uint32_t address;
    uint16_t data;
  };
  std::vector<Msi> msis;
  std::map<std::pair<VgpuId, uint64_t>, unsigned> pins;

 private:
  bool in_ram(uint64_t gpa, uint64_t len) const { return gpa < m_ram_size && len <= m_ram_size - gpa; }
  uint64_t m_ram_size;
  std::map<std::pair<VgpuId, uint64_t>, std::array<uint8_t, kPageSize>> m_mem;
  std::map<std::pair<VgpuId, uint64_t>, WriteHandler> m_tracked;
};

class FakeClock : public Clock {
 public:
  using Clock::periodic;
  Time now() const override { return m_now; }
  TimerId one_shot(Duration delay, std::function<void()> fn) override { return add(m_now + delay, 0, std::move(fn)); }
  TimerId periodic(Duration period, std::function<void()> fn, Duration first) override {
    EXPECT_GT(period, 0u);
    return add(m_now + (first ? first : period), period, std::move(fn));
  }
  bool cancel(TimerId id) override { return m_timers.erase(id.value) != 0; }

  // Moves time forward by `d`, firing due timers in (time, creation) order.
  void advance(Duration d) {
    const Time end = m_now + d;
    for (;;) {
      auto next = m_timers.end();
      for (auto it = m_timers.begin(); it != m_timers.end(); ++it)
        if (it->second.when <= end && (next == m_timers.end() || it->second.when < next->second.when)) next = it;
      if (next == m_timers.end()) break;
      m_now = next->second.when;
      const uint64_t id = next->first;
      std::function<void()> fn = next->second.fn;
      if (next->second.period)
        next->second.when += next->second.period;
      else
        m_timers.erase(next);
      fn();
      (void)id;
    }
    m_now = end;
  }
  std::size_t active() const { return m_timers.size(); }

 private:
  struct Timer {
    Time when;
    Duration period;
    std::function<void()> fn;
  };
  TimerId add(Time when, Duration period, std::function<void()> fn) {
    const uint64_t id = m_next++;
    m_timers[id] = {when, period, std::move(fn)};
    return TimerId{id};
  }
  Time m_now = 0;
  uint64_t m_next = 1;
  std::map<uint64_t, Timer> m_timers;
};

// The three fakes and the Services bundle the core takes.
struct Fakes {
  explicit Fakes(FakeHostGpu::Config c = {}) : host(c) {}
  FakeHostGpu host;
  FakeHypervisor hyp;
  FakeClock clock;
  Services services() { return {hyp, host, clock}; }
};

}  // namespace gvtsim::vgpu::testing
