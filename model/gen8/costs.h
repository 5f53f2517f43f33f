// The cost table (decisions D12): every timing number of the model in one documented, configurable
// place. Costs are integers: cycles of the command-streamer clock, or picoseconds. Each value has a
// one-line rationale. Memory costs (latency, bandwidth) live in MemoryCosts (memory.h) and are
// added per access by the memory model.
#pragma once

#include <array>
#include <cstdint>

#include "base/time.h"
#include "spec/gen8/commands.h"

namespace gvtsim::model::gen8 {

struct CostTable {
  // Command-streamer clock. BDW GT2 runs its GT at 300 MHz–1 GHz (Intel HD 5500: up to 950 MHz);
  // 1 GHz keeps one cycle = 1 ns.
  uint64_t cs_clock_khz = 1'000'000;

  // Cycles to parse and dispatch one command, by cost class (spec CmdCost). Order of magnitude from
  // the command streamer's documented throughput of a few cycles per dword of simple MI commands.
  std::array<uint32_t, spec::gen8::kCmdCostNames.size()> cycles = {
      4,    // mi: NOOP, ARB_CHECK, LRI (per command, before its memory accesses)
      12,   // mi_mem: stores, loads, atomics (their memory cost is added by the memory model)
      8,    // mi_wait: one semaphore/event check
      6,    // state: a 3DSTATE_* packet reaching the pipeline's state
      60,   // pipe_control: a flush/synchronisation point
      200,  // primitive: 3DPRIMITIVE setup (plus the per-vertex formula below)
      200,  // walker: GPGPU_WALKER setup (plus the per-thread formula below)
      8,    // media: media state packets
      100,  // blit: XY_* setup
      100,  // mfx: MFX packets
      100,  // vebox: VEBOX packets
      60,   // flush: MI_FLUSH_DW
  };

  // 3DPRIMITIVE: setup + vertices x instances x cycles_per_vertex / EUs-share: a vertex is shaded by
  // one of the EUs; 24 EUs at ~8 cycles per simple vertex gives ~1/3 cycle per vertex on GT2. Kept as
  // a rational: cycles = vertices * instances * num / den.
  uint32_t primitive_vertex_cycles_num = 1;
  uint32_t primitive_vertex_cycles_den = 3;
  // GPGPU_WALKER: cycles per thread group dispatched (thread dispatch rate of the TS/TSG units).
  uint32_t walker_thread_group_cycles = 16;
  // PIPE_CONTROL with CS stall: waits for the pipeline to drain (an in-flight window).
  uint32_t cs_stall_cycles = 400;

  // Context switch: save of the outgoing and restore of the incoming context's register state, on
  // top of the memory traffic the model charges; ~2 us is what i915 measures on BDW execlists.
  uint32_t context_switch_cycles = 2000;
  // Re-poll interval of MI_SEMAPHORE_WAIT in polling mode.
  Duration semaphore_poll = ns(500);
  // How far an engine runs ahead of the platform's time within one batch (temporal decoupling):
  // the command streamer executes up to this much simulated time per event, stopping earlier at
  // every cross-domain effect (interrupt, CSB write, wait).
  Duration engine_quantum = us(1);

  // Hypervisor costs charged to a guest's vCPU (mediation issues): trapped MMIO ~ a VM exit and
  // emulation (1.5 us), write-protect fault (3 us), scanned dword (5 ns), shadowed PTE (50 ns),
  // vGPU context switch including MMIO save/restore (10 us).
  Duration trapped_mmio = ns(1500);
  Duration write_protect_fault = ns(3000);
  Duration scanned_dword = ns(5);
  Duration shadowed_pte = ns(50);
  Duration vgpu_switch = us(10);

  Duration cycles_to_time(uint64_t cycles) const { return cycles_to_ps(cycles, cs_clock_khz); }
  Duration command(spec::gen8::CmdCost c) const { return cycles_to_time(cycles[std::size_t(c)]); }
};

}  // namespace gvtsim::model::gen8
