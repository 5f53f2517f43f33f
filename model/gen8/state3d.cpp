#include "model/gen8/state3d.h"

#include <algorithm>
#include <string>

#include "base/hash.h"

namespace gvtsim::model::gen8 {

using spec::gen8::CmdCost;
using spec::gen8::CmdId;
using spec::gen8::CmdRow;
using spec::gen8::CmdType;
using spec::gen8::Engine;

namespace {

// GFX DW0 28:27 (subtype) and 26:24 (opcode): the media pipe's state group is subtype 2, opcode 0.
constexpr uint32_t gfx_subtype(uint32_t dw0) { return (dw0 >> 27) & 3; }
constexpr uint32_t gfx_opcode(uint32_t dw0) { return (dw0 >> 24) & 7; }

// Bits 31:22 of a header or count dword: MI_NOOP's type and opcode, and its identification-number
// write enable, all zero.
constexpr uint32_t kNoopHighMask = ~State3d::kNoopPayloadMask;

bool row_is_state(const CmdRow& row) {
  if (row.type != CmdType::gfx || !spec::gen8::has_engine(row.engines, Engine::RCS)) return false;
  switch (row.cost) {
    case CmdCost::state:
      return row.id != CmdId::STATE_PREFETCH;  // a state-cache hint: no pipeline state of its own
    case CmdCost::media:
      return gfx_subtype(row.match) == 2 && gfx_opcode(row.match) == 0 &&
             row.id != CmdId::MEDIA_STATE_FLUSH;  // waits for the media pipe: an action
    default:
      return false;
  }
}

struct StateRows {
  std::array<bool, spec::gen8::kCmdRowCount> is_state{};
  std::vector<CmdId> by_key;  // image order: ascending DW0 match
};

// Built once from the table; record() looks a row up in O(1).
const StateRows& state_rows() {
  static const StateRows rows = [] {
    StateRows r;
    for (const CmdRow& row : spec::gen8::kCmdRows) {
      if (!row_is_state(row)) continue;
      r.is_state[static_cast<std::size_t>(row.id)] = true;
      r.by_key.push_back(row.id);
    }
    std::sort(r.by_key.begin(), r.by_key.end(), [](CmdId a, CmdId b) {
      return spec::gen8::cmd_row(a).match < spec::gen8::cmd_row(b).match;
    });
    // The key must identify the command: two state rows with one match would alias in the image.
    for (std::size_t i = 1; i < r.by_key.size(); ++i)
      GVT_ASSERT(spec::gen8::cmd_row(r.by_key[i - 1]).match < spec::gen8::cmd_row(r.by_key[i]).match,
                 "state rows {} and {} share DW0 match {:#010x}", spec::gen8::cmd_row(r.by_key[i - 1]).name,
                 spec::gen8::cmd_row(r.by_key[i]).name, spec::gen8::cmd_row(r.by_key[i]).match);
    return r;
  }();
  return rows;
}

// Little-endian dwords whatever the host, so images and hashes are the same everywhere.
void put32(uint8_t* p, uint32_t v) {
  p[0] = uint8_t(v);
  p[1] = uint8_t(v >> 8);
  p[2] = uint8_t(v >> 16);
  p[3] = uint8_t(v >> 24);
}
uint32_t get32(const uint8_t* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

// Offsets in messages: within the 3D-state area and from the LRCA, so a guest's image can be
// found either way.
std::string at(std::size_t off) {
  return fmt::format("3D state image offset {:#x} (LRCA + {:#x})", off, off + kState3dImageOffset);
}

}  // namespace

bool State3d::is_state(const CmdRow& row) { return state_rows().is_state[static_cast<std::size_t>(row.id)]; }

std::span<const CmdId> State3d::state_ids() { return state_rows().by_key; }

bool State3d::record(const CmdRow& row, std::span<const uint32_t> dwords) {
  if (!is_state(row)) return false;
  GVT_ASSERT(!dwords.empty() && row.matches(dwords[0]) &&
                 dwords.size() == spec::gen8::command_length(row, dwords[0]),
             "{}: a packet of {} dwords (DW0 {:#010x}) is not this command as executed", row.name,
             dwords.size(), dwords.empty() ? 0u : dwords[0]);
  std::vector<uint32_t>& slot = m_packets[static_cast<std::size_t>(row.id)];
  if (slot.empty()) ++m_size;
  slot.assign(dwords.begin(), dwords.end());
  return true;
}

std::span<const uint32_t> State3d::last(CmdId id) const { return m_packets[static_cast<std::size_t>(id)]; }

void State3d::clear() {
  for (std::vector<uint32_t>& p : m_packets) p.clear();
  m_size = 0;
}

uint64_t State3d::hash() const {
  Hasher h;
  for (CmdId id : state_ids()) {
    const std::vector<uint32_t>& p = m_packets[static_cast<std::size_t>(id)];
    if (p.empty()) continue;
    h.add(uint32_t(p.size()));
    for (uint32_t dw : p) h.add(dw);
  }
  return h.digest();
}

std::size_t State3d::saved_bytes() const {
  std::size_t bytes = kHeaderBytes;
  for (CmdId id : state_ids()) {
    const std::vector<uint32_t>& p = m_packets[static_cast<std::size_t>(id)];
    if (!p.empty()) bytes += 4 * (1 + p.size());
  }
  return bytes;
}

Status State3d::save(std::span<uint8_t> image) const {
  GVT_ASSERT(image.size() >= kHeaderBytes && image.size() % 4 == 0 && image.size() <= kNoopPayloadMask,
             "3D state area of {} bytes", image.size());
  const std::size_t bytes = saved_bytes();
  // Checked before any write: a state that does not fit leaves the image as it was.
  if (bytes > image.size())
    return Status::guest_error("3D state of {} packets needs {} bytes; the context image holds {} (LRCA + {:#x})",
                               m_size, bytes, image.size(), kState3dImageOffset);
  uint8_t* p = image.data();
  put32(p + 0, kMagic);
  put32(p + 4, kVersion);
  put32(p + 8, uint32_t(m_size));
  put32(p + 12, uint32_t(bytes));
  p += kHeaderBytes;
  for (CmdId id : state_ids()) {
    const std::vector<uint32_t>& packet = m_packets[static_cast<std::size_t>(id)];
    if (packet.empty()) continue;
    put32(p, uint32_t(packet.size()));
    p += 4;
    for (uint32_t dw : packet) {
      put32(p, dw);
      p += 4;
    }
  }
  std::fill(image.begin() + std::ptrdiff_t(bytes), image.end(), uint8_t(0));
  return Status::ok();
}

Status State3d::restore(std::span<const uint8_t> image) {
  GVT_ASSERT(image.size() >= kHeaderBytes && image.size() % 4 == 0 && image.size() <= kNoopPayloadMask,
             "3D state area of {} bytes", image.size());
  const uint8_t* base = image.data();
  const uint32_t magic = get32(base);
  if (magic == 0) {
    // A never-saved context: all zero is the empty state. Anything else without a magic is not
    // an image of ours.
    auto nonzero = std::find_if(image.begin(), image.end(), [](uint8_t b) { return b != 0; });
    if (nonzero != image.end())
      return Status::guest_error("{}: no 3D state magic, yet the area is not all zero (byte {:#04x})",
                                 at(std::size_t(nonzero - image.begin())), *nonzero);
    clear();
    return Status::ok();
  }
  if (magic != kMagic)
    return Status::guest_error("{}: bad 3D state magic {:#010x} (expected {:#010x})", at(0), magic, kMagic);
  const uint32_t version = get32(base + 4);
  if (version != kVersion)
    return Status::guest_error("{}: 3D state layout version {:#x} (this model reads {})", at(4), version, kVersion);
  const uint32_t count = get32(base + 8);
  if (count > state_ids().size())
    return Status::guest_error("{}: entry count {:#x} beyond the {} state commands", at(8), count, state_ids().size());
  const uint32_t bytes = get32(base + 12);
  if (bytes < kHeaderBytes || bytes % 4 != 0 || bytes > image.size())
    return Status::guest_error("{}: byte count {:#x} outside the {}-byte area (or not whole dwords)", at(12), bytes,
                               image.size());

  // Built aside and swapped in at the end: a bad entry leaves the current state as it was.
  State3d next;
  std::size_t off = kHeaderBytes;
  uint32_t prev_key = 0;
  for (uint32_t i = 0; i < count; ++i) {
    if (off + 8 > bytes)  // a count dword and at least DW0
      return Status::guest_error("{}: entry {} of {} lies past the byte count {:#x}", at(off), i, count, bytes);
    const uint32_t n = get32(base + off);
    if ((n & kNoopHighMask) != 0 || n == 0)
      return Status::guest_error("{}: entry {}: {:#010x} is not a dword count", at(off), i, n);
    if (std::size_t(n) > (bytes - off - 4) / 4)
      return Status::guest_error("{}: entry {}: {} dwords run past the byte count {:#x}", at(off), i, n, bytes);
    const std::size_t packet_off = off + 4;
    const uint32_t dw0 = get32(base + packet_off);
    const CmdRow* row = spec::gen8::decode_header(dw0, Engine::RCS);
    if (!row || !is_state(*row))
      return Status::guest_error("{}: entry {}: DW0 {:#010x} is no render state command", at(packet_off), i, dw0);
    if (spec::gen8::command_length(*row, dw0) != n)
      return Status::guest_error("{}: entry {}: {} of {} dwords, which its DW0 {:#010x} cannot encode", at(off), i,
                                 row->name, n, dw0);
    if (i > 0 && row->match <= prev_key)
      return Status::guest_error("{}: entry {}: {} out of order or repeated", at(packet_off), i, row->name);
    prev_key = row->match;
    std::vector<uint32_t>& slot = next.m_packets[static_cast<std::size_t>(row->id)];
    slot.resize(n);
    for (uint32_t k = 0; k < n; ++k) slot[k] = get32(base + packet_off + 4 * k);
    ++next.m_size;
    off = packet_off + 4 * std::size_t(n);
  }
  if (off != bytes)
    return Status::guest_error("{}: {} bytes between the last entry and the byte count {:#x}", at(off), bytes - off,
                               bytes);
  *this = std::move(next);
  return Status::ok();
}

}  // namespace gvtsim::model::gen8
