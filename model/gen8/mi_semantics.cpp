#include "model/gen8/mi_semantics.h"

#include "spec/gen8/commands.h"

namespace gvtsim::model::gen8 {

namespace cmd = spec::gen8::cmd;

namespace {

// A flag that is set reads as all ones (see AluRegisters).
constexpr uint64_t kAluTrue = ~0ull;

constexpr uint64_t alu_flag(bool set) { return set ? kAluTrue : 0; }

constexpr bool is_gpr(uint32_t operand) { return operand < kCsGprCount; }

constexpr bool is_alu_src(uint32_t operand) {
  return operand == uint32_t(AluOperand::srca) || operand == uint32_t(AluOperand::srcb);
}

constexpr bool is_named_operand(uint32_t operand) {
  return is_gpr(operand) || is_alu_src(operand) || operand == uint32_t(AluOperand::accu) ||
         operand == uint32_t(AluOperand::zf) || operand == uint32_t(AluOperand::cf);
}

constexpr bool is_alu_opcode(uint32_t op) {
  switch (AluOpcode(op)) {
    case AluOpcode::noop:
    case AluOpcode::load:
    case AluOpcode::loadinv:
    case AluOpcode::load0:
    case AluOpcode::load1:
    case AluOpcode::add:
    case AluOpcode::sub:
    case AluOpcode::and_:
    case AluOpcode::or_:
    case AluOpcode::xor_:
    case AluOpcode::store:
    case AluOpcode::storeinv:
      return true;
  }
  return false;
}

uint64_t& operand_ref(AluOperand operand, Gprs& gprs, AluRegisters& alu) {
  switch (operand) {
    case AluOperand::srca: return alu.srca;
    case AluOperand::srcb: return alu.srcb;
    case AluOperand::accu: return alu.accu;
    case AluOperand::zf: return alu.zf;
    case AluOperand::cf: return alu.cf;
    default: break;
  }
  GVT_ASSERT(is_gpr(uint32_t(operand)), "ALU operand 0x{:x} passed decode", uint32_t(operand));
  return gprs.r[uint32_t(operand)];
}

void execute_alu(const AluInstruction& in, Gprs& gprs, AluRegisters& alu) {
  switch (in.opcode) {
    case AluOpcode::noop:
      return;
    case AluOpcode::load:
      operand_ref(in.operand1, gprs, alu) = operand_ref(in.operand2, gprs, alu);
      return;
    case AluOpcode::loadinv:
      operand_ref(in.operand1, gprs, alu) = ~operand_ref(in.operand2, gprs, alu);
      return;
    case AluOpcode::load0:
      operand_ref(in.operand1, gprs, alu) = 0;
      return;
    case AluOpcode::load1:
      operand_ref(in.operand1, gprs, alu) = ~0ull;
      return;
    case AluOpcode::add:
      alu.accu = alu.srca + alu.srcb;
      alu.cf = alu_flag(alu.accu < alu.srca);  // carry out of bit 63
      alu.zf = alu_flag(alu.accu == 0);
      return;
    case AluOpcode::sub:
      alu.accu = alu.srca - alu.srcb;
      alu.cf = alu_flag(alu.srca < alu.srcb);  // borrow: [mi] mi_ult is SUB then STORE CF
      alu.zf = alu_flag(alu.accu == 0);
      return;
    case AluOpcode::and_:
    case AluOpcode::or_:
    case AluOpcode::xor_:
      alu.accu = in.opcode == AluOpcode::and_  ? alu.srca & alu.srcb
                 : in.opcode == AluOpcode::or_ ? alu.srca | alu.srcb
                                               : alu.srca ^ alu.srcb;
      alu.cf = 0;
      alu.zf = alu_flag(alu.accu == 0);
      return;
    case AluOpcode::store:
      operand_ref(in.operand1, gprs, alu) = operand_ref(in.operand2, gprs, alu);
      return;
    case AluOpcode::storeinv:
      operand_ref(in.operand1, gprs, alu) = ~operand_ref(in.operand2, gprs, alu);
      return;
  }
  GVT_ASSERT(false, "ALU opcode 0x{:x} passed decode", uint32_t(in.opcode));
}

// The fields of a one-dword command, read through the generated typed constants.
uint32_t field(const spec::gen8::CmdBits& bits, uint32_t dw0) {
  return uint32_t(bits.get(std::span<const uint32_t>(&dw0, 1)));
}

uint64_t size_mask(AtomicSize size) {
  return size == AtomicSize::dword ? 0xFFFF'FFFFull : ~0ull;
}

// A 4- or 8-byte value as a signed integer of that width (for IMAX/IMIN).
int64_t as_signed(uint64_t v, AtomicSize size) {
  return size == AtomicSize::dword ? int64_t(int32_t(uint32_t(v))) : int64_t(v);
}

}  // namespace

// ------------------------------------------------------------------------------------------------
// MI_MATH

Result<AluInstruction> decode_alu_instruction(uint32_t dword) {
  const uint32_t opcode = dword >> 20;
  const uint32_t operand1 = (dword >> 10) & 0x3FF;
  const uint32_t operand2 = dword & 0x3FF;
  if (!is_alu_opcode(opcode))
    return Status::guest_error("unknown ALU opcode 0x{:03x} (bits 31:20)", opcode);
  const AluOpcode op = AluOpcode(opcode);
  switch (op) {
    case AluOpcode::load:
    case AluOpcode::loadinv:
    case AluOpcode::load0:
    case AluOpcode::load1:
      if (!is_alu_src(operand1))
        return Status::guest_error("ALU LOAD* operand 1 is 0x{:03x}, not SRCA (0x20) or SRCB (0x21)",
                                   operand1);
      if ((op == AluOpcode::load || op == AluOpcode::loadinv) && !is_named_operand(operand2))
        return Status::guest_error("ALU LOAD operand 2 is 0x{:03x}, not a register", operand2);
      break;
    case AluOpcode::store:
    case AluOpcode::storeinv:
      if (!is_gpr(operand1))
        return Status::guest_error("ALU STORE operand 1 is 0x{:03x}, not a GPR (0x00..0x0f)",
                                   operand1);
      if (!is_named_operand(operand2))
        return Status::guest_error("ALU STORE operand 2 is 0x{:03x}, not a register", operand2);
      break;
    default:
      break;  // NOOP and the arithmetic opcodes take no operands
  }
  return AluInstruction{op, AluOperand(operand1), AluOperand(operand2)};
}

MathResult execute_mi_math(std::span<const uint32_t> alu_dwords, Gprs& gprs, AluRegisters& alu) {
  // Check everything first: a rejected payload leaves the GPRs and the ALU untouched.
  for (std::size_t i = 0; i < alu_dwords.size(); ++i) {
    Result<AluInstruction> in = decode_alu_instruction(alu_dwords[i]);
    if (!in)
      return {Status::guest_error("MI_MATH ALU dword {} (command DW{}) = 0x{:08x}: {}", i, i + 1,
                                  alu_dwords[i], in.status().message()),
              0};
  }
  for (uint32_t dword : alu_dwords) execute_alu(*decode_alu_instruction(dword), gprs, alu);
  return {Status::ok(), alu_dwords.size()};
}

MathResult execute_mi_math(std::span<const uint32_t> alu_dwords, Gprs& gprs) {
  AluRegisters alu;
  return execute_mi_math(alu_dwords, gprs, alu);
}

// ------------------------------------------------------------------------------------------------
// MI_PREDICATE

Result<PredicateOp> decode_mi_predicate(uint32_t dw0) {
  const uint32_t load = field(cmd::MI_PREDICATE::LOAD_OPERATION, dw0);
  if (load == 1)
    return Status::guest_error("MI_PREDICATE DW0 0x{:08x}: Load Operation 1 is not defined", dw0);
  return PredicateOp{PredicateLoad(load),
                     PredicateCombine(field(cmd::MI_PREDICATE::COMBINE_OPERATION, dw0)),
                     PredicateCompare(field(cmd::MI_PREDICATE::COMPARE_OPERATION, dw0))};
}

PredicateRegisters apply_mi_predicate(PredicateOp op, PredicateRegisters regs) {
  bool compare = false;
  switch (op.compare) {
    case PredicateCompare::true_: compare = true; break;
    case PredicateCompare::false_: compare = false; break;
    case PredicateCompare::srcs_equal:
      compare = regs.src0 == regs.src1;
      regs.data = regs.src0 - regs.src1;  // the delta DELTAS_EQUAL later compares against
      break;
    case PredicateCompare::deltas_equal:
      compare = regs.src0 - regs.src1 == regs.data;
      break;
  }
  bool combined = compare;
  switch (op.combine) {
    case PredicateCombine::set: combined = compare; break;
    case PredicateCombine::and_: combined = regs.result && compare; break;
    case PredicateCombine::or_: combined = regs.result || compare; break;
    case PredicateCombine::xor_: combined = regs.result != compare; break;
  }
  switch (op.load) {
    case PredicateLoad::keep: break;
    case PredicateLoad::load: regs.result = combined; break;
    case PredicateLoad::loadinv: regs.result = !combined; break;
  }
  return regs;
}

// ------------------------------------------------------------------------------------------------
// MI_SEMAPHORE_WAIT

Result<SemaphoreCompare> decode_semaphore_compare(uint32_t dw0) {
  const uint32_t op = field(cmd::MI_SEMAPHORE_WAIT::COMPARE_OPERATION, dw0);
  if (op > uint32_t(SemaphoreCompare::sad_not_equal_sdd))
    return Status::guest_error("MI_SEMAPHORE_WAIT DW0 0x{:08x}: Compare Operation {} is reserved",
                               dw0, op);
  return SemaphoreCompare(op);
}

bool semaphore_satisfied(SemaphoreCompare op, uint32_t sad, uint32_t sdd) {
  switch (op) {
    case SemaphoreCompare::sad_greater_than_sdd: return sad > sdd;
    case SemaphoreCompare::sad_greater_than_or_equal_sdd: return sad >= sdd;
    case SemaphoreCompare::sad_less_than_sdd: return sad < sdd;
    case SemaphoreCompare::sad_less_than_or_equal_sdd: return sad <= sdd;
    case SemaphoreCompare::sad_equal_sdd: return sad == sdd;
    case SemaphoreCompare::sad_not_equal_sdd: return sad != sdd;
  }
  GVT_ASSERT(false, "semaphore compare {} passed decode", unsigned(op));
  return false;
}

// ------------------------------------------------------------------------------------------------
// MI_ATOMIC

AtomicResult apply_atomic(uint32_t atomic_opcode, uint32_t data_size, AtomicValue old_value,
                          const AtomicOperands& operands) {
  if (data_size > uint32_t(AtomicSize::octword))
    return Status::guest_error("MI_ATOMIC Data Size {} is reserved (DW0 20:19)", data_size);
  const AtomicSize size = AtomicSize(data_size);
  const uint32_t base = atomic_opcode & ~0x1Fu;
  const uint32_t operation = atomic_opcode & 0x1Fu;
  const bool known = operation >= uint32_t(AtomicOp::and_) &&
                     operation <= uint32_t(AtomicOp::predec) &&
                     (base == 0 || base == kAtomicQwordBase ||
                      (base == kAtomicOctwordBase && operation == uint32_t(AtomicOp::cmp_wr)));
  if (!known)
    return Status::guest_error("MI_ATOMIC ATOMIC OPCODE 0x{:02x} is reserved (DW0 15:8)",
                               atomic_opcode);
  if (base / 0x20 != data_size)
    return Status::guest_error(
        "MI_ATOMIC ATOMIC OPCODE 0x{:02x} is a {}-byte operation but Data Size {} is {} bytes",
        atomic_opcode, 4u << (base / 0x20), data_size, atomic_size_bytes(size));

  const AtomicOp op = AtomicOp(operation);
  AtomicOutcome out{op, size, {}, {}};
  if (size == AtomicSize::octword) {  // CMP_WR16B, the only 16-byte operation
    const bool match = old_value == operands.operand1;
    out.new_value = match ? operands.operand2 : old_value;
    out.returned = old_value;
    return out;
  }

  const uint64_t mask = size_mask(size);
  const uint64_t old = old_value.lo & mask;
  const uint64_t s0 = operands.operand1.lo & mask;
  const uint64_t s1 = operands.operand2.lo & mask;
  uint64_t result = old;
  switch (op) {
    case AtomicOp::and_: result = old & s0; break;
    case AtomicOp::or_: result = old | s0; break;
    case AtomicOp::xor_: result = old ^ s0; break;
    case AtomicOp::move: result = s0; break;
    case AtomicOp::inc: result = old + 1; break;
    case AtomicOp::dec: result = old - 1; break;
    case AtomicOp::add: result = old + s0; break;
    case AtomicOp::sub: result = old - s0; break;
    case AtomicOp::rsub: result = s0 - old; break;
    case AtomicOp::imax: result = as_signed(old, size) >= as_signed(s0, size) ? old : s0; break;
    case AtomicOp::imin: result = as_signed(old, size) <= as_signed(s0, size) ? old : s0; break;
    case AtomicOp::umax: result = old >= s0 ? old : s0; break;
    case AtomicOp::umin: result = old <= s0 ? old : s0; break;
    case AtomicOp::cmp_wr: result = old == s0 ? s1 : old; break;
    case AtomicOp::predec: result = old - 1; break;
  }
  result &= mask;
  out.new_value = AtomicValue{result, 0};
  out.returned = AtomicValue{op == AtomicOp::predec ? result : old, 0};
  return out;
}

AtomicValue atomic_value_from_bytes(std::span<const uint8_t> bytes) {
  GVT_ASSERT(bytes.size() == 4 || bytes.size() == 8 || bytes.size() == 16,
             "an atomic value is 4, 8 or 16 bytes, not {}", bytes.size());
  AtomicValue v;
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    uint64_t& half = i < 8 ? v.lo : v.hi;
    half |= uint64_t(bytes[i]) << (8 * (i % 8));
  }
  return v;
}

void atomic_value_to_bytes(const AtomicValue& value, std::span<uint8_t> bytes) {
  GVT_ASSERT(bytes.size() == 4 || bytes.size() == 8 || bytes.size() == 16,
             "an atomic value is 4, 8 or 16 bytes, not {}", bytes.size());
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const uint64_t half = i < 8 ? value.lo : value.hi;
    bytes[i] = uint8_t(half >> (8 * (i % 8)));
  }
}

AtomicOperands atomic_inline_operands(std::span<const uint32_t> c) {
  using namespace cmd::MI_ATOMIC;
  auto pair = [&](const spec::gen8::CmdBits& low, const spec::gen8::CmdBits& high) {
    return low.get(c) | high.get(c) << 32;
  };
  return AtomicOperands{
      AtomicValue{pair(OPERAND1_DATA_DWORD_0, OPERAND1_DATA_DWORD_1),
                  pair(OPERAND1_DATA_DWORD_2, OPERAND1_DATA_DWORD_3)},
      AtomicValue{pair(OPERAND2_DATA_DWORD_0, OPERAND2_DATA_DWORD_1),
                  pair(OPERAND2_DATA_DWORD_2, OPERAND2_DATA_DWORD_3)}};
}

AtomicOperands atomic_gpr_operands(const Gprs& gprs) {
  return AtomicOperands{AtomicValue{gprs.r[0], gprs.r[1]}, AtomicValue{gprs.r[2], gprs.r[3]}};
}

void store_atomic_return(const AtomicOutcome& outcome, Gprs& gprs) {
  gprs.r[4] = outcome.returned.lo;
  if (outcome.size == AtomicSize::octword) gprs.r[5] = outcome.returned.hi;
}

// ------------------------------------------------------------------------------------------------
// MI_CONDITIONAL_BATCH_BUFFER_END

bool conditional_bb_end(uint32_t compare_data_dword, uint32_t memory_value,
                        bool compare_semaphore) {
  if (!compare_semaphore) return false;
  return !(memory_value > compare_data_dword);
}

}  // namespace gvtsim::model::gen8
