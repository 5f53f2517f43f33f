// The render engine's 3D / media / GPGPU pipeline state of the executing context, and its place in
// the context image (decisions D14; docs/context-image.md).
//
// What is state. Pixels are not rendered, so the model needs the pipeline state only to keep it per
// context (save, restore, inspect, compare in the differential oracle). The state is the last packet
// of each state command the render engine executed. A command is state when its table row is a GFX
// (type 3) row that runs on RCS and
//   - its cost class is `state` (every 3DSTATE_*, STATE_BASE_ADDRESS, STATE_SIP,
//     SWTESS_BASE_ADDRESS, GPGPU_CSR_BASE_ADDRESS, PIPELINE_SELECT, 3DSTATE_VF_STATISTICS), except
//     STATE_PREFETCH, a cache hint that changes no pipeline state; or
//   - its cost class is `media` and it is in the media pipe's state group, GFX subtype 2 opcode 0
//     (MEDIA_VFE_STATE, MEDIA_CURBE_LOAD, MEDIA_INTERFACE_DESCRIPTOR_LOAD, MEDIA_GATEWAY_STATE,
//     MEDIA_POOL_STATE: the GPGPU pipe's state too), except MEDIA_STATE_FLUSH, a synchronisation.
// The other classes are actions: `primitive` (3DPRIMITIVE), `walker` (GPGPU_WALKER,
// MEDIA_OBJECT_WALKER), `pipe_control`, subtype-2 opcode-1 media objects (MEDIA_OBJECT(_PRT)), and
// every MI, 2D, MFX and VEBOX row. The rule reads the row's type, engines, cost class and opcode
// bits; the two exceptions are named by their CmdId, never by string. With the table as it is this
// makes 109 state rows.
//
// "Last packet per command" is exact for the commands that set a whole state block (nearly all)
// and a simplification for those that address one element of an array per packet
// (3DSTATE_VF_INSTANCING per vertex element, 3DSTATE_VERTEX_BUFFERS per buffer slot,
// 3DSTATE_BINDING_TABLE_EDIT_*, 3DSTATE_GATHER_CONSTANT_*, the DX9 constant loads, the sampler
// palette loads): hardware accumulates those, we keep the last packet. Nothing reads the state back
// to render, so this loses no modelled behaviour; it is written down here so no one relies on it.
//
// Power-on defaults are the empty state (clear()): what a context restored with restore-inhibit
// starts from (D14). Equality and hash() compare the kept packets; hash() is xxh3-64 (base/hash.h)
// of the entries exactly as save() lays them out, so it does not depend on the table's row
// numbering and is the same on every host.
//
// The image. The state is saved into pages 2..18 of the 19-page BDW render context (LRCA + 8 KiB ..
// LRCA + 76 KiB, 17 pages, 69,632 bytes; gvt-reference §2.6 context_page_num = 19), little-endian
// dwords, byte-exact layout in docs/context-image.md:
//
//   dword 0   0x00000000 | kMagic     (22 bits)
//   dword 1   0x00000000 | kVersion
//   dword 2   0x00000000 | entry count
//   dword 3   0x00000000 | byte count (header + entries)
//   then per entry, in ascending order of the command's DW0 opcode bits (row match):
//             0x00000000 | n          (the packet's dword count, n >= 1)
//             n dwords                (the packet, DW0 first, exactly as executed)
//   then zeros to the end of the area.
//
// Every header and count dword is an MI_NOOP (DW0 28:23 = 0) whose bits 21:0 carry the value and
// whose bit 22 (identification-number write enable) is clear, so the whole area is also a valid RCS
// command stream of MI_NOOPs and state packets: GVT-g's engine-context scan
// (gvt/cmd_parser.c intel_gvt_scan_engine_context, run on every non-inhibit submission) parses the
// image from the state page through the end of the context as commands and fails the workload on an
// unknown opcode, so a layout that is not a command stream would break mediated contexts.
//
// A command is identified by its packet's own DW0 (the type / subtype / opcode / subopcode bits,
// decode_header on RCS), not by the CmdId (the table index: inserting a row in canonical order
// renumbers every row after it) nor by a hash of its name (names have been edited: commit ff0fafe
// renamed a VF_STATISTICS row). The opcode bits are the hardware's own identity of the command: a
// table edit cannot change which command they mean without being a bug fix the image should
// follow. The version dword covers changes of the layout itself.
//
// restore() reads an image written by anyone — a guest owns its context pages — so it checks
// everything before using it and never reads past the span: an all-zero area (a never-saved
// context) gives the empty state; otherwise a bad magic or version, a count or byte count beyond
// the space, an entry running past the byte count, a packet no RCS state row decodes, a packet
// whose dword count its command's length rule cannot give, entries out of order or repeated, and
// bytes left between the last entry and the byte count are each a guest_error naming the offset.
// A failed restore leaves the state unchanged. Bytes after the byte count are not read.
//
// save() writes the whole area (header, entries, zeros), so equal states give equal bytes. A state
// that does not fit is a guest_error and nothing is written. Size: the Mesa captures in
// ../shared/traces keep 57-65 packets of 264-323 dwords (about 1.6 KB saved); every state command
// at its largest legal Gen8 size (genxml lengths; the variable ones at their encodable maximum)
// saves about 51 KB, inside the 68 KB. Only packets longer than their command really is (a 3DSTATE_VS
// of 257 dwords, media state with the 16-bit length field near its maximum) can overflow: the table
// maximum over all 109 rows is 358,517 dwords. The command streamer treats that as an engine error.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "base/status.h"
#include "spec/gen8/command.h"

namespace gvtsim::model::gen8 {

// Where the 3D state lives in a BDW render context image (D14).
inline constexpr std::size_t kContextPageBytes = 4096;
inline constexpr std::size_t kRenderContextPages = 19;
inline constexpr std::size_t kState3dFirstPage = 2;
inline constexpr std::size_t kState3dPages = 17;
inline constexpr std::size_t kState3dImageOffset = kState3dFirstPage * kContextPageBytes;  // from LRCA
inline constexpr std::size_t kState3dImageBytes = kState3dPages * kContextPageBytes;      // 69,632

class State3d {
 public:
  static constexpr uint32_t kMagic = 0x3D57A7;       // "3D STAte", fits MI_NOOP bits 21:0
  static constexpr uint32_t kVersion = 1;
  static constexpr std::size_t kHeaderBytes = 16;    // magic, version, entry count, byte count
  static constexpr uint32_t kNoopPayloadMask = 0x3FFFFF;  // MI_NOOP bits 21:0

  // Whether the render engine keeps `row`'s packets as state (the rule above).
  static bool is_state(const spec::gen8::CmdRow& row);
  // Rows is_state() accepts, in image order (ascending DW0 match).
  static std::span<const spec::gen8::CmdId> state_ids();

  // Keeps `dwords` (one whole command as executed: DW0 decodes to `row`, its length is the row's
  // rule) as the last packet of its command and returns true; returns false, keeping nothing, when
  // the command is not state. A packet that is not `row`'s command is a broken invariant.
  bool record(const spec::gen8::CmdRow& row, std::span<const uint32_t> dwords);
  // The kept packet of `id`; empty when none (or when `id` is not state).
  std::span<const uint32_t> last(spec::gen8::CmdId id) const;
  // Number of kept packets.
  std::size_t size() const { return m_size; }
  bool empty() const { return m_size == 0; }
  // Power-on defaults: nothing kept (restore-inhibit, D14).
  void clear();

  bool operator==(const State3d& other) const { return m_packets == other.m_packets; }
  // xxh3-64 of the entries as save() lays them out (header excluded). Stable across runs, hosts
  // and table renumbering.
  uint64_t hash() const;

  // Bytes save() lays out before the zero fill (header + entries): what the engine writes.
  std::size_t saved_bytes() const;
  // Writes the whole of `image` (normally kState3dImageBytes: pages 2..18): header, entries, zeros.
  // A state larger than `image` is a guest_error and `image` is left untouched.
  Status save(std::span<uint8_t> image) const;
  // Replaces the state with the one `image` holds (all zero: the empty state). A corrupt or hostile
  // image is a guest_error naming the offset; the state is then unchanged.
  Status restore(std::span<const uint8_t> image);

 private:
  // Indexed by CmdId; an empty vector is "no packet" (every packet has at least its DW0).
  std::array<std::vector<uint32_t>, spec::gen8::kCmdRowCount> m_packets;
  std::size_t m_size = 0;
};

}  // namespace gvtsim::model::gen8
