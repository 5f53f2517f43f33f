// Mediation cost (issue: the trap path): a guest register access through the whole trap path —
// the hypervisor's GPA claim, then Vgpu, then MmioEmulator — and through the core alone, against the
// host driver writing the same register on the model directly; a guest GGTT PTE update (pin, host
// PTE write, unpin, flush) and its non-present (scratch) form. Each benchmark boots one GVTg_V4_8
// guest on its own GvtSystem outside the timed loop. Report ratios from one run (docs/benchmarks.md).
#include <benchmark/benchmark.h>

#include <array>
#include <optional>
#include <string>

#include "harness/gvt_system.h"

namespace gvtsim::harness {
namespace {

using namespace spec::gen8;

// A tracked register with no handler (gvt/handlers.c: MMIO_RING_DFH(RING_HWSTAM, 0, NULL)): the
// trap path's default vreg copy. The model gives it no side effect, so the host may write it too.
constexpr uint32_t kReg = reg::RING_HWSTAM::at(Engine::RCS);
// Two legal HWSTAM values (i915 writes ~0 and ~engine interrupt bits): alternated so that no write
// is a no-op.
constexpr std::array<uint32_t, 2> kValues = {0xFFFF'FFFFu, 0xFFFF'FFFEu};

// One host, one booted guest; `ok` is false (and `why` says why) when either step failed.
struct Rig {
  GvtSystem sys;
  GuestI915* guest = nullptr;
  std::optional<std::string> why;

  Rig() {
    Result<GuestI915*> g = sys.add_guest({.type = "GVTg_V4_8"});
    if (!g) {
      why = "add_guest: " + g.status().to_string();
      return;
    }
    guest = *g;
    if (Status s = guest->boot(); !s) why = "boot: " + s.to_string();
    else check_vgpu();
  }
  vgpu::Vgpu& vgpu() { return sys.vgpu(guest->id()); }
  uint64_t bar0() const { return guest->config().bar0_gpa; }
  // Sets `why` when the vGPU fell into failsafe or the isolation oracle fired.
  void check_vgpu() {
    if (vgpu().failsafe()) why = "vGPU in failsafe: " + vgpu().failsafe_state().history().front().why;
    else if (sys.isolation_violations() != 0 || sys.untagged_accesses() != 0) why = "isolation oracle fired";
  }
  // Skips the benchmark when setup failed, or after the loop when the accesses left the vGPU unsound.
  bool failed(benchmark::State& st) {
    if (why) st.SkipWithError(why->c_str());
    return why.has_value();
  }
};

void report(benchmark::State& st, uint64_t errors) {
  st.SetItemsProcessed(st.iterations());
  st.counters["s_per_access"] = benchmark::Counter(double(st.iterations()), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  if (errors != 0) st.SkipWithError("accesses failed inside the timed loop");
}

// --- register reads ---

void BM_TrappedMmioRead(benchmark::State& st) {
  Rig r;
  if (r.failed(st)) return;
  const vgpu::VgpuId id = r.guest->id();
  const uint64_t gpa = r.bar0() + kReg;
  if (!r.sys.hypervisor().guest_mmio_read(id, gpa, 4)) return st.SkipWithError("trapped read refused");
  uint64_t sum = 0, errors = 0;
  for (auto _ : st) {
    Result<uint64_t> v = r.sys.hypervisor().guest_mmio_read(id, gpa, 4);
    if (v) sum += *v;
    else ++errors;
  }
  benchmark::DoNotOptimize(sum);
  r.check_vgpu();
  if (r.failed(st)) return;
  report(st, errors);
}
BENCHMARK(BM_TrappedMmioRead);

void BM_TrappedMmioRead_Core(benchmark::State& st) {
  Rig r;
  if (r.failed(st)) return;
  vgpu::Vgpu& v = r.vgpu();
  if (!v.mmio_read(kReg, 4)) return st.SkipWithError("core read refused");
  uint64_t sum = 0, errors = 0;
  for (auto _ : st) {
    Result<uint64_t> x = v.mmio_read(kReg, 4);
    if (x) sum += *x;
    else ++errors;
  }
  benchmark::DoNotOptimize(sum);
  r.check_vgpu();
  if (r.failed(st)) return;
  report(st, errors);
}
BENCHMARK(BM_TrappedMmioRead_Core);

// --- register writes ---

void BM_TrappedMmioWrite(benchmark::State& st) {
  Rig r;
  if (r.failed(st)) return;
  const vgpu::VgpuId id = r.guest->id();
  const uint64_t gpa = r.bar0() + kReg;
  if (!r.sys.hypervisor().guest_mmio_write(id, gpa, 4, kValues[0])) return st.SkipWithError("trapped write refused");
  uint64_t i = 0, errors = 0;
  for (auto _ : st) {
    if (!r.sys.hypervisor().guest_mmio_write(id, gpa, 4, kValues[i++ & 1])) ++errors;
  }
  r.check_vgpu();
  if (r.failed(st)) return;
  report(st, errors);
}
BENCHMARK(BM_TrappedMmioWrite);

void BM_TrappedMmioWrite_Core(benchmark::State& st) {
  Rig r;
  if (r.failed(st)) return;
  vgpu::Vgpu& v = r.vgpu();
  if (!v.mmio_write(kReg, 4, kValues[0])) return st.SkipWithError("core write refused");
  uint64_t i = 0, errors = 0;
  for (auto _ : st) {
    if (!v.mmio_write(kReg, 4, kValues[i++ & 1])) ++errors;
  }
  r.check_vgpu();
  if (r.failed(st)) return;
  report(st, errors);
}
BENCHMARK(BM_TrappedMmioWrite_Core);

// The host driver writing the same register on the model (through the host bus): the baseline.
void BM_DirectRegisterWrite(benchmark::State& st) {
  Rig r;
  if (r.failed(st)) return;
  HostDriver& host = r.sys.host();
  Result<uint64_t> before = host.mmio_read(kReg, 4);
  if (!before) return st.SkipWithError("host read refused");
  if (!host.mmio_write(kReg, 4, kValues[0])) return st.SkipWithError("host write refused");
  uint64_t i = 0, errors = 0;
  for (auto _ : st) {
    if (!host.mmio_write(kReg, 4, kValues[i++ & 1])) ++errors;
  }
  (void)host.mmio_write(kReg, 4, *before);
  r.check_vgpu();
  if (r.failed(st)) return;
  report(st, errors);
}
BENCHMARK(BM_DirectRegisterWrite);

// --- guest GGTT PTE updates ---

// One PTE past the guest's boot objects, in its low slice; `present` alternates between two guest
// RAM pages (each write pins the new gfn, writes the host PTE, unpins the old one and flushes),
// otherwise between two non-present values (the host entry at the vGPU's scratch page).
void BM_GuestGgttPteUpdate(benchmark::State& st, bool present) {
  Rig r;
  if (r.failed(st)) return;
  GuestI915& g = *r.guest;
  const uint64_t gma = g.objects().back().gma + vgpu::kPageSize;
  if (!g.balloon().aperture.contains(gma)) return st.SkipWithError("no free entry in the low slice");
  std::array<uint64_t, 2> ptes{};
  for (uint64_t& pte : ptes) {
    const uint64_t gpa = g.alloc_page();
    pte = present ? ((gpa & vgpu::ggtt::kAddrMask) | vgpu::ggtt::kPresent) : (gpa & vgpu::ggtt::kAddrMask);
  }
  if (!g.write_pte(gma, ptes[0])) return st.SkipWithError("PTE write refused");
  uint64_t i = 0, errors = 0;
  for (auto _ : st) {
    if (!g.write_pte(gma, ptes[i++ & 1])) ++errors;
  }
  const std::size_t pins = r.vgpu().ggtt().pinned_count();
  const std::size_t expected = g.objects().size() + (present ? 1 : 0);
  if (pins != expected) return st.SkipWithError("pin count off after the PTE updates");
  r.check_vgpu();
  if (r.failed(st)) return;
  report(st, errors);
}
BENCHMARK_CAPTURE(BM_GuestGgttPteUpdate, present, true)->Name("BM_GuestGgttPteUpdate");
BENCHMARK_CAPTURE(BM_GuestGgttPteUpdate, non_present, false)->Name("BM_GuestGgttPteUpdate_NonPresent");

}  // namespace
}  // namespace gvtsim::harness
