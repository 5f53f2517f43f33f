// Builds small Gen8 AUB traces for decode and replay tests, laid out as intel_dump_gpu lays them
// out (aub.md).
#pragma once

#include <vector>

#include <gtest/gtest.h>

#include "traces/aub_writer.h"

namespace gvtsim::harness::testing {

using aub::AddressSpace;

// Builds a small Gen8 trace the way intel_dump_gpu lays one out (aub.md): GGTT entries, a ring and a
// context image in GGTT memory, PPGTT tables and batches in physical memory, an ELSP submission.
struct TraceBuilder {
  std::vector<uint8_t> bytes;
  aub::AubWriter w = aub::AubWriter::to_memory(bytes).value();
  static constexpr uint64_t kB = 0x1'0000'0000ull;  // batch base (PPGTT): PML4 0, PDP 4, PD 0
  uint64_t pml4 = 0x200000, pdp = 0x201000, pd = 0x202000, pt = 0x203000;

  explicit TraceBuilder(uint16_t pci = 0x1616) {
    EXPECT_TRUE(w.header(pci, "decode-test"));
    // GGTT pages 0..31 -> physical 0x100000 + 4 KiB * i.
    std::vector<uint8_t> ptes;
    for (uint64_t i = 0; i < 32; ++i) put64(ptes, (0x100000 + i * 4096) | 1);
    EXPECT_TRUE(w.mem_write(AddressSpace::ggtt_entry, 0, ptes));
  }
  static void put32(std::vector<uint8_t>& v, uint32_t x) {
    for (int i = 0; i < 4; ++i) v.push_back(uint8_t(x >> (8 * i)));
  }
  static void put64(std::vector<uint8_t>& v, uint64_t x) {
    put32(v, uint32_t(x));
    put32(v, uint32_t(x >> 32));
  }
  void phys64(uint64_t pa, uint64_t v) {
    std::vector<uint8_t> b;
    put64(b, v);
    EXPECT_TRUE(w.mem_write(AddressSpace::physical, pa, b));
  }
  // Batch pages: B + 4 KiB * i -> physical 0x300000 + 4 KiB * i (i < 4), in a 4-level PPGTT.
  void map_batches() {
    phys64(pml4, pdp | 3);
    phys64(pdp + 4 * 8, pd | 3);
    phys64(pd, pt | 3);
    for (uint64_t i = 0; i < 4; ++i) phys64(pt + i * 8, (0x300000 + i * 4096) | 3);
  }
  void code(AddressSpace space, uint64_t addr, const std::vector<std::vector<uint32_t>>& cmds) {
    std::vector<uint8_t> b;
    for (const auto& c : cmds)
      for (uint32_t d : c) put32(b, d);
    EXPECT_TRUE(w.mem_write(space, addr, b));
  }
  // The context image's register-state page at GGTT 0x3000 (LRCA 0x2000): LRI lists as i915 lays them.
  void context(uint32_t engine_base, uint32_t head, uint32_t tail, uint64_t pdp0, uint64_t pdp1 = 0) {
    std::vector<uint32_t> img = {0, 0x11001007,  // MI_NOOP; LRI of 4 pairs (length field 2*4-1)
                                 engine_base + 0x34, head, engine_base + 0x30, tail, engine_base + 0x38, 0x1000,
                                 engine_base + 0x3C, 0x1,   // one page, valid
                                 0x11001007, engine_base + 0x274, uint32_t(pdp0 >> 32), engine_base + 0x270, uint32_t(pdp0),
                                 engine_base + 0x27C, uint32_t(pdp1 >> 32), engine_base + 0x278, uint32_t(pdp1),
                                 0x05000000};  // MI_BATCH_BUFFER_END
    code(AddressSpace::ggtt, 0x3000, {img});
  }
  void submit(uint32_t elsp, uint64_t desc) {
    EXPECT_TRUE(w.reg_write(elsp, 0));
    EXPECT_TRUE(w.reg_write(elsp, 0));
    EXPECT_TRUE(w.reg_write(elsp, uint32_t(desc >> 32)));
    EXPECT_TRUE(w.reg_write(elsp, uint32_t(desc)));
  }
  std::vector<uint8_t>& finish() {
    EXPECT_TRUE(w.finish());
    return bytes;
  }
};


}  // namespace gvtsim::harness::testing
