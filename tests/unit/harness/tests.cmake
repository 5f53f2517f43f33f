gvtsim_gtest(unit_platform LABEL platform SYSTEMC
  SOURCES unit/harness/lifecycle_test.cpp unit/harness/hardware_check_test.cpp
  LIBS gvtsim_harness)

gvtsim_gtest(unit_decode LABEL trace SYSTEMC
  SOURCES unit/harness/trace_decode_test.cpp
  LIBS gvtsim_harness)
target_compile_definitions(unit_decode PRIVATE GVTSIM_SHARED_DIR="${CMAKE_SOURCE_DIR}/../shared")

gvtsim_gtest(unit_engine LABEL model SYSTEMC
  SOURCES unit/harness/engine_test.cpp
  LIBS gvtsim_harness)

gvtsim_gtest(unit_replay LABEL trace SYSTEMC
  SOURCES unit/harness/native_replay_test.cpp
  LIBS gvtsim_harness)
target_compile_definitions(unit_replay PRIVATE GVTSIM_SHARED_DIR="${CMAKE_SOURCE_DIR}/../shared")

gvtsim_gtest(unit_vgpu_clock LABEL vgpu SYSTEMC
  SOURCES unit/harness/vgpu_clock_test.cpp
  LIBS gvtsim_harness)

gvtsim_gtest(unit_host_driver LABEL e2e SYSTEMC
  SOURCES unit/harness/host_driver_test.cpp
  LIBS gvtsim_harness)

gvtsim_gtest(unit_hypervisor LABEL vgpu SYSTEMC
  SOURCES unit/harness/hypervisor_test.cpp
  LIBS gvtsim_harness)

# Guests on vGPUs, end to end over the model (harness/gvt_system.h).
gvtsim_gtest(e2e_gvt LABEL e2e SYSTEMC
  SOURCES unit/harness/gvt_boot_test.cpp unit/harness/gvt_mediation_test.cpp unit/harness/gvt_drivers_test.cpp unit/harness/gvt_hostile_test.cpp
  LIBS gvtsim_harness)
