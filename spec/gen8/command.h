// The command API over the generated command table (spec/gen8/commands.h, from
// spec/gen8/commands.toml; docs/tables.md).
//
// One table drives everything that reads or writes GPU commands: the model's command streamer, the
// mediation core's scanner, trace decode and printing, and the tests and trace writers that build
// commands. This header gives them:
//
//   decode_header(dw0, engine)     the row a DW0 encodes on an engine, O(1): per-engine tables
//                                  indexed by the opcode bits (MI 28:23, 2D 28:22, GFX 28:16), no
//                                  scan. nullptr when the engine has no such instruction.
//   command_length(row, dw0)       dwords of the command; unknown_command_length(dw0) for an
//                                  instruction no row describes (so a listing can always go on).
//   CmdBits::get / set             unpack / pack one field (spec/gen8/cmd_field.h), typed by the
//                                  generated constants: cmd::PIPE_CONTROL::POST_SYNC_OPERATION.
//   address_space(field, cmd)      the GGTT / PPGTT / context space an address field selects.
//   pack(...)                      a whole command's dwords from field values, DW0 included.
//   decode_command / decode_commands   structured listing entries: address, name, length and every
//                                  decoded field; unknown instructions are entries too, never a stop.
//   to_text / to_json              one line of text or one JSON object per entry.
//
// The spec layer depends on nothing but the standard library (decisions D9): errors a caller can
// get wrong at run time (an unknown opcode, a truncated buffer) are data in the result; misuse of
// the packer (a length the rule cannot encode, a field outside the command, a value wider than its
// field) is reported by try_pack() and is a broken invariant in pack(), which stops the process
// with a message.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "spec/gen8/commands.h"

namespace gvtsim::spec::gen8 {

// ---------------------------------------------------------------------------------------------
// Decoding a header

// The row whose match DW0 satisfies on `engine`, or nullptr. Types 1 and 4-7 are never valid.
inline const CmdRow* decode_header(uint32_t dw0, Engine engine) {
  const detail::CmdDecodeTable& t = detail::kCmdDecode[static_cast<std::size_t>(engine)];
  uint16_t row = detail::kCmdNoRow;
  switch (dw0 >> 29) {
    case 0:
      row = t.mi[(dw0 >> 23) & 0x3F];
      break;
    case 2:
      row = t.blt[(dw0 >> 22) & 0x7F];
      break;
    case 3: {
      const uint8_t block = t.gfx[(dw0 >> 24) & 0x1F];
      if (block != detail::kCmdNoBlock) row = detail::kCmdGfxBlocks[block][(dw0 >> 16) & 0xFF];
      break;
    }
    default:
      break;
  }
  return row == detail::kCmdNoRow ? nullptr : &kCmdRows[row];
}

// Total dwords of `row`'s command whose DW0 is `dw0`.
constexpr uint32_t command_length(const CmdRow& row, uint32_t dw0) { return row.length.of(dw0); }

// Dwords to skip for an instruction no row describes, so that a listing can go on: Mesa's rule for
// instructions its spec does not know (src/intel/common/intel_decoder.c intel_group_get_length; a
// result below 1 becomes 1, as intel_batch_decoder.c does):
//   MI: opcode < 0x10 -> 1, else DW0 7:0 + 2;   2D: DW0 7:0 + 2;
//   GFX subtype 0: 0x6104 -> 1, opcode < 2 -> DW0 7:0 + 2;   subtype 1: opcode < 2 -> 1;
//   GFX subtype 2: opcode 0 -> DW0 7:0 + 2, opcode 1..2 -> DW0 15:0 + 2;
//   GFX subtype 3: 0x780b -> 1, opcode < 4 -> DW0 7:0 + 2;   anything else -> 1.
uint32_t unknown_command_length(uint32_t dw0);

// The length of the command at DW0 whatever it is: the row's rule, or the unknown rule.
inline uint32_t command_length(const CmdRow* row, uint32_t dw0) {
  return row ? command_length(*row, dw0) : unknown_command_length(dw0);
}

// False when the row has a valid_len (GVT-g's F_LEN_VAR_FIXED) and DW0 encodes another length: the
// kernel rejects such a command (-EFAULT, gvt-reference §2.5).
constexpr bool length_valid(const CmdRow& row, uint32_t dw0) {
  return row.valid_len == 0 || row.length.of(dw0) == row.valid_len;
}

// DW0 of `row` for a command of `len` dwords, or nullopt when the rule cannot encode `len`.
constexpr std::optional<uint32_t> encode_header(const CmdRow& row, uint32_t len) {
  if (len < row.length.min() || len > row.length.max()) return std::nullopt;
  return row.match | (row.length.is_fixed() ? 0u : len - row.length.bias);
}

// The address space an address field of this command selects: CmdSpace::ggtt, ppgtt or context
// (the executing context's space: whatever the batch runs in); none for a field that is not an
// address. A selector bit beyond the command reads as 0.
CmdSpace address_space(const CmdField& field, std::span<const uint32_t> cmd);

// ---------------------------------------------------------------------------------------------
// Packing (tests, trace writers)

// One field value: the generated constant, its value (in place for addresses and offsets, shifted
// down otherwise, as CmdBits::get returns it) and, for a repeated field, its group.
struct CmdValue {
  CmdBits field;
  uint64_t value = 0;
  unsigned index = 0;
};

// `row`'s command of `len` dwords (default_len when 0): DW0 is the header with the length encoded,
// every bit no value names is zero. nullopt, with the reason in `why`, when `len` cannot be encoded
// or a value lies outside the command or does not fit its field. A wide field may stop at the end
// of the command when its value has no bits there (a one-dword MI_STORE_DATA_IMM's Immediate Data).
std::optional<std::vector<uint32_t>> try_pack(const CmdRow& row, std::span<const CmdValue> values,
                                              uint32_t len = 0, std::string* why = nullptr);
// As try_pack; misuse stops the process with the reason.
std::vector<uint32_t> pack(const CmdRow& row, std::span<const CmdValue> values, uint32_t len = 0);
inline std::vector<uint32_t> pack(const CmdRow& row, std::initializer_list<CmdValue> values,
                                  uint32_t len = 0) {
  return pack(row, std::span<const CmdValue>(values.begin(), values.size()), len);
}
inline std::vector<uint32_t> pack(CmdId id, std::initializer_list<CmdValue> values = {},
                                  uint32_t len = 0) {
  return pack(cmd_row(id), values, len);
}

// ---------------------------------------------------------------------------------------------
// Listing

struct DecodedField {
  const CmdField* field;
  uint16_t index;     // group of a repeated field, else 0
  uint64_t value;     // as CmdBits::get
  CmdSpace space;     // addresses: ggtt, ppgtt or context; none otherwise
};

// One command of a listing.
struct CmdEntry {
  uint64_t address = 0;         // of DW0
  uint32_t dw0 = 0;
  const CmdRow* row = nullptr;  // nullptr: no instruction of this engine (printed as UNKNOWN)
  uint32_t length = 1;          // dwords the listing advances by (>= 1)
  uint32_t available = 1;       // dwords of it the buffer holds (< length: truncated)
  std::vector<DecodedField> fields;   // every field whose low dword is available: the fixed ones
                                      // in table order, then each repeated group in turn
  std::vector<uint32_t> raw;          // unknown instructions: their dwords (up to `available`)

  bool known() const { return row != nullptr; }
  bool truncated() const { return available < length; }
  bool length_valid() const { return !row || gen8::length_valid(*row, dw0); }
  std::string_view name() const { return row ? row->name : std::string_view("UNKNOWN"); }
};

// The command at dwords[0] on `engine`, its DW0 at `address`. `dwords` must not be empty.
CmdEntry decode_command(std::span<const uint32_t> dwords, Engine engine, uint64_t address = 0);
// Every command of a buffer, from its first dword to its end; unknown instructions are entries
// (with the unknown length rule) and the last entry may be truncated.
std::vector<CmdEntry> decode_commands(std::span<const uint32_t> dwords, Engine engine,
                                      uint64_t address = 0);

// A field's value as the listing prints it: addresses and offsets in hex, bool true/false, int
// signed, float as a float, the rest decimal.
std::string format_value(const DecodedField& f);
// One line, no newline:
//   0x00001000: 0x18800101 MI_BATCH_BUFFER_START len=3: Second Level Batch Buffer=0; ...;
//   Batch Buffer Start Address=0x12345000 (ppgtt)
//   0x0000100c: 0x0e800000 UNKNOWN len=2: dwords=0x0e800000 0x00000000
// Repeated fields print as `Name[i]=value`; a truncated command ends with `(truncated: a of n
// dwords)`, a length GVT-g rejects with `(length != valid_len v)`.
std::string to_text(const CmdEntry& e);
// One JSON object, no newline: {"address":4096,"dw0":411042049,"name":"MI_BATCH_BUFFER_START",
// "known":true,"length":3,"truncated":false,"fields":[{"name":"...","value":...},...]}.
// Repeated fields carry "index", addresses "space"; unknown instructions carry "dwords"; a length
// GVT-g rejects adds "valid_len".
std::string to_json(const CmdEntry& e);

}  // namespace gvtsim::spec::gen8
