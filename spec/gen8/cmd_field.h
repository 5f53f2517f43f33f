// Where a field of a GPU command lives, and how to read and write it in the command's dwords.
//
// A field is named by the dword holding its low bits and its bits within that dword, as the PRM
// writes "DW1 47:2": when hi > 31 the field continues into the next dword (low dword first), which
// is how Gen8 lays out its 48- and 64-bit addresses. Addresses and offsets are kept *in place*, as
// genxml packs and decodes them: their low `lo` bits are alignment, so the value read is the byte
// address with those bits zero, and the value written must have them zero. A repeating tail (LRI's
// register/value pairs, MI_MATH's ALU instructions) is described once per group: `dw` is then
// relative to the group, groups start at `repeat_from` and take `repeat_stride` dwords each.
//
// The generated per-command namespaces (spec/gen8/commands.h) declare one CmdBits constant per
// field, so code reads fields by typed constant, never by string:
//   cmd::MI_BATCH_BUFFER_START::BATCH_BUFFER_START_ADDRESS.get(dwords)
//   cmd::MI_LOAD_REGISTER_IMM::REGISTER_OFFSET.get(dwords, i)   // i-th register/value pair
#pragma once

#include <cstdint>
#include <span>

namespace gvtsim::spec::gen8 {

struct CmdBits {
  uint16_t dw = 0;              // dword of the low bits (within the group when repeated)
  uint8_t hi = 0;               // highest bit relative to `dw` (up to 63)
  uint8_t lo = 0;               // lowest bit (0..31)
  bool in_place = false;        // address / offset: value keeps its low `lo` bits (as zero)
  uint16_t repeat_from = 0;     // first dword of the repeated groups
  uint16_t repeat_stride = 0;   // dwords per group; 0 = not repeated

  constexpr bool repeated() const { return repeat_stride != 0; }
  constexpr unsigned width() const { return hi - lo + 1u; }
  // True when the field spans two dwords.
  constexpr bool wide() const { return hi > 31; }
  // The field's bits in its (one- or two-dword) window.
  constexpr uint64_t mask() const {
    return (width() >= 64 ? ~0ull : ((1ull << width()) - 1)) << lo;
  }
  // Command dword holding the field's low bits in group `index` (index ignored when not repeated).
  constexpr unsigned dword(unsigned index = 0) const {
    return repeated() ? repeat_from + index * repeat_stride + dw : dw;
  }
  // Dwords a command needs to hold the whole field (of group `index`).
  constexpr unsigned end(unsigned index = 0) const { return dword(index) + (wide() ? 2u : 1u); }
  // Whether a command of `len` dwords holds the field's low dword. A wide field whose high dword
  // lies beyond the command is still present, its high bits reading zero: MI_STORE_DATA_IMM's
  // 64-bit Immediate Data in a 4-dword (one dword) store. Mesa's decoder reads it the same way
  // (intel_decoder.c iter_decode_field_raw).
  constexpr bool present(std::size_t len, unsigned index = 0) const { return dword(index) < len; }
  // Whether a command of `len` dwords holds all of the field.
  constexpr bool complete(std::size_t len, unsigned index = 0) const { return end(index) <= len; }
  // Number of whole groups a command of `len` dwords holds (1 for a field that is not repeated).
  constexpr unsigned groups(std::size_t len) const {
    if (!repeated()) return 1;
    return len > repeat_from ? unsigned((len - repeat_from) / repeat_stride) : 0u;
  }
  // Whether `value` fits the field (in place for addresses and offsets: low bits zero).
  constexpr bool fits(uint64_t value) const {
    return in_place ? (value & ~mask()) == 0 : (value & ~(mask() >> lo)) == 0;
  }

  // The field's value in `cmd` (cmd[0] = DW0): shifted down, or in place for addresses and
  // offsets. Dwords beyond the span read as zero, so a short command never reads out of bounds.
  constexpr uint64_t get(std::span<const uint32_t> cmd, unsigned index = 0) const {
    const unsigned d = dword(index);
    uint64_t window = d < cmd.size() ? cmd[d] : 0u;
    if (wide() && d + 1 < cmd.size()) window |= uint64_t(cmd[d + 1]) << 32;
    window &= mask();
    return in_place ? window : window >> lo;
  }
  // The value sign-extended from the field's width (genxml type int).
  constexpr int64_t get_signed(std::span<const uint32_t> cmd, unsigned index = 0) const {
    const uint64_t v = get(cmd, index);
    const unsigned w = width();
    if (w >= 64) return int64_t(v);
    const uint64_t sign = 1ull << (w - 1);
    return int64_t((v ^ sign) - sign);
  }
  constexpr bool test(std::span<const uint32_t> cmd, unsigned index = 0) const {
    return get(cmd, index) != 0;
  }
  // Writes `value` (extra bits dropped; so are the high bits of a wide field whose high dword lies
  // beyond the span). Returns false, writing nothing, when the span lacks the field's low dword.
  constexpr bool set(std::span<uint32_t> cmd, uint64_t value, unsigned index = 0) const {
    if (!present(cmd.size(), index)) return false;
    const unsigned d = dword(index);
    const bool high = wide() && d + 1 < cmd.size();
    const uint64_t bits = (in_place ? value : value << lo) & mask();
    uint64_t window = cmd[d];
    if (high) window |= uint64_t(cmd[d + 1]) << 32;
    window = (window & ~mask()) | bits;
    cmd[d] = uint32_t(window);
    if (high) cmd[d + 1] = uint32_t(window >> 32);
    return true;
  }
};

}  // namespace gvtsim::spec::gen8
