gvtsim_gtest(unit_model LABEL model
  SOURCES unit/model/memory_test.cpp unit/model/regfile_test.cpp unit/model/pci_test.cpp unit/model/ggtt_test.cpp
          unit/model/ppgtt_test.cpp unit/model/interrupts_test.cpp unit/model/gpu_effects_test.cpp
          unit/model/golden_register_test.cpp
  LIBS gvtsim_model)

gvtsim_gtest(unit_model_sc LABEL model SYSTEMC
  SOURCES unit/model/gpu_sc_test.cpp
  LIBS gvtsim_model_sc)

gvtsim_gtest(unit_mi LABEL model SOURCES unit/model/mi_semantics_test.cpp LIBS gvtsim_model)

gvtsim_gtest(unit_state3d LABEL model SOURCES unit/model/state3d_test.cpp LIBS gvtsim_model)
