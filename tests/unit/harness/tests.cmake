gvtsim_gtest(unit_platform LABEL platform SYSTEMC
  SOURCES unit/harness/lifecycle_test.cpp unit/harness/hardware_check_test.cpp
  LIBS gvtsim_harness)
