// The command API (spec/gen8/command.h): pack -> decode round trips for every row, length rules at
// their limits, real Gen8 dwords decoded with their cited meaning, unknown instructions, and the
// listing printer.
#include "spec/gen8/command.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace gvtsim::spec::gen8 {
namespace {

const std::array<Engine, kEngineCount> kAllEngines = {Engine::RCS, Engine::BCS, Engine::VCS, Engine::VCS2,
                                                      Engine::VECS};

Engine first_engine(const CmdRow& r) {
  for (Engine e : kAllEngines)
    if (has_engine(r.engines, e)) return e;
  return Engine::RCS;
}

// A length for `r` that holds every fixed field and two groups of a repeating tail (or valid_len,
// the only length GVT-g accepts, when the row has one).
uint32_t covering_length(const CmdRow& r) {
  if (r.valid_len) return r.valid_len;
  uint32_t len = r.default_len;
  for (const CmdField& f : r.fields) {
    const uint32_t need = f.bits.repeated() ? f.bits.repeat_from + 2u * f.bits.repeat_stride : f.bits.end();
    len = std::max(len, need);
  }
  return std::min(len, r.length.max());
}

uint64_t splitmix(uint64_t& s) {
  uint64_t z = (s += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// A nonzero value that fits the field (in place for addresses and offsets).
uint64_t value_for(const CmdBits& b, uint64_t& seed, bool all_ones) {
  const uint64_t field = b.mask() >> b.lo;
  uint64_t v = all_ones ? field : (splitmix(seed) & field);
  if (v == 0) v = 1;
  return b.in_place ? v << b.lo : v;
}

struct Expected {
  const CmdField* field;
  unsigned index;
  uint64_t value;
};

void round_trip(const CmdRow& r, bool all_ones) {
  SCOPED_TRACE(std::string(r.name) + (all_ones ? " (all ones)" : " (random)"));
  const uint32_t len = covering_length(r);
  uint64_t seed = uint64_t(r.id) * 7919 + (all_ones ? 1 : 0);
  std::vector<CmdValue> values;
  std::vector<Expected> expected;   // in listing order: fixed fields, then group by group
  unsigned groups = 0;
  for (const CmdField& f : r.fields) {
    if (f.bits.repeated()) {
      groups = std::max(groups, f.bits.groups(len));
      continue;
    }
    const uint64_t v = value_for(f.bits, seed, all_ones);
    values.push_back({f.bits, v, 0});
    expected.push_back({&f, 0, v});
  }
  for (unsigned i = 0; i < groups; ++i)
    for (const CmdField& f : r.fields) {
      if (!f.bits.repeated() || !f.bits.present(len, i)) continue;
      const uint64_t v = value_for(f.bits, seed, all_ones);
      values.push_back({f.bits, v, i});
      expected.push_back({&f, i, v});
    }
  if (groups) {
    EXPECT_GE(groups, 2u) << "two groups of the repeating tail";
  }
  std::string why;
  const auto packed = try_pack(r, values, len, &why);
  ASSERT_TRUE(packed.has_value()) << why;
  ASSERT_EQ(packed->size(), len);

  for (Engine e : kAllEngines) {
    const CmdRow* got = decode_header((*packed)[0], e);
    if (has_engine(r.engines, e)) {
      EXPECT_EQ(got, &r) << "header not found on " << engine_name(e);
    } else {
      EXPECT_NE(got, &r) << "decodes on " << engine_name(e) << " too";
    }
  }
  EXPECT_EQ(command_length(r, (*packed)[0]), len);
  EXPECT_TRUE(length_valid(r, (*packed)[0]));
  for (const Expected& x : expected)
    EXPECT_EQ(x.field->bits.get(*packed, x.index), x.value) << x.field->name << "[" << x.index << "]";

  // The listing decodes the same fields with the same values.
  const CmdEntry entry = decode_command(*packed, first_engine(r), 0x1000);
  ASSERT_EQ(entry.row, &r);
  EXPECT_EQ(entry.length, len);
  EXPECT_FALSE(entry.truncated());
  ASSERT_EQ(entry.fields.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(entry.fields[i].field, expected[i].field);
    EXPECT_EQ(entry.fields[i].index, expected[i].index);
    EXPECT_EQ(entry.fields[i].value, expected[i].value);
    EXPECT_EQ(entry.fields[i].space != CmdSpace::none, expected[i].field->type == CmdFieldType::address);
  }
}

TEST(CommandCodec, EveryRowRoundTripsThroughPackAndDecode) {
  std::size_t fields = 0;
  for (const CmdRow& r : kCmdRows) {
    round_trip(r, false);
    round_trip(r, true);
    fields += r.fields.size();
  }
  EXPECT_GT(fields, 1000u) << "the table's fields were all exercised";
}

TEST(CommandCodec, LengthRulesAtTheirLimits) {
  for (const CmdRow& r : kCmdRows) {
    SCOPED_TRACE(std::string(r.name));
    const uint32_t lo = r.length.min(), hi = r.length.max();
    for (uint32_t len : {lo, hi}) {
      const auto dw0 = encode_header(r, len);
      ASSERT_TRUE(dw0.has_value()) << len;
      EXPECT_EQ(command_length(r, *dw0), len);
      EXPECT_EQ(decode_header(*dw0, first_engine(r)), &r);
    }
    EXPECT_FALSE(encode_header(r, lo - 1).has_value());
    EXPECT_FALSE(encode_header(r, hi + 1).has_value());
    if (r.length.is_fixed()) {
      EXPECT_EQ(lo, hi);
      // Whatever the low bits hold, a fixed-length command has its fixed length.
      EXPECT_EQ(command_length(r, r.match | 0xFFu), r.length.fixed);
    } else {
      EXPECT_EQ(lo, r.length.bias);
      EXPECT_EQ(hi, (1u << r.length.bits) - 1 + r.length.bias);
      // All length bits set: the maximum; bits above the length field do not count.
      EXPECT_EQ(command_length(r, r.match | r.length.field_mask()), hi);
      EXPECT_EQ(command_length(r, r.match), lo);
      std::string why;
      EXPECT_FALSE(try_pack(r, {}, hi + 1, &why).has_value());
      EXPECT_NE(why.find("not encodable"), std::string::npos) << why;
    }
    if (r.valid_len) {
      EXPECT_TRUE(length_valid(r, *encode_header(r, r.valid_len)));
      const uint32_t other = r.valid_len < hi ? r.valid_len + 1 : r.valid_len - 1;
      EXPECT_FALSE(length_valid(r, *encode_header(r, other))) << "GVT-g rejects length " << other;
    } else {
      EXPECT_TRUE(length_valid(r, r.match | r.length.field_mask()));
    }
  }
  // The widest rules: 16 length bits give 65537 dwords (MEDIA_*, kernel len 16), 3 bits 9 dwords
  // (SWTESS_BASE_ADDRESS, kernel len 3).
  EXPECT_EQ(cmd_row(CmdId::MEDIA_OBJECT).length.max(), 65537u);
  EXPECT_EQ(cmd_row(CmdId::SWTESS_BASE_ADDRESS).length.max(), 9u);
  EXPECT_EQ(cmd_row(CmdId::MI_NOOP).length.max(), 1u);
  EXPECT_EQ(cmd_row(CmdId::MI_LOAD_SCAN_LINES_INCL).length.max(), 2u);
}

TEST(CommandCodec, PackerRejectsMisuse) {
  const CmdRow& sdi = cmd_row(CmdId::MI_STORE_DATA_IMM);
  std::string why;
  // Immediate Data is DW3..DW4: a 4-dword MI_STORE_DATA_IMM holds a dword of it, not a qword; a
  // 5-dword one holds both. Nothing at all fits a 3-dword one.
  const CmdValue qword{cmd::MI_STORE_DATA_IMM::IMMEDIATE_DATA, 0x1122334455667788ull};
  const CmdValue dword{cmd::MI_STORE_DATA_IMM::IMMEDIATE_DATA, 0x55667788ull};
  EXPECT_FALSE(try_pack(sdi, std::span(&qword, 1), 4, &why).has_value());
  EXPECT_NE(why.find("needs dword 4"), std::string::npos) << why;
  EXPECT_TRUE(try_pack(sdi, std::span(&qword, 1), 5).has_value());
  const auto one = try_pack(sdi, std::span(&dword, 1), 4);
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ((*one)[3], 0x55667788u);
  EXPECT_EQ(cmd::MI_STORE_DATA_IMM::IMMEDIATE_DATA.get(*one), 0x55667788u) << "high dword absent: reads 0";
  EXPECT_FALSE(try_pack(sdi, std::span(&dword, 1), 3, &why).has_value());
  EXPECT_NE(why.find("lies outside"), std::string::npos) << why;
  // An address must be aligned to its field (in place): Address is DW1 47:2.
  const CmdValue unaligned{cmd::MI_STORE_DATA_IMM::ADDRESS, 0x1002};
  EXPECT_FALSE(try_pack(sdi, std::span(&unaligned, 1), 4, &why).has_value());
  EXPECT_NE(why.find("does not fit"), std::string::npos) << why;
  const CmdValue too_high{cmd::MI_STORE_DATA_IMM::ADDRESS, 1ull << 48};
  EXPECT_FALSE(try_pack(sdi, std::span(&too_high, 1), 4, &why).has_value());
  // A value wider than a shifted field.
  const CmdValue wide{cmd::PIPE_CONTROL::POST_SYNC_OPERATION, 4};
  EXPECT_FALSE(try_pack(cmd_row(CmdId::PIPE_CONTROL), std::span(&wide, 1), 0, &why).has_value());
  // A group index on a field that does not repeat.
  const CmdValue indexed{cmd::PIPE_CONTROL::POST_SYNC_OPERATION, 1, 1};
  EXPECT_FALSE(try_pack(cmd_row(CmdId::PIPE_CONTROL), std::span(&indexed, 1), 0, &why).has_value());
  // A fixed-length command has exactly one length.
  EXPECT_FALSE(try_pack(cmd_row(CmdId::MI_NOOP), {}, 2).has_value());
  EXPECT_EQ(pack(CmdId::MI_NOOP), std::vector<uint32_t>{0u});
}

TEST(CommandCodecDeathTest, PackStopsOnMisuse) {
  EXPECT_DEATH(pack(CmdId::MI_NOOP, {}, 2), "MI_NOOP: length 2 is not encodable");
}

// ---------------------------------------------------------------------------------------------
// Real Gen8 dwords. Unless said otherwise they come from a capture: the aubinator excerpt in
// ../shared/traces/gltri.summary.txt (Mesa 22.3.6 iris on BDW GT3, decoded by Mesa's aubinator),
// which also states what each decodes to.

// Ring offset 0x1000 of every submission: a first-level PPGTT batch start of 3 dwords
// (gltri.summary.txt: "Address Space Indicator: 1 (PPGTT)", "Batch Buffer Start Address:
// 0xfffefffee000"; ../shared/docs/aub.md "Execlist submission (Gen8)"; gvt-reference §2.11: bit 8 =
// PPGTT, bit 22 = second level).
TEST(CommandCodec, DecodesAPpgttBatchBufferStart) {
  const uint32_t dw[] = {0x18800101, 0xfffee000, 0xfffffffe};
  for (Engine e : kAllEngines) {
    const CmdRow* row = decode_header(dw[0], e);
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->id, CmdId::MI_BATCH_BUFFER_START);
    EXPECT_EQ(command_length(*row, dw[0]), 3u);
  }
  namespace bbs = cmd::MI_BATCH_BUFFER_START;
  EXPECT_EQ(bbs::ADDRESS_SPACE_INDICATOR.get(dw), 1u);
  EXPECT_EQ(bbs::SECOND_LEVEL_BATCH_BUFFER.get(dw), 0u);
  EXPECT_EQ(bbs::BATCH_BUFFER_START_ADDRESS.get(dw), 0xfffefffee000ull) << "48 bits: DW2 15:0 over DW1 31:2";
  const CmdEntry e = decode_command(dw, Engine::RCS, 0x1000);
  const DecodedField* addr = nullptr;
  for (const DecodedField& f : e.fields)
    if (f.field->name == "Batch Buffer Start Address") addr = &f;
  ASSERT_NE(addr, nullptr);
  EXPECT_EQ(addr->space, CmdSpace::ppgtt);
  // The same command with bit 8 clear selects the GGTT: the BB_START 0x18800001 GVT-g appends to the
  // indirect context (gvt-reference §2.5; gvt/cmd_parser.c combine_wa_ctx).
  const uint32_t ggtt[] = {0x18800001, 0x00345000, 0};
  EXPECT_EQ(decode_command(ggtt, Engine::RCS).fields.back().space, CmdSpace::ggtt);
}

// Dword 1 of the render context image's register state: LRI(14), force-posted
// (../shared/docs/aub.md "Render context image"; i915 MI_LOAD_REGISTER_IMM(x) = MI_INSTR(0x22,
// 2*x - 1), MI_LRI_FORCE_POSTED = bit 12, gt/intel_gpu_commands.h): 29 dwords, 14 register/value
// pairs, the first CONTEXT_CONTROL 0x2244 = 0x00090009.
TEST(CommandCodec, DecodesTheContextImageLoadRegisterImmediate) {
  std::vector<uint32_t> dw(29, 0);
  dw[0] = 0x1100101B;
  dw[1] = 0x2244;
  dw[2] = 0x00090009;
  dw[3] = 0x2034;   // RING_HEAD
  dw[5] = 0x2030;   // RING_TAIL
  const CmdRow* row = decode_header(dw[0], Engine::RCS);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->id, CmdId::MI_LOAD_REGISTER_IMM);
  EXPECT_EQ(command_length(*row, dw[0]), 29u);
  namespace lri = cmd::MI_LOAD_REGISTER_IMM;
  EXPECT_EQ(lri::REGISTER_OFFSET.groups(29), 14u);
  EXPECT_EQ(lri::REGISTER_OFFSET.get(dw, 0), 0x2244u);
  EXPECT_EQ(lri::DATA_DWORD.get(dw, 0), 0x00090009u);
  EXPECT_EQ(lri::REGISTER_OFFSET.get(dw, 1), 0x2034u);
  EXPECT_EQ(lri::REGISTER_OFFSET.get(dw, 2), 0x2030u);
  EXPECT_EQ(lri::BYTE_WRITE_DISABLES.get(dw), 0u) << "bit 12 (force posted) is not part of 11:8";
  EXPECT_EQ(decode_command(dw, Engine::RCS).fields.size(), 1u + 2u * 14u);
  // From the batch (gltri.summary.txt at 0xfffefffee034): LRI of L3CNTLREG 0x7034 = 0x60000060.
  const uint32_t l3[] = {0x11000001, 0x00007034, 0x60000060};
  EXPECT_EQ(command_length(*decode_header(l3[0], Engine::RCS), l3[0]), 3u);
  EXPECT_EQ(lri::REGISTER_OFFSET.get(l3, 0), 0x7034u);
  EXPECT_EQ(lri::DATA_DWORD.get(l3, 0), 0x60000060u);
}

// PIPE_CONTROL with a post-sync immediate write to a PPGTT address (gltri.summary.txt at
// 0xfffefffee040: "Post Sync Operation: 1 (Write Immediate Data)", "Command Streamer Stall Enable:
// true", "Destination Address Type: 0 (PPGTT)", "Address: 0xfffefffff060").
TEST(CommandCodec, DecodesAPipeControlWithPostSyncWrite) {
  const uint32_t dw[] = {0x7a000004, 0x00105021, 0xfffff060, 0x0000fffe, 0, 0};
  const CmdRow* row = decode_header(dw[0], Engine::RCS);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->id, CmdId::PIPE_CONTROL);
  EXPECT_EQ(command_length(*row, dw[0]), 6u);
  EXPECT_EQ(decode_header(dw[0], Engine::BCS), nullptr) << "PIPE_CONTROL is render only";
  namespace pc = cmd::PIPE_CONTROL;
  EXPECT_EQ(pc::POST_SYNC_OPERATION.get(dw), 1u);
  EXPECT_TRUE(pc::COMMAND_STREAMER_STALL_ENABLE.test(dw));
  EXPECT_TRUE(pc::DC_FLUSH_ENABLE.test(dw));
  EXPECT_TRUE(pc::RENDER_TARGET_CACHE_FLUSH_ENABLE.test(dw));
  EXPECT_TRUE(pc::DEPTH_CACHE_FLUSH_ENABLE.test(dw));
  EXPECT_FALSE(pc::STALL_AT_PIXEL_SCOREBOARD.test(dw));
  EXPECT_EQ(pc::DESTINATION_ADDRESS_TYPE.get(dw), 0u);
  EXPECT_EQ(pc::ADDRESS.get(dw), 0xfffefffff060ull);
  EXPECT_EQ(pc::IMMEDIATE_DATA.get(dw), 0u);
  const CmdEntry e = decode_command(dw, Engine::RCS);
  for (const DecodedField& f : e.fields) {
    if (f.field->type == CmdFieldType::address) {
      EXPECT_EQ(f.space, CmdSpace::ppgtt);
    }
  }
  // The same command with DW1 bit 24 set writes through the GGTT (gvt-reference §2.11: destination
  // global GTT = DW1 bit 24): what GVT-g address-audits.
  const uint32_t ggtt[] = {0x7a000004, 0x00105021 | (1u << 24), 0x00001000, 0, 0xdeadbeef, 0};
  const CmdEntry g = decode_command(ggtt, Engine::RCS);
  bool saw = false;
  for (const DecodedField& f : g.fields)
    if (f.field->type == CmdFieldType::address) {
      EXPECT_EQ(f.space, CmdSpace::ggtt);
      EXPECT_EQ(f.value, 0x1000u);
      saw = true;
    }
  EXPECT_TRUE(saw);
  EXPECT_EQ(pc::IMMEDIATE_DATA.get(ggtt), 0xdeadbeefu);
}

// 3DSTATE_VF_INSTANCING (genxml gen8.xml: subtype 3, opcode 0, subopcode 73, length 3; DW1 bit 8
// Instancing Enable, 5:0 Vertex Element Index; DW2 Instance Data Step Rate): element 5 instanced,
// one instance per step. Hand-written, built from those facts.
TEST(CommandCodec, DecodesVfInstancing) {
  const uint32_t dw[] = {0x78490001, 0x00000105, 0x00000001};
  const CmdRow* row = decode_header(dw[0], Engine::RCS);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->name, "3DSTATE_VF_INSTANCING");
  EXPECT_EQ(command_length(*row, dw[0]), 3u);
  namespace vfi = cmd::_3DSTATE_VF_INSTANCING;
  EXPECT_TRUE(vfi::INSTANCING_ENABLE.test(dw));
  EXPECT_EQ(vfi::VERTEX_ELEMENT_INDEX.get(dw), 5u);
  EXPECT_EQ(vfi::INSTANCE_DATA_STEP_RATE.get(dw), 1u);
  EXPECT_EQ(pack(vfi::id, {{vfi::INSTANCING_ENABLE, 1}, {vfi::VERTEX_ELEMENT_INDEX, 5},
                           {vfi::INSTANCE_DATA_STEP_RATE, 1}}),
            std::vector<uint32_t>(std::begin(dw), std::end(dw)));
}

// PIPELINE_SELECT 0x69040000 (gltri.summary.txt at 0xfffefffee030: "Pipeline Selection: 0 (3D)"),
// a one-dword command without a length field; STATE_BASE_ADDRESS 0x6101000e is 16 dwords
// (gltri.summary.txt at 0xfffefffee058, "Surface State Base Address: 0x100000000").
TEST(CommandCodec, DecodesPipelineSelectAndStateBaseAddress) {
  const CmdRow* ps = decode_header(0x69040000, Engine::RCS);
  ASSERT_NE(ps, nullptr);
  EXPECT_EQ(ps->id, CmdId::PIPELINE_SELECT);
  EXPECT_EQ(command_length(*ps, 0x69040000), 1u);
  const uint32_t sba[] = {0x6101000e, 0x00000781, 0, 0x00780000, 0x00000781, 0x00000001, 0x00000781, 0x00000002,
                          0x00000781, 0, 0x00000781, 0, 0xfffff001, 0xfffff001, 0xfffff001, 0xfffff001};
  const CmdRow* row = decode_header(sba[0], Engine::RCS);
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->id, CmdId::STATE_BASE_ADDRESS);
  EXPECT_EQ(command_length(*row, sba[0]), 16u);
  EXPECT_EQ(cmd::STATE_BASE_ADDRESS::SURFACE_STATE_BASE_ADDRESS.get(sba), 0x100000000ull);
  EXPECT_EQ(cmd::STATE_BASE_ADDRESS::DYNAMIC_STATE_BASE_ADDRESS.get(sba), 0x200000000ull);
}

// The same DW0 means different commands on different engines: 0x70000003 is MEDIA_VFE_STATE on RCS
// and MFX_PIPE_MODE_SELECT on VCS/VCS2 (gvt/cmd_parser.c: OP_MEDIA_VFE_STATE (2,0,0) on R_RCS,
// OP_MFX_PIPE_MODE_SELECT OP_MFX(2,0,0,0) on R_VCS), 5 dwords either way; BCS and VECS have no
// such command. VEBOX_SURFACE_STATE is OP_VEB(2,4,0,0) on R_VECS only.
TEST(CommandCodec, DecodingDependsOnTheEngine) {
  auto id_on = [](uint32_t dw0, Engine e) -> std::string {
    const CmdRow* r = decode_header(dw0, e);
    return r ? std::string(r->name) : "none";
  };
  EXPECT_EQ(id_on(0x70000003, Engine::RCS), "MEDIA_VFE_STATE");
  EXPECT_EQ(id_on(0x70000003, Engine::VCS), "MFX_PIPE_MODE_SELECT");
  EXPECT_EQ(id_on(0x70000003, Engine::VCS2), "MFX_PIPE_MODE_SELECT");
  EXPECT_EQ(id_on(0x70000003, Engine::VECS), "none");
  EXPECT_EQ(id_on(0x70000003, Engine::BCS), "none");
  EXPECT_EQ(command_length(decode_header(0x70000003, Engine::RCS), 0x70000003), 5u);
  EXPECT_EQ(command_length(decode_header(0x70000003, Engine::VCS), 0x70000003), 5u);
  EXPECT_EQ(id_on(0x74000004, Engine::VECS), "VEBOX_SURFACE_STATE");
  EXPECT_EQ(command_length(decode_header(0x74000004, Engine::VECS), 0x74000004), 6u);
  EXPECT_EQ(id_on(0x74000004, Engine::VCS), "none");
  // XY_SRC_COPY_BLT 0x54C00006 (2D opcode 0x53, 8 dwords) exists on BCS only.
  EXPECT_EQ(id_on(0x54C00006, Engine::BCS), "XY_SRC_COPY_BLT");
  EXPECT_EQ(command_length(decode_header(0x54C00006, Engine::BCS), 0x54C00006), 8u);
  EXPECT_EQ(id_on(0x54C00006, Engine::RCS), "none");
}

// ---------------------------------------------------------------------------------------------
// Unknown instructions: Mesa's length rule (intel_decoder.c intel_group_get_length), never 0.

TEST(CommandCodec, UnknownInstructionsHaveALengthThatLetsDecodingGoOn) {
  EXPECT_EQ(unknown_command_length(0x07000000), 1u);          // MI opcode 0x0E < 0x10
  EXPECT_EQ(unknown_command_length(0x0C000005), 7u);          // MI_SET_CONTEXT-like opcode 0x18: 7:0 + 2
  EXPECT_EQ(unknown_command_length(0x40000003), 5u);          // 2D: 7:0 + 2
  EXPECT_EQ(unknown_command_length(0x69040000), 1u);          // GFX subtype 1: 1
  EXPECT_EQ(unknown_command_length(0x61040000), 1u);          // 0x6104: PIPELINE_SELECT (965)
  EXPECT_EQ(unknown_command_length(0x60100004), 6u);          // subtype 0, opcode 0: 7:0 + 2
  EXPECT_EQ(unknown_command_length(0x62000004), 1u);          // subtype 0, opcode 2: unknown -> 1
  EXPECT_EQ(unknown_command_length(0x70000003), 5u);          // subtype 2, opcode 0: 7:0 + 2
  EXPECT_EQ(unknown_command_length(0x71000123), 0x125u);      // subtype 2, opcode 1: 15:0 + 2
  EXPECT_EQ(unknown_command_length(0x74000123), 1u);          // subtype 2, opcode 4
  EXPECT_EQ(unknown_command_length(0x780b0000), 1u);          // 3DSTATE_VF_STATISTICS
  EXPECT_EQ(unknown_command_length(0x7b000005), 7u);          // subtype 3, opcode 3: 7:0 + 2
  EXPECT_EQ(unknown_command_length(0x7c000005), 1u);          // subtype 3, opcode 4
  for (uint32_t type : {1u, 4u, 5u, 6u, 7u}) EXPECT_EQ(unknown_command_length(type << 29 | 0xFF), 1u);
}

TEST(CommandCodec, UnknownOpcodesArePrintedAndSkipped) {
  // On RCS: MI opcode 0x1D (none on Gen8), an XY_COLOR_BLT header (a BCS command), a type-5 dword,
  // then MI_NOOP.
  const uint32_t buf[] = {0x0E800001, 0xAAAAAAAA, 0xBBBBBBBB, 0x54000000, 0x11111111, 0xA0000000, 0x00000000};
  const std::vector<CmdEntry> list = decode_commands(buf, Engine::RCS, 0x2000);
  ASSERT_EQ(list.size(), 4u);
  EXPECT_FALSE(list[0].known());
  EXPECT_EQ(list[0].length, 3u) << "MI opcode >= 0x10: DW0 7:0 + 2";
  EXPECT_EQ(list[0].raw, (std::vector<uint32_t>{0x0E800001, 0xAAAAAAAA, 0xBBBBBBBB}));
  EXPECT_EQ(list[1].address, 0x200Cu);
  EXPECT_FALSE(list[1].known());
  EXPECT_EQ(list[1].length, 2u) << "2D: DW0 7:0 + 2";
  EXPECT_EQ(decode_header(0x54000000, Engine::BCS)->id, CmdId::XY_COLOR_BLT);
  EXPECT_FALSE(list[2].known());
  EXPECT_EQ(list[2].length, 1u);
  EXPECT_EQ(list[3].row->id, CmdId::MI_NOOP);
  EXPECT_EQ(list[3].address, 0x2018u);
  EXPECT_EQ(to_text(list[0]), "0x00002000: 0x0e800001 UNKNOWN len=3: dwords=0x0e800001 0xaaaaaaaa 0xbbbbbbbb");
  EXPECT_EQ(to_json(list[2]),
            "{\"address\":8212,\"dw0\":2684354560,\"name\":\"UNKNOWN\",\"known\":false,\"length\":1,"
            "\"truncated\":false,\"dwords\":[2684354560],\"fields\":[]}");
}

// ---------------------------------------------------------------------------------------------
// The printer on a small buffer.

TEST(CommandCodec, PrintsASmallBatchAsTextAndJson) {
  namespace bbs = cmd::MI_BATCH_BUFFER_START;
  namespace sdi = cmd::MI_STORE_DATA_IMM;
  std::vector<uint32_t> buf;
  auto add = [&buf](const std::vector<uint32_t>& c) { buf.insert(buf.end(), c.begin(), c.end()); };
  add(pack(sdi::id, {{sdi::USE_GLOBAL_GTT, 1}, {sdi::ADDRESS, 0x1000}, {sdi::IMMEDIATE_DATA, 7}}, 4));
  add(pack(CmdId::MI_LOAD_REGISTER_IMM, {{cmd::MI_LOAD_REGISTER_IMM::REGISTER_OFFSET, 0x20C0, 0},
                                         {cmd::MI_LOAD_REGISTER_IMM::DATA_DWORD, 0xFFFF0000, 0},
                                         {cmd::MI_LOAD_REGISTER_IMM::REGISTER_OFFSET, 0x7034, 1},
                                         {cmd::MI_LOAD_REGISTER_IMM::DATA_DWORD, 0x60000060, 1}},
              5));
  add(pack(bbs::id, {{bbs::ADDRESS_SPACE_INDICATOR, 1}, {bbs::BATCH_BUFFER_START_ADDRESS, 0x12345000}}));
  add(pack(CmdId::MI_BATCH_BUFFER_END));
  add({0x7A000004, 0});   // a PIPE_CONTROL cut short by the end of the buffer

  const std::vector<CmdEntry> list = decode_commands(buf, Engine::RCS, 0x10000);
  ASSERT_EQ(list.size(), 5u);
  std::vector<std::string> text;
  for (const CmdEntry& e : list) text.push_back(to_text(e));
  EXPECT_EQ(text[0],
            "0x00010000: 0x10400002 MI_STORE_DATA_IMM len=4: Use Global GTT=true; Store Qword=0; "
            "Address=0x000000001000 (ggtt); Core Mode Enable=0; Immediate Data=7");
  EXPECT_EQ(text[1],
            "0x00010010: 0x11000003 MI_LOAD_REGISTER_IMM len=5: Byte Write Disables=0; "
            "Register Offset[0]=0x000020c0; Data DWord[0]=4294901760; Register Offset[1]=0x00007034; "
            "Data DWord[1]=1610612832");
  EXPECT_EQ(text[2],
            "0x00010024: 0x18800101 MI_BATCH_BUFFER_START len=3: Second Level Batch Buffer=0; "
            "Add Offset Enable=false; Predication Enable=false; Resource Streamer Enable=false; "
            "Address Space Indicator=1; Batch Buffer Start Address=0x000012345000 (ppgtt)");
  EXPECT_EQ(text[3], "0x00010030: 0x05000000 MI_BATCH_BUFFER_END len=1");
  EXPECT_TRUE(list[4].truncated());
  EXPECT_EQ(list[4].available, 2u);
  EXPECT_EQ(text[4].substr(0, 43), "0x00010034: 0x7a000004 PIPE_CONTROL len=6: ");
  EXPECT_NE(text[4].find("(truncated: 2 of 6 dwords)"), std::string::npos) << text[4];
  EXPECT_EQ(text[4].find("Address="), std::string::npos) << "fields beyond the buffer are not printed";

  EXPECT_EQ(to_json(list[2]),
            "{\"address\":65572,\"dw0\":411042049,\"name\":\"MI_BATCH_BUFFER_START\",\"known\":true,"
            "\"length\":3,\"truncated\":false,\"fields\":["
            "{\"name\":\"Second Level Batch Buffer\",\"value\":0},"
            "{\"name\":\"Add Offset Enable\",\"value\":false},"
            "{\"name\":\"Predication Enable\",\"value\":false},"
            "{\"name\":\"Resource Streamer Enable\",\"value\":false},"
            "{\"name\":\"Address Space Indicator\",\"value\":1},"
            "{\"name\":\"Batch Buffer Start Address\",\"value\":305418240,\"space\":\"ppgtt\"}]}");
  const std::string lri = to_json(list[1]);
  EXPECT_NE(lri.find("{\"name\":\"Register Offset\",\"index\":1,\"value\":28724}"), std::string::npos) << lri;
}

TEST(CommandCodec, PrintsSignedFloatAndRejectedLengths) {
  // 3DSTATE_DRAWING_RECTANGLE's origin is a signed 16-bit field (genxml type int).
  namespace dr = cmd::_3DSTATE_DRAWING_RECTANGLE;
  const auto rect = pack(dr::id, {{dr::DRAWING_RECTANGLE_ORIGIN_X, 0xFFFF}});
  EXPECT_EQ(dr::DRAWING_RECTANGLE_ORIGIN_X.get_signed(rect), -1);
  EXPECT_NE(to_text(decode_command(rect, Engine::RCS)).find("Drawing Rectangle Origin X=-1"), std::string::npos);
  // 3DSTATE_CLEAR_PARAMS's depth clear value is a float: 1.0f = 0x3f800000.
  const auto clear = pack(CmdId::_3DSTATE_CLEAR_PARAMS, {{cmd::_3DSTATE_CLEAR_PARAMS::DEPTH_CLEAR_VALUE, 0x3f800000}});
  const CmdEntry ce = decode_command(clear, Engine::RCS);
  EXPECT_NE(to_text(ce).find("Depth Clear Value=1;"), std::string::npos) << to_text(ce);
  EXPECT_NE(to_json(ce).find("{\"name\":\"Depth Clear Value\",\"value\":1}"), std::string::npos) << to_json(ce);
  // MI_STORE_REGISTER_MEM of 5 dwords: GVT-g requires 4 (valid_len).
  const uint32_t srm[] = {0x12000003, 0x2358, 0, 0, 0};
  const CmdEntry e = decode_command(srm, Engine::RCS);
  EXPECT_FALSE(e.length_valid());
  EXPECT_NE(to_text(e).find("(length != valid_len 4)"), std::string::npos) << to_text(e);
  EXPECT_NE(to_json(e).find("\"valid_len\":4"), std::string::npos);
}

}  // namespace
}  // namespace gvtsim::spec::gen8
