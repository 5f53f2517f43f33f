// Seeded mutation test: mutants of a small writer-made trace (truncations at every byte, bit flips,
// length-field edits, random bytes, inserted and deleted dwords, and damaged .xz/.zst containers).
// Each must read to a clean end or to a typed error with a sane offset — never crash, hang or read
// outside the buffer (the suite also runs under ASan+UBSan, where read_all touches every viewed byte).
#include <array>
#include <map>

#include <gtest/gtest.h>

#include "base/random.h"
#include "tests/unit/traces/aub_test_util.h"

namespace gvtsim::aub {
namespace {

constexpr uint64_t kSeed = 0x61756231;  // "aub1"

struct Tally {
  int mutants = 0, clean = 0;
  std::array<int, kAubErrorKinds> kinds{};
};

// Reads one mutant; checks the outcome is well-formed and counts it.
void check(Tally& t, std::span<const uint8_t> m, bool raw, const std::string& what) {
  auto out = test::read_all(m);
  ++t.mutants;
  if (!out.error) {
    ++t.clean;
    // A clean end consumed the stream exactly.
    if (raw) {
      ASSERT_EQ(out.bytes, m.size()) << what;
    }
    return;
  }
  const AubError& e = *out.error;
  ASSERT_GE(int(e.kind), 0) << what;
  ASSERT_LT(int(e.kind), kAubErrorKinds) << what;
  ++t.kinds[size_t(e.kind)];
  ASSERT_FALSE(e.message.empty()) << what;
  ASSERT_EQ(e.to_string().find('\n'), std::string::npos) << what << ": " << e.to_string();
  ASSERT_EQ(e.offset % 4, 0u) << what << ": blocks start at dword offsets; " << e.to_string();
  ASSERT_EQ(e.offset, out.bytes) << what << ": the error concerns the block after the last one read; " << e.to_string();
  if (raw) {
    ASSERT_LE(e.offset, m.size()) << what << ": " << e.to_string();
  }
}

TEST(AubMutation, TenThousandMutantsEndCleanlyOrWithATypedError) {
  const auto raw = test::sample_bytes();
  ASSERT_LE(raw.size(), 64u * 1024) << "the mutation sample must stay small";
  const auto base = test::read_all(raw);
  ASSERT_FALSE(base.error);
  const std::vector<uint64_t>& offsets = base.offsets;
  Rng rng(kSeed);
  Tally t;

  // 1. Truncation at every byte: at a block boundary the read ends cleanly after exactly the blocks
  //    before it (an empty stream has no header); elsewhere it is truncated_block at the cut block.
  for (size_t cut = 0; cut < raw.size(); ++cut) {
    std::span<const uint8_t> m(raw.data(), cut);
    auto out = test::read_all(m);
    ++t.mutants;
    const auto it = std::upper_bound(offsets.begin(), offsets.end(), uint64_t(cut));
    const size_t whole = size_t(it - offsets.begin()) - 1;  // blocks wholly before the cut
    if (cut == 0) {
      ASSERT_TRUE(out.error && out.error->kind == AubErrorKind::missing_header);
    } else if (std::binary_search(offsets.begin(), offsets.end(), uint64_t(cut))) {
      ASSERT_FALSE(out.error) << "cut at " << cut << ": " << out.error->to_string();
      ASSERT_EQ(out.kinds.size(), whole) << "cut at " << cut;
      ++t.clean;
    } else {
      ASSERT_TRUE(out.error) << "cut at " << cut;
      ASSERT_EQ(out.error->kind, AubErrorKind::truncated_block) << "cut at " << cut << ": " << out.error->to_string();
      ASSERT_EQ(out.error->offset, offsets[whole]) << "cut at " << cut;
      ++t.kinds[size_t(AubErrorKind::truncated_block)];
    }
  }

  std::vector<uint8_t> m;
  // 2. Bit flips: 1 to 3 random bits anywhere.
  for (int i = 0; i < 4000; ++i) {
    m = raw;
    for (uint64_t k = 0, n = 1 + rng.below(3); k < n; ++k) m[rng.below(m.size())] ^= uint8_t(1u << rng.below(8));
    check(t, m, true, "bit flip " + std::to_string(i));
    if (HasFatalFailure()) return;
  }
  // 2b. Bit flips aimed at block headers (DW0..DW5 of a random block), where the fields live.
  for (int i = 0; i < 2000; ++i) {
    m = raw;
    const uint64_t at = offsets[rng.below(offsets.size())] + rng.below(24);
    if (at < m.size()) m[at] ^= uint8_t(1u << rng.below(8));
    check(t, m, true, "header bit flip " + std::to_string(i));
    if (HasFatalFailure()) return;
  }
  // 3. Length-field edits: the 16-bit length of a random block set to a boundary or random value.
  for (int i = 0; i < 2000; ++i) {
    m = raw;
    const uint64_t at = offsets[rng.below(offsets.size())];
    uint16_t len;
    std::memcpy(&len, m.data() + at, 2);
    const uint16_t choices[] = {0,
                                1,
                                2,
                                4,
                                5,
                                0xFFFF,
                                0xFFFE,
                                uint16_t(len + 1),
                                uint16_t(len - 1),
                                uint16_t(len + 4),
                                uint16_t(len - 4),
                                uint16_t(len * 2),
                                uint16_t(rng.next())};
    const uint16_t v = choices[rng.below(std::size(choices))];
    std::memcpy(m.data() + at, &v, 2);
    check(t, m, true, "length edit " + std::to_string(i));
    if (HasFatalFailure()) return;
  }
  // 4. Random bytes: 1..16 bytes overwritten at a random place, or a random dword anywhere in a
  //    block's first six dwords (sizes, addresses, spaces).
  for (int i = 0; i < 2000; ++i) {
    m = raw;
    if (i % 2 == 0) {
      const uint64_t at = rng.below(m.size()), n = 1 + rng.below(16);
      for (uint64_t k = 0; k < n && at + k < m.size(); ++k) m[at + k] = uint8_t(rng.next());
    } else {
      const uint64_t at = offsets[rng.below(offsets.size())] + 4 * rng.below(6);
      const uint32_t v = uint32_t(rng.next());
      if (at + 4 <= m.size()) std::memcpy(m.data() + at, &v, 4);
    }
    check(t, m, true, "random bytes " + std::to_string(i));
    if (HasFatalFailure()) return;
  }
  // 5. Inserted and deleted dwords (block boundaries shift under the reader).
  for (int i = 0; i < 1000; ++i) {
    m = raw;
    const uint64_t at = 4 * rng.below(m.size() / 4);
    if (i % 2 == 0) {
      const uint32_t v = (i % 4 == 0) ? uint32_t(rng.next())
                                      : make_dw0(kOpcodeMemtrace, uint32_t(rng.below(0x12)), uint32_t(rng.below(8)));
      m.insert(m.begin() + long(at), reinterpret_cast<const uint8_t*>(&v), reinterpret_cast<const uint8_t*>(&v) + 4);
    } else {
      m.erase(m.begin() + long(at), m.begin() + long(std::min<uint64_t>(at + 4 * (1 + rng.below(3)), m.size())));
    }
    check(t, m, true, "dword insert/delete " + std::to_string(i));
    if (HasFatalFailure()) return;
  }
  // 6. Damaged containers: truncations and bit flips of the .xz and .zst forms.
  for (Compression c : {Compression::xz, Compression::zstd}) {
    const auto packed = test::sample_bytes(c, 1);
    for (int i = 0; i < 600; ++i) {
      m = packed;
      if (i % 3 == 0)
        m.resize(rng.below(m.size()));
      else
        for (uint64_t k = 0, n = 1 + rng.below(3); k < n; ++k) m[rng.below(m.size())] ^= uint8_t(1u << rng.below(8));
      check(t, m, false, std::string(to_string(c)) + " mutant " + std::to_string(i));
      if (HasFatalFailure()) return;
    }
  }

  EXPECT_GE(t.mutants, 10000);
  std::string summary;
  int kinds_seen = 0;
  for (int k = 0; k < kAubErrorKinds; ++k) {
    if (t.kinds[size_t(k)] == 0) continue;
    ++kinds_seen;
    summary += fmt::format(" {}={}", to_string(AubErrorKind(k)), t.kinds[size_t(k)]);
  }
  std::printf("mutants: %d, clean: %d, errors:%s\n", t.mutants, t.clean, summary.c_str());
  // The mutants reach most of the reader's checks, not one catch-all.
  EXPECT_GE(kinds_seen, 10) << summary;
  for (AubErrorKind k :
       {AubErrorKind::truncated_block, AubErrorKind::bad_type, AubErrorKind::unknown_opcode,
        AubErrorKind::unknown_sub_opcode, AubErrorKind::bad_length, AubErrorKind::bad_address_space,
        AubErrorKind::address_out_of_range, AubErrorKind::decompression_error, AubErrorKind::truncated_file})
    EXPECT_GT(t.kinds[size_t(k)], 0) << to_string(k) << " never seen;" << summary;
}

}  // namespace
}  // namespace gvtsim::aub
