#include "model/gen8/state3d.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "base/hash.h"
#include "base/random.h"

namespace gvtsim::model::gen8 {
namespace {

using namespace spec::gen8;

using Image = std::vector<uint8_t>;

Image blank_image(uint8_t fill = 0) { return Image(kState3dImageBytes, fill); }

uint32_t get32(const Image& im, std::size_t off) {
  return uint32_t(im[off]) | uint32_t(im[off + 1]) << 8 | uint32_t(im[off + 2]) << 16 | uint32_t(im[off + 3]) << 24;
}
void put32(Image& im, std::size_t off, uint32_t v) {
  for (unsigned i = 0; i < 4; ++i) im[off + i] = uint8_t(v >> (8 * i));
}

void record(State3d& s, const std::vector<uint32_t>& packet) {
  const CmdRow* row = decode_header(packet.at(0), Engine::RCS);
  ASSERT_NE(row, nullptr);
  ASSERT_TRUE(s.record(*row, packet)) << row->name;
}

// Every state row of the table in its default packing (spec::gen8::pack).
State3d every_state_row() {
  State3d s;
  for (CmdId id : State3d::state_ids()) EXPECT_TRUE(s.record(cmd_row(id), pack(id)));
  return s;
}

Image saved(const State3d& s, uint8_t fill = 0) {
  Image im = blank_image(fill);
  Status st = s.save(im);
  EXPECT_TRUE(st.is_ok()) << st.to_string();
  return im;
}

// A corrupt image must be a guest_error that names an offset and leaves the state as it was.
void expect_rejected(const Image& im, const std::string& offset, const std::string& what) {
  State3d s;
  record(s, pack(CmdId::_3DSTATE_VS));
  const State3d before = s;
  Status st = s.restore(im);
  ASSERT_FALSE(st.is_ok()) << what;
  EXPECT_EQ(st.kind(), StatusKind::guest_error) << what;
  EXPECT_NE(st.message().find("offset " + offset + " "), std::string::npos) << what << ": " << st.message();
  EXPECT_EQ(s, before) << what << ": a failed restore changed the state";
}

std::string hex(std::size_t v) {
  char b[32];
  std::snprintf(b, sizeof b, "%#zx", v);
  return b;
}

TEST(State3d, StateRuleFollowsTypeCostAndOpcode) {
  for (CmdId id : {CmdId::_3DSTATE_VS, CmdId::_3DSTATE_VERTEX_BUFFERS, CmdId::_3DSTATE_WM_HZ_OP,
                   CmdId::STATE_BASE_ADDRESS, CmdId::STATE_SIP, CmdId::PIPELINE_SELECT,
                   CmdId::_3DSTATE_VF_STATISTICS, CmdId::GPGPU_CSR_BASE_ADDRESS, CmdId::MEDIA_VFE_STATE,
                   CmdId::MEDIA_CURBE_LOAD, CmdId::MEDIA_INTERFACE_DESCRIPTOR_LOAD, CmdId::MEDIA_GATEWAY_STATE,
                   CmdId::MEDIA_POOL_STATE})
    EXPECT_TRUE(State3d::is_state(cmd_row(id))) << cmd_row(id).name;
  for (CmdId id : {CmdId::_3DPRIMITIVE, CmdId::GPGPU_WALKER, CmdId::MEDIA_OBJECT_WALKER, CmdId::MEDIA_OBJECT,
                   CmdId::MEDIA_OBJECT_PRT, CmdId::MEDIA_STATE_FLUSH, CmdId::PIPE_CONTROL, CmdId::STATE_PREFETCH,
                   CmdId::MI_LOAD_REGISTER_IMM, CmdId::MI_BATCH_BUFFER_START, CmdId::XY_SRC_COPY_BLT,
                   CmdId::MFX_PIPE_MODE_SELECT, CmdId::VEBOX_STATE})
    EXPECT_FALSE(State3d::is_state(cmd_row(id))) << cmd_row(id).name;
  // The image order is strictly ascending by DW0 match: one key per command.
  auto ids = State3d::state_ids();
  EXPECT_EQ(ids.size(), 109u) << "the state rows changed: recheck the rule and the sizes in docs/context-image.md";
  for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_LT(cmd_row(ids[i - 1]).match, cmd_row(ids[i]).match);
  std::size_t counted = 0;
  for (const CmdRow& row : kCmdRows) counted += State3d::is_state(row);
  EXPECT_EQ(counted, ids.size());
}

TEST(State3d, RecordKeepsTheLastPacketOfEachCommand) {
  namespace vs = cmd::_3DSTATE_VS;
  State3d s;
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(s.last(CmdId::_3DSTATE_VS).empty());
  auto first = pack(vs::id, {{vs::KERNEL_START_POINTER, 0x1000}});
  auto second = pack(vs::id, {{vs::KERNEL_START_POINTER, 0x2040}});
  EXPECT_TRUE(s.record(cmd_row(vs::id), first));
  EXPECT_EQ(s.size(), 1u);
  EXPECT_TRUE(std::ranges::equal(s.last(vs::id), first));
  EXPECT_TRUE(s.record(cmd_row(vs::id), second));
  EXPECT_EQ(s.size(), 1u) << "an overwrite is not a second packet";
  EXPECT_TRUE(std::ranges::equal(s.last(vs::id), second));

  auto sba = pack(CmdId::STATE_BASE_ADDRESS);
  EXPECT_TRUE(s.record(cmd_row(CmdId::STATE_BASE_ADDRESS), sba));
  EXPECT_EQ(s.size(), 2u);
  // Variable-length packets are kept whole, whatever their length.
  auto vb = pack(CmdId::_3DSTATE_VERTEX_BUFFERS, {}, 1 + 4 * 33);
  EXPECT_TRUE(s.record(cmd_row(CmdId::_3DSTATE_VERTEX_BUFFERS), vb));
  EXPECT_EQ(s.last(CmdId::_3DSTATE_VERTEX_BUFFERS).size(), 133u);

  // Actions are not state: nothing kept.
  EXPECT_FALSE(s.record(cmd_row(CmdId::_3DPRIMITIVE), pack(CmdId::_3DPRIMITIVE)));
  EXPECT_FALSE(s.record(cmd_row(CmdId::PIPE_CONTROL), pack(CmdId::PIPE_CONTROL)));
  EXPECT_FALSE(s.record(cmd_row(CmdId::GPGPU_WALKER), pack(CmdId::GPGPU_WALKER)));
  EXPECT_FALSE(s.record(cmd_row(CmdId::MI_NOOP), pack(CmdId::MI_NOOP)));
  EXPECT_EQ(s.size(), 3u);
  EXPECT_TRUE(s.last(CmdId::_3DPRIMITIVE).empty());

  State3d other;
  EXPECT_NE(s, other);
  s.clear();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s, other);
  EXPECT_EQ(s.hash(), other.hash());
}

TEST(State3d, EqualityAndHashSeeEveryDword) {
  namespace ps = cmd::_3DSTATE_PS;
  State3d a, b;
  record(a, pack(ps::id, {{ps::KERNEL_START_POINTER_0, 0x40}}));
  record(b, pack(ps::id, {{ps::KERNEL_START_POINTER_0, 0x80}}));
  EXPECT_NE(a, b);
  EXPECT_NE(a.hash(), b.hash());
  record(b, pack(ps::id, {{ps::KERNEL_START_POINTER_0, 0x40}}));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
}

TEST(State3d, HashIsXxh3OfTheSavedEntries) {
  // The empty state hashes the empty input: xxh3-64's fixed value, the same on every host.
  EXPECT_EQ(State3d().hash(), 0x2D06800538D394C2ull);
  State3d s = every_state_row();
  Image im = saved(s);
  EXPECT_EQ(s.hash(), hash64(im.data() + State3d::kHeaderBytes, s.saved_bytes() - State3d::kHeaderBytes));
}

TEST(State3d, DocumentedExampleIsByteExact) {
  // The example of docs/context-image.md, dword for dword, and its hash: a change here is a layout
  // change (bump State3d::kVersion and the document) or a hash change (every pinned result moves).
  State3d s;
  record(s, pack(CmdId::PIPELINE_SELECT));
  record(s, pack(CmdId::_3DSTATE_VF_STATISTICS, {{cmd::_3DSTATE_VF_STATISTICS::STATISTICS_ENABLE, 1}}));
  record(s, pack(CmdId::STATE_SIP, {{cmd::STATE_SIP::SYSTEM_INSTRUCTION_POINTER, 0x12340}}));
  const uint32_t expected[] = {0x003d57a7, 0x00000001, 0x00000003, 0x00000030, 0x00000003, 0x61020001,
                               0x00012340, 0x00000000, 0x00000001, 0x680b0001, 0x00000001, 0x69040000};
  Image im = saved(s, 0xEE);
  for (std::size_t i = 0; i < std::size(expected); ++i) EXPECT_EQ(get32(im, 4 * i), expected[i]) << "dword " << i;
  EXPECT_EQ(s.saved_bytes(), sizeof expected);
  EXPECT_EQ(get32(im, sizeof expected), 0u);
  EXPECT_EQ(s.hash(), 0xdb651be18f57cfcdull);
}

TEST(State3d, SaveRestoreRoundTripOfEveryStateRow) {
  State3d s = every_state_row();
  EXPECT_EQ(s.size(), State3d::state_ids().size());
  Image im = saved(s);
  EXPECT_EQ(get32(im, 0), State3d::kMagic);
  EXPECT_EQ(get32(im, 4), State3d::kVersion);
  EXPECT_EQ(get32(im, 8), s.size());
  EXPECT_EQ(get32(im, 12), s.saved_bytes());

  State3d r;
  record(r, pack(CmdId::_3DSTATE_GS));  // replaced wholesale
  Status st = r.restore(im);
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_EQ(r, s);
  EXPECT_EQ(r.hash(), s.hash());
  for (CmdId id : State3d::state_ids()) EXPECT_TRUE(std::ranges::equal(r.last(id), pack(id))) << cmd_row(id).name;

  // Non-default lengths and contents survive too.
  namespace vs = cmd::_3DSTATE_VS;
  s.record(cmd_row(CmdId::_3DSTATE_SO_DECL_LIST), pack(CmdId::_3DSTATE_SO_DECL_LIST, {}, 259));
  s.record(cmd_row(vs::id), pack(vs::id, {{vs::KERNEL_START_POINTER, 0xFFFFFFC0}}));
  ASSERT_TRUE(r.restore(saved(s)).is_ok());
  EXPECT_EQ(r, s);

  // An empty state saves a header only and restores to empty.
  State3d empty;
  Image e = saved(empty);
  EXPECT_EQ(get32(e, 8), 0u);
  EXPECT_EQ(get32(e, 12), State3d::kHeaderBytes);
  ASSERT_TRUE(r.restore(e).is_ok());
  EXPECT_TRUE(r.empty());
}

TEST(State3d, SavedBytesAreDeterministic) {
  // The same state built in two orders, with overwrites, saved over different stale contents.
  State3d a = every_state_row();
  State3d b;
  auto ids = State3d::state_ids();
  for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
    record(b, pack(*it, {}, cmd_row(*it).length.is_fixed() ? 0 : cmd_row(*it).length.min()));
    record(b, pack(*it));
  }
  ASSERT_EQ(a, b);
  Image ia = saved(a, 0xAA);
  Image ib = saved(b, 0x55);
  EXPECT_EQ(ia, ib);
  EXPECT_EQ(a.hash(), b.hash());
  // The rest of the area is zero.
  EXPECT_TRUE(std::all_of(ia.begin() + std::ptrdiff_t(a.saved_bytes()), ia.end(), [](uint8_t v) { return v == 0; }));
  // The layout in docs/context-image.md: entries in ascending DW0 order, each a count then the packet.
  std::size_t off = State3d::kHeaderBytes;
  for (CmdId id : ids) {
    auto p = pack(id);
    EXPECT_EQ(get32(ia, off), p.size()) << cmd_row(id).name;
    EXPECT_EQ(get32(ia, off + 4), p[0]) << cmd_row(id).name;
    off += 4 * (1 + p.size());
  }
  EXPECT_EQ(off, a.saved_bytes());
}

TEST(State3d, SavedAreaIsAValidRenderCommandStream) {
  // GVT-g's engine-context scan parses the image as commands: only MI_NOOPs and state packets.
  Image im = saved(every_state_row());
  std::vector<uint32_t> dw(im.size() / 4);
  for (std::size_t i = 0; i < dw.size(); ++i) dw[i] = get32(im, 4 * i);
  std::size_t packets = 0;
  for (const CmdEntry& e : decode_commands(dw, Engine::RCS)) {
    ASSERT_TRUE(e.known()) << "dword at " << e.address;
    ASSERT_FALSE(e.truncated());
    ASSERT_TRUE(e.row->id == CmdId::MI_NOOP || State3d::is_state(*e.row)) << e.name();
    if (e.row->id == CmdId::MI_NOOP) EXPECT_EQ(e.dw0 & (1u << 22), 0u) << "no NOPID write";
    else ++packets;
  }
  EXPECT_EQ(packets, State3d::state_ids().size());
}

TEST(State3d, AllZeroPagesRestoreToTheEmptyState) {
  State3d s = every_state_row();
  Status st = s.restore(blank_image());
  ASSERT_TRUE(st.is_ok()) << st.to_string();
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s, State3d());
}

// An image written by hand: header, then each entry's count word and dwords (the layout of
// docs/context-image.md), the byte count where the entries end.
struct Entry {
  uint32_t n;
  std::vector<uint32_t> dw;
};
Entry entry(std::vector<uint32_t> packet) { return {uint32_t(packet.size()), std::move(packet)}; }
Image build(const std::vector<Entry>& entries) {
  Image im = blank_image();
  put32(im, 0, State3d::kMagic);
  put32(im, 4, State3d::kVersion);
  put32(im, 8, uint32_t(entries.size()));
  std::size_t off = State3d::kHeaderBytes;
  for (const Entry& e : entries) {
    put32(im, off, e.n);
    off += 4;
    for (uint32_t dw : e.dw) {
      put32(im, off, dw);
      off += 4;
    }
  }
  put32(im, 12, uint32_t(off));
  return im;
}

TEST(State3d, CorruptImagesAreTypedErrors) {
  const auto sba = pack(CmdId::STATE_BASE_ADDRESS);  // DW0 match 0x61010000
  const auto sel = pack(CmdId::PIPELINE_SELECT);     // 0x69040000, fixed 1 dword
  const auto vs = pack(CmdId::_3DSTATE_VS);          // 0x78100000, 9 dwords
  const std::vector<Entry> good_entries = {entry(sba), entry(sel), entry(vs)};
  const Image base = build(good_entries);
  {
    // The hand-written layout is the one save() writes, and it restores.
    State3d good;
    record(good, vs);
    record(good, sba);
    record(good, sel);
    EXPECT_EQ(saved(good), base);
    State3d r;
    ASSERT_TRUE(r.restore(base).is_ok());
    EXPECT_EQ(r, good);
  }
  const std::size_t e0 = 16, e1 = e0 + 4 * (1 + sba.size()), e2 = e1 + 4 * (1 + sel.size());
  const uint32_t bytes = get32(base, 12);
  ASSERT_EQ(bytes, e2 + 4 * (1 + vs.size()));

  // Header.
  {
    Image im = base;
    put32(im, 0, 0x0012345);
    expect_rejected(im, "0x0", "bad magic");
    put32(im, 0, 0);  // no magic, yet not a blank area: the first non-zero byte is named
    expect_rejected(im, "0x4", "zero magic over a non-blank area");
  }
  {
    Image im = blank_image();
    im.back() = 1;  // one stray byte in a never-saved image
    expect_rejected(im, hex(kState3dImageBytes - 1), "stray byte");
  }
  {
    Image im = base;
    put32(im, 4, State3d::kVersion + 1);
    expect_rejected(im, "0x4", "bad version");
  }
  {
    Image im = base;
    put32(im, 8, 110);  // more entries than there are state commands
    expect_rejected(im, "0x8", "count overflow");
    put32(im, 8, 0xFFFFFFFF);
    expect_rejected(im, "0x8", "count overflow (wraps)");
    put32(im, 8, 4);  // one entry more than the byte count holds
    expect_rejected(im, hex(bytes), "count beyond the entries");
  }
  {
    Image im = base;
    put32(im, 12, uint32_t(kState3dImageBytes + 4));
    expect_rejected(im, "0xc", "byte count beyond the space");
    put32(im, 12, 0xFFFFFFF0);
    expect_rejected(im, "0xc", "byte count far beyond the space");
    put32(im, 12, 8);
    expect_rejected(im, "0xc", "byte count inside the header");
    put32(im, 12, bytes - 2);
    expect_rejected(im, "0xc", "byte count not whole dwords");
  }
  // Entry counts.
  {
    Image im = base;
    put32(im, e1, 0x3FFFFF);  // runs far past the byte count and the space
    expect_rejected(im, hex(e1), "entry length beyond the space");
    put32(im, e1, 0x00400001);  // bit 22: not an MI_NOOP count word
    expect_rejected(im, hex(e1), "count word with NOPID write");
    put32(im, e1, 0);
    expect_rejected(im, hex(e1), "zero-dword entry");
  }
  // Unknown commands: actions, an MI command, a type no engine decodes, a blitter-only row (a
  // VCS-only MFX opcode is no example: on RCS its bits are MEDIA_VFE_STATE), a non-state hint.
  for (const auto& bad : {pack(CmdId::_3DPRIMITIVE), pack(CmdId::PIPE_CONTROL), pack(CmdId::MI_LOAD_REGISTER_IMM),
                          std::vector<uint32_t>{0xE0000000u}, pack(CmdId::XY_SRC_COPY_BLT),
                          pack(CmdId::STATE_PREFETCH)})
    expect_rejected(build({entry(sba), entry(bad)}), hex(e1 + 4), "unknown command " + hex(bad[0]));
  // Lengths the command's rule cannot have.
  {
    auto sel2 = sel;
    sel2.push_back(0);
    expect_rejected(build({entry(sba), {2, sel2}}), hex(e1), "fixed one-dword command at two dwords");
    auto vs10 = vs;
    vs10.push_back(0);  // DW0 still encodes 9 dwords
    expect_rejected(build({entry(sba), {10, vs10}}), hex(e1), "count disagrees with DW0");
    auto vs8 = vs;
    vs8.pop_back();
    expect_rejected(build({entry(sba), {8, vs8}}), hex(e1), "DW0 longer than the entry");
  }
  // Truncation: the byte count cuts the last entry, or leaves it out.
  {
    Image im = base;
    put32(im, 12, uint32_t(e2 + 8));
    expect_rejected(im, hex(e2), "truncated entry");
    put32(im, 12, uint32_t(e2 + 4));
    expect_rejected(im, hex(e2), "entry cut after its count word");
    put32(im, 12, uint32_t(e2));
    expect_rejected(im, hex(e2), "entry list cut");
  }
  // Order: ascending DW0 match, each command once.
  expect_rejected(build({entry(sba), entry(vs), entry(sel)}), hex(e1 + 4 * (1 + vs.size()) + 4), "out of order");
  expect_rejected(build({entry(sba), entry(sba)}), hex(e1 + 4), "repeated command");
  // Room the entries do not fill.
  {
    Image im = base;
    put32(im, 12, bytes + 8);
    expect_rejected(im, hex(bytes), "bytes after the last entry");
  }
}

TEST(State3d, RestoreNeverReadsPastTheSpan) {
  // The span is all restore() may read: an image cut short is an error, not an over-read.
  Image im = saved(every_state_row());
  State3d s;
  Status st = s.restore(std::span<const uint8_t>(im).first(64));
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.kind(), StatusKind::guest_error);
  EXPECT_NE(st.message().find("offset 0xc "), std::string::npos) << st.message();
}

TEST(State3d, MutatedImagesNeverCrash) {
  // Random byte and dword mutations of a real image: each restore is ok or a guest_error, and an
  // accepted image saves back to a state that restores equal.
  const Image base = saved(every_state_row());
  const std::size_t used = every_state_row().saved_bytes();
  Rng rng(12);
  unsigned accepted = 0, rejected = 0;
  for (int i = 0; i < 4000; ++i) {
    Image im = base;
    const unsigned edits = 1 + unsigned(rng.below(4));
    for (unsigned e = 0; e < edits; ++e) {
      const std::size_t off = rng.below(used) & ~std::size_t(3);
      switch (rng.below(4)) {
        case 0: im[off + rng.below(4)] ^= uint8_t(1u << rng.below(8)); break;
        case 1: put32(im, off, uint32_t(rng.next())); break;
        case 2: put32(im, off, uint32_t(rng.below(0x400))); break;       // small counts
        default: put32(im, off, get32(im, off) + uint32_t(rng.below(3)) - 1); break;  // off by one
      }
    }
    State3d s;
    Status st = s.restore(im);
    if (st.is_ok()) {
      ++accepted;
      State3d again;
      ASSERT_TRUE(again.restore(saved(s)).is_ok());
      EXPECT_EQ(again, s);
    } else {
      ++rejected;
      EXPECT_EQ(st.kind(), StatusKind::guest_error);
      EXPECT_NE(st.message().find("offset 0x"), std::string::npos) << st.message();
      EXPECT_TRUE(s.empty());
    }
  }
  EXPECT_GT(rejected, 1000u);
  EXPECT_GT(accepted, 0u) << "field bits inside packets are free";
}

TEST(State3d, StateTooLargeIsRefusedWithoutAPartialWrite) {
  // The largest packet that fits exactly: header + one count dword + n dwords = the whole area.
  const uint32_t fit = uint32_t((kState3dImageBytes - State3d::kHeaderBytes) / 4 - 1);
  State3d s;
  record(s, pack(CmdId::MEDIA_CURBE_LOAD, {}, fit));
  EXPECT_EQ(s.saved_bytes(), kState3dImageBytes);
  Image im = saved(s, 0xCD);
  State3d r;
  ASSERT_TRUE(r.restore(im).is_ok());
  EXPECT_EQ(r, s);

  // One dword more does not fit: a guest_error, and the image keeps its previous bytes.
  record(s, pack(CmdId::MEDIA_CURBE_LOAD, {}, fit + 1));
  Image stale = blank_image(0xCD);
  Status st = s.save(stale);
  ASSERT_FALSE(st.is_ok());
  EXPECT_EQ(st.kind(), StatusKind::guest_error);
  EXPECT_TRUE(std::all_of(stale.begin(), stale.end(), [](uint8_t v) { return v == 0xCD; }));

  // Nor does the table's maximum of a 16-bit media length (hostile: MEDIA_VFE_STATE is 9 dwords).
  State3d big;
  record(big, pack(CmdId::MEDIA_VFE_STATE, {}, cmd_row(CmdId::MEDIA_VFE_STATE).length.max()));
  EXPECT_EQ(big.last(CmdId::MEDIA_VFE_STATE).size(), 65537u);
  Image prev = saved(every_state_row());
  Image copy = prev;
  EXPECT_FALSE(big.save(copy).is_ok());
  EXPECT_EQ(copy, prev);
}

}  // namespace
}  // namespace gvtsim::model::gen8
