# AUB reader/writer tests (label trace). The real captures live beside the repository, in
# ../shared/traces (aub.md); the test that reads them skips when they are absent.
gvtsim_gtest(unit_traces LABEL trace
  SOURCES unit/traces/aub_roundtrip_test.cpp unit/traces/aub_errors_test.cpp
          unit/traces/aub_mutation_test.cpp unit/traces/aub_shared_traces_test.cpp
          unit/traces/aub_streaming_test.cpp
  LIBS gvtsim_traces)
target_compile_definitions(unit_traces PRIVATE GVTSIM_SHARED_DIR="${CMAKE_SOURCE_DIR}/../shared")
