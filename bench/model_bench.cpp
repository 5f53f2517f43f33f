// Hardware-model throughput (issue: Gen8 hardware platform): GGTT and PPGTT translations per second
// with and without TLB hits; SystemMemory copy throughput against plain memcpy of the same buffer;
// a register access through the TLM socket against a direct core call. Report ratios from one run.
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/gen8/gpu.h"
#include "model/gen8/gpu_sc.h"
#include "model/gen8/memory.h"

namespace gvtsim::model::gen8 {
namespace {

struct Rig {
  EventQueue queue;
  Stats stats;
  SystemMemory mem{StatGroup(stats, "mem"), OwnershipDefault::native};
  Gen8Gpu gpu{GpuConfig{}, mem, StatGroup(stats, "gpu"), queue};
  Rig() { (void)gpu.cfg_write(pci::kCommand, 2, pci::kCommandMemory); }
};

void BM_GgttTranslateTlbHit(benchmark::State& st) {
  Rig r;
  r.gpu.ggtt().set_pte(5, 0x123000 | 1);
  uint64_t sum = 0;
  for (auto _ : st) sum += r.gpu.ggtt().translate(0x5000 + (sum & 0xFF8)).pa;
  benchmark::DoNotOptimize(sum);
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_GgttTranslateTlbHit);

void BM_GgttTranslateTlbMiss(benchmark::State& st) {
  Rig r;
  for (uint64_t i = 0; i < 4096; ++i) r.gpu.ggtt().set_pte(i, (i << 12) | 1);
  uint64_t i = 0, sum = 0;
  // A stride of 257 pages over 4096 entries defeats the 256-entry direct-mapped TLB.
  for (auto _ : st) {
    sum += r.gpu.ggtt().translate((i % 4096) << 12).pa;
    i += 257;
  }
  benchmark::DoNotOptimize(sum);
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_GgttTranslateTlbMiss);

// A 4-level PPGTT mapping 8192 pages (16 page tables), built with software writes.
struct PpgttRig : Rig {
  PpgttRoot root{PpgttMode::legacy48, {0x100000}};
  PpgttRig() {
    uint64_t next = 0x101000;
    auto alloc = [&] { uint64_t p = next; next += 4096; return p; };
    uint64_t pdp = alloc(), pd = alloc();
    mem.write64(root.pdp[0], pdp | 3, AccessTag::software());
    mem.write64(pdp, pd | 3, AccessTag::software());
    for (uint64_t t = 0; t < 16; ++t) {
      uint64_t pt = alloc();
      mem.write64(pd + t * 8, pt | 3, AccessTag::software());
      for (uint64_t e = 0; e < 512; ++e) mem.write64(pt + e * 8, (0x4000'0000ull + ((t * 512 + e) << 12)) | 3, AccessTag::software());
    }
  }
};

void BM_PpgttTranslateTlbHit(benchmark::State& st) {
  PpgttRig r;
  uint64_t sum = 0;
  AccessTag tag = AccessTag::context(Owner::host());
  for (auto _ : st) sum += r.gpu.ppgtt(Engine::RCS).translate(r.root, 0x3000 + (sum & 0xFF8), tag, 1).pa;
  benchmark::DoNotOptimize(sum);
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_PpgttTranslateTlbHit);

void BM_PpgttTranslateTlbMiss(benchmark::State& st) {
  PpgttRig r;
  uint64_t i = 0, sum = 0;
  AccessTag tag = AccessTag::context(Owner::host());
  for (auto _ : st) {
    sum += r.gpu.ppgtt(Engine::RCS).translate(r.root, (i % 8192) << 12, tag, 1).pa;  // 4 memory reads per walk
    i += 513;  // defeats the 512-entry TLB
  }
  benchmark::DoNotOptimize(sum);
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_PpgttTranslateTlbMiss);

constexpr std::size_t kCopy = 1 << 20;

void BM_MemoryModelCopy(benchmark::State& st) {
  Rig r;
  std::vector<uint8_t> buf(kCopy, 0x5A);
  r.mem.write(0x1000000, buf.data(), kCopy, AccessTag::software());
  for (auto _ : st) {
    r.mem.read(0x1000000, buf.data(), kCopy, AccessTag::context(Owner::host()));
    benchmark::DoNotOptimize(buf.data());
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * kCopy);
}
BENCHMARK(BM_MemoryModelCopy);

void BM_PlainMemcpy(benchmark::State& st) {
  std::vector<uint8_t> src(kCopy, 0x5A), dst(kCopy);
  for (auto _ : st) {
    std::memcpy(dst.data(), src.data(), kCopy);
    benchmark::DoNotOptimize(dst.data());
  }
  st.SetBytesProcessed(int64_t(st.iterations()) * kCopy);
}
BENCHMARK(BM_PlainMemcpy);

void BM_RegisterReadDirect(benchmark::State& st) {
  Rig r;
  uint64_t sum = 0;
  for (auto _ : st) sum += *r.gpu.bar0_read(0x2034, 4);
  benchmark::DoNotOptimize(sum);
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_RegisterReadDirect);

struct Stim : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Stim> bar0{"bar0"};
  explicit Stim(sc_core::sc_module_name n) : sc_module(n) {}
};

void BM_RegisterReadThroughTlm(benchmark::State& st) {
  static Rig* r = new Rig;  // SystemC elaborates once per process: the modules live for the process
  static GpuSc* shell = [] { auto* s = new GpuSc("gpu"); s->attach(r->gpu); return s; }();
  static Stim* stim = [] { auto* s = new Stim("stim"); s->bar0.bind(shell->bar0); return s; }();
  uint32_t data = 0;
  tlm::tlm_generic_payload p;
  p.set_data_ptr(reinterpret_cast<unsigned char*>(&data));
  p.set_data_length(4);
  p.set_streaming_width(4);
  uint64_t sum = 0;
  for (auto _ : st) {
    p.set_command(tlm::TLM_READ_COMMAND);
    p.set_address(0x2034);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    stim->bar0->b_transport(p, d);
    sum += data;
  }
  benchmark::DoNotOptimize(sum);
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_RegisterReadThroughTlm);

}  // namespace
}  // namespace gvtsim::model::gen8
