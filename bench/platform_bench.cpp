// Event-queue and driver throughput: events per wall second for the raw queue, the functional
// driver and the SystemC driver at several quanta, on the built-in lifecycle workload.
#include <benchmark/benchmark.h>

#include "base/event_queue.h"
#include "harness/driver.h"
#include "harness/lifecycle_workload.h"
#include "harness/systemc_driver.h"

namespace gvtsim {
namespace {

// A self-rescheduling event on each of 8 sources: the queue's push/pop cost.
void BM_EventQueueStep(benchmark::State& st) {
  EventQueue q;
  std::vector<EventSource*> src;
  for (int i = 0; i < 8; ++i) src.push_back(&q.source("s", EventBand::hardware));
  std::function<void(int)> tick = [&](int i) { src[i]->after(ns(1 + i), [&, i] { tick(i); }); };
  for (int i = 0; i < 8; ++i) tick(i);
  for (auto _ : st) q.step();
  st.SetItemsProcessed(st.iterations());
}
BENCHMARK(BM_EventQueueStep);

void BM_Lifecycle(benchmark::State& st, bool systemc, Duration quantum) {
  uint64_t events = 0;
  for (auto _ : st) {
    harness::FunctionalDriver f;
    harness::SystemCDriver s(quantum);
    harness::Driver& d = systemc ? static_cast<harness::Driver&>(s) : f;
    events += harness::run_lifecycle(d, {.seed = 1, .duration = us(2000)}).events;
  }
  st.SetItemsProcessed(int64_t(events));
}
BENCHMARK_CAPTURE(BM_Lifecycle, functional, false, 0);
BENCHMARK_CAPTURE(BM_Lifecycle, systemc_q0, true, 0);
BENCHMARK_CAPTURE(BM_Lifecycle, systemc_q1us, true, us(1));
BENCHMARK_CAPTURE(BM_Lifecycle, systemc_q100us, true, us(100));

}  // namespace
}  // namespace gvtsim
