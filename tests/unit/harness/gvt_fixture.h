// A GVT-g host (harness/gvt_system.h) for end-to-end tests: every test ends by asserting the
// isolation oracle read zero and no device access hit an untagged page (D4).
#pragma once

#include <gtest/gtest.h>

#include "harness/gvt_system.h"

namespace gvtsim::harness::testing {

class GvtTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!m_expect_clean_oracle) return;
    EXPECT_EQ(sys.isolation_violations(), 0u);
    EXPECT_EQ(sys.untagged_accesses(), 0u);
  }
  // Boots one guest of `type` and returns it.
  GuestI915& boot(const std::string& type = "GVTg_V4_8", GuestConfig cfg = {}) {
    Result<GuestI915*> g = sys.add_guest({.type = type}, cfg);
    EXPECT_TRUE(g) << g.status().to_string();
    if (!g) throw std::runtime_error("add_guest failed");
    Status s = (*g)->boot();
    EXPECT_TRUE(s) << s.to_string();
    return **g;
  }
  uint64_t host_pte(uint64_t gma) {
    Result<uint64_t> r = sys.host().mmio_read(vgpu::ggtt::entry_offset(gma), 8);
    EXPECT_TRUE(r);
    return r ? *r : 0;
  }
  // For the negative controls, which break the mediation on purpose.
  void expect_oracle_fired() { m_expect_clean_oracle = false; }

  GvtSystem sys;

 private:
  bool m_expect_clean_oracle = true;
};

}  // namespace gvtsim::harness::testing
