// AUB parse throughput in MB/s of raw trace (SetBytesProcessed counts decompressed bytes), for raw,
// zstd and xz input, on a capture-like trace the writer makes in memory: per submission, a working set
// of 128 physical pages rewritten in full (1 in 16 with contents, as intel_dump_gpu's are mostly zero;
// aub.md), a ring write, four ELSP writes and a poll. BM_AubSource is the floor for each codec: the
// same bytes through the byte source alone, without block parsing.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <vector>

#include "traces/aub_reader.h"
#include "traces/aub_writer.h"

namespace gvtsim::aub {
namespace {

constexpr uint64_t kTraceBytes = 64ull << 20;

struct Trace {
  std::vector<uint8_t> bytes;
  uint64_t raw_bytes = 0;
};

const Trace& trace(Compression c) {
  static std::map<Compression, Trace> cache;
  auto [it, fresh] = cache.try_emplace(c);
  if (!fresh) return it->second;
  Trace& t = it->second;
  auto w = AubWriter::to_memory(t.bytes, c, c == Compression::xz ? 3 : 0);
  auto must = [](const auto& r) {
    if (r) return;
    std::fprintf(stderr, "bench_aub: making the trace: %s\n", r.error().to_string().c_str());
    std::exit(1);
  };
  must(w);
  std::vector<uint8_t> zero(4096, 0), page(4096, 0);
  must(w->header(0x162E, "bench"));
  for (uint64_t submission = 0; w->bytes_written() < kTraceBytes; ++submission) {
    for (uint32_t p = 0; p < 128; ++p) {
      std::span<const uint8_t> data = zero;
      if (p % 16 == 0) {
        for (uint32_t i = 0; i < 64; ++i) page[i] = uint8_t(p * 3 + i);
        std::memcpy(page.data() + 64, &submission, sizeof(submission));
        data = page;
      }
      must(w->mem_write(AddressSpace::physical, 0x100000 + uint64_t(p) * 4096, data));
    }
    const uint32_t ring[4] = {0x18800101, 0xFFFEE000, 0xFFFE, 0};
    must(w->mem_write(AddressSpace::ggtt, 0x1000, {reinterpret_cast<const uint8_t*>(ring), sizeof(ring)}));
    for (uint32_t v : {0u, 0u, 0u, 0x2339u}) must(w->reg_write(0x2230, v));
    must(w->reg_poll(0x2234, 0x10, 0));
  }
  t.raw_bytes = w->bytes_written();
  must(w->finish());
  return t;
}

void BM_AubParse(benchmark::State& st, Compression c) {
  const Trace& t = trace(c);
  uint64_t blocks = 0;
  for (auto _ : st) {
    auto r = AubReader::from_memory(t.bytes);
    for (;;) {
      auto next = r->next();
      if (!next) st.SkipWithError(next.error().to_string().c_str());
      if (!next || !*next) break;
      benchmark::DoNotOptimize(next->value().index());
      ++blocks;
    }
  }
  st.SetBytesProcessed(int64_t(st.iterations() * t.raw_bytes));
  st.counters["blocks/s"] = benchmark::Counter(double(blocks), benchmark::Counter::kIsRate);
  st.counters["ratio"] = double(t.raw_bytes) / double(t.bytes.size());
}
BENCHMARK_CAPTURE(BM_AubParse, raw, Compression::raw)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_AubParse, zstd, Compression::zstd)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_AubParse, xz, Compression::xz)->Unit(benchmark::kMillisecond);

void BM_AubSource(benchmark::State& st, Compression c) {
  const Trace& t = trace(c);
  std::vector<uint8_t> buf(1 << 20);
  for (auto _ : st) {
    auto s = memory_source(t.bytes);
    for (;;) {
      auto n = (*s)->read(buf.data(), buf.size());
      if (!n || *n == 0) break;
      benchmark::DoNotOptimize(buf.data());
    }
  }
  st.SetBytesProcessed(int64_t(st.iterations() * t.raw_bytes));
}
BENCHMARK_CAPTURE(BM_AubSource, raw, Compression::raw)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_AubSource, zstd, Compression::zstd)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_AubSource, xz, Compression::xz)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace gvtsim::aub
