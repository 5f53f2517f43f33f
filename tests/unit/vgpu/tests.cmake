# The mediation core's unit tests: every one runs on the fakes of HostGpu, Hypervisor and Clock
# (fakes.h), never on the model (decisions D10; style.md "vGPU tests run on the fakes").
gvtsim_gtest(unit_vgpu LABEL vgpu
  SOURCES unit/vgpu/types_test.cpp unit/vgpu/device_test.cpp unit/vgpu/cfg_space_test.cpp
          unit/vgpu/opregion_test.cpp unit/vgpu/pvinfo_test.cpp unit/vgpu/fakes_test.cpp unit/vgpu/ggtt_test.cpp unit/vgpu/mmio_test.cpp unit/vgpu/vgpu_bar0_test.cpp unit/vgpu/reg_index_test.cpp unit/vgpu/irq_test.cpp
  LIBS gvtsim_vgpu)
