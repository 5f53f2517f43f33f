// The virtual OpRegion (i915 gvt/opregion.c, gvt/reg.h): the 8 KB ACPI OpRegion a guest's graphics
// driver finds through the ASLS config register (0xFC), built by GVT-g from scratch rather than
// copied from the host ("emulated opregion with VBT mailbox only", intel_vgpu_init_opregion).
//
// Layout of what GVT fills in (everything else is zero):
//   0x000 header  signature "IntelGraphicsMem" (16 bytes, no NUL)   0x010 size = 8 (in KB)
//                 0x014 OpRegion version 0x02000000 (2.0)           0x058 mailboxes = MBOX_VBT (bit 3)
//   0x1AC CLID    = 3 (lid open: "for unknown reason, the value in LID field is incorrect which block
//                 the windows guest")
//   0x200 SCIC, 0x204 PARM — the SWSCI mailbox the guest fills before triggering SWSCI (0xE8)
//   0x400 VBT     "$VBT" header (version 155, header size 48, BDB at +48) and the BDB header
//                 "BIOS_DATA_BLOCK" (version 186, header size 22)
// gvtsim stops at the two VBT headers: GVT's data blocks after them (general features, four DP child
// devices for ports A–D, driver features: virt_vbt_generation) describe the virtual display, which
// comes in a later issue; until then the BDB holds no blocks (bdb_size 0, vbt_size 22 — GVT's
// formula: the bytes after the VBT header).
//
// How it reaches the guest. Under KVMGT the OpRegion is a VFIO device region (intel_gvt_set_opregion);
// QEMU's firmware copies it into guest RAM and programs ASLS with its address. The ASLS write tells
// GVT where it lives (intel_vgpu_opregion_base_write_handler records its two gfns), and SWSCI requests
// read and answer SCIC/PARM there, in guest memory (intel_vgpu_emulate_opregion_request). gvtsim has
// no firmware: Vgpu::install_opregion does that step for the harness.
#pragma once

#include <array>
#include <cstdint>
#include <span>

namespace gvtsim::vgpu {

inline constexpr unsigned kOpRegionPages = 2;
inline constexpr uint32_t kOpRegionSize = kOpRegionPages * 4096;

namespace opregion {
inline constexpr uint32_t kSignature = 0x000;     // 16 bytes
inline constexpr uint32_t kSize = 0x010;          // u32, in KB
inline constexpr uint32_t kVersion = 0x014;       // u32
inline constexpr uint32_t kMailboxes = 0x058;     // u32
inline constexpr uint32_t kClid = 0x1AC;          // gvt/reg.h INTEL_GVT_OPREGION_CLID
inline constexpr uint32_t kScic = 0x200;          // INTEL_GVT_OPREGION_SCIC
inline constexpr uint32_t kParm = 0x204;          // INTEL_GVT_OPREGION_PARM
inline constexpr uint32_t kVbt = 0x400;           // INTEL_GVT_OPREGION_VBT_OFFSET
inline constexpr char kSignatureText[] = "IntelGraphicsMem";
inline constexpr uint32_t kVersion2_0 = 0x02000000;
inline constexpr uint32_t kMboxVbt = 1u << 3;
inline constexpr uint8_t kClidOpen = 0x3;
inline constexpr uint16_t kVbtVersion = 155;      // "there's features depending on version!"
inline constexpr uint16_t kVbtHeaderSize = 48;    // intel_vbt_defs.h struct vbt_header
inline constexpr uint16_t kBdbVersion = 186;      // "child_dev_size = 38"
inline constexpr uint16_t kBdbHeaderSize = 22;    // struct bdb_header

// SCIC (gvt/reg.h): exit status 7:5, function 4:1, sub-function 15:8.
inline constexpr uint32_t kScicExitMask = 0xE0;
inline constexpr uint32_t kScicFuncMask = 0x1E, kScicFuncShift = 1;
inline constexpr uint32_t kScicSubfuncMask = 0xFF00, kScicSubfuncShift = 8;
inline constexpr uint32_t kFuncGetBiosData = 4, kFuncGetBiosCallbacks = 6;
inline constexpr uint32_t kSubfuncSupportedCalls = 0, kSubfuncRequestedCallbacks = 1;

// The SWSCI config register (0xE8): SCI select (else SMI) and the trigger bit.
inline constexpr uint32_t kSwsciSciSelect = 1u << 15;
inline constexpr uint32_t kSwsciSciTrigger = 1u << 0;
}  // namespace opregion

using OpRegionImage = std::array<uint8_t, kOpRegionSize>;

// The OpRegion GVT gives every vGPU at creation (intel_vgpu_init_opregion).
OpRegionImage build_virtual_opregion();

// A SWSCI request's answer (intel_vgpu_emulate_opregion_request, once select and trigger passed):
// the three capability queries — Get BIOS Data/Supported Calls, Get BIOS Data/Requested Callbacks,
// System BIOS Callbacks/Supported Calls — answer 0 in SCIC and PARM ("nothing supported"); any other
// function is refused by clearing the exit status (0: "failure, generic, unsupported or unknown cause")
// and leaves PARM alone.
struct ScicReply {
  uint32_t scic;
  uint32_t parm;
  bool supported;  // a capability query
};
bool scic_is_capability_query(uint32_t scic);
ScicReply emulate_scic(uint32_t scic, uint32_t parm);

}  // namespace gvtsim::vgpu
