// Tests of model/gen8/mi_semantics.h. Each expected value says where it comes from; the source
// keys ([genxml], [i915], [mi], [runner], [mhw8], [mhw11], [mhw], [aop]) are those of the header.
#include "model/gen8/mi_semantics.h"

#include <gtest/gtest.h>

#include <array>
#include <initializer_list>
#include <iterator>
#include <vector>

#include "spec/gen8/commands.h"

namespace gvtsim::model::gen8 {
namespace {

using Op = AluOpcode;
using R = AluOperand;
constexpr uint64_t kTrue = ~0ull;  // a set ALU flag reads as all ones ([mi] constant folding)

constexpr uint32_t load(R dst, R src) { return alu_instruction(Op::load, dst, src); }
constexpr uint32_t loadinv(R dst, R src) { return alu_instruction(Op::loadinv, dst, src); }
constexpr uint32_t store(R dst, R src) { return alu_instruction(Op::store, dst, src); }
constexpr uint32_t storeinv(R dst, R src) { return alu_instruction(Op::storeinv, dst, src); }
constexpr uint32_t alu(Op op) { return alu_instruction(op); }

MathResult run(std::initializer_list<uint32_t> program, Gprs& g, AluRegisters& a) {
  std::vector<uint32_t> dwords(program);
  return execute_mi_math(dwords, g, a);
}

// SRCA = a, SRCB = b, then one arithmetic opcode; the ALU registers afterwards.
AluRegisters binop(Op op, uint64_t a, uint64_t b) {
  Gprs g;
  g.r[0] = a;
  g.r[1] = b;
  AluRegisters regs;
  MathResult r = run({load(R::srca, R::r0), load(R::srcb, R::r1), alu(op)}, g, regs);
  EXPECT_TRUE(r.is_ok()) << r.status.to_string();
  EXPECT_EQ(r.executed, 3u);
  return regs;
}

// ------------------------------------------------------------------------------------------------
// MI_MATH

TEST(MiMath, EncodingsAreGenxmlAndI915Values) {
  // Literal dwords: opcode << 20 | operand1 << 10 | operand2 with [genxml]/[i915] values
  // (LOAD 0x080, LOADINV 0x480, LOAD0 0x081, LOAD1 0x481, ADD 0x100 .. XOR 0x104, STORE 0x180,
  // STOREINV 0x580; SRCA 0x20, SRCB 0x21, ACCU 0x31, ZF 0x32, CF 0x33).
  EXPECT_EQ(alu_instruction(Op::noop), 0x00000000u);
  EXPECT_EQ(load(R::srca, R::r0), 0x08008000u);
  EXPECT_EQ(loadinv(R::srcb, R::r15), 0x4800840Fu);
  EXPECT_EQ(alu_instruction(Op::load0, R::srca), 0x08108000u);
  EXPECT_EQ(alu_instruction(Op::load1, R::srcb), 0x48108400u);
  EXPECT_EQ(alu(Op::add), 0x10000000u);
  EXPECT_EQ(alu(Op::sub), 0x10100000u);
  EXPECT_EQ(alu(Op::and_), 0x10200000u);
  EXPECT_EQ(alu(Op::or_), 0x10300000u);
  EXPECT_EQ(alu(Op::xor_), 0x10400000u);
  EXPECT_EQ(store(alu_gpr(2), R::accu), 0x18000831u);
  EXPECT_EQ(storeinv(R::r15, R::cf), 0x58003C33u);
  EXPECT_EQ(store(R::r0, R::zf), 0x18000032u);

  for (uint32_t dw : {0x00000000u, 0x08008000u, 0x4800840Fu, 0x08108000u, 0x48108400u, 0x10000000u,
                      0x10100000u, 0x10200000u, 0x10300000u, 0x10400000u, 0x18000831u,
                      0x58003C33u}) {
    Result<AluInstruction> in = decode_alu_instruction(dw);
    ASSERT_TRUE(in) << std::hex << dw << ": " << in.status().to_string();
    EXPECT_EQ(alu_instruction(in->opcode, in->operand1, in->operand2), dw) << std::hex << dw;
  }
}

TEST(MiMath, LoadVariantsAndStoreVariantsMoveValues) {
  // LOAD/LOADINV copy or invert a register into SRCx; LOAD0 gives 0, LOAD1 all ones ([mi]
  // _mi_math_load_src uses LOAD1 for UINT64_MAX); STORE/STOREINV copy or invert into a GPR.
  Gprs g;
  g.r[0] = 0x1122334455667788ull;
  AluRegisters a;
  MathResult r = run({load(R::srca, R::r0), store(R::r1, R::srca),
                      loadinv(R::srcb, R::r0), store(R::r2, R::srcb),
                      storeinv(R::r3, R::srca),
                      alu_instruction(Op::load0, R::srca), store(R::r4, R::srca),
                      alu_instruction(Op::load1, R::srcb), store(R::r5, R::srcb)},
                     g, a);
  ASSERT_TRUE(r.is_ok()) << r.status.to_string();
  EXPECT_EQ(r.executed, 9u);
  EXPECT_EQ(g.r[0], 0x1122334455667788ull) << "sources are not modified";
  EXPECT_EQ(g.r[1], 0x1122334455667788ull);
  EXPECT_EQ(g.r[2], 0xEEDDCCBBAA998877ull);
  EXPECT_EQ(g.r[3], 0xEEDDCCBBAA998877ull);
  EXPECT_EQ(g.r[4], 0u);
  EXPECT_EQ(g.r[5], ~0ull);
  EXPECT_EQ(a.srca, 0u);
  EXPECT_EQ(a.srcb, ~0ull);
}

TEST(MiMath, AddCarryAndZeroFlags) {
  // CF = carry out of bit 63 ([runner] MI_ALU_ADD); ZF = ACCU == 0 ([mi] mi_z: ADD x+0, STORE ZF);
  // flags are all ones when set ([mi]).
  AluRegisters r = binop(Op::add, 2, 3);
  EXPECT_EQ(r.accu, 5u);
  EXPECT_EQ(r.cf, 0u);
  EXPECT_EQ(r.zf, 0u);

  r = binop(Op::add, ~0ull, 1);  // wraps to zero with a carry
  EXPECT_EQ(r.accu, 0u);
  EXPECT_EQ(r.cf, kTrue);
  EXPECT_EQ(r.zf, kTrue);

  r = binop(Op::add, 0x8000000000000000ull, 0x8000000000000001ull);
  EXPECT_EQ(r.accu, 1u);
  EXPECT_EQ(r.cf, kTrue);
  EXPECT_EQ(r.zf, 0u);

  r = binop(Op::add, 0xFFFFFFFFull, 1);  // 64-bit ALU: no carry at bit 31
  EXPECT_EQ(r.accu, 0x100000000ull);
  EXPECT_EQ(r.cf, 0u);

  r = binop(Op::add, 0, 0);
  EXPECT_EQ(r.accu, 0u);
  EXPECT_EQ(r.cf, 0u);
  EXPECT_EQ(r.zf, kTrue);
}

TEST(MiMath, SubBorrowAndZeroFlags) {
  // CF = borrow, i.e. SRCA < SRCB ([mi] mi_ult = SUB then STORE CF); ZF = equal ([mi] mi_ieq).
  AluRegisters r = binop(Op::sub, 7, 5);
  EXPECT_EQ(r.accu, 2u);
  EXPECT_EQ(r.cf, 0u);
  EXPECT_EQ(r.zf, 0u);

  r = binop(Op::sub, 1, 2);
  EXPECT_EQ(r.accu, ~0ull);
  EXPECT_EQ(r.cf, kTrue);
  EXPECT_EQ(r.zf, 0u);

  r = binop(Op::sub, 5, 5);
  EXPECT_EQ(r.accu, 0u);
  EXPECT_EQ(r.cf, 0u);
  EXPECT_EQ(r.zf, kTrue);

  r = binop(Op::sub, 0, ~0ull);
  EXPECT_EQ(r.accu, 1u);
  EXPECT_EQ(r.cf, kTrue);
}

TEST(MiMath, LogicOpsSetZeroAndClearCarry) {
  // ACCU = SRCA op SRCB, ZF on zero; CF cleared ([runner] MI_ALU_AND/OR/XOR).
  AluRegisters r = binop(Op::and_, 0xF0F0, 0xFF00);
  EXPECT_EQ(r.accu, 0xF000u);
  EXPECT_EQ(r.zf, 0u);
  r = binop(Op::or_, 0xF0F0, 0xFF00);
  EXPECT_EQ(r.accu, 0xFFF0u);
  r = binop(Op::xor_, 0xF0F0, 0xFF00);
  EXPECT_EQ(r.accu, 0x0FF0u);
  r = binop(Op::and_, 0xF0, 0x0F);
  EXPECT_EQ(r.accu, 0u);
  EXPECT_EQ(r.zf, kTrue);
  r = binop(Op::xor_, 0x1234, 0x1234);
  EXPECT_EQ(r.zf, kTrue);

  // A borrow from SUB, then AND: CF reads zero afterwards.
  Gprs g;
  g.r[0] = 1;
  g.r[1] = 2;
  AluRegisters a;
  ASSERT_TRUE(run({load(R::srca, R::r0), load(R::srcb, R::r1), alu(Op::sub),
                   store(R::r2, R::cf), alu(Op::and_), store(R::r3, R::cf)},
                  g, a)
                  .is_ok());
  EXPECT_EQ(g.r[2], kTrue);
  EXPECT_EQ(g.r[3], 0u);
}

TEST(MiMath, NoopChangesNothing) {
  Gprs g;
  g.r[7] = 77;
  AluRegisters a{1, 2, 3, 4, 5};
  ASSERT_TRUE(run({alu(Op::noop), alu(Op::noop)}, g, a).is_ok());
  EXPECT_EQ(g.r[7], 77u);
  EXPECT_EQ(a.srca, 1u);
  EXPECT_EQ(a.accu, 3u);
  EXPECT_EQ(a.cf, 5u);
}

TEST(MiMath, CompareIdiomsMatchMesaMiBuilderTest) {
  // Mesa mi_builder_test.cpp ult_uge_ieq_ine: these eight values, every pair, and the stored
  // results must equal the builder's folding (src0 OP src1 ? ~0 : 0). The programs are
  // mi_math_binop's: LOAD SRCA, LOAD SRCB, SUB, then STORE CF (ult), STOREINV CF (uge), STORE ZF
  // (ieq), STOREINV ZF (ine).
  const uint64_t values[8] = {0x0123456789abcdefull, 0xdeadbeefac0ffee2ull, uint64_t(-1), 1, 0,
                              1049571, uint64_t(-240058), 20204184};
  for (uint64_t x : values) {
    for (uint64_t y : values) {
      Gprs g;
      g.r[0] = x;
      g.r[1] = y;
      AluRegisters a;
      const uint32_t pre[] = {load(R::srca, R::r0), load(R::srcb, R::r1), alu(Op::sub)};
      std::vector<uint32_t> p(std::begin(pre), std::end(pre));
      for (uint32_t s : {store(R::r2, R::cf), storeinv(R::r3, R::cf), store(R::r4, R::zf),
                         storeinv(R::r5, R::zf)})
        p.push_back(s);
      ASSERT_TRUE(execute_mi_math(p, g, a).is_ok());
      SCOPED_TRACE(::testing::Message() << std::hex << x << " vs " << y);
      EXPECT_EQ(g.r[2], x < y ? ~0ull : 0);
      EXPECT_EQ(g.r[3], x >= y ? ~0ull : 0);
      EXPECT_EQ(g.r[4], x == y ? ~0ull : 0);
      EXPECT_EQ(g.r[5], x != y ? ~0ull : 0);
    }
  }
}

TEST(MiMath, MultiplyByDoublingProgram) {
  // The shape of anv's build_alu_multiply_gpr0 (Mesa genX_cmd_buffer.c): GPR0 * 5 by doubling
  // through ADD into a scratch GPR, then adding GPR0 once: 5 * 0x123456789 = 0x5B05B05AD.
  Gprs g;
  g.r[0] = 0x123456789ull;
  AluRegisters a;
  MathResult r = run({load(R::srca, R::r0), load(R::srcb, R::r0), alu(Op::add),
                      store(R::r1, R::accu),  // 2x
                      load(R::srca, R::r1), load(R::srcb, R::r1), alu(Op::add),
                      store(R::r1, R::accu),  // 4x
                      load(R::srca, R::r1), load(R::srcb, R::r0), alu(Op::add),
                      store(R::r0, R::accu)},  // 5x
                     g, a);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r.executed, 12u);
  EXPECT_EQ(g.r[0], 0x5B05B05ADull);
}

TEST(MiMath, AluRegistersAreTheCallersToKeepOrDrop) {
  Gprs g;
  g.r[0] = 40;
  g.r[1] = 2;
  AluRegisters a;
  ASSERT_TRUE(run({load(R::srca, R::r0), load(R::srcb, R::r1), alu(Op::add)}, g, a).is_ok());
  ASSERT_TRUE(run({store(R::r2, R::accu)}, g, a).is_ok());
  EXPECT_EQ(g.r[2], 42u) << "ACCU kept by the caller between two MI_MATH commands";

  const uint32_t only_store[] = {store(R::r3, R::accu)};
  g.r[3] = 99;
  ASSERT_TRUE(execute_mi_math(only_store, g).is_ok());
  EXPECT_EQ(g.r[3], 0u) << "the two-argument overload starts from zeroed ALU registers";
}

TEST(MiMath, EmptyPayloadIsNothing) {
  Gprs g;
  MathResult r = execute_mi_math(std::span<const uint32_t>{}, g);
  EXPECT_TRUE(r.is_ok());
  EXPECT_EQ(r.executed, 0u);
}

TEST(MiMath, UnknownOpcodeIsAGuestErrorNamingTheDwordAndChangesNothing) {
  // 0x105 is SHL, an opcode of later generations only ([mi] MI_ALU_SHL under GFX_VERx10 >= 125).
  Gprs g;
  g.r[0] = 5;
  AluRegisters a;
  MathResult r = run({load(R::srca, R::r0), store(R::r1, R::srca), 0x10500000u}, g, a);
  EXPECT_FALSE(r.is_ok());
  EXPECT_EQ(r.status.kind(), StatusKind::guest_error);
  EXPECT_EQ(r.executed, 0u);
  EXPECT_NE(r.status.message().find("dword 2"), std::string::npos) << r.status.message();
  EXPECT_NE(r.status.message().find("DW3"), std::string::npos) << r.status.message();
  EXPECT_NE(r.status.message().find("0x10500000"), std::string::npos) << r.status.message();
  EXPECT_EQ(g.r[1], 0u) << "the valid dwords before the bad one did not run";
  EXPECT_EQ(a.srca, 0u);

  EXPECT_FALSE(decode_alu_instruction(0xFFF00000u));
  EXPECT_FALSE(decode_alu_instruction(0x00100000u));  // 0x001: not an opcode
}

TEST(MiMath, BadOperandsAreGuestErrors) {
  // Operand values other than 0..15, 0x20, 0x21, 0x31..0x33 are undefined ([genxml]); LOAD* write
  // SRCA/SRCB and STORE* a GPR (roles as every emitter uses them; model choice to reject others).
  const uint32_t bad[] = {
      alu_instruction(Op::store, R::r0, AluOperand(0x22)),  // undefined source
      alu_instruction(Op::load, R::srca, AluOperand(0x3FF)),
      alu_instruction(Op::load, R::r3, R::r0),              // LOAD into a GPR
      alu_instruction(Op::load0, R::accu),
      alu_instruction(Op::store, R::srca, R::r0),           // STORE into SRCA
      alu_instruction(Op::storeinv, AluOperand(16), R::accu),
  };
  for (uint32_t dw : bad) {
    Gprs g;
    const uint32_t program[] = {dw};
    MathResult r = execute_mi_math(program, g);
    EXPECT_EQ(r.status.kind(), StatusKind::guest_error) << std::hex << dw;
    EXPECT_NE(r.status.message().find("dword 0"), std::string::npos) << r.status.message();
  }
  // Operands the opcode does not use are ignored (drivers pack zero; [mi] mi_math_binop).
  EXPECT_TRUE(decode_alu_instruction(alu_instruction(Op::add, AluOperand(0x3FF), AluOperand(7))));
  EXPECT_TRUE(decode_alu_instruction(alu_instruction(Op::load1, R::srcb, AluOperand(0x3FF))));
  // Any named register is a source, the flags and ACCU included.
  EXPECT_TRUE(decode_alu_instruction(load(R::srca, R::accu)));
  EXPECT_TRUE(decode_alu_instruction(store(R::r9, R::srcb)));
}

// ------------------------------------------------------------------------------------------------
// MI_PREDICATE

uint32_t predicate_dw0(unsigned load, unsigned combine, unsigned compare) {
  // Fields at DW0 7:6, 4:3, 1:0 ([genxml]); header = opcode 0x0C << 23.
  return spec::gen8::cmd::MI_PREDICATE::header | load << 6 | combine << 3 | compare;
}

TEST(MiPredicate, DecodeFields) {
  EXPECT_EQ(spec::gen8::cmd::MI_PREDICATE::header, 0x0Cu << 23);
  Result<PredicateOp> op = decode_mi_predicate(predicate_dw0(3, 2, 3));
  ASSERT_TRUE(op);
  EXPECT_EQ(op->load, PredicateLoad::loadinv);
  EXPECT_EQ(op->combine, PredicateCombine::or_);
  EXPECT_EQ(op->compare, PredicateCompare::deltas_equal);
  op = decode_mi_predicate(predicate_dw0(0, 0, 0));
  ASSERT_TRUE(op);
  EXPECT_EQ(op->load, PredicateLoad::keep);
  EXPECT_EQ(op->combine, PredicateCombine::set);
  EXPECT_EQ(op->compare, PredicateCompare::true_);

  Result<PredicateOp> bad = decode_mi_predicate(predicate_dw0(1, 0, 2));
  EXPECT_EQ(bad.status().kind(), StatusKind::guest_error);
  EXPECT_NE(bad.status().message().find("Load Operation 1"), std::string::npos);
}

TEST(MiPredicate, EveryLoadCombineCompareAndOldResult) {
  // Truth tables written out from the field definitions ([genxml] names, [runner] semantics):
  // compare TRUE 1, FALSE 0, SRCS_EQUAL (src0 == src1), DELTAS_EQUAL ((src0 - src1) == DATA);
  // kCombine[combine][old][compare]; load KEEP old, LOAD combined, LOADINV !combined.
  constexpr bool kCombine[4][2][2] = {
      {{false, true}, {false, true}},   // SET: compare
      {{false, false}, {false, true}},  // AND
      {{false, true}, {true, true}},    // OR
      {{false, true}, {true, false}},   // XOR
  };
  const PredicateLoad loads[] = {PredicateLoad::keep, PredicateLoad::load, PredicateLoad::loadinv};
  int checked = 0;
  for (PredicateLoad load : loads) {
    for (unsigned combine = 0; combine < 4; ++combine) {
      for (unsigned compare = 0; compare < 4; ++compare) {
        for (bool old : {false, true}) {
          for (bool sources_match : {false, true}) {
            PredicateRegisters in;
            in.result = old;
            // SRCS_EQUAL: equal or not. DELTAS_EQUAL: delta 10 against DATA 10 (or 11).
            in.src0 = 20;
            in.src1 = sources_match ? 20 : 10;
            in.data = 10;
            if (PredicateCompare(compare) == PredicateCompare::deltas_equal) {
              in.src1 = 10;
              in.data = sources_match ? 10 : 11;
            }
            const bool cmp = compare == 0 ? true : compare == 1 ? false : sources_match;
            const bool combined = kCombine[combine][old][cmp];
            const bool expected = load == PredicateLoad::keep   ? old
                                  : load == PredicateLoad::load ? combined
                                                                : !combined;
            PredicateRegisters out = apply_mi_predicate(
                PredicateOp{load, PredicateCombine(combine), PredicateCompare(compare)}, in);
            EXPECT_EQ(out.result, expected)
                << "load " << unsigned(load) << " combine " << combine << " compare " << compare
                << " old " << old << " match " << sources_match;
            EXPECT_EQ(out.src0, in.src0);
            EXPECT_EQ(out.src1, in.src1);
            ++checked;
          }
        }
      }
    }
  }
  EXPECT_EQ(checked, 3 * 4 * 4 * 2 * 2);
}

TEST(MiPredicate, MesaIdioms) {
  // anv/iris "src1 = 0 and a != condition": LOADINV, SET, SRCS_EQUAL -> result = (src0 != 0)
  // (Mesa anv_cmd_compute_resolve_predicate; iris set_predicate_for_result).
  auto not_equal = decode_mi_predicate(predicate_dw0(3, 0, 2));
  ASSERT_TRUE(not_equal);
  EXPECT_TRUE(apply_mi_predicate(*not_equal, {5, 0, 0, false}).result);
  EXPECT_FALSE(apply_mi_predicate(*not_equal, {0, 0, 0, true}).result);

  // anv compute dispatch: "predicate |= (size == 0)": LOAD, OR, SRCS_EQUAL with src1 = 0.
  auto or_zero = decode_mi_predicate(predicate_dw0(2, 2, 2));
  ASSERT_TRUE(or_zero);
  EXPECT_TRUE(apply_mi_predicate(*or_zero, {0, 0, 0, false}).result);
  EXPECT_TRUE(apply_mi_predicate(*or_zero, {7, 0, 0, true}).result);
  EXPECT_FALSE(apply_mi_predicate(*or_zero, {7, 0, 0, false}).result);

  // "predicate = !predicate": LOADINV, OR, COMPARE_FALSE (Mesa anv genX_cmd_buffer.c).
  auto invert = decode_mi_predicate(predicate_dw0(3, 2, 1));
  ASSERT_TRUE(invert);
  EXPECT_FALSE(apply_mi_predicate(*invert, {0, 0, 0, true}).result);
  EXPECT_TRUE(apply_mi_predicate(*invert, {0, 0, 0, false}).result);
}

TEST(MiPredicate, SrcsEqualRecordsTheDeltaThatDeltasEqualCompares) {
  // [runner]: SRCS_EQUAL sets DATA = src0 - src1 (64-bit, wrapping); DELTAS_EQUAL reads it.
  const PredicateOp srcs{PredicateLoad::load, PredicateCombine::set, PredicateCompare::srcs_equal};
  const PredicateOp deltas{PredicateLoad::load, PredicateCombine::set,
                           PredicateCompare::deltas_equal};
  PredicateRegisters r = apply_mi_predicate(srcs, {3, 5, 0, true});
  EXPECT_FALSE(r.result);
  EXPECT_EQ(r.data, 0xFFFFFFFFFFFFFFFEull);
  r.src0 = 100;
  r.src1 = 102;
  r = apply_mi_predicate(deltas, r);
  EXPECT_TRUE(r.result) << "100 - 102 == 3 - 5";
  EXPECT_EQ(r.data, 0xFFFFFFFFFFFFFFFEull) << "DELTAS_EQUAL leaves DATA";
  r.src1 = 101;
  EXPECT_FALSE(apply_mi_predicate(deltas, r).result);

  // KEEP still computes the compare, so DATA moves while RESULT does not.
  const PredicateOp keep{PredicateLoad::keep, PredicateCombine::set, PredicateCompare::srcs_equal};
  PredicateRegisters k = apply_mi_predicate(keep, {9, 4, 0, true});
  EXPECT_TRUE(k.result);
  EXPECT_EQ(k.data, 5u);
}

TEST(MiPredicate, SourcesAreCompared64Bit) {
  // MI_PREDICATE_SRC0/SRC1 are 64-bit registers (registers.toml; i915 *_UDW halves).
  const PredicateOp eq{PredicateLoad::load, PredicateCombine::set, PredicateCompare::srcs_equal};
  EXPECT_FALSE(apply_mi_predicate(eq, {0x1'0000'0005ull, 0x5ull, 0, false}).result);
  EXPECT_TRUE(apply_mi_predicate(eq, {0x1'0000'0005ull, 0x1'0000'0005ull, 0, false}).result);
}

// ------------------------------------------------------------------------------------------------
// MI_SEMAPHORE_WAIT

uint32_t semaphore_dw0(unsigned compare) {
  // Compare Operation at DW0 14:12 ([genxml]; [i915] MI_SEMAPHORE_SAD_*_SDD = n << 12), polling.
  return spec::gen8::cmd::MI_SEMAPHORE_WAIT::header | 1u << 15 | compare << 12;
}

TEST(MiSemaphore, CompareOperationEncodings) {
  const SemaphoreCompare expected[] = {
      SemaphoreCompare::sad_greater_than_sdd, SemaphoreCompare::sad_greater_than_or_equal_sdd,
      SemaphoreCompare::sad_less_than_sdd,    SemaphoreCompare::sad_less_than_or_equal_sdd,
      SemaphoreCompare::sad_equal_sdd,        SemaphoreCompare::sad_not_equal_sdd};
  for (unsigned v = 0; v < 6; ++v) {
    Result<SemaphoreCompare> op = decode_semaphore_compare(semaphore_dw0(v));
    ASSERT_TRUE(op) << v;
    EXPECT_EQ(*op, expected[v]);
  }
  for (unsigned v : {6u, 7u}) {
    Result<SemaphoreCompare> op = decode_semaphore_compare(semaphore_dw0(v));
    EXPECT_EQ(op.status().kind(), StatusKind::guest_error) << v;
    EXPECT_NE(op.status().message().find("reserved"), std::string::npos);
  }
}

// sad = the dword in memory, sdd = DW1; expectations from [mhw8] COMPARE_OPERATION's wording
// ("If Indirect fetched data is greater than inline data then continue", ...), unsigned.
TEST(MiSemaphore, GreaterThan) {
  const auto op = SemaphoreCompare::sad_greater_than_sdd;
  EXPECT_FALSE(semaphore_satisfied(op, 99, 100));
  EXPECT_FALSE(semaphore_satisfied(op, 100, 100));
  EXPECT_TRUE(semaphore_satisfied(op, 101, 100));
  EXPECT_TRUE(semaphore_satisfied(op, 0xFFFFFFFFu, 0x7FFFFFFFu)) << "unsigned";
  EXPECT_FALSE(semaphore_satisfied(op, 0xFFFFFFFFu, 0xFFFFFFFFu));
}

TEST(MiSemaphore, GreaterThanOrEqual) {
  const auto op = SemaphoreCompare::sad_greater_than_or_equal_sdd;
  EXPECT_FALSE(semaphore_satisfied(op, 99, 100));
  EXPECT_TRUE(semaphore_satisfied(op, 100, 100));
  EXPECT_TRUE(semaphore_satisfied(op, 101, 100));
  EXPECT_TRUE(semaphore_satisfied(op, 0, 0));
  EXPECT_FALSE(semaphore_satisfied(op, 0x7FFFFFFFu, 0x80000000u)) << "unsigned";
}

TEST(MiSemaphore, LessThan) {
  const auto op = SemaphoreCompare::sad_less_than_sdd;
  EXPECT_TRUE(semaphore_satisfied(op, 99, 100));
  EXPECT_FALSE(semaphore_satisfied(op, 100, 100));
  EXPECT_FALSE(semaphore_satisfied(op, 101, 100));
  EXPECT_FALSE(semaphore_satisfied(op, 0, 0));
  EXPECT_TRUE(semaphore_satisfied(op, 0, 0xFFFFFFFFu));
}

TEST(MiSemaphore, LessThanOrEqual) {
  const auto op = SemaphoreCompare::sad_less_than_or_equal_sdd;
  EXPECT_TRUE(semaphore_satisfied(op, 99, 100));
  EXPECT_TRUE(semaphore_satisfied(op, 100, 100));
  EXPECT_FALSE(semaphore_satisfied(op, 101, 100));
  EXPECT_TRUE(semaphore_satisfied(op, 0xFFFFFFFFu, 0xFFFFFFFFu));
}

TEST(MiSemaphore, Equal) {
  const auto op = SemaphoreCompare::sad_equal_sdd;
  EXPECT_FALSE(semaphore_satisfied(op, 99, 100));
  EXPECT_TRUE(semaphore_satisfied(op, 100, 100));
  EXPECT_FALSE(semaphore_satisfied(op, 101, 100));
}

TEST(MiSemaphore, NotEqual) {
  const auto op = SemaphoreCompare::sad_not_equal_sdd;
  EXPECT_TRUE(semaphore_satisfied(op, 99, 100));
  EXPECT_FALSE(semaphore_satisfied(op, 100, 100));
  EXPECT_TRUE(semaphore_satisfied(op, 101, 100));
}

// ------------------------------------------------------------------------------------------------
// MI_ATOMIC

constexpr uint32_t kDword = 0, kQword = 1, kOctword = 2;  // Data Size ([genxml])

AtomicOutcome atomic(AtomicOp op, uint32_t size, AtomicValue old, AtomicValue operand1 = {},
                     AtomicValue operand2 = {}) {
  AtomicResult r = apply_atomic(atomic_opcode(op, AtomicSize(size)), size, old, {operand1, operand2});
  EXPECT_TRUE(r) << r.status().to_string();
  return r ? *r : AtomicOutcome{};
}

TEST(MiAtomic, OpcodeEncodings) {
  // Mesa genxml Atomic OPCODE enum (MI_ATOMIC_OP_AND 1 .. PREDEC 15, AND8B 33 .. PREDEC8B 47,
  // CMP_WR16B 78) and [mhw] (size base 0x00 / 0x20 / 0x40 + operation).
  EXPECT_EQ(atomic_opcode(AtomicOp::and_, AtomicSize::dword), 1u);
  EXPECT_EQ(atomic_opcode(AtomicOp::move, AtomicSize::dword), 4u);  // [i915] MI_ATOMIC_MOVE 0x4<<8
  EXPECT_EQ(atomic_opcode(AtomicOp::cmp_wr, AtomicSize::dword), 14u);
  EXPECT_EQ(atomic_opcode(AtomicOp::predec, AtomicSize::dword), 15u);
  EXPECT_EQ(atomic_opcode(AtomicOp::and_, AtomicSize::qword), 33u);
  EXPECT_EQ(atomic_opcode(AtomicOp::add, AtomicSize::qword), 39u);
  EXPECT_EQ(atomic_opcode(AtomicOp::predec, AtomicSize::qword), 47u);
  EXPECT_EQ(atomic_opcode(AtomicOp::cmp_wr, AtomicSize::octword), 78u);
  EXPECT_EQ(atomic_size_bytes(AtomicSize::dword), 4u);
  EXPECT_EQ(atomic_size_bytes(AtomicSize::qword), 8u);
  EXPECT_EQ(atomic_size_bytes(AtomicSize::octword), 16u);
  // DW0 fields the command streamer reads them from ([genxml]: size 20:19, opcode 15:8).
  const uint32_t dw0 = spec::gen8::cmd::MI_ATOMIC::header | kQword << 19 | 39u << 8;
  const uint32_t cmd[] = {dw0};
  EXPECT_EQ(spec::gen8::cmd::MI_ATOMIC::DATA_SIZE.get(cmd), kQword);
  EXPECT_EQ(spec::gen8::cmd::MI_ATOMIC::ATOMIC_OPCODE.get(cmd), 39u);
}

// New values are [aop]'s new_dst formulas modulo the size; returned values are the old value.
TEST(MiAtomic, And) {
  AtomicOutcome o = atomic(AtomicOp::and_, kDword, {0xFF00FF00}, {0x0FF00FF0});
  EXPECT_EQ(o.new_value, (AtomicValue{0x0F000F00}));
  EXPECT_EQ(o.returned, (AtomicValue{0xFF00FF00}));
  o = atomic(AtomicOp::and_, kQword, {0xFFFF0000'0000FFFFull}, {0x0F0F0F0F'0F0F0F0Full});
  EXPECT_EQ(o.new_value, (AtomicValue{0x0F0F0000'00000F0Full}));
}

TEST(MiAtomic, Or) {
  AtomicOutcome o = atomic(AtomicOp::or_, kDword, {0xF0000000}, {0x0000000F});
  EXPECT_EQ(o.new_value, (AtomicValue{0xF000000F}));
  EXPECT_EQ(o.returned, (AtomicValue{0xF0000000}));
  o = atomic(AtomicOp::or_, kQword, {0x80000000'00000000ull}, {1});
  EXPECT_EQ(o.new_value, (AtomicValue{0x80000000'00000001ull}));
}

TEST(MiAtomic, Xor) {
  AtomicOutcome o = atomic(AtomicOp::xor_, kDword, {0xFFFF0000}, {0xFF00FF00});
  EXPECT_EQ(o.new_value, (AtomicValue{0x00FFFF00}));
  o = atomic(AtomicOp::xor_, kQword, {~0ull}, {~0ull});
  EXPECT_EQ(o.new_value, (AtomicValue{0}));
  EXPECT_EQ(o.returned, (AtomicValue{~0ull}));
}

TEST(MiAtomic, Move) {
  AtomicOutcome o = atomic(AtomicOp::move, kDword, {0x11111111}, {0xDEADBEEF});
  EXPECT_EQ(o.new_value, (AtomicValue{0xDEADBEEF}));
  EXPECT_EQ(o.returned, (AtomicValue{0x11111111}));
  o = atomic(AtomicOp::move, kQword, {1}, {0x01234567'89ABCDEFull});
  EXPECT_EQ(o.new_value, (AtomicValue{0x01234567'89ABCDEFull}));
}

TEST(MiAtomic, IncWrapsAtItsSize) {
  AtomicOutcome o = atomic(AtomicOp::inc, kDword, {41});
  EXPECT_EQ(o.new_value, (AtomicValue{42}));
  EXPECT_EQ(o.returned, (AtomicValue{41}));
  o = atomic(AtomicOp::inc, kDword, {0xFFFFFFFF});
  EXPECT_EQ(o.new_value, (AtomicValue{0})) << "a dword increment does not carry into bit 32";
  o = atomic(AtomicOp::inc, kQword, {0xFFFFFFFF});
  EXPECT_EQ(o.new_value, (AtomicValue{0x1'00000000ull}));
  o = atomic(AtomicOp::inc, kQword, {~0ull});
  EXPECT_EQ(o.new_value, (AtomicValue{0}));
}

TEST(MiAtomic, DecWrapsAtItsSize) {
  AtomicOutcome o = atomic(AtomicOp::dec, kDword, {0});
  EXPECT_EQ(o.new_value, (AtomicValue{0xFFFFFFFF}));
  EXPECT_EQ(o.returned, (AtomicValue{0})) << "DEC returns the value before";
  o = atomic(AtomicOp::dec, kQword, {0});
  EXPECT_EQ(o.new_value, (AtomicValue{~0ull}));
  o = atomic(AtomicOp::dec, kQword, {0x1'00000000ull});
  EXPECT_EQ(o.new_value, (AtomicValue{0xFFFFFFFF}));
}

TEST(MiAtomic, AddWrapsAtItsSize) {
  AtomicOutcome o = atomic(AtomicOp::add, kDword, {0xFFFFFFF0}, {0x20});
  EXPECT_EQ(o.new_value, (AtomicValue{0x10}));
  EXPECT_EQ(o.returned, (AtomicValue{0xFFFFFFF0}));
  o = atomic(AtomicOp::add, kQword, {0xFFFFFFF0}, {0x20});
  EXPECT_EQ(o.new_value, (AtomicValue{0x1'00000010ull}));
  o = atomic(AtomicOp::add, kQword, {~0ull}, {2});
  EXPECT_EQ(o.new_value, (AtomicValue{1}));
}

TEST(MiAtomic, SubWrapsAtItsSize) {
  AtomicOutcome o = atomic(AtomicOp::sub, kDword, {10}, {3});
  EXPECT_EQ(o.new_value, (AtomicValue{7}));
  o = atomic(AtomicOp::sub, kDword, {3}, {10});
  EXPECT_EQ(o.new_value, (AtomicValue{0xFFFFFFF9}));
  o = atomic(AtomicOp::sub, kQword, {3}, {10});
  EXPECT_EQ(o.new_value, (AtomicValue{0xFFFFFFFF'FFFFFFF9ull}));
  EXPECT_EQ(o.returned, (AtomicValue{3}));
}

TEST(MiAtomic, ReverseSubtract) {
  AtomicOutcome o = atomic(AtomicOp::rsub, kDword, {3}, {10});  // operand1 - old
  EXPECT_EQ(o.new_value, (AtomicValue{7}));
  o = atomic(AtomicOp::rsub, kDword, {10}, {3});
  EXPECT_EQ(o.new_value, (AtomicValue{0xFFFFFFF9}));
  o = atomic(AtomicOp::rsub, kQword, {10}, {3});
  EXPECT_EQ(o.new_value, (AtomicValue{0xFFFFFFFF'FFFFFFF9ull}));
  EXPECT_EQ(o.returned, (AtomicValue{10}));
}

TEST(MiAtomic, SignedMaxAndMin) {
  // IMAX/IMIN compare as signed integers of the size: 0xFFFFFFFF is -1 as a dword.
  EXPECT_EQ(atomic(AtomicOp::imax, kDword, {0xFFFFFFFF}, {1}).new_value, (AtomicValue{1}));
  EXPECT_EQ(atomic(AtomicOp::imin, kDword, {0xFFFFFFFF}, {1}).new_value,
            (AtomicValue{0xFFFFFFFF}));
  EXPECT_EQ(atomic(AtomicOp::imax, kDword, {0x7FFFFFFF}, {0x80000000}).new_value,
            (AtomicValue{0x7FFFFFFF}));
  // As a qword 0xFFFFFFFF is positive.
  EXPECT_EQ(atomic(AtomicOp::imax, kQword, {0xFFFFFFFF}, {1}).new_value, (AtomicValue{0xFFFFFFFF}));
  EXPECT_EQ(atomic(AtomicOp::imin, kQword, {~0ull}, {5}).new_value, (AtomicValue{~0ull}));
  EXPECT_EQ(atomic(AtomicOp::imax, kQword, {~0ull}, {5}).returned, (AtomicValue{~0ull}));
}

TEST(MiAtomic, UnsignedMaxAndMin) {
  EXPECT_EQ(atomic(AtomicOp::umax, kDword, {0xFFFFFFFF}, {1}).new_value, (AtomicValue{0xFFFFFFFF}));
  EXPECT_EQ(atomic(AtomicOp::umin, kDword, {0xFFFFFFFF}, {1}).new_value, (AtomicValue{1}));
  EXPECT_EQ(atomic(AtomicOp::umax, kQword, {0x80000000'00000000ull}, {1}).new_value,
            (AtomicValue{0x80000000'00000000ull}));
  EXPECT_EQ(atomic(AtomicOp::umin, kQword, {7}, {7}).new_value, (AtomicValue{7}));
}

TEST(MiAtomic, CompareWriteSucceedsAndFails) {
  // new = (old == operand1) ? operand2 : old ([aop] CMPWR); returns the old value either way.
  AtomicOutcome o = atomic(AtomicOp::cmp_wr, kDword, {5}, {5}, {9});
  EXPECT_EQ(o.new_value, (AtomicValue{9}));
  EXPECT_EQ(o.returned, (AtomicValue{5}));
  o = atomic(AtomicOp::cmp_wr, kDword, {6}, {5}, {9});
  EXPECT_EQ(o.new_value, (AtomicValue{6}));
  EXPECT_EQ(o.returned, (AtomicValue{6}));
  // A dword compare looks at the dword only: stray upper bits in an operand do not matter.
  o = atomic(AtomicOp::cmp_wr, kDword, {5}, {0x1'00000005ull}, {9});
  EXPECT_EQ(o.new_value, (AtomicValue{9}));
  o = atomic(AtomicOp::cmp_wr, kQword, {0x1'00000005ull}, {5}, {9});
  EXPECT_EQ(o.new_value, (AtomicValue{0x1'00000005ull})) << "qwords differ in the upper dword";
  o = atomic(AtomicOp::cmp_wr, kQword, {0x1'00000005ull}, {0x1'00000005ull}, {~0ull});
  EXPECT_EQ(o.new_value, (AtomicValue{~0ull}));
}

TEST(MiAtomic, CompareWrite16Bytes) {
  // CMP_WR16B compares all 16 bytes (OCTWORD is compare-only, [mhw]).
  const AtomicValue old{0x1111, 0x2222};
  AtomicOutcome o = atomic(AtomicOp::cmp_wr, kOctword, old, {0x1111, 0x2222}, {0xAAAA, 0xBBBB});
  EXPECT_EQ(o.new_value, (AtomicValue{0xAAAA, 0xBBBB}));
  EXPECT_EQ(o.returned, old);
  o = atomic(AtomicOp::cmp_wr, kOctword, old, {0x1111, 0x2223}, {0xAAAA, 0xBBBB});
  EXPECT_EQ(o.new_value, old) << "upper qword differs";
  o = atomic(AtomicOp::cmp_wr, kOctword, old, {0x1110, 0x2222}, {0xAAAA, 0xBBBB});
  EXPECT_EQ(o.new_value, old) << "lower qword differs";
}

TEST(MiAtomic, PredecReturnsTheDecrementedValue) {
  // PREDEC: new = old - 1 ([aop]); returns the new value (data-port meaning; header).
  AtomicOutcome o = atomic(AtomicOp::predec, kDword, {10});
  EXPECT_EQ(o.new_value, (AtomicValue{9}));
  EXPECT_EQ(o.returned, (AtomicValue{9}));
  o = atomic(AtomicOp::predec, kDword, {0});
  EXPECT_EQ(o.new_value, (AtomicValue{0xFFFFFFFF}));
  EXPECT_EQ(o.returned, (AtomicValue{0xFFFFFFFF}));
  o = atomic(AtomicOp::predec, kQword, {0});
  EXPECT_EQ(o.new_value, (AtomicValue{~0ull}));
}

TEST(MiAtomic, ResultsAreTruncatedToTheSize) {
  // A dword operation never produces bits above 31, whatever the caller passed in.
  AtomicOutcome o = atomic(AtomicOp::or_, kDword, {0xAAAA'0000'0000'0001ull, 0x55}, {0xF0});
  EXPECT_EQ(o.new_value, (AtomicValue{0xF1}));
  EXPECT_EQ(o.returned, (AtomicValue{0x1}));
}

TEST(MiAtomic, ReservedSizesAndOpcodesAreGuestErrors) {
  AtomicResult r = apply_atomic(atomic_opcode(AtomicOp::add, AtomicSize::dword), 3, {}, {});
  EXPECT_EQ(r.status().kind(), StatusKind::guest_error);
  EXPECT_NE(r.status().message().find("Data Size 3"), std::string::npos) << r.status().message();

  // Not an operation: 0x00/0x20/0x40 (MHW_MI_ATOMIC_NONE + base), 0x10..0x1F, non-compare
  // 16-byte operations, PREDEC16, and anything above.
  for (uint32_t opcode : {0x00u, 0x10u, 0x1Fu, 0x20u, 0x30u, 0x40u, 0x41u, 0x47u, 0x4Du, 0x4Fu,
                          0x60u, 0x6Eu, 0xFFu}) {
    const uint32_t size = opcode >= 0x40 ? kOctword : opcode >= 0x20 ? kQword : kDword;
    AtomicResult bad = apply_atomic(opcode, size, {}, {});
    EXPECT_EQ(bad.status().kind(), StatusKind::guest_error) << std::hex << opcode;
    EXPECT_NE(bad.status().message().find("reserved"), std::string::npos) << bad.status().message();
  }

  // "Data size must match with the Atomic Opcode" ([mhw8]).
  AtomicResult mismatch = apply_atomic(0x27, kDword, {}, {});  // ADD8B with a DWORD size
  EXPECT_EQ(mismatch.status().kind(), StatusKind::guest_error);
  EXPECT_NE(mismatch.status().message().find("8-byte"), std::string::npos);
  EXPECT_FALSE(apply_atomic(0x07, kQword, {}, {}));     // ADD (4-byte) with QWORD
  EXPECT_FALSE(apply_atomic(0x4E, kQword, {}, {}));     // CMP_WR16B with QWORD
  EXPECT_FALSE(apply_atomic(0x0E, kOctword, {}, {}));   // CMP_WR (4-byte) with OCTWORD
  EXPECT_TRUE(apply_atomic(0x4E, kOctword, {}, {}));
}

TEST(MiAtomic, EveryDefinedOpcodeIsAccepted) {
  int accepted = 0;
  for (uint32_t opcode = 0; opcode < 256; ++opcode) {
    for (uint32_t size = 0; size < 4; ++size) {
      if (apply_atomic(opcode, size, {}, {})) ++accepted;
    }
  }
  EXPECT_EQ(accepted, 15 + 15 + 1) << "4-byte 1..15, 8-byte 33..47, 16-byte 78";
}

TEST(MiAtomic, InlineOperandsInterleaveOperand1AndOperand2) {
  // DW3 operand1 dword 0, DW4 operand2 dword 0, DW5 operand1 dword 1, ... DW10 ([genxml]).
  const uint32_t c[11] = {spec::gen8::cmd::MI_ATOMIC::header, 0x1000, 0, 0x11111111, 0x22222222,
                          0x33333333, 0x44444444, 0x55555555, 0x66666666, 0x77777777,
                          0x88888888};
  AtomicOperands ops = atomic_inline_operands(c);
  EXPECT_EQ(ops.operand1, (AtomicValue{0x33333333'11111111ull, 0x77777777'55555555ull}));
  EXPECT_EQ(ops.operand2, (AtomicValue{0x44444444'22222222ull, 0x88888888'66666666ull}));
  // A short command (no inline data) reads as zero operands.
  const uint32_t short_cmd[3] = {spec::gen8::cmd::MI_ATOMIC::header, 0x1000, 0};
  ops = atomic_inline_operands(short_cmd);
  EXPECT_EQ(ops.operand1, (AtomicValue{}));
  EXPECT_EQ(ops.operand2, (AtomicValue{}));
}

TEST(MiAtomic, IndirectOperandsAndReturnDataUseGprs) {
  // Operand1 = [GPR1, GPR0], operand2 = [GPR3, GPR2]; return data to GPR4 (and GPR5 for 16
  // bytes) ([mhw8] MI_ATOMIC).
  Gprs g;
  for (unsigned i = 0; i < kCsGprCount; ++i) g.r[i] = 0x100 + i;
  AtomicOperands ops = atomic_gpr_operands(g);
  EXPECT_EQ(ops.operand1, (AtomicValue{0x100, 0x101}));
  EXPECT_EQ(ops.operand2, (AtomicValue{0x102, 0x103}));

  AtomicOutcome q = atomic(AtomicOp::add, kQword, {0xABCDEF01'23456789ull}, {1});
  store_atomic_return(q, g);
  EXPECT_EQ(g.r[4], 0xABCDEF01'23456789ull);
  EXPECT_EQ(g.r[5], 0x105u) << "GPR5 only for 16 bytes";

  AtomicOutcome d = atomic(AtomicOp::inc, kDword, {0xFFFFFFFF});
  store_atomic_return(d, g);
  EXPECT_EQ(g.r[4], 0xFFFFFFFFu) << "dword return zero-extended (model choice)";

  AtomicOutcome o = atomic(AtomicOp::cmp_wr, kOctword, {1, 2}, {0, 0}, {0, 0});
  store_atomic_return(o, g);
  EXPECT_EQ(g.r[4], 1u);
  EXPECT_EQ(g.r[5], 2u);
}

TEST(MiAtomic, BytesAreLittleEndian) {
  const uint8_t b4[4] = {0x78, 0x56, 0x34, 0x12};
  EXPECT_EQ(atomic_value_from_bytes(b4), (AtomicValue{0x12345678}));
  const uint8_t b16[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};
  const AtomicValue v = atomic_value_from_bytes(b16);
  EXPECT_EQ(v, (AtomicValue{0x0807060504030201ull, 0x100F0E0D0C0B0A09ull}));
  std::array<uint8_t, 16> back{};
  atomic_value_to_bytes(v, back);
  EXPECT_EQ(std::vector<uint8_t>(back.begin(), back.end()),
            std::vector<uint8_t>(std::begin(b16), std::end(b16)));
  std::array<uint8_t, 8> q{};
  atomic_value_to_bytes(AtomicValue{0x1122334455667788ull, 0xFF}, q);
  EXPECT_EQ(q[0], 0x88);
  EXPECT_EQ(q[7], 0x11);

  // Round trip through a memory-shaped operation: qword add on bytes.
  std::array<uint8_t, 8> mem = {0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0};
  AtomicOutcome o = atomic(AtomicOp::add, kQword, atomic_value_from_bytes(mem), {1});
  atomic_value_to_bytes(o.new_value, mem);
  EXPECT_EQ(mem, (std::array<uint8_t, 8>{0, 0, 0, 0, 1, 0, 0, 0}));
}

// ------------------------------------------------------------------------------------------------
// MI_CONDITIONAL_BATCH_BUFFER_END

TEST(MiConditionalBbEnd, EndsWhenMemoryIsNotGreaterThanCompareData) {
  // "If the value at Compare Address is greater than the Compare Data Dword, execution of
  // current command buffer should continue" ([mhw8] COMPARE_SEMAPHORE): ends when memory <= data.
  EXPECT_TRUE(conditional_bb_end(100, 99, true));
  EXPECT_TRUE(conditional_bb_end(100, 100, true)) << "equal ends the batch";
  EXPECT_FALSE(conditional_bb_end(100, 101, true));
  EXPECT_TRUE(conditional_bb_end(0, 0, true));
  EXPECT_FALSE(conditional_bb_end(0, 1, true));
  EXPECT_FALSE(conditional_bb_end(0x7FFFFFFFu, 0x80000000u, true)) << "unsigned (model choice)";
  EXPECT_TRUE(conditional_bb_end(0xFFFFFFFFu, 0xFFFFFFFFu, true));
  EXPECT_TRUE(conditional_bb_end(0xFFFFFFFFu, 0, true));
}

TEST(MiConditionalBbEnd, CompareSemaphoreClearNeverEnds) {
  // "If clear, no comparison takes place" ([mhw8]); "the parser will continue to the next command
  // and not exit the batch buffer" ([mhw11]).
  EXPECT_FALSE(conditional_bb_end(100, 0, false));
  EXPECT_FALSE(conditional_bb_end(100, 100, false));
  EXPECT_FALSE(conditional_bb_end(0xFFFFFFFFu, 0, false));
  // The bit's place in DW0 (21) and the compare data in DW1 ([genxml]).
  const uint32_t c[4] = {spec::gen8::cmd::MI_CONDITIONAL_BATCH_BUFFER_END::header | 1u << 21, 100,
                         0x1000, 0};
  EXPECT_TRUE(spec::gen8::cmd::MI_CONDITIONAL_BATCH_BUFFER_END::COMPARE_SEMAPHORE.test(c));
  EXPECT_EQ(spec::gen8::cmd::MI_CONDITIONAL_BATCH_BUFFER_END::COMPARE_DATA_DWORD.get(c), 100u);
}

}  // namespace
}  // namespace gvtsim::model::gen8
