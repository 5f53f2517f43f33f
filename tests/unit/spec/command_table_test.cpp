// Checks of the command table itself (spec/gen8/commands.toml through the generated C++): the row
// counts against the kernel's table, the invariants the generator validates, and the O(1) decode
// tables against a plain scan of the rows.
#include "spec/gen8/command.h"

#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace gvtsim::spec::gen8 {
namespace {

const std::array<Engine, kEngineCount> kAllEngines = {Engine::RCS, Engine::BCS, Engine::VCS, Engine::VCS2,
                                                      Engine::VECS};

std::size_t rows_on(Engine e) {
  std::size_t n = 0;
  for (const CmdRow& r : kCmdRows) n += has_engine(r.engines, e);
  return n;
}

// The kernel's gvt/cmd_parser.c cmd_info[] has 225 descriptors, 224 of them valid on BDW
// (3DSTATE_COMPONENT_PACKING is D_SKL_PLUS); per ring they are 116 RCS-only non-MI, 24 BCS-only XY_*,
// 40 VCS + 3 VECS, 29 MI on all rings plus 3DSTATE_VF_STATISTICS (kernel: _GM45) on all rings, 8 RCS-only MI and
// 3 RCS|BCS MI (as counted in ../shared/docs/gvt-reference.md §2.5). Hence RCS 157, BCS 57, VCS 70,
// VECS 33; the kernel's R_VCS covers both video rings, so VCS2 has VCS's 70.
TEST(CommandTable, RowCountsPerEngineMatchTheKernelTable) {
  EXPECT_EQ(kCmdRowCount, 224u);
  EXPECT_EQ(rows_on(Engine::RCS), 157u);
  EXPECT_EQ(rows_on(Engine::BCS), 57u);
  EXPECT_EQ(rows_on(Engine::VCS), 70u);
  EXPECT_EQ(rows_on(Engine::VCS2), 70u);
  EXPECT_EQ(rows_on(Engine::VECS), 33u);

  std::map<CmdType, int> by_type;
  int mi_all = 0, mi_rcs_only = 0, mi_rcs_bcs = 0, all_rings = 0;
  const EngineMask all = engine_bit(Engine::RCS) | engine_bit(Engine::BCS) | engine_bit(Engine::VCS) |
                         engine_bit(Engine::VCS2) | engine_bit(Engine::VECS);
  const EngineMask rcs_bcs = engine_bit(Engine::RCS) | engine_bit(Engine::BCS);
  for (const CmdRow& r : kCmdRows) {
    ++by_type[r.type];
    all_rings += r.engines == all;
    if (r.type != CmdType::mi) continue;
    mi_all += r.engines == all;
    mi_rcs_only += r.engines == engine_bit(Engine::RCS);
    mi_rcs_bcs += r.engines == rcs_bcs;
  }
  EXPECT_EQ(by_type[CmdType::mi], 40);
  EXPECT_EQ(by_type[CmdType::blt], 24);
  EXPECT_EQ(by_type[CmdType::gfx], 160);
  EXPECT_EQ(mi_all, 29);
  EXPECT_EQ(mi_rcs_only, 8);
  EXPECT_EQ(mi_rcs_bcs, 3);
  EXPECT_EQ(all_rings, 30) << "29 MI plus 3DSTATE_VF_STATISTICS (the kernel's _GM45)";
}

// The kernel's F_LEN_CONST rows (gvt/cmd_parser.c cmd_info[]): the 16 one-dword MI commands, the
// two-dword MI_LOAD_SCAN_LINES_INCL, and PIPELINE_SELECT, 3DSTATE_VF_STATISTICS_SUBTYPE3 and
// 3DSTATE_VF_STATISTICS of one dword. Every other row has a length field.
TEST(CommandTable, FixedLengthRowsAreTheKernelsConstLengthOnes) {
  std::map<std::string, uint32_t> fixed;
  for (const CmdRow& r : kCmdRows)
    if (r.length.is_fixed()) fixed[std::string(r.name)] = r.length.fixed;
  const std::map<std::string, uint32_t> expected = {
      {"MI_NOOP", 1}, {"MI_SET_PREDICATE", 1}, {"MI_USER_INTERRUPT", 1}, {"MI_WAIT_FOR_EVENT", 1},
      {"MI_FLUSH", 1}, {"MI_ARB_CHECK", 1}, {"MI_RS_CONTROL", 1}, {"MI_REPORT_HEAD", 1},
      {"MI_ARB_ON_OFF", 1}, {"MI_URB_ATOMIC_ALLOC", 1}, {"MI_BATCH_BUFFER_END", 1},
      {"MI_SUSPEND_FLUSH", 1}, {"MI_PREDICATE", 1}, {"MI_TOPOLOGY_FILTER", 1}, {"MI_SET_APPID", 1},
      {"MI_RS_CONTEXT", 1}, {"MI_LOAD_SCAN_LINES_INCL", 2}, {"PIPELINE_SELECT", 1},
      {"3DSTATE_VF_STATISTICS_SUBTYPE3", 1}, {"3DSTATE_VF_STATISTICS", 1}};
  EXPECT_EQ(fixed, expected);
}

// valid_len is the kernel's CMD_LEN(x) = x + 2 on its F_LEN_VAR_FIXED rows (gvt/cmd_parser.c).
TEST(CommandTable, ValidLengthsAreTheKernelsFixedVariableOnes) {
  std::map<std::string, uint32_t> valid;
  for (const CmdRow& r : kCmdRows)
    if (r.valid_len) valid[std::string(r.name)] = r.valid_len;
  const std::map<std::string, uint32_t> expected = {
      {"MI_SEMAPHORE_MBOX", 3}, {"MI_URB_CLEAR", 2}, {"MI_SEMAPHORE_SIGNAL", 2}, {"MI_SEMAPHORE_WAIT", 4},
      {"MI_STORE_REGISTER_MEM", 4}, {"MI_REPORT_PERF_COUNT", 4}, {"MI_LOAD_REGISTER_MEM", 4},
      {"MI_LOAD_REGISTER_REG", 3}, {"MI_RS_STORE_DATA_IMM", 4}, {"MI_LOAD_URB_MEM", 4},
      {"MI_COPY_MEM_MEM", 5}, {"MI_CONDITIONAL_BATCH_BUFFER_END", 4}};
  EXPECT_EQ(valid, expected);
}

// Length-field widths that differ from the common 8 bits, as the kernel gives them (cmd_info[] `len`
// of F_LEN_VAR rows): MI_STORE_DATA_IMM / MI_UPDATE_GTT / MI_CLFLUSH 10, MI_FLUSH_DW /
// MI_REPORT_PERF_COUNT / MFX_WAIT 6, 3DSTATE_DX9_CONSTANTF_* 11, 3DSTATE_BINDING_TABLE_EDIT_* and
// 3DSTATE_SO_DECL_LIST 9, the media (MEDIA_*) rows 16, the MFX/VEBOX rows 12 (MFX_2_6_0_* 16),
// GPGPU_WALKER 8.
TEST(CommandTable, LengthFieldWidthsFollowTheKernel) {
  auto bits = [](CmdId id) { return unsigned(cmd_row(id).length.bits); };
  EXPECT_EQ(bits(CmdId::MI_STORE_DATA_IMM), 10u);
  EXPECT_EQ(bits(CmdId::MI_UPDATE_GTT), 10u);
  EXPECT_EQ(bits(CmdId::MI_CLFLUSH), 10u);
  EXPECT_EQ(bits(CmdId::MI_FLUSH_DW), 6u);
  EXPECT_EQ(bits(CmdId::MI_REPORT_PERF_COUNT), 6u);
  EXPECT_EQ(bits(CmdId::MFX_WAIT), 6u);
  EXPECT_EQ(bits(CmdId::_3DSTATE_DX9_CONSTANTF_VS), 11u);
  EXPECT_EQ(bits(CmdId::_3DSTATE_BINDING_TABLE_EDIT_PS), 9u);
  EXPECT_EQ(bits(CmdId::_3DSTATE_SO_DECL_LIST), 9u);
  EXPECT_EQ(bits(CmdId::MEDIA_VFE_STATE), 16u);
  EXPECT_EQ(bits(CmdId::MEDIA_OBJECT_WALKER), 16u);
  EXPECT_EQ(bits(CmdId::MFX_PIPE_MODE_SELECT), 12u);
  EXPECT_EQ(bits(CmdId::VEB_DI_IECP), 12u);
  EXPECT_EQ(bits(CmdId::MFX_2_6_0_0), 16u);
  EXPECT_EQ(bits(CmdId::GPGPU_WALKER), 8u);
  EXPECT_EQ(bits(CmdId::_3DSTATE_VF_INSTANCING), 8u);
}

TEST(CommandTable, RowsAreConsistentAndInCanonicalOrder) {
  std::set<std::string_view> names;
  for (std::size_t i = 0; i < kCmdRows.size(); ++i) {
    const CmdRow& r = kCmdRows[i];
    EXPECT_EQ(std::size_t(r.id), i) << r.name;
    EXPECT_TRUE(names.insert(r.name).second) << r.name << " twice";
    EXPECT_EQ(r.match & ~r.mask, 0u) << r.name;
    const uint32_t type_bits = r.type == CmdType::mi ? 0u : r.type == CmdType::blt ? 2u : 3u;
    EXPECT_EQ(r.match >> 29, type_bits) << r.name;
    EXPECT_NE(r.engines, 0) << r.name;
    EXPECT_EQ(has_engine(r.engines, Engine::VCS), has_engine(r.engines, Engine::VCS2))
        << r.name << ": a VCS row also runs on VCS2";
    EXPECT_EQ(r.length.field_mask() & r.mask, 0u) << r.name << ": length field inside the opcode";
    EXPECT_GE(r.default_len, r.length.min()) << r.name;
    EXPECT_LE(r.default_len, r.length.max()) << r.name;
    if (r.valid_len) {
      EXPECT_EQ(r.default_len, r.valid_len) << r.name;
    }
    EXPECT_FALSE(r.cite.empty()) << r.name;
    for (const CmdField& f : r.fields) {
      EXPECT_LE(f.bits.lo, 31) << r.name << "." << f.name;
      EXPECT_LE(f.bits.end(0), r.length.max()) << r.name << "." << f.name;
      EXPECT_EQ(f.space != CmdSpace::none, f.type == CmdFieldType::address) << r.name << "." << f.name;
      if (f.bits.dword(0) == 0) {
        EXPECT_EQ(uint32_t(f.bits.mask()) & (r.mask | r.length.field_mask()), 0u)
            << r.name << "." << f.name << " overlaps the header";
      }
    }
    if (i == 0) continue;
    const CmdRow& p = kCmdRows[i - 1];
    auto key = [](const CmdRow& x) {
      const uint32_t opcode = x.type == CmdType::gfx ? (x.match >> 24) & 7 : x.match >> (x.type == CmdType::mi ? 23 : 22) & 0x7F;
      const uint32_t subtype = x.type == CmdType::gfx ? (x.match >> 27) & 3 : 0;
      const uint32_t sub = x.type == CmdType::gfx ? (x.match >> 16) & 0xFF : 0;
      unsigned first = 0;
      while (!(x.engines & (1u << first))) ++first;
      return std::make_tuple(int(x.type), opcode, subtype, sub, first);
    };
    EXPECT_LT(key(p), key(r)) << p.name << " / " << r.name
                              << ": MI, 2D, GFX; then opcode, subtype, subopcode, engine";
  }
}

TEST(CommandTable, NoTwoRowsDecodeTheSameHeaderOnAnEngine) {
  for (std::size_t i = 0; i < kCmdRows.size(); ++i)
    for (std::size_t j = i + 1; j < kCmdRows.size(); ++j) {
      const CmdRow& a = kCmdRows[i];
      const CmdRow& b = kCmdRows[j];
      if (!(a.engines & b.engines)) continue;
      EXPECT_NE((a.match ^ b.match) & a.mask & b.mask, 0u) << a.name << " and " << b.name;
    }
}

// The per-engine tables behind decode_header() agree with the definition (the first row whose
// match DW0 satisfies on the engine) for every opcode value of every type, with the remaining bits
// random; types 1 and 4..7 never decode.
TEST(CommandTable, DecodeTablesAgreeWithAScanOfTheRows) {
  uint64_t rng = 0x9E3779B97F4A7C15ull;
  auto next = [&rng] {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return uint32_t(rng);
  };
  auto scan = [](uint32_t dw0, Engine e) -> const CmdRow* {
    for (const CmdRow& r : kCmdRows)
      if (has_engine(r.engines, e) && r.matches(dw0)) return &r;
    return nullptr;
  };
  std::size_t checked = 0, found = 0;
  for (Engine e : kAllEngines) {
    for (uint32_t type = 0; type < 8; ++type) {
      const unsigned low = type == 0 ? 23 : type == 2 ? 22 : 16;   // opcode bits are 28:low
      for (uint32_t op = 0; op < (1u << (29 - low)); ++op) {
        const uint32_t dw0 = (type << 29) | (op << low) | (next() & ((1u << low) - 1));
        const CmdRow* got = decode_header(dw0, e);
        ASSERT_EQ(got, scan(dw0, e)) << std::hex << "dw0 0x" << dw0 << " on " << engine_name(e);
        if (type != 0 && type != 2 && type != 3) {
          ASSERT_EQ(got, nullptr);
        }
        ++checked;
        found += got != nullptr;
      }
    }
  }
  EXPECT_GT(checked, 5u * 8192u);
  EXPECT_EQ(found, rows_on(Engine::RCS) + rows_on(Engine::BCS) + rows_on(Engine::VCS) + rows_on(Engine::VCS2) +
                       rows_on(Engine::VECS))
      << "every row is reachable through the tables exactly once per engine";
}

TEST(CommandTable, EveryRowDecodesFromItsHeaderOnItsEnginesOnly) {
  for (const CmdRow& r : kCmdRows)
    for (Engine e : kAllEngines) {
      const CmdRow* got = decode_header(r.match, e);
      if (has_engine(r.engines, e)) {
        EXPECT_EQ(got, &r) << r.name << " on " << engine_name(e);
      } else {
        EXPECT_NE(got, &r) << r.name << " decodes on " << engine_name(e);
      }
    }
}

TEST(CommandTable, TypedNamespacesMatchTheRows) {
  EXPECT_EQ(cmd::MI_NOOP::id, CmdId::MI_NOOP);
  EXPECT_EQ(cmd_row(cmd::MI_BATCH_BUFFER_START::id).name, "MI_BATCH_BUFFER_START");
  EXPECT_EQ(cmd::MI_BATCH_BUFFER_START::header, 0x18800001u);   // genxml: opcode 49, DWord Length 1
  EXPECT_EQ(cmd::MI_STORE_DATA_IMM::header, 0x10000002u);       // opcode 0x20, 4 dwords
  EXPECT_EQ(cmd::PIPE_CONTROL::header, 0x7A000004u);            // i915 GFX_OP_PIPE_CONTROL(6)
  EXPECT_EQ(cmd::_3DSTATE_VF_INSTANCING::header, 0x78490001u);
  EXPECT_EQ(cmd_row(cmd::_3DSTATE_VF_INSTANCING::id).name, "3DSTATE_VF_INSTANCING");
  EXPECT_EQ(cmd::MI_BATCH_BUFFER_START::ADDRESS_SPACE_INDICATOR.lo, 8);
  EXPECT_EQ(cmd::MI_BATCH_BUFFER_START::BATCH_BUFFER_START_ADDRESS.dw, 1);
  EXPECT_TRUE(cmd::MI_BATCH_BUFFER_START::BATCH_BUFFER_START_ADDRESS.in_place);
  EXPECT_EQ(cmd::MI_LOAD_REGISTER_IMM::REGISTER_OFFSET.repeat_from, 1);
  EXPECT_EQ(cmd::MI_LOAD_REGISTER_IMM::REGISTER_OFFSET.repeat_stride, 2);
  // Each typed constant is the descriptor of the row's field of the same position.
  const CmdRow& pc = cmd_row(CmdId::PIPE_CONTROL);
  bool seen = false;
  for (const CmdField& f : pc.fields)
    if (f.name == "Post Sync Operation") {
      seen = true;
      EXPECT_EQ(f.bits.dw, cmd::PIPE_CONTROL::POST_SYNC_OPERATION.dw);
      EXPECT_EQ(f.bits.hi, cmd::PIPE_CONTROL::POST_SYNC_OPERATION.hi);
      EXPECT_EQ(f.bits.lo, cmd::PIPE_CONTROL::POST_SYNC_OPERATION.lo);
    }
  EXPECT_TRUE(seen);
  for (const CmdRow& r : kCmdRows) EXPECT_EQ(r.default_len, r.length.of(*encode_header(r, r.default_len))) << r.name;
}

}  // namespace
}  // namespace gvtsim::spec::gen8
