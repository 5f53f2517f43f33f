// The virtual configuration space (vgpu/cfg_space.h; gvt-reference §2.1, i915 gvt/cfg_space.c).
#include "vgpu/cfg_space.h"

#include <gtest/gtest.h>

#include "tests/unit/vgpu/fakes.h"
#include "tests/unit/vgpu/fixture.h"

namespace gvtsim::vgpu {
namespace {

using namespace pcicfg;
using testing::HostPci;

constexpr uint64_t kAperturePa = 0x40'8000'0000;  // above 4 GB: only its low dword reaches BAR2

CfgSpace make(uint64_t aperture = 1ull << 30, std::vector<uint8_t> golden = HostPci::config(kAperturePa)) {
  return CfgSpace(golden, aperture, kAperturePa);
}

uint32_t rd(const CfgSpace& c, uint32_t o, unsigned size = 4) {
  Result<uint32_t> r = c.read(o, size);
  EXPECT_TRUE(r) << r.status().to_string();
  return r ? *r : 0xDEADBEEF;
}

TEST(CfgSpace, TheGoldenCopyAsGvtAdjustsIt) {
  const std::vector<uint8_t> host = HostPci::config(kAperturePa);
  CfgSpace c = make();
  EXPECT_EQ(rd(c, 0x00), 0x16168086u) << "ids are the host's";
  EXPECT_EQ(rd(c, 0x08), 0x03000009u) << "class and revision are the host's";
  const uint32_t gmch = rd(c, kGmch, 2);
  EXPECT_EQ(gmch >> kGmsShift, 0u) << "GMS cleared: no stolen memory";
  EXPECT_EQ(gmch & 0xFF, HostPci::kGmch & 0xFFu) << "GGMS and the rest of the low byte kept";
  EXPECT_EQ(rd(c, kCommand, 2) & (kCommandIo | kCommandMemory | kCommandMaster), 0u);
  EXPECT_EQ(rd(c, kBar0), uint32_t(HostPci::kBar0) | kBarMem64) << "BAR0's low dword is the host's";
  EXPECT_EQ(rd(c, kBar1), 0u);
  EXPECT_EQ(rd(c, kBar2), uint32_t(kAperturePa) | 0xCu) << "BAR2 = the host aperture's base, flags kept";
  EXPECT_EQ(rd(c, kBar3), 0u);
  EXPECT_EQ(rd(c, kBar4), 0u);
  EXPECT_EQ(rd(c, kBar5), 0u);
  EXPECT_EQ(rd(c, kRom), 0u);
  EXPECT_EQ(rd(c, kAsls), 0u) << "the host's OpRegion address is not the guest's";
  EXPECT_EQ(rd(c, 0x5C), 0x7B000001u) << "everything else is the host's";
  EXPECT_EQ(c.msi_cap_offset(), HostPci::kMsiCap);
  EXPECT_EQ(c.pmcsr_offset(), HostPci::kPmCap + kPmCtrl);
  EXPECT_FALSE(c.bar0_trapped());
  EXPECT_FALSE(c.aperture_mapped());
  EXPECT_FALSE(c.d3_entered());
  // MSI starts as the guest would find it behind QEMU: disabled, no address or data.
  EXPECT_EQ(rd(c, HostPci::kMsiCap, 2), 0xD005u) << "the capability header is kept";
  EXPECT_FALSE(c.msi().enabled);
  EXPECT_EQ(c.msi().address, 0u);
  EXPECT_EQ(c.msi().data, 0u);
  // The golden copy itself is not touched by guest writes: reset() brings it back.
  ASSERT_TRUE(c.write(kInterruptLine, 1, 0x42));
  c.reset();
  EXPECT_EQ(rd(c, kInterruptLine, 1), uint32_t(host[kInterruptLine]));
}

TEST(CfgSpace, BarSizingReturnsTheHostsSizes) {
  for (uint64_t aperture : {256ull << 20, 1ull << 30, 2ull << 30}) {
    SCOPED_TRACE(aperture);
    CfgSpace c = make(aperture);
    for (uint32_t bar : {kBar0, kBar1, kBar2, kBar3, kBar4, kBar5}) ASSERT_TRUE(c.write(bar, 4, 0xFFFFFFFF));
    EXPECT_EQ(rd(c, kBar0), 0xFF000004u) << "16 MB, 64-bit memory";
    EXPECT_EQ(rd(c, kBar1), 0xFFFFFFFFu);
    EXPECT_EQ(rd(c, kBar2), uint32_t(~(aperture - 1)) | 0xCu) << "the whole host aperture, not the vGPU's slice";
    EXPECT_EQ(rd(c, kBar3), 0xFFFFFFFFu);
    EXPECT_EQ(rd(c, kBar4), 0u) << "unimplemented BARs size to 0";
    EXPECT_EQ(rd(c, kBar5), 0u);
    EXPECT_EQ(c.bar_size(Bar::gttmmio), 16ull << 20);
    EXPECT_EQ(c.bar_size(Bar::aperture), aperture);
    ASSERT_TRUE(c.write(kRom, 4, 0xFFFFF800));
    EXPECT_EQ(rd(c, kRom), 0u) << "no ROM";
  }
}

TEST(CfgSpace, GuestBarBasesStayVirtual) {
  CfgSpace c = make();
  ASSERT_TRUE(c.write(kBar0, 4, 0x1000'0000 | 0xF));  // flag bits are not the guest's to change
  ASSERT_TRUE(c.write(kBar1, 4, 0x1));
  ASSERT_TRUE(c.write(kBar2, 4, 0x8000'0000));
  ASSERT_TRUE(c.write(kBar3, 4, 0x2));
  EXPECT_EQ(rd(c, kBar0), 0x1000'0004u);
  EXPECT_EQ(rd(c, kBar2), 0x8000'000Cu);
  EXPECT_EQ(c.bar_gpa(Bar::gttmmio), 0x1'1000'0000ull);
  EXPECT_EQ(c.bar_gpa(Bar::aperture), 0x2'8000'0000ull);
  ASSERT_TRUE(c.write(kBar4, 4, 0xC001));
  EXPECT_EQ(rd(c, kBar4), 0xC000u) << "BAR4 stores bits 31:4 and keeps its (zero) flags";
}

TEST(CfgSpace, MemoryEnableTogglesTheBarTrap) {
  CfgSpace c = make();
  std::vector<std::pair<Bar, bool>> events;
  c.set_hooks({.on_trap = [&](Bar b, bool on) { events.push_back({b, on}); }});
  ASSERT_TRUE(c.write(kBar0, 4, 0x1000'0000));
  ASSERT_TRUE(c.write(kBar2, 4, 0x8000'0000));
  EXPECT_TRUE(events.empty()) << "placing BARs with decode off traps nothing";
  EXPECT_FALSE(c.claim(0x1000'2030, 4));

  ASSERT_TRUE(c.write(kCommand, 2, kCommandMemory | kCommandMaster));
  EXPECT_TRUE(c.bar0_trapped());
  EXPECT_TRUE(c.aperture_mapped());
  EXPECT_EQ(events, (std::vector<std::pair<Bar, bool>>{{Bar::gttmmio, true}, {Bar::aperture, true}}));
  auto hit = c.claim(0x1000'2030, 4);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->first, Bar::gttmmio);
  EXPECT_EQ(hit->second, 0x2030u);
  hit = c.claim(0x8000'1000, 8);
  ASSERT_TRUE(hit);
  EXPECT_EQ(hit->first, Bar::aperture);
  EXPECT_EQ(hit->second, 0x1000u);
  EXPECT_FALSE(c.claim(0x1000'0000 + (16ull << 20) - 2, 4)) << "straddles the end of BAR0";

  events.clear();
  ASSERT_TRUE(c.write(kCommand, 1, kCommandMemory | kCommandIo));
  EXPECT_TRUE(events.empty()) << "no change of the memory bit, no change of the trap";

  // Moving BAR0 with decode on re-traps it at the new place; a sizing probe untraps it.
  ASSERT_TRUE(c.write(kBar0, 4, 0x2000'0000));
  EXPECT_TRUE(c.bar0_trapped());
  EXPECT_TRUE(c.claim(0x2000'0000, 4));
  EXPECT_FALSE(c.claim(0x1000'0000, 4));
  ASSERT_TRUE(c.write(kBar0, 4, 0xFFFFFFFF));
  EXPECT_FALSE(c.bar0_trapped());
  EXPECT_TRUE(c.aperture_mapped());

  events.clear();
  ASSERT_TRUE(c.write(kCommand, 2, 0));
  EXPECT_FALSE(c.bar0_trapped());
  EXPECT_FALSE(c.aperture_mapped());
  EXPECT_EQ(events, (std::vector<std::pair<Bar, bool>>{{Bar::aperture, false}}));
  EXPECT_FALSE(c.claim(0x8000'1000, 8));
}

TEST(CfgSpace, HeaderWritesFollowTheWritableMap) {
  std::vector<uint8_t> golden = HostPci::config(kAperturePa);
  golden[kStatus + 1] = 0x82;  // detected parity error (bit 15, RW1C) and DEVSEL timing (bit 9, read-only)
  CfgSpace c = make(1ull << 30, golden);
  ASSERT_TRUE(c.write(0x00, 4, 0xFFFFFFFF));
  EXPECT_EQ(rd(c, 0x00), 0x16168086u) << "ids are read-only";
  ASSERT_TRUE(c.write(0x08, 4, 0));
  EXPECT_EQ(rd(c, 0x08), 0x03000009u) << "class is read-only";
  ASSERT_TRUE(c.write(kCommand + 1, 1, 0xFF));
  EXPECT_EQ(rd(c, kCommand + 1, 1), 0x07u) << "COMMAND bits 15:11 are read-only";
  // STATUS's upper byte is write-1-to-clear where the map (0xF9) allows; bits 10:9 are read-only.
  ASSERT_TRUE(c.write(kStatus, 2, 0x0000));
  EXPECT_EQ(rd(c, kStatus, 2), 0x8210u) << "writing 0 clears nothing";
  ASSERT_TRUE(c.write(kStatus, 2, 0xFFFF));
  EXPECT_EQ(rd(c, kStatus, 2), 0x0210u) << "writing 1 clears bit 15; bit 9 and the low byte are read-only";
  ASSERT_TRUE(c.write(0x0C, 1, 0x10));
  EXPECT_EQ(rd(c, 0x0C, 1), 0x10u) << "cache line size";
  // From 0x40 up, GVT stores what the guest writes (here: the MSI capability and a vendor register).
  ASSERT_TRUE(c.write(0x44, 4, 0x12345678));
  EXPECT_EQ(rd(c, 0x44), 0x12345678u);
  ASSERT_TRUE(c.write(0x400, 4, 0xA5A5A5A5));
  EXPECT_EQ(rd(c, 0x400), 0xA5A5A5A5u) << "the extended space is storage too";
  EXPECT_EQ(rd(c, 0xFFC), 0u);
}

TEST(CfgSpace, MalformedAccessesAreGuestErrors) {
  CfgSpace c = make();
  const auto before = c.bytes();
  struct Bad { uint32_t offset; unsigned size; };
  for (Bad b : {Bad{0x00, 3}, Bad{0x00, 0}, Bad{0x00, 8}, Bad{0x02, 4}, Bad{0x01, 2}, Bad{0x1000, 4}, Bad{0xFFE, 4}}) {
    SCOPED_TRACE(fmt::format("{:#x}/{}", b.offset, b.size));
    Result<uint32_t> r = c.read(b.offset, b.size);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.status().kind(), StatusKind::guest_error);
    Status w = c.write(b.offset, b.size, 0xFFFFFFFF);
    ASSERT_FALSE(w);
    EXPECT_EQ(w.kind(), StatusKind::guest_error);
  }
  // Dword registers take whole dwords; COMMAND takes at most two bytes (the kernel's -EINVAL).
  for (Bad b : {Bad{kBar0, 2}, Bad{kBar2 + 2, 2}, Bad{kRom, 1}, Bad{kSwsci, 2}, Bad{kAsls, 1}, Bad{kCommand, 4}}) {
    SCOPED_TRACE(fmt::format("{:#x}/{}", b.offset, b.size));
    Status w = c.write(b.offset, b.size, 0xFFFFFFFF);
    ASSERT_FALSE(w);
    EXPECT_EQ(w.kind(), StatusKind::guest_error);
  }
  EXPECT_EQ(c.bytes(), before) << "a refused access changes nothing";
  EXPECT_FALSE(c.bar0_trapped());
}

TEST(CfgSpace, EnteringD3hotSetsD3Entered) {
  CfgSpace c = make();
  const uint32_t pmcsr = c.pmcsr_offset();
  ASSERT_EQ(pmcsr, 0xD4u);
  ASSERT_TRUE(c.write(pmcsr, 2, 0x0001));  // D1
  EXPECT_FALSE(c.d3_entered());
  ASSERT_TRUE(c.write(pmcsr + 1, 1, 0x00));
  EXPECT_FALSE(c.d3_entered()) << "only a write starting at PMCSR is looked at";
  ASSERT_TRUE(c.write(pmcsr, 2, 0x0003));  // D3hot
  EXPECT_TRUE(c.d3_entered());
  ASSERT_TRUE(c.write(pmcsr, 2, 0x0000));  // back to D0: the flag stays until a device-model reset
  EXPECT_TRUE(c.d3_entered());
  c.reset();
  EXPECT_TRUE(c.d3_entered()) << "the reset reads it; Vgpu::device_model_reset clears it";
  c.clear_d3_entered();
  ASSERT_TRUE(c.write(pmcsr, 4, 0x0003));  // a dword write at PMCSR counts too
  EXPECT_TRUE(c.d3_entered());
}

TEST(CfgSpace, AMalformedGoldenCapabilityListDoesNotHang) {
  std::vector<uint8_t> golden = HostPci::config(kAperturePa);
  golden[HostPci::kPmCap + 1] = HostPci::kMsiCap;  // PM points back at MSI: a cycle
  golden[HostPci::kPmCap] = 0x09;                  // and PM is no longer PM
  CfgSpace c = make(1ull << 30, golden);
  EXPECT_EQ(c.pmcsr_offset(), 0u);
  EXPECT_EQ(c.msi_cap_offset(), HostPci::kMsiCap);
  ASSERT_TRUE(c.write(0xD4, 2, 3));
  EXPECT_FALSE(c.d3_entered()) << "no PM capability, no D3 tracking";
}

// Through a vGPU: the MSI the guest programs is the one the hypervisor injects.
class CfgThroughVgpu : public testing::OneVgpu {};

TEST_F(CfgThroughVgpu, MsiUsesTheGuestsProgramming) {
  const uint32_t cap = vgpu->cfg().msi_cap_offset();
  ASSERT_TRUE(vgpu->inject_msi());
  EXPECT_TRUE(fakes.hyp.msis.empty()) << "MSI disabled: nothing is injected";
  ASSERT_TRUE(vgpu->cfg_write(cap + kMsiAddress, 4, 0xFEE0'0000));
  ASSERT_TRUE(vgpu->cfg_write(cap + kMsiData, 2, 0x4041));
  ASSERT_TRUE(vgpu->cfg_write(cap + kMsiControl, 2, kMsiEnable));
  ASSERT_TRUE(vgpu->inject_msi());
  ASSERT_EQ(fakes.hyp.msis.size(), 1u);
  EXPECT_EQ(fakes.hyp.msis[0].vgpu, vgpu->id());
  EXPECT_EQ(fakes.hyp.msis[0].address, 0xFEE0'0000u);
  EXPECT_EQ(fakes.hyp.msis[0].data, 0x4041u);
  EXPECT_EQ(device->stats().value("vgpu1.irq.msi_injected"), 1.0);
  // More than one message or a 64-bit address: GVT supports only the single 32-bit format.
  ASSERT_TRUE(vgpu->cfg_write(cap + kMsiControl, 2, kMsiEnable | (1u << 4)));
  Status s = vgpu->inject_msi();
  ASSERT_FALSE(s);
  EXPECT_EQ(s.kind(), StatusKind::guest_error);
  EXPECT_EQ(fakes.hyp.msis.size(), 1u);
}

TEST_F(CfgThroughVgpu, GuestErrorsAreCountedAndSurvivable) {
  EXPECT_FALSE(vgpu->cfg_read(0x3, 2));
  EXPECT_FALSE(vgpu->cfg_write(kBar0, 2, 0));
  EXPECT_EQ(device->stats().value("vgpu1.cfg.guest_errors"), 2.0);
  EXPECT_EQ(device->stats().value("vgpu1.cfg.accesses"), 2.0);
  EXPECT_EQ(cfg32(0x00), 0x16168086u);
  EXPECT_FALSE(vgpu->failsafe()) << "a malformed config access is not a failsafe cause";
}

TEST_F(CfgThroughVgpu, DeviceModelResetRestoresTheCreationState) {
  ASSERT_TRUE(vgpu->cfg_write(kBar0, 4, 0x1000'0000));
  ASSERT_TRUE(vgpu->cfg_write(kCommand, 2, kCommandMemory));
  ASSERT_TRUE(vgpu->cfg().bar0_trapped());
  ASSERT_TRUE(vgpu->mmio_read(kPvInfoBase, 8));
  vgpu->enter_failsafe(FailsafeReason::guest_err, "test");
  vgpu->device_model_reset();
  EXPECT_FALSE(vgpu->cfg().bar0_trapped());
  EXPECT_EQ(cfg32(kBar0), uint32_t(HostPci::kBar0) | kBarMem64);
  EXPECT_EQ(cfg32(kCommand) & 0xFFFF, 0u);
  EXPECT_FALSE(vgpu->failsafe()) << "only a device-model reset leaves failsafe";
  EXPECT_FALSE(vgpu->pv_notified()) << "the guest must read PVINFO again";

  // A reset that ends a D3 cycle keeps the PVINFO handshake and clears d3_entered instead.
  ASSERT_TRUE(vgpu->mmio_read(kPvInfoBase, 8));
  ASSERT_TRUE(vgpu->cfg_write(vgpu->cfg().pmcsr_offset(), 2, 3));
  ASSERT_TRUE(vgpu->d3_entered());
  vgpu->device_model_reset();
  EXPECT_FALSE(vgpu->d3_entered());
  EXPECT_TRUE(vgpu->pv_notified());
}

}  // namespace
}  // namespace gvtsim::vgpu
