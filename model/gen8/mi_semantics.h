// The pure semantics of the command streamer's arithmetic and compare commands on Gen8: MI_MATH
// (the CS ALU over the 16 64-bit CS_GPRs), MI_PREDICATE, the compare of MI_SEMAPHORE_WAIT, the
// read-modify-write of MI_ATOMIC and the compare of MI_CONDITIONAL_BATCH_BUFFER_END.
//
// Nothing here touches memory, registers or time. The command streamer reads the operands (GPRs,
// MI_PREDICATE_SRC0/SRC1/DATA/RESULT, the semaphore or atomic memory), calls these functions and
// writes the results back, charging costs as it pleases. Keeping the arithmetic out of the engine
// lets every rule be tested at its boundaries without building a context, and lets the mediation
// core or a trace checker reuse it. Illegal encodings (an unknown ALU opcode, a reserved MI_ATOMIC
// opcode or size, a reserved predicate load operation) are a guest_error Status naming the
// offending dword, never a crash: the caller decides whether that hangs the engine.
//
// Sources (cited again beside each rule):
//   [genxml]   Mesa src/intel/genxml/gen8.xml: MI_MATH, MI_MATH_ALU_INSTRUCTION (via the generated
//              GEN8_MI_MATH_ALU_INSTRUCTION enums), MI_PREDICATE, MI_SEMAPHORE_WAIT,
//              MI_CONDITIONAL_BATCH_BUFFER_END, MI_ATOMIC.
//   [i915]     Linux drivers/gpu/drm/i915/gt/intel_gpu_commands.h: MI_MATH_* opcode and operand
//              values, MI_SEMAPHORE_SAD_*_SDD, MI_ATOMIC bits.
//   [mi]       Mesa src/intel/common/mi_builder.h (mi_ult/mi_uge/mi_ieq/mi_ine/mi_nz/mi_z and
//              _mi_math_load_src) and its hardware test mi_builder_test.cpp (ult_uge_ieq_ine),
//              which checks what the GPU stores against the builder's constant folding.
//   [runner]   Mesa gen_mi_runner.c (Intel, 2020): a software MI executor for MI_MATH/MI_PREDICATE.
//   [mhw8]     intel/media-driver media_driver/agnostic/gen8/hw/mhw_mi_hwcmd_g8_X.h: PRM text of
//              MI_SEMAPHORE_WAIT, MI_CONDITIONAL_BATCH_BUFFER_END, MI_ATOMIC, MI_MATH for Gen8.
//   [mhw11]    the same file for Gen11 (mhw_mi_hwcmd_g11_X.h), where the PRM text is fuller.
//   [mhw]      media-driver mhw_mi.h / mhw_mi_generic.h: MHW_COMMON_MI_ATOMIC_OPCODE and
//              CreateMiAtomicOpcode (opcode = size base 0x00/0x20/0x40 + operation).
//   [aop]      the data-port atomic operation table (Mesa brw_eu_defines.h BRW_AOP_*, same 1..15
//              numbering; krh/ksim dataport.c quotes the PRM's new_dst formulas).
// Facts we could not confirm from a source are marked "model choice" where they are decided.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "base/status.h"

namespace gvtsim::model::gen8 {

// ------------------------------------------------------------------------------------------------
// MI_MATH: the command streamer ALU
// ------------------------------------------------------------------------------------------------

// The 16 CS_GPRs (engine base + 0x600, 16 x 64-bit: i915 GEN8_RING_CS_GPR; registers.toml CS_GPR).
inline constexpr std::size_t kCsGprCount = 16;

struct Gprs {
  std::array<uint64_t, kCsGprCount> r{};
};

// The ALU's internal registers. SRCA/SRCB are its inputs, ACCU its result, ZF/CF its flags.
// Flags read back as all ones (true) or zero: [mi] folds mi_ult (SUB, STORE CF), mi_ieq (SUB,
// STORE ZF) and mi_nz (ADD x+0, STOREINV ZF) to ~0 / 0, and mi_builder_test checks the GPU's
// stored results against that folding. ([runner] stores ZF as 1, disagreeing with [mi]; we follow
// the hardware-checked [mi].) Whether these registers survive from one MI_MATH command to the next
// is undocumented in the sources found; the caller owns them, so it may keep or reset them.
struct AluRegisters {
  uint64_t srca = 0;
  uint64_t srcb = 0;
  uint64_t accu = 0;
  uint64_t zf = 0;
  uint64_t cf = 0;
};

// ALU opcodes, bits 31:20 of an ALU instruction dword ([genxml] MI_ALU_*; [i915] MI_MATH_*).
enum class AluOpcode : uint16_t {
  noop = 0x000,
  load = 0x080,      // SRCx = reg
  loadinv = 0x480,   // SRCx = ~reg
  load0 = 0x081,     // SRCx = 0
  load1 = 0x481,     // SRCx = ~0 ([mi] _mi_math_load_src emits LOAD1 for UINT64_MAX)
  add = 0x100,       // ACCU = SRCA + SRCB
  sub = 0x101,       // ACCU = SRCA - SRCB
  and_ = 0x102,
  or_ = 0x103,
  xor_ = 0x104,
  store = 0x180,     // reg = value
  storeinv = 0x580,  // reg = ~value
};

// ALU operands, bits 19:10 (operand 1) and 9:0 (operand 2) ([genxml] MI_ALU_REG0..15, SRCA 32,
// SRCB 33, ACCU 49, ZF 50, CF 51; [i915] MI_MATH_REG_*).
enum class AluOperand : uint16_t {
  r0 = 0, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, r11, r12, r13, r14, r15,
  srca = 0x20,
  srcb = 0x21,
  accu = 0x31,
  zf = 0x32,
  cf = 0x33,
};

constexpr AluOperand alu_gpr(unsigned n) { return AluOperand(n & 0xF); }

// One ALU instruction dword ([genxml] MI_MATH_ALU_INSTRUCTION: opcode 31:20, operand 1 19:10,
// operand 2 9:0). A packing helper for tests and for building batches.
constexpr uint32_t alu_instruction(AluOpcode op, AluOperand operand1 = AluOperand::r0,
                                   AluOperand operand2 = AluOperand::r0) {
  return uint32_t(op) << 20 | uint32_t(operand1) << 10 | uint32_t(operand2);
}

struct AluInstruction {
  AluOpcode opcode;
  AluOperand operand1;
  AluOperand operand2;
};

// Decodes and checks one ALU dword: the opcode must be one of the twelve above; LOAD* must write
// SRCA or SRCB and STORE* a GPR (the roles every emitter found uses: [mi], [i915] selftests;
// what the hardware does otherwise is undocumented in those sources, so it is rejected — model
// choice); a source operand must be a named register. Operands an opcode does not use are ignored
// (drivers pack them as 0, [mi] mi_math_binop).
Result<AluInstruction> decode_alu_instruction(uint32_t dword);

struct MathResult {
  Status status;              // ok, or a guest_error naming the ALU dword
  std::size_t executed = 0;   // ALU instructions executed ("one clock" each, [mhw8] MI_MATH)
  bool is_ok() const { return status.is_ok(); }
};

// Runs MI_MATH's ALU payload (the dwords after DW0). Every dword is checked before any executes,
// so a bad payload changes nothing (model choice: the hardware's partial effects are unknown, and
// the engine hangs on it anyway). Flags: ADD sets CF on carry out of bit 63, SUB on borrow
// (SRCA < SRCB, [mi] mi_ult); ZF on ACCU == 0 ([mi] mi_ieq, mi_z); AND/OR/XOR clear CF ([runner];
// not confirmed elsewhere).
MathResult execute_mi_math(std::span<const uint32_t> alu_dwords, Gprs& gprs, AluRegisters& alu);
// Same, with ALU registers starting at zero and discarded afterwards.
MathResult execute_mi_math(std::span<const uint32_t> alu_dwords, Gprs& gprs);

// ------------------------------------------------------------------------------------------------
// MI_PREDICATE
// ------------------------------------------------------------------------------------------------

// DW0 7:6 ([genxml] LOAD_KEEP 0, LOAD_LOAD 2, LOAD_LOADINV 3; 1 is not defined).
enum class PredicateLoad : uint8_t { keep = 0, load = 2, loadinv = 3 };
// DW0 4:3 ([genxml] COMBINE_SET/AND/OR/XOR).
enum class PredicateCombine : uint8_t { set = 0, and_ = 1, or_ = 2, xor_ = 3 };
// DW0 1:0. gen8.xml lists only SRCS_EQUAL 2 and DELTAS_EQUAL 3; TRUE 0 and FALSE 1 are from Mesa
// crocus/iris _defines.h MI_PREDICATE_COMPAREOP_* and i965's GEN7_MI_PREDICATE.
enum class PredicateCompare : uint8_t { true_ = 0, false_ = 1, srcs_equal = 2, deltas_equal = 3 };

struct PredicateOp {
  PredicateLoad load;
  PredicateCombine combine;
  PredicateCompare compare;
};

// The fields of an MI_PREDICATE DW0; Load Operation 1 is a guest_error.
Result<PredicateOp> decode_mi_predicate(uint32_t dw0);

// MI_PREDICATE_SRC0/SRC1/DATA (64-bit, 0x2400/0x2408/0x2410) and MI_PREDICATE_RESULT bit 0
// (0x2418; registers.toml).
struct PredicateRegisters {
  uint64_t src0 = 0;
  uint64_t src1 = 0;
  uint64_t data = 0;
  bool result = false;
};

// The new registers after one MI_PREDICATE ([runner] INST(MI_PREDICATE); field meanings [genxml]):
//   compare: TRUE, FALSE, SRCS_EQUAL (src0 == src1, and DATA := src0 - src1), DELTAS_EQUAL
//            ((src0 - src1) == DATA, DATA unchanged);
//   combine with the old result: SET (compare), AND, OR, XOR;
//   load: KEEP (result unchanged), LOAD (combined), LOADINV (!combined).
// The DATA rules come only from [runner] (not confirmed against the PRM).
PredicateRegisters apply_mi_predicate(PredicateOp op, PredicateRegisters regs);

// ------------------------------------------------------------------------------------------------
// MI_SEMAPHORE_WAIT
// ------------------------------------------------------------------------------------------------

// DW0 14:12 ([genxml] MI_SEMAPHORE_WAIT Compare Operation; [i915] MI_SEMAPHORE_SAD_*_SDD).
// SAD = semaphore address data (the dword in memory), SDD = semaphore data dword (DW1).
enum class SemaphoreCompare : uint8_t {
  sad_greater_than_sdd = 0,
  sad_greater_than_or_equal_sdd = 1,
  sad_less_than_sdd = 2,
  sad_less_than_or_equal_sdd = 3,
  sad_equal_sdd = 4,
  sad_not_equal_sdd = 5,
};

// The Compare Operation of an MI_SEMAPHORE_WAIT DW0; 6 and 7 are a guest_error.
Result<SemaphoreCompare> decode_semaphore_compare(uint32_t dw0);

// Whether the wait is over: "If Indirect fetched data is greater than inline data then continue",
// and so on for each operation ([mhw8] COMPARE_OPERATION). Unsigned 32-bit compare (model choice:
// no source says signed, and i915 resets its seqnos before they wrap rather than rely on it).
bool semaphore_satisfied(SemaphoreCompare op, uint32_t semaphore_value_in_memory,
                         uint32_t semaphore_data_dword);

// ------------------------------------------------------------------------------------------------
// MI_ATOMIC
// ------------------------------------------------------------------------------------------------

// DW0 20:19 Data Size ([genxml] DWORD 0, QWORD 1, OCTWORD 2, RESERVED 3).
enum class AtomicSize : uint8_t { dword = 0, qword = 1, octword = 2 };
constexpr unsigned atomic_size_bytes(AtomicSize s) { return 4u << unsigned(s); }

// The operation in ATOMIC OPCODE (DW0 15:8): [mhw] MHW_MI_ATOMIC_AND..CMP 1..14, [aop] PREDEC 15;
// Mesa genxml (gen12.5+ Atomic OPCODE enum) MI_ATOMIC_OP_AND 1 .. PREDEC 15.
enum class AtomicOp : uint8_t {
  and_ = 1, or_ = 2, xor_ = 3, move = 4, inc = 5, dec = 6, add = 7, sub = 8, rsub = 9,
  imax = 10, imin = 11, umax = 12, umin = 13, cmp_wr = 14, predec = 15,
};

// ATOMIC OPCODE = size base + operation: 4-byte 0x00, 8-byte 0x20, 16-byte 0x40 ([mhw]
// MHW_MI_ATOMIC_DWORD/QWORD/OCTWORD and CreateMiAtomicOpcode; genxml MI_ATOMIC_OP_AND8B = 33,
// CMP_WR16B = 78). "An OCTWORD may only be used in the case of a compare operation" ([mhw]).
inline constexpr uint32_t kAtomicQwordBase = 0x20;
inline constexpr uint32_t kAtomicOctwordBase = 0x40;
constexpr uint32_t atomic_opcode(AtomicOp op, AtomicSize size) {
  return uint32_t(size) * 0x20u + uint32_t(op);
}

// A 4-, 8- or 16-byte memory value or operand: bytes 0..7 little-endian in lo, 8..15 in hi.
struct AtomicValue {
  uint64_t lo = 0;
  uint64_t hi = 0;
  friend bool operator==(const AtomicValue&, const AtomicValue&) = default;
};

struct AtomicOperands {
  AtomicValue operand1;
  AtomicValue operand2;  // used by CMP_WR only ("Operand-2 must be programmed to 0x0 if the
                         // atomic operation doesn't require it", [mhw8])
};

struct AtomicOutcome {
  AtomicOp op;
  AtomicSize size;
  AtomicValue new_value;  // to write back to memory (always written: CMP_WR failing writes old)
  AtomicValue returned;   // the Return Data: the value before the operation, except PREDEC
};
using AtomicResult = Result<AtomicOutcome>;

// One MI_ATOMIC read-modify-write ([aop] new_dst formulas; operands and old value truncated to
// the size):
//   AND/OR/XOR old op operand1; MOVE operand1; INC old+1; DEC old-1; ADD old+operand1;
//   SUB old-operand1; RSUB operand1-old; IMAX/IMIN signed, UMAX/UMIN unsigned max/min of old and
//   operand1; CMP_WR (old == operand1) ? operand2 : old; PREDEC old-1 — all modulo the size.
// Returned value: the old value, except PREDEC, which returns the decremented value (the
// data-port meaning of PREDEC: Mesa maps GLSL atomicCounterDecrement, which returns the new
// value, to BRW_AOP_PREDEC and keeps AOP_DEC for the post-decrement; that MI_ATOMIC's return data
// follows the data port here is not confirmed).
// Errors (guest_error): Data Size 3; an opcode outside 0x01..0x0F, 0x21..0x2F and 0x4E; an opcode
// whose size is not Data Size ("Data size must match with the Atomic Opcode", [mhw8]).
AtomicResult apply_atomic(uint32_t atomic_opcode, uint32_t data_size, AtomicValue old_value,
                          const AtomicOperands& operands);

// Memory bytes (4, 8 or 16 of them, little-endian) to and from an AtomicValue.
AtomicValue atomic_value_from_bytes(std::span<const uint8_t> bytes);
void atomic_value_to_bytes(const AtomicValue& value, std::span<uint8_t> bytes);

// Inline operands (Inline Data set): DW3 operand1 dword 0, DW4 operand2 dword 0, DW5 operand1
// dword 1, ... DW10 operand2 dword 3 ([genxml]). `cmd` is the whole command; dwords it does not
// hold read as zero.
AtomicOperands atomic_inline_operands(std::span<const uint32_t> cmd);
// Indirect operands (Inline Data clear): "Operand1 is sourced from [CS_GPR1, CS_GPR0], Operand2
// is sourced from [CS_GPR3, CS_GPR2]" ([mhw8] MI_ATOMIC).
AtomicOperands atomic_gpr_operands(const Gprs& gprs);
// Return Data Control: "Read return Data is stored in [CS_GPR_5, CS_GPR4]"; for DWORD and QWORD
// only CS_GPR4 is written, for OCTWORD GPR4 gets the lower and GPR5 the upper qword ([mhw8]).
// A DWORD's return is zero-extended into GPR4 (model choice: the text says "the qword data
// returned from memory" without saying what the upper half holds).
void store_atomic_return(const AtomicOutcome& outcome, Gprs& gprs);

// ------------------------------------------------------------------------------------------------
// MI_CONDITIONAL_BATCH_BUFFER_END
// ------------------------------------------------------------------------------------------------

// Whether the batch ends here. With Compare Semaphore set, "If the value at Compare Address is
// greater than the Compare Data Dword, execution of current command buffer should continue"
// ([mhw8]): the batch ends when memory <= compare data (unsigned, model choice as for
// semaphores). With it clear "no comparison takes place" ([mhw8]); the fuller Gen11 text says
// "the parser will continue to the next command and not exit the batch buffer" ([mhw11]), which
// is applied here too. For the caller: ending a second-level batch this way also ends its parent,
// and the command is "only valid with a 1st level batch buffer" ([mhw8]).
bool conditional_bb_end(uint32_t compare_data_dword, uint32_t memory_value,
                        bool compare_semaphore);

}  // namespace gvtsim::model::gen8
