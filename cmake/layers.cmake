# Per-layer include roots. Headers are included by their path from the repository root
# ("base/status.h", "model/gen8/ggtt.h"). Instead of the repository root, each layer's targets see
# build/include/<layer>/, which holds symlinks to exactly the layers that layer may include. An
# include of a forbidden layer therefore does not resolve and the build fails.

set(GVTSIM_GENERATED_DIR ${CMAKE_BINARY_DIR}/generated)

# gvtsim_layer_root(<layer> <visible folders...>) -> ${GVTSIM_ROOT_<layer>}
function(gvtsim_layer_root layer)
  set(root ${CMAKE_BINARY_DIR}/include/${layer})
  file(REMOVE_RECURSE ${root})
  foreach(dir IN LISTS ARGN)
    get_filename_component(parent ${root}/${dir} DIRECTORY)
    file(MAKE_DIRECTORY ${parent})
    file(CREATE_LINK ${CMAKE_SOURCE_DIR}/${dir} ${root}/${dir} SYMBOLIC)
  endforeach()
  set(GVTSIM_ROOT_${layer} ${root} PARENT_SCOPE)
endfunction()

gvtsim_layer_root(spec     spec)
gvtsim_layer_root(base     base)
gvtsim_layer_root(traces   spec base traces)
gvtsim_layer_root(model    spec base model)
gvtsim_layer_root(vgpu     spec base vgpu)
gvtsim_layer_root(harness  spec base traces model vgpu harness)
gvtsim_layer_root(bindings spec base traces model vgpu harness bindings)
gvtsim_layer_root(tests    spec base traces model vgpu harness tests)
gvtsim_layer_root(bench    spec base traces model vgpu harness bench)

# gvtsim_layer_target(<target> <layer>): the target's own sources see only its layer's root.
function(gvtsim_layer_target target layer)
  target_include_directories(${target} PRIVATE ${GVTSIM_ROOT_${layer}})
endfunction()
