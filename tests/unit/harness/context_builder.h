// A bare-metal driver's view of execlist submission, for engine tests: builds GGTT mappings,
// context images (register-state page with LRI lists, as i915 lays them out), rings, 4-level PPGTT
// tables and batches in a Platform's memory with software writes, and submits through ELSP by MMIO.
#pragma once

#include <vector>

#include "harness/driver.h"
#include "harness/platform.h"
#include "model/gen8/pci_config.h"
#include "spec/gen8/command.h"
#include "spec/gen8/registers.h"

namespace gvtsim::harness::testing {

using namespace spec::gen8;
using model::gen8::AccessTag;

struct ContextBuilder {
  Platform& p;
  uint64_t next_pa = 0x100000;  // bump allocator of physical pages
  uint64_t pml4;                // one PPGTT for all contexts of a test
  static constexpr uint64_t kHwsGma = 0x1000;

  explicit ContextBuilder(Platform& pl) : p(pl) {
    namespace pci = model::gen8::pci;
    EXPECT_TRUE(p.gpu().cfg_write(pci::kCommand, 2, pci::kCommandMemory | pci::kCommandBusMaster));
    EXPECT_TRUE(p.gpu().cfg_write(pci::kMsiCap + 4, 4, 0xFEE00000));
    EXPECT_TRUE(p.gpu().cfg_write(pci::kMsiCap + 2, 2, pci::kMsiEnable));
    pml4 = page();
    map_ggtt(kHwsGma, page());
    mmio(reg::RING_HWS_PGA::at(Engine::RCS), uint32_t(kHwsGma));
    mmio(reg::GFX_MODE::at(Engine::RCS), masked_write(reg::GFX_MODE::EXECLIST_ENABLE, 1));
    // Interrupts on: RCS user, notify, context switch; master enable.
    mmio(reg::GEN8_GT_IMR0::offset, ~0x111u);
    mmio(reg::GEN8_GT_IER0::offset, 0x111u);
    mmio(reg::GEN8_MASTER_IRQ::offset, 1u << 31);
  }
  uint64_t page() {
    uint64_t pa = next_pa;
    next_pa += 4096;
    return pa;
  }
  void mmio(uint32_t off, uint32_t v) { EXPECT_TRUE(p.gpu().bar0_write(off, 4, v)); }
  void map_ggtt(uint64_t gma, uint64_t pa) {
    p.gpu().ggtt().set_pte(gma >> 12, pa | 1);
    p.gpu().ggtt().flush();
  }
  uint64_t ggtt_pa(uint64_t gma) { return p.gpu().ggtt().translate(gma).pa; }
  void write(uint64_t pa, const std::vector<uint32_t>& dw) {
    p.memory().write(pa, dw.data(), dw.size() * 4, AccessTag::software());
  }
  uint32_t read(uint64_t pa) { return p.memory().read32(pa, AccessTag::software()); }
  uint64_t read64(uint64_t pa) { return uint64_t(read(pa)) | uint64_t(read(pa + 4)) << 32; }
  // Maps gva -> a fresh page in the 4-level PPGTT; returns the page.
  uint64_t map_ppgtt(uint64_t gva, uint64_t pa = 0) {
    if (!pa) pa = page();
    uint64_t table = pml4;
    for (int level = 4; level > 1; --level) {
      uint64_t idx = (gva >> (12 + 9 * (level - 1))) & 511;
      uint64_t e = read64(table + idx * 8);
      if (!(e & 1)) {
        e = page() | 3;
        write(table + idx * 8, {uint32_t(e), uint32_t(e >> 32)});
      }
      table = e & 0x7FFFFFF000ull;
    }
    uint64_t pte = pa | 3;
    write(table + ((gva >> 12) & 511) * 8, {uint32_t(pte), uint32_t(pte >> 32)});
    return pa;
  }
  // A context: ring (1 page) at ring_gma, 19-page image at lrca (GGTT), 48-bit PPGTT.
  struct Ctx {
    uint64_t ring_gma, lrca;
    uint64_t desc(uint32_t id = 0) const { return lrca | (3u << 3) | (1u << 8) | 1u | uint64_t(id) << 32; }
  };
  Ctx context(uint64_t ring_gma, uint64_t lrca, std::vector<uint32_t> ring, uint32_t ctx_ctrl = 0x00090009) {
    if (ring.size() % 2) ring.push_back(0);  // RING_TAIL is QWord aligned (bits 20:3): pad with MI_NOOP as i915 does
    map_ggtt(ring_gma, page());
    for (unsigned i = 0; i < 19; ++i) map_ggtt(lrca + 4096ull * i, page());
    write(ggtt_pa(ring_gma), ring);
    set_image(lrca, 0, uint32_t(ring.size() * 4), ring_gma, ctx_ctrl);
    return {ring_gma, lrca};
  }
  void set_image(uint64_t lrca, uint32_t head, uint32_t tail, uint64_t ring_gma, uint32_t ctx_ctrl = 0x00090009) {
    uint32_t b = 0x2000;
    std::vector<uint32_t> img = {0, 0x1100100B,  // NOOP; LRI of 6 pairs (force posted)
                                 b + 0x244, ctx_ctrl, b + 0x34, head, b + 0x30, tail, b + 0x38, uint32_t(ring_gma),
                                 b + 0x3C, 0x1, b + 0x3A8, 0,
                                 0x11001007, b + 0x274, uint32_t(pml4 >> 32), b + 0x270, uint32_t(pml4),
                                 b + 0x27C, 0, b + 0x278, 0,
                                 0x05000000};
    write(ggtt_pa(lrca + 4096), img);
  }
  void submit(const std::vector<uint64_t>& desc) {
    uint64_t d0 = desc.at(0), d1 = desc.size() > 1 ? desc[1] : 0;
    uint32_t elsp = reg::RING_ELSP::at(Engine::RCS);
    mmio(elsp, uint32_t(d1 >> 32));
    mmio(elsp, uint32_t(d1));
    mmio(elsp, uint32_t(d0 >> 32));
    mmio(elsp, uint32_t(d0));
  }
  void run(Duration d) { FunctionalDriver().run_for(p, d); }
  model::gen8::CommandStreamer& rcs() { return *p.gpu().engine(Engine::RCS); }
};

inline std::vector<uint32_t> cat(std::initializer_list<std::vector<uint32_t>> parts) {
  std::vector<uint32_t> out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
inline std::vector<uint32_t> bb_start(uint64_t addr, bool ppgtt = true) {
  return pack(CmdId::MI_BATCH_BUFFER_START, {{cmd::MI_BATCH_BUFFER_START::ADDRESS_SPACE_INDICATOR, ppgtt},
                                             {cmd::MI_BATCH_BUFFER_START::BATCH_BUFFER_START_ADDRESS, addr}});
}
inline std::vector<uint32_t> sdi(uint64_t addr, uint32_t value, bool ggtt = false) {
  return pack(CmdId::MI_STORE_DATA_IMM, {{cmd::MI_STORE_DATA_IMM::USE_GLOBAL_GTT, ggtt},
                                         {cmd::MI_STORE_DATA_IMM::ADDRESS, addr},
                                         {cmd::MI_STORE_DATA_IMM::IMMEDIATE_DATA, value}});
}
inline std::vector<uint32_t> lri(uint32_t offset, uint32_t value) {
  return pack(CmdId::MI_LOAD_REGISTER_IMM, {{cmd::MI_LOAD_REGISTER_IMM::REGISTER_OFFSET, offset},
                                            {cmd::MI_LOAD_REGISTER_IMM::DATA_DWORD, value}});
}
inline std::vector<uint32_t> op(CmdId id) { return pack(id); }

}  // namespace gvtsim::harness::testing
