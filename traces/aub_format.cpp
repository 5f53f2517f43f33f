#include "traces/aub_format.h"

#include <cctype>
#include <cstring>

#include <fmt/format.h>

#include "traces/aub_error.h"

namespace gvtsim::aub {

const char* to_string(AubErrorKind k) {
  switch (k) {
    case AubErrorKind::io_error: return "io_error";
    case AubErrorKind::decompression_error: return "decompression_error";
    case AubErrorKind::compression_error: return "compression_error";
    case AubErrorKind::truncated_file: return "truncated_file";
    case AubErrorKind::truncated_block: return "truncated_block";
    case AubErrorKind::bad_type: return "bad_type";
    case AubErrorKind::unknown_opcode: return "unknown_opcode";
    case AubErrorKind::unknown_sub_opcode: return "unknown_sub_opcode";
    case AubErrorKind::bad_length: return "bad_length";
    case AubErrorKind::bad_field: return "bad_field";
    case AubErrorKind::wrong_version: return "wrong_version";
    case AubErrorKind::missing_header: return "missing_header";
    case AubErrorKind::bad_address_space: return "bad_address_space";
    case AubErrorKind::address_out_of_range: return "address_out_of_range";
  }
  return "?";
}

std::string AubError::to_string() const {
  return fmt::format("aub: {} at offset {:#x}: {}", aub::to_string(kind), offset, message);
}

const char* to_string(MemtraceOp op) {
  switch (op) {
    case MemtraceOp::version: return "VERSION";
    case MemtraceOp::reg_cmp: return "REG_CMP";
    case MemtraceOp::reg_poll: return "REG_POLL";
    case MemtraceOp::reg_write: return "REG_WRITE";
    case MemtraceOp::mem_cmp: return "MEM_CMP";
    case MemtraceOp::mem_poll: return "MEM_POLL";
    case MemtraceOp::mem_write: return "MEM_WRITE";
    case MemtraceOp::frame_begin: return "FRAME_BEGIN";
    case MemtraceOp::comment: return "COMMENT";
    case MemtraceOp::trace_delay: return "TRACE_DELAY";
    case MemtraceOp::mem_dump: return "MEM_DUMP";
    case MemtraceOp::mem_write_discont: return "MEM_WRITE_DISCONT";
    case MemtraceOp::test_phase_marker: return "TEST_PHASE_MARKER";
    case MemtraceOp::mem_cont_region: return "MEM_CONT_REGION";
    case MemtraceOp::version_ext: return "VERSION_EXT";
    case MemtraceOp::predicate: return "PREDICATE";
    case MemtraceOp::dump_compress: return "DUMP_COMPRESS";
  }
  return "?";
}

const char* to_string(AddressSpace s) {
  switch (s) {
    case AddressSpace::ggtt: return "GGTT";
    case AddressSpace::local: return "LOCAL";
    case AddressSpace::physical: return "PHYSICAL";
    case AddressSpace::ggtt_pd_entry: return "GGTT_PD_ENTRY";
    case AddressSpace::ggtt_entry: return "GGTT_ENTRY";
    case AddressSpace::ppgtt: return "PPGTT";
    case AddressSpace::ppgtt_entry: return "PPGTT_ENTRY";
    case AddressSpace::non_aperture_ggtt: return "NON_APERTURE_GGTT";
    case AddressSpace::physical_pdp_entry: return "PHYSICAL_PDP_ENTRY";
    case AddressSpace::ppgtt_pd_entry: return "PPGTT_PD_ENTRY";
    case AddressSpace::pml4_entry: return "PML4_ENTRY";
  }
  return "?";
}

const char* to_string(BlockKind k) {
  switch (k) {
    case BlockKind::header: return "VERSION_EXT";
    case BlockKind::mem_write: return "MEM_WRITE";
    case BlockKind::mem_write_discont: return "MEM_WRITE_DISCONT";
    case BlockKind::reg_write: return "REG_WRITE";
    case BlockKind::reg_poll: return "REG_POLL";
    case BlockKind::reg_cmp: return "REG_CMP";
    case BlockKind::mem_poll: return "MEM_POLL";
    case BlockKind::mem_cmp: return "MEM_CMP";
    case BlockKind::comment: return "COMMENT";
    case BlockKind::frame_begin: return "FRAME_BEGIN";
    case BlockKind::trace_delay: return "TRACE_DELAY";
    case BlockKind::test_phase_marker: return "TEST_PHASE_MARKER";
    case BlockKind::other_memtrace: return "OTHER_MEMTRACE";
    case BlockKind::legacy_header: return "LEGACY_HEADER";
    case BlockKind::legacy_trace_block: return "LEGACY_TRACE_HEADER_BLOCK";
    case BlockKind::legacy_dump_bmp: return "LEGACY_DUMP_BMP";
  }
  return "?";
}

namespace {

// `space` names the limit in the message; nullptr for the plain 48-bit limit. Formats only on failure:
// this runs for every memory block.
std::optional<std::string> check_range(uint64_t raw, uint64_t bytes, uint64_t limit, const char* space) {
  const uint64_t high = raw >> 48;
  const bool canonical = high == 0 || (high == 0xFFFF && ((raw >> 47) & 1));
  if (!canonical)
    return fmt::format("address {:#x} is not a 48-bit address (bits 63:48 are not a sign extension)", raw);
  const uint64_t address = raw & kAddressMask48;
  // address < 2^48 and bytes < 2^34 here, so the sum cannot wrap.
  if (address + bytes > limit) {
    if (space)
      return fmt::format("{} bytes at {:#x} end beyond the {} space's limit {:#x}", bytes, address, space, limit);
    return fmt::format("{} bytes at {:#x} end beyond the 48-bit limit {:#x}", bytes, address, limit);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_address(AddressSpace space, uint64_t raw, uint64_t bytes) {
  uint64_t limit = uint64_t(1) << 48;
  switch (space) {
    case AddressSpace::ggtt:
    case AddressSpace::non_aperture_ggtt: limit = uint64_t(1) << 32; break;
    case AddressSpace::ggtt_entry: limit = uint64_t(8) << 20; break;
    default: break;
  }
  return check_range(raw, bytes, limit, to_string(space));
}

std::optional<std::string> check_address_48(uint64_t raw, uint64_t bytes) {
  return check_range(raw, bytes, uint64_t(1) << 48, nullptr);
}

std::optional<uint32_t> parse_pci_id(std::string_view text, std::string_view* rest) {
  constexpr std::string_view kTag = "PCI-ID=";
  if (text.substr(0, kTag.size()) != kTag) return std::nullopt;
  size_t i = kTag.size();
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (i < text.size() && space(text[i])) ++i;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  unsigned base = 10;
  if (i + 1 < text.size() && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X') && i + 2 < text.size() &&
      std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
    base = 16;
    i += 2;
  } else if (i < text.size() && text[i] == '0') {
    base = 8;
  }
  uint64_t value = 0;
  size_t digits = 0;
  for (; i < text.size(); ++i, ++digits) {
    const char c = text[i];
    unsigned d;
    if (c >= '0' && c <= '9')
      d = unsigned(c - '0');
    else if (c >= 'a' && c <= 'f')
      d = unsigned(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F')
      d = unsigned(c - 'A' + 10);
    else
      break;
    if (d >= base) break;
    value = value * base + d;
    if (value > 0xFFFFFFFFu) return std::nullopt;  // sscanf's %i would overflow an int: no id
  }
  if (digits == 0 || negative) return std::nullopt;
  if (rest) {
    while (i < text.size() && space(text[i])) ++i;
    *rest = text.substr(i);
  }
  return uint32_t(value);
}

std::string_view TraceHeader::text() const {
  const auto* p = reinterpret_cast<const char*>(command_line.data());
  const void* nul = command_line.empty() ? nullptr : std::memchr(p, 0, command_line.size());
  return {p, nul ? size_t(static_cast<const char*>(nul) - p) : command_line.size()};
}

}  // namespace gvtsim::aub
