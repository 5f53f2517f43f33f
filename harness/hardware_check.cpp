#include "harness/hardware_check.h"

#include <vector>

#include "base/hash.h"
#include "base/random.h"
#include "harness/bare_metal_driver.h"
#include "harness/driver.h"
#include "harness/platform.h"
#include "model/gen8/ggtt.h"
#include "spec/gen8/command.h"
#include "spec/gen8/registers.h"

namespace gvtsim::harness {

using namespace spec::gen8;

HardwareCheckResult run_hardware_check(Driver& driver, uint64_t seed, uint16_t device_id) {
  Platform p(PlatformConfig{.seed = seed, .device_id = device_id});
  BareMetalDriver drv(p);
  HardwareCheckResult res;
  Hasher h;
  Rng rng(seed);
  auto fail = [&](const Status& s) {
    if (res.error.empty()) res.error = s.to_string();
  };
  // The CPU's steps are software events, and sync points (MMIO into the GPU, D2).
  EventSource& cpu = p.queue().source("cpu", EventBand::software, /*sync_point=*/true);
  EventSource& hw = p.queue().source("board", EventBand::hardware, /*sync_point=*/true);

  // Seeded layout: 16 graphics pages at a random place in the aperture's low range, physical pages
  // scattered below 4 GB.
  const uint64_t pages = 16;
  uint64_t gma = (rng.below(1024) + 1) << 12;
  std::vector<uint64_t> pas(pages);
  for (auto& pa : pas) pa = (rng.below(1u << 20) + 1) << 12;
  std::vector<uint8_t> data(pages * 4096);
  for (auto& b : data) b = uint8_t(rng.next());

  cpu.at(us(1), [&] {
    auto info = drv.boot();
    if (!info) return fail(info.status());
    res.booted = true;
    h.add(info->bar0), h.add(info->bar2), h.add(info->ggtt_bytes);
    for (uint64_t i = 0; i < pages; ++i)
      if (Status s = drv.map_ggtt(gma + i * 4096, pas[i], 1); !s) return fail(s);
    res.pages_mapped = pages;
    if (Status s = drv.aperture_write(gma, data.data(), data.size()); !s) return fail(s);
    if (Status s = drv.enable_irq(reg::SDEIIR::offset, reg::SDEIIR::PORTB_HOTPLUG.mask()); !s) return fail(s);
  });
  // An execlist submission made through the BARs only: ring, context image and a GGTT batch written
  // through the aperture, HWS_PGA, execlist mode, ELSP. The batch stores a seeded value.
  // GGTT addresses above the seeded pages (which stay below 4 MB + 64 KB), physical pages above 4 GB.
  const uint64_t ring = 0x1000000, lrca = 0x1010000, batch = 0x1040000, target = 0x1050000, hws = 0x1060000;
  const uint32_t magic = uint32_t(rng.next()) | 1;
  cpu.at(us(2), [&] {
    if (!res.booted) return;
    uint64_t pa = 0x1'0000'0000ull;
    for (auto [gma, pages] : {std::pair{ring, 1}, std::pair{lrca, 19}, std::pair{batch, 1}, std::pair{target, 1}, std::pair{hws, 1}}) {
      if (Status s = drv.map_ggtt(gma, pa, pages); !s) return fail(s);  // a 19-page render context image
      pa += 0x1000ull * pages;
    }
    auto put = [&](uint64_t gma, const std::vector<uint32_t>& dw) { return drv.aperture_write(gma, dw.data(), dw.size() * 4); };
    std::vector<uint32_t> bb = pack(CmdId::MI_STORE_DATA_IMM, {{cmd::MI_STORE_DATA_IMM::USE_GLOBAL_GTT, 1},
                                                               {cmd::MI_STORE_DATA_IMM::ADDRESS, target},
                                                               {cmd::MI_STORE_DATA_IMM::IMMEDIATE_DATA, magic}});
    bb.push_back(cmd::MI_BATCH_BUFFER_END::header);
    std::vector<uint32_t> rg = pack(CmdId::MI_BATCH_BUFFER_START, {{cmd::MI_BATCH_BUFFER_START::BATCH_BUFFER_START_ADDRESS, batch}});
    rg.push_back(0);  // MI_NOOP: the tail is QWord aligned
    // The register-state page: an LRI list of the ring context (restore-inhibit set, as i915 submits a
    // new context), then MI_BATCH_BUFFER_END.
    auto rcs = [](uint32_t (*at)(Engine)) { return at(Engine::RCS); };
    std::vector<uint32_t> image = {0, (cmd::MI_LOAD_REGISTER_IMM::header & ~0xFFu) | (2 * 5 - 1),
                                   rcs(reg::RING_CONTEXT_CONTROL::at), masked_write(reg::RING_CONTEXT_CONTROL::ENGINE_CTX_RESTORE_INHIBIT, 1) |
                                       masked_write(reg::RING_CONTEXT_CONTROL::INHIBIT_SYN_CTX_SWITCH, 1),
                                   rcs(reg::RING_HEAD::at), 0, rcs(reg::RING_TAIL::at), uint32_t(rg.size() * 4),
                                   rcs(reg::RING_START::at), uint32_t(ring), rcs(reg::RING_CTL::at),
                                   uint32_t(reg::RING_CTL::RING_VALID.make(1)), cmd::MI_BATCH_BUFFER_END::header};
    for (auto [gma, dw] : {std::pair{batch, bb}, std::pair{ring, rg}, std::pair{lrca + 0x1000, image}})
      if (Status s = put(gma, dw); !s) return fail(s);
    if (Status s = drv.enable_irq(reg::GEN8_GT_IIR0::offset, 1u << 8); !s) return fail(s);  // RCS context switch
    if (Status s = drv.write32(reg::RING_HWS_PGA::at(Engine::RCS), uint32_t(hws)); !s) return fail(s);
    if (Status s = drv.write32(reg::GFX_MODE::at(Engine::RCS), masked_write(reg::GFX_MODE::EXECLIST_ENABLE, 1)); !s) return fail(s);
    uint64_t desc = lrca | (3u << 3) | (1u << 8) | 1u;  // 48-bit legacy, valid
    for (uint32_t dw : {0u, 0u, uint32_t(desc >> 32), uint32_t(desc)})
      if (Status s = drv.write32(reg::RING_ELSP::at(Engine::RCS), dw); !s) return fail(s);
    res.submitted = true;
  });
  cpu.at(us(15), [&] {
    if (!res.submitted) return;
    uint32_t v = 0;
    if (Status s = drv.aperture_read(target, &v, 4); !s) return fail(s);
    res.executed = v == magic;
    auto st = drv.read32(reg::RING_EXECLIST_STATUS_LO::at(Engine::RCS));
    if (!st) return fail(st.status());
    h.add(*st), h.add(v);
  });
  // A monitor is plugged into port B: the PCH's live hot-plug state rises.
  hw.at(us(5), [&] { p.gpu().irq().set_level(model::gen8::IrqGroup::pch, reg::SDEIIR::PORTB_HOTPLUG.lo, true); });
  cpu.at(us(9), [&] {
    std::vector<uint8_t> back(data.size());
    if (Status s = drv.aperture_read(gma, back.data(), back.size()); !s) return fail(s);
    res.data_ok = back == data;
    for (RegId id : {RegId::RING_TIMESTAMP, RegId::RING_TIMESTAMP_UDW}) {
      auto v = drv.read32(reg_row(id).offset + engine_base(Engine::RCS));
      if (!v) return fail(v.status());
      h.add(*v);
    }
    if (Status s = drv.write32(reg::RING_TAIL::at(Engine::RCS), 0x40); !s) return fail(s);
    if (Status s = drv.write32(reg::GEN6_GDRST::offset, reg::GEN6_GDRST::GRDOM_RENDER.make(1)); !s) return fail(s);
    auto tail = drv.read32(reg::RING_TAIL::at(Engine::RCS));
    if (!tail) return fail(tail.status());
    h.add(*tail);
  });
  driver.run_until(p, us(20));

  for (const MsiRecord& m : p.msis()) h.add(m.time), h.add(m.address), h.add(m.data);
  for (const IrqRecord& r : drv.irqs()) {
    h.add(r.time), h.add(r.master);
    for (auto [off, bits] : r.iirs) h.add(off), h.add(bits);
  }
  for (uint64_t i = 0; i < pages; ++i) {
    h.add(p.gpu().ggtt().pte((gma >> 12) + i));
    h.update(p.memory().page_data(pas[i]), 4096);
  }
  for (uint32_t off : {reg::FORCEWAKE_ACK_HSW::offset, reg::GEN8_PRIVATE_PAT_LO::offset, reg::GEN8_PRIVATE_PAT_HI::offset,
                       reg::GEN8_MASTER_IRQ::offset, reg::SDEIIR::offset, reg::SDEISR::offset})
    h.add(p.gpu().regs().peek(off));
  h.add(p.cpu_stall());  // the CPU's stall time in MMIO and aperture accesses
  res.msis = p.msis().size();
  res.violations = p.memory().violations();
  res.untagged = p.memory().untagged_accesses();
  res.end_time = p.now();
  res.state_hash = h.digest();
  return res;
}

}  // namespace gvtsim::harness
