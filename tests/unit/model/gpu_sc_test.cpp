// The SystemC shells: a stimulus module drives the GPU's and the memory's target sockets over TLM
// and checks every malformed access gets a TLM error response (never an abort), and that DMI is
// granted only to untagged (software) accesses. One SystemC elaboration per process: each TEST runs
// in its own process (gtest_discover_tests PRE_TEST).
#include "model/gen8/gpu_sc.h"

#include <gtest/gtest.h>
#include <tlm_utils/simple_initiator_socket.h>

#include "model/gen8/access_ext_sc.h"
#include "model/gen8/memory_sc.h"

namespace gvtsim::model::gen8 {
namespace {

struct Stim : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Stim> cfg{"cfg"}, bar0{"bar0"}, bar2{"bar2"}, mem{"mem"};
  explicit Stim(sc_core::sc_module_name n) : sc_module(n) {}

  tlm::tlm_response_status go(tlm_utils::simple_initiator_socket<Stim>& s, tlm::tlm_command cmd, uint64_t addr,
                              unsigned len, unsigned width = 0, bool byte_enables = false, AccessExt* ext = nullptr) {
    uint8_t data[64] = {};
    uint8_t be[64];
    std::fill(be, be + 64, 0xFF);
    tlm::tlm_generic_payload p;
    p.set_command(cmd);
    p.set_address(addr);
    p.set_data_ptr(data);
    p.set_data_length(len);
    p.set_streaming_width(width ? width : len);
    if (byte_enables) {
      p.set_byte_enable_ptr(be);
      p.set_byte_enable_length(len);
    }
    if (ext) p.set_extension(ext);
    p.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_core::sc_time d = sc_core::SC_ZERO_TIME;
    s->b_transport(p, d);
    if (ext) p.clear_extension(ext);
    return p.get_response_status();
  }
};

struct ShellTest : ::testing::Test {
  EventQueue queue;
  Stats stats;
  SystemMemory memory{StatGroup(stats, "mem"), OwnershipDefault::mediated};
  Gen8Gpu core{GpuConfig{}, memory, StatGroup(stats, "gpu"), queue};
  Stim stim{"stim"};
  GpuSc gpu{"gpu"};
  MemorySc mem_sc{"memory"};
  struct MsiSink : sc_core::sc_module {
    tlm_utils::simple_target_socket<MsiSink> port{"port"};
    int count = 0;
    explicit MsiSink(sc_core::sc_module_name n) : sc_module(n) {
      port.register_b_transport(this, &MsiSink::b);
    }
    void b(tlm::tlm_generic_payload& p, sc_core::sc_time&) {
      ++count;
      p.set_response_status(tlm::TLM_OK_RESPONSE);
    }
  } msi{"msi"};

  ShellTest() {
    stim.cfg.bind(gpu.cfg);
    stim.bar0.bind(gpu.bar0);
    stim.bar2.bind(gpu.bar2);
    stim.mem.bind(mem_sc.port);
    gpu.dma.bind(mem_sc.port);
    gpu.msi.bind(msi.port);
    gpu.attach(core);
    mem_sc.attach(memory);
  }
  ~ShellTest() override { gpu.detach(); }
};

using tlm::TLM_READ_COMMAND;
using tlm::TLM_WRITE_COMMAND;

TEST_F(ShellTest, MalformedAccessesGetTlmErrorResponses) {
  // Config space.
  EXPECT_EQ(stim.go(stim.cfg, TLM_READ_COMMAND, 0, 4), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(stim.go(stim.cfg, tlm::TLM_IGNORE_COMMAND, 0, 4), tlm::TLM_COMMAND_ERROR_RESPONSE);
  EXPECT_EQ(stim.go(stim.cfg, TLM_READ_COMMAND, 0, 8), tlm::TLM_BURST_ERROR_RESPONSE) << "8 bytes to config";
  EXPECT_EQ(stim.go(stim.cfg, TLM_READ_COMMAND, 0, 3), tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(stim.go(stim.cfg, TLM_READ_COMMAND, 2, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE) << "misaligned";
  EXPECT_EQ(stim.go(stim.cfg, TLM_READ_COMMAND, 0x1000, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE) << "beyond 4 KB";
  EXPECT_EQ(stim.go(stim.cfg, TLM_READ_COMMAND, 0, 4, 2), tlm::TLM_BURST_ERROR_RESPONSE) << "streaming width";
  EXPECT_EQ(stim.go(stim.cfg, TLM_READ_COMMAND, 0, 4, 0, true), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  // BARs with memory decode off.
  EXPECT_EQ(stim.go(stim.bar0, TLM_READ_COMMAND, 0x2030, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(stim.go(stim.bar2, TLM_READ_COMMAND, 0, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  ASSERT_TRUE(core.cfg_write(pci::kCommand, 2, pci::kCommandMemory));
  EXPECT_EQ(stim.go(stim.bar0, TLM_READ_COMMAND, 0x2030, 4), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(stim.go(stim.bar0, TLM_READ_COMMAND, 0x2034, 8), tlm::TLM_ADDRESS_ERROR_RESPONSE) << "misaligned qword";
  EXPECT_EQ(stim.go(stim.bar0, TLM_READ_COMMAND, 0x2030, 16), tlm::TLM_BURST_ERROR_RESPONSE);
  EXPECT_EQ(stim.go(stim.bar0, TLM_WRITE_COMMAND, kBar0Size, 4), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(stim.go(stim.bar0, TLM_READ_COMMAND, kBar0GgttOffset, 2), tlm::TLM_GENERIC_ERROR_RESPONSE) << "2-byte GGTT access";
  EXPECT_EQ(stim.go(stim.bar0, TLM_WRITE_COMMAND, 0x2030, 4, 0, true), tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
  EXPECT_EQ(stim.go(stim.bar2, TLM_READ_COMMAND, core.config().aperture_size - 4, 8), tlm::TLM_ADDRESS_ERROR_RESPONSE);
  EXPECT_EQ(stim.go(stim.bar2, TLM_READ_COMMAND, 0x100, 64), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(stim.go(stim.mem, tlm::TLM_IGNORE_COMMAND, 0, 4), tlm::TLM_COMMAND_ERROR_RESPONSE);
}

TEST_F(ShellTest, DeviceTrafficCrossesTheDmaSocketTaggedAndTheOracleSeesIt) {
  ASSERT_TRUE(core.cfg_write(pci::kCommand, 2, pci::kCommandMemory));
  memory.set_owner(0x20000, 4096, Owner::vgpu(2));
  ASSERT_TRUE(core.bar0_write(kBar0GgttOffset, 8, 0x20000 | 1));
  AccessExt ext(AccessTag::aperture(Owner::vgpu(1)));
  EXPECT_EQ(stim.go(stim.bar2, TLM_WRITE_COMMAND, 0x10, 4, 0, false, &ext), tlm::TLM_OK_RESPONSE);
  EXPECT_EQ(memory.violations(), 1u) << "the aperture write went through gpu.dma to the memory target, tagged";
  EXPECT_EQ(memory.violation_log()[0].access_owner, Owner::vgpu(1));
}

TEST_F(ShellTest, DmiOnlyForUntaggedAccesses) {
  tlm::tlm_generic_payload p;
  tlm::tlm_dmi dmi;
  p.set_address(0x5000);
  p.set_command(TLM_READ_COMMAND);
  EXPECT_TRUE(stim.mem->get_direct_mem_ptr(p, dmi));
  EXPECT_EQ(dmi.get_start_address(), 0x5000u);
  EXPECT_EQ(dmi.get_end_address(), 0x5FFFu);
  AccessExt ext(AccessTag::context(Owner::vgpu(1)));
  p.set_extension(&ext);
  EXPECT_FALSE(stim.mem->get_direct_mem_ptr(p, dmi)) << "a DMI pointer would bypass the oracle";
  p.clear_extension(&ext);
}

TEST_F(ShellTest, MsiLeavesThroughTheMsiSocket) {
  ASSERT_TRUE(core.cfg_write(pci::kCommand, 2, pci::kCommandMemory | pci::kCommandBusMaster));
  ASSERT_TRUE(core.cfg_write(pci::kMsiCap + 2, 2, pci::kMsiEnable));
  ASSERT_TRUE(core.bar0_write(0x44304, 4, 0));           // GT IMR0
  ASSERT_TRUE(core.bar0_write(0x4430C, 4, 1));           // GT IER0
  ASSERT_TRUE(core.bar0_write(0x44200, 4, 1u << 31));    // master
  core.irq().raise(IrqGroup::gt0, 0);
  EXPECT_EQ(msi.count, 1);
}

}  // namespace
}  // namespace gvtsim::model::gen8
