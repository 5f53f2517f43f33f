#include "vgpu/opregion.h"

#include <cstring>

namespace gvtsim::vgpu {

using namespace opregion;

namespace {
void put16(OpRegionImage& b, uint32_t o, uint16_t v) {
  b[o] = uint8_t(v);
  b[o + 1] = uint8_t(v >> 8);
}
void put32(OpRegionImage& b, uint32_t o, uint32_t v) {
  for (unsigned i = 0; i < 4; ++i) b[o + i] = uint8_t(v >> (8 * i));
}
}  // namespace

OpRegionImage build_virtual_opregion() {
  OpRegionImage b{};
  // Header: signature without its terminating NUL (the field is exactly 16 bytes).
  static_assert(sizeof(kSignatureText) - 1 == 16);
  std::memcpy(b.data() + kSignature, kSignatureText, 16);
  put32(b, kSize, kOpRegionSize / 1024);
  put32(b, kVersion, kVersion2_0);
  put32(b, kMailboxes, kMboxVbt);
  b[kClid] = kClidOpen;

  // VBT header (intel_vbt_defs.h struct vbt_header: signature[20], version, header_size, vbt_size,
  // checksum, reserved, bdb_offset, aim_offset[4]) then the BDB header (signature[16], version,
  // header_size, bdb_size). Sizes follow GVT's virt_vbt_generation: vbt_size counts what follows the
  // VBT header, bdb_size what follows the BDB header.
  const uint32_t vbt = kVbt;
  std::memcpy(b.data() + vbt, "$VBT", 4);
  put16(b, vbt + 0x14, kVbtVersion);
  put16(b, vbt + 0x16, kVbtHeaderSize);
  put16(b, vbt + 0x18, kBdbHeaderSize);  // vbt_size: the BDB header and its (absent) blocks
  put32(b, vbt + 0x1C, kVbtHeaderSize);  // bdb_offset
  const uint32_t bdb = vbt + kVbtHeaderSize;
  std::memcpy(b.data() + bdb, "BIOS_DATA_BLOCK", 15);
  put16(b, bdb + 16, kBdbVersion);
  put16(b, bdb + 18, kBdbHeaderSize);
  put16(b, bdb + 20, 0);  // bdb_size: no data blocks yet
  return b;
}

bool scic_is_capability_query(uint32_t scic) {
  const uint32_t func = (scic & kScicFuncMask) >> kScicFuncShift;
  const uint32_t sub = (scic & kScicSubfuncMask) >> kScicSubfuncShift;
  return (func == kFuncGetBiosData && (sub == kSubfuncSupportedCalls || sub == kSubfuncRequestedCallbacks)) ||
         (func == kFuncGetBiosCallbacks && sub == kSubfuncSupportedCalls);
}

ScicReply emulate_scic(uint32_t scic, uint32_t parm) {
  if (!scic_is_capability_query(scic)) return {scic & ~kScicExitMask, parm, false};
  return {0, 0, true};
}

}  // namespace gvtsim::vgpu
