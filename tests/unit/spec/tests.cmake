gvtsim_gtest(unit_spec LABEL spec
  SOURCES unit/spec/register_table_test.cpp unit/spec/sku_table_test.cpp
          unit/spec/command_table_test.cpp unit/spec/command_codec_test.cpp
          unit/spec/gvt_policy_test.cpp
  LIBS gvtsim_spec)
