// Command decode throughput (commands per second): spec::decode_commands over a batch holding every
// render-engine command of the table in its default packing, repeated to 64 KiB.
#include <benchmark/benchmark.h>

#include <vector>

#include "spec/gen8/command.h"

namespace gvtsim::spec::gen8 {
namespace {

void BM_DecodeCommands(benchmark::State& st) {
  std::vector<uint32_t> batch;
  while (batch.size() < 16384)
    for (const CmdRow& row : kCmdRows)
      if (has_engine(row.engines, Engine::RCS) && row.id != CmdId::MI_BATCH_BUFFER_END) {
        auto dw = pack(row, {});
        batch.insert(batch.end(), dw.begin(), dw.end());
      }
  uint64_t commands = 0;
  for (auto _ : st) {
    auto entries = decode_commands(batch, Engine::RCS);
    commands += entries.size();
    benchmark::DoNotOptimize(entries.data());
  }
  st.SetItemsProcessed(int64_t(commands));
  st.SetBytesProcessed(int64_t(st.iterations()) * int64_t(batch.size() * 4));
}
BENCHMARK(BM_DecodeCommands);

void BM_DecodeHeaderOnly(benchmark::State& st) {
  std::vector<uint32_t> headers;
  for (const CmdRow& row : kCmdRows)
    if (has_engine(row.engines, Engine::RCS)) headers.push_back(row.match);
  uint64_t n = 0, sum = 0;
  for (auto _ : st) {
    for (uint32_t h : headers) sum += command_length(decode_header(h, Engine::RCS), h);
    n += headers.size();
  }
  benchmark::DoNotOptimize(sum);
  st.SetItemsProcessed(int64_t(n));
}
BENCHMARK(BM_DecodeHeaderOnly);

}  // namespace
}  // namespace gvtsim::spec::gen8
