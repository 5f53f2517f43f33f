#include <gtest/gtest.h>

#include "base/hash.h"
#include "base/random.h"

namespace gvtsim {
namespace {

TEST(Hasher, StreamingEqualsOneShotAndIsXxh3) {
  const char data[] = "gvtsim";
  Hasher h;
  h.update(data, 3);
  h.update(data + 3, 3);
  EXPECT_EQ(h.digest(), hash64(data, 6));
  // xxh3-64 of the empty input with seed 0 (the xxHash reference value).
  EXPECT_EQ(hash64("", 0), 0x2D06800538D394C2ull);
}

TEST(Hasher, IntegersAreLittleEndian) {
  Hasher a, b;
  a.add(uint32_t{0x04030201});
  const unsigned char bytes[] = {1, 2, 3, 4};
  b.update(bytes, 4);
  EXPECT_EQ(a.digest(), b.digest());
}

TEST(Rng, SameSeedSameSequenceAndKnownValues) {
  Rng a(1), b(1), c(2);
  // SplitMix64 reference: the first output for seed 1.
  uint64_t first = a.next();
  EXPECT_EQ(first, 0x910A2DEC89025CC1ull);
  EXPECT_EQ(b.next(), first);
  EXPECT_NE(c.next(), first);
  for (int i = 0; i < 1000; ++i) EXPECT_LT(a.below(7), 7u);
}

}  // namespace
}  // namespace gvtsim
