// The AUB trace format: block headers, address spaces and one struct per block kind.
//
// An AUB file (the trace format of Intel's GPU tools; Mesa's intel_dump_gpu writes it, aubinator
// reads it) is a flat sequence of little-endian dword blocks and has no global header apart from its
// first block (../shared/docs/aub.md). Every block starts with DW0:
//
//   bits 31:29 type (always 7) | 28:23 opcode | 22:16 sub-opcode | 15:0 length
//
// Two opcodes exist. 0x2E ("memtrace", the only one Gen8 writers use) has blocks of (length + 1)
// dwords, so a memtrace block is at most 65536 dwords (aubstream's aub_file_stream.cpp asserts the
// same cap, g_dwordCountMax). 0x01 is the legacy (Gen<8) format whose blocks are (length + 2) dwords;
// its TRACE_HEADER_BLOCK also carries DW4 bytes of data after that (Mesa src/intel/tools/aub_read.c,
// aub_read_command). Field layouts below are cited per block: aub.md for what Mesa 22.3 writes,
// Intel's aubstream aub_mem_dump/includes/aub_services.h for the memtrace fields Mesa leaves at 0,
// Mesa's intel_aub.h and aub_write.c (write_legacy_header) for the legacy blocks.
//
// The reader (aub_reader.h) returns a block as an AubBlock: a variant of the structs below. Spans in
// a block are views into the reader's buffer and are valid until the next read. The writer
// (aub_writer.h) takes the same structs, so reading a trace and writing its blocks back round-trips.
// Reading keeps addresses to 48 bits (as Mesa's intel_48b_address does); every other field is kept.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>

namespace gvtsim::aub {

// ---- DW0 ------------------------------------------------------------------------------------------
inline constexpr uint32_t kBlockType = 7;
inline constexpr uint32_t kOpcodeLegacy = 0x01;
inline constexpr uint32_t kOpcodeMemtrace = 0x2E;
inline constexpr uint32_t kMaxLength = 0xFFFF;                  // the 16-bit length field
inline constexpr uint32_t kMaxMemtraceDwords = kMaxLength + 1;  // 65536 dwords = 256 KiB

constexpr uint32_t dw0_type(uint32_t dw0) { return dw0 >> 29; }
constexpr uint32_t dw0_opcode(uint32_t dw0) { return (dw0 >> 23) & 0x3F; }
constexpr uint32_t dw0_sub_opcode(uint32_t dw0) { return (dw0 >> 16) & 0x7F; }
constexpr uint32_t dw0_length(uint32_t dw0) { return dw0 & 0xFFFF; }
constexpr uint32_t make_dw0(uint32_t opcode, uint32_t sub_opcode, uint32_t length) {
  return (kBlockType << 29) | (opcode << 23) | (sub_opcode << 16) | length;
}

// Memtrace sub-opcodes (aub.md's table; names as in Mesa's aub_read.c).
enum class MemtraceOp : uint8_t {
  version = 0x00,  // superseded by VERSION_EXT; Mesa rejects it
  reg_cmp = 0x01,
  reg_poll = 0x02,
  reg_write = 0x03,
  mem_cmp = 0x04,
  mem_poll = 0x05,
  mem_write = 0x06,
  frame_begin = 0x07,
  comment = 0x08,
  trace_delay = 0x09,
  mem_dump = 0x0A,
  mem_write_discont = 0x0B,
  test_phase_marker = 0x0C,
  mem_cont_region = 0x0D,
  version_ext = 0x0E,  // the file header
  predicate = 0x0F,
  dump_compress = 0x10,
};
inline constexpr uint32_t kMemtraceOpCount = 0x11;  // 0x11..0x7F are undefined
const char* to_string(MemtraceOp op);

// Legacy (opcode 0x01) sub-opcodes that Mesa's reader accepts (aub_read.c: SUBOPCODE_HEADER,
// SUBOPCODE_BLOCK, SUBOPCODE_BMP). intel_aub.h spells DUMP_BMP as 0x9e << 16, which overlaps bit 23
// of the opcode: the 7-bit sub-opcode field holds 0x1e.
enum class LegacyOp : uint8_t { header = 0x05, dump_bmp = 0x1E, trace_header_block = 0x41 };

// ---- address spaces -------------------------------------------------------------------------------
// DW3 bits 31:28 of MEM_WRITE (and the same field of the other memory blocks). The meanings are
// aubstream's AddressSpaceValues (aub_services.h); aub.md lists them. Mesa writes only 0, 2 and 4.
// Values 11..15 are a typed error (bad_address_space): newer aubstream names 11 "power context", a
// Gen12 notion with no Gen8 meaning, and 12..15 are undefined.
enum class AddressSpace : uint8_t {
  ggtt = 0,                // GGTT graphics virtual address (TraceGttGfx)
  local = 1,               // local memory (TraceLocal); device memory on discrete parts
  physical = 2,            // system physical memory (TraceNonlocal, "PHYSICAL" in Mesa)
  ggtt_pd_entry = 3,       // PPGTT page-directory entries kept in the GGTT (TraceGttPdEntry, Gen6/7)
  ggtt_entry = 4,          // the GGTT page table itself: address = PTE index * 8 (TraceGttEntry)
  ppgtt = 5,               // PPGTT graphics virtual address (TracePpgttGfx)
  ppgtt_entry = 6,         // PPGTT leaf page-table entries, by physical address (TracePpgttEntry)
  non_aperture_ggtt = 7,   // GGTT address above the CPU aperture (TraceNonapetureGttGfx)
  physical_pdp_entry = 8,  // page-directory-pointer entries, by physical address
  ppgtt_pd_entry = 9,      // PPGTT page-directory entries, by physical address
  pml4_entry = 10,         // PML4 entries, by physical address
};
inline constexpr uint32_t kAddressSpaceCount = 11;
const char* to_string(AddressSpace s);

// Register spaces (DW2 bits 31:28 of REG_WRITE/REG_POLL/REG_CMP; aubstream RegisterSpaceValues).
// Mesa writes 0 (MMIO). 6..15 are undefined: bad_field.
enum class RegisterSpace : uint8_t { mmio = 0, mchbar = 1, pci_config = 2, azalia_bar = 3, io = 4, vtd_bar = 5 };
inline constexpr uint32_t kRegisterSpaceCount = 6;
// Register/data sizes (DW2 bits 19:16; aubstream RegisterSizeValues): 0 byte .. 3 qword. Mesa: 2.
enum class AccessSize : uint8_t { byte = 0, word = 1, dword = 2, qword = 3 };
inline constexpr uint32_t kAccessSizeCount = 4;

// Address helpers. Readers keep 48 bits (aub.md); an address whose bits 63:48 are neither 0 nor the
// sign extension of bit 47 (canonical form, as iris writes batch addresses) is out of range.
inline constexpr uint64_t kAddressMask48 = (uint64_t(1) << 48) - 1;
// Checks that [raw_address, raw_address + bytes) fits the space: 48 bits for every space, 4 GiB for
// the GGTT spaces (a Gen8 GGTT maps at most 4 GiB) and 8 MiB for GGTT_ENTRY (4 GiB / 4 KiB pages
// * 8-byte PTEs). Returns the reason when it does not.
std::optional<std::string> check_address(AddressSpace space, uint64_t raw_address, uint64_t bytes);
// The same for an address with no space of the list above (legacy blocks): 48 bits, canonical.
std::optional<std::string> check_address_48(uint64_t raw_address, uint64_t bytes);

// sscanf("PCI-ID=%i") as Mesa's aub_read.c applies it to the header string: the literal "PCI-ID=",
// optional white space, then a C integer (0x hex, 0 octal, else decimal). nullopt when absent.
// `rest` (optional) receives the text after the number and any following spaces (the app name).
std::optional<uint32_t> parse_pci_id(std::string_view text, std::string_view* rest = nullptr);

// ---- blocks ---------------------------------------------------------------------------------------

// VERSION_EXT (0x2E/0x0E), the file header of a memtrace file (aub.md "Header block").
struct TraceHeader {
  uint32_t file_version = 1;       // DW1; anything else is wrong_version
  uint32_t dw2 = 0;                // DW2: metal 2:0, stepping 7:3, device 15:8, CSX swizzling 17:16,
                                   // recording method 19:18, PCH 27:20, capture tool 31:28
  uint32_t primary_version = 0;    // DW3
  uint32_t secondary_version = 0;  // DW4
  // DW5..: the command-line string as stored, padding included. The padding is not guaranteed to be
  // NUL (a Mesa writer bug copies stray bytes): use text(), pci_id and app_name.
  std::span<const uint8_t> command_line;
  std::optional<uint32_t> pci_id;  // from "PCI-ID=%i"; nullopt when the string has none
  std::string_view app_name;       // what follows the PCI id, up to the first NUL

  uint8_t device() const { return uint8_t(dw2 >> 8); }  // aub.md: take the device from 15:8 only
  uint8_t stepping() const { return (dw2 >> 3) & 0x1F; }
  uint8_t capture_tool() const { return uint8_t(dw2 >> 28); }
  // The command line up to its first NUL (or the block's end).
  std::string_view text() const;
};
inline constexpr uint8_t kDeviceBroadwell = 11;  // aubstream DeviceValues::Bdw; aub.md: DW2 = 0xB00

// MEM_WRITE (0x2E/0x06): DW1/DW2 address, DW3 address space 31:28 + data-type hint 27:20 + other
// attributes 19:0 (aubstream: front-door 0, repeat 1, tiling 3:2; Mesa writes 0), DW4 byte length,
// then the data zero-padded to a dword.
struct MemWrite {
  uint64_t address = 0;  // 48 bits
  AddressSpace space = AddressSpace::ggtt;
  uint8_t data_type_hint = 0;
  uint32_t attributes = 0;  // DW3 bits 19:0
  std::span<const uint8_t> data;
};
// The largest MEM_WRITE payload: 65536 dwords less the 5-dword header.
inline constexpr uint32_t kMaxMemWriteBytes = (kMaxMemtraceDwords - 5) * 4;

// MEM_WRITE_DISCONT (0x2E/0x0B): DW1 = address space 31:28, hint 27:20, pair count 19:4, attributes
// 3:0; DW2..DW190 = 63 packed {u64 address, u32 size}; then the data of each pair in order, each
// padded to a dword (aub.md; aubstream CmdServicesMemTraceMemoryWriteDiscontiguous).
struct DiscontEntry {
  uint64_t address = 0;      // 48 bits
  uint32_t size = 0;         // bytes
  uint32_t data_offset = 0;  // where this entry's bytes start in MemWriteDiscont::data
};
inline constexpr uint32_t kDiscontEntries = 63;
inline constexpr uint32_t kDiscontHeaderDwords = 2 + 3 * kDiscontEntries;  // 191
struct MemWriteDiscont {
  AddressSpace space = AddressSpace::ggtt;
  uint8_t data_type_hint = 0;
  uint8_t attributes = 0;                 // DW1 bits 3:0
  std::span<const DiscontEntry> entries;  // the first `pair count` entries
  std::span<const uint8_t> data;
};

// REG_WRITE (0x2E/0x03), REG_POLL (0x02) and REG_CMP (0x01) share a layout: DW1 register offset,
// DW2 flags (space 31:28, size 19:16, per-kind bits below), DW3/DW4 mask low/high, DW5.. data
// (aub.md; aubstream CmdServicesMemTraceRegister{Write,Poll,Compare}). Mesa writes DW2 = 0x00020000.
struct RegAccess {
  uint32_t offset = 0;
  RegisterSpace space = RegisterSpace::mmio;
  AccessSize size = AccessSize::dword;
  uint64_t mask = 0xFFFFFFFF;
  std::span<const uint32_t> data;  // at least one dword (two for a qword)
  uint32_t value() const { return data.empty() ? 0 : data[0]; }
};
struct RegWrite : RegAccess {
  uint8_t message_source = 0;  // DW2 bits 7:4 (aubstream MessageSourceIdValues)
};
struct RegPoll : RegAccess {
  bool timeout_ignore = false;  // DW2 bit 1: on timeout, ignore (1) or abort (0)
  bool poll_not_equal = false;  // DW2 bit 2
  uint8_t operation = 0;        // DW2 bits 7:4 (0 normal, 1 interlaced CRC)
};
struct RegCmp : RegAccess {
  bool no_read_expect = false;  // DW2 bit 0
};

// MEM_POLL (0x2E/0x05): DW1/DW2 address, DW3 = space 31:28, hint 27:20, timeout action 8, data size
// 5:4, tiling 3:2, poll-not-equal 0; DW4/DW5 mask; DW6.. expected data (aubstream
// CmdServicesMemTraceMemoryPoll). Mesa skips it.
struct MemPoll {
  uint64_t address = 0;
  AddressSpace space = AddressSpace::ggtt;
  uint8_t data_type_hint = 0;
  AccessSize size = AccessSize::dword;
  uint8_t tiling = 0;
  bool poll_not_equal = false;
  bool timeout_ignore = false;
  uint64_t mask = 0;
  std::span<const uint32_t> data;
};

// MEM_CMP (0x2E/0x04): the MEM_WRITE layout with compare attributes in DW3 19:0 (no-read-expect 0,
// repeat 1, tiling 3:2, CRC 6; aubstream CmdServicesMemTraceMemoryCompare).
struct MemCmp {
  uint64_t address = 0;
  AddressSpace space = AddressSpace::ggtt;
  uint8_t data_type_hint = 0;
  uint32_t attributes = 0;
  std::span<const uint8_t> data;
};

// COMMENT (0x2E/0x08): DW1 flags (sync on comment 0, sync on simulator display 1), the text from DW2,
// NUL-terminated and zero-padded (aub.md; aubstream AubFileStream::addComment).
struct Comment {
  uint32_t flags = 0;
  std::string_view text;  // up to the first NUL
};
// FRAME_BEGIN (0x2E/0x07): DW1 bits 15:0 frame number. 2 dwords.
struct FrameBegin {
  uint16_t frame = 0;
};
// TRACE_DELAY (0x2E/0x09): DW1 the delay. 2 dwords.
struct TraceDelay {
  uint32_t time = 0;
};
// TEST_PHASE_MARKER (0x2E/0x0C): DW1 bits 15:12 phase, 11:0 tool-specific sub-phase. 2 dwords.
struct TestPhaseMarker {
  uint8_t phase = 0;
  uint16_t sub_phase = 0;
};

// A well-formed memtrace block of a sub-opcode the format defines but this reader does not decode
// (VERSION 0x00, MEM_DUMP, MEM_CONT_REGION, PREDICATE, DUMP_COMPRESS). Returned, never dropped: the
// caller decides (Mesa's reader rejects all of them).
struct OtherMemtrace {
  MemtraceOp op = MemtraceOp::version;
  std::span<const uint32_t> payload;  // DW1..
};

// Legacy HEADER (0x01/0x05): DW1 version (major 31:24, minor 23:16), DW2..DW9 a 32-byte app name,
// DW10/DW11 timestamp, DW12 comment length in bytes, DW13.. the comment (Mesa writes "PCI-ID=0x%x";
// aub_write.c write_legacy_header; aub_read.c handle_trace_header parses it).
struct LegacyHeader {
  uint8_t major = 4, minor = 0;
  std::string_view app_name;  // up to 32 bytes, to the first NUL
  uint64_t timestamp = 0;
  uint32_t comment_length = 0;       // DW12, bytes
  std::span<const uint8_t> trailer;  // DW13 to the block's end: the comment and its padding
  std::optional<uint32_t> pci_id;    // from "PCI-ID=%i" in the comment

  std::string_view comment() const {
    return {reinterpret_cast<const char*>(trailer.data()),
            comment_length < trailer.size() ? comment_length : trailer.size()};
  }
};
// Legacy TRACE_HEADER_BLOCK (0x01/0x41): DW1 = address space 23:16, type 15:8, operation 7:0;
// DW2 subtype; DW3 address low; DW4 data bytes; DW5 address high when the header has 6 dwords (what
// writers emit for Gen8+ addresses); the data follows the (length + 2)-dword header (intel_aub.h).
enum class LegacyOperation : uint8_t { comment = 0, data_write = 1, command_write = 2, mmio_write = 3 };
struct LegacyTraceBlock {
  LegacyOperation operation = LegacyOperation::data_write;
  uint8_t type = 0;           // AUB_TRACE_TYPE_* (ring PRB0 = 2 for command writes)
  uint8_t address_space = 0;  // AUB_TRACE_MEMTYPE_*: GTT 0, local 1, nonlocal 2, PCI 3, GTT entry 4
  uint32_t subtype = 0;
  uint64_t address = 0;        // 48 bits
  uint32_t header_dwords = 6;  // 5 (32-bit addresses) or 6; a writer pads any further dwords with 0
  std::span<const uint8_t> data;
};
// A legacy TRACE_HEADER_BLOCK's DW4 data size is capped so that a corrupt size cannot make the reader
// buffer gigabytes: legacy writers split data into blocks of at most 8 pages ("Break up large objects
// into multiple writes" in Mesa's aub_write.c aub_write_trace_block and libdrm's
// aub_write_large_trace_block); the largest block is the initial GTT table (64-128 KiB of PTEs).
// A size that is not whole dwords is refused: writers pad the data to a dword while Mesa's reader
// steps DW4/4 dwords, so the two disagree on where the next block starts.
inline constexpr uint32_t kMaxLegacyDataBytes = 16u << 20;
// Legacy DUMP_BMP (0x01/0x1E): a request to dump a surface; Mesa skips it. Payload kept raw.
struct LegacyDumpBmp {
  std::span<const uint32_t> payload;  // DW1..
};

using AubBlock =
    std::variant<TraceHeader, MemWrite, MemWriteDiscont, RegWrite, RegPoll, RegCmp, MemPoll, MemCmp, Comment,
                 FrameBegin, TraceDelay, TestPhaseMarker, OtherMemtrace, LegacyHeader, LegacyTraceBlock, LegacyDumpBmp>;

// The kind of a block: its index in AubBlock, with names for counting and printing.
enum class BlockKind : uint8_t {
  header,
  mem_write,
  mem_write_discont,
  reg_write,
  reg_poll,
  reg_cmp,
  mem_poll,
  mem_cmp,
  comment,
  frame_begin,
  trace_delay,
  test_phase_marker,
  other_memtrace,
  legacy_header,
  legacy_trace_block,
  legacy_dump_bmp,
};
inline constexpr int kBlockKinds = std::variant_size_v<AubBlock>;
static_assert(int(BlockKind::legacy_dump_bmp) + 1 == kBlockKinds);
inline BlockKind kind(const AubBlock& b) { return BlockKind(b.index()); }
// "VERSION_EXT", "MEM_WRITE", ..., "LEGACY_TRACE_HEADER_BLOCK".
const char* to_string(BlockKind k);

}  // namespace gvtsim::aub
