# NlutCosim.cmake - build a co-simulation executable of a generated nlut_core.
#
# Verilator's own CMake verilate() runs verilator at configure time, which
# cannot work here: the RTL is written at build time by the nlut program. So
# the flow is driven directly: `nlut gen` -> `verilator --cc --build` (the
# model's classes into Vnlut_core__ALL.a) -> the harness, linked with the
# Verilator runtime built once as nlut_verilated_rt (NlutVerilate.cmake).
#
# nlut_cosim_executable(NAME MODEL_FILE [STAGES policy] [TRACE] [FIXED] [LANES n]
#                       [DEFINES d...])
#   FIXED: the core of `nlut gen --fixed-latency` (no ce).
#   LANES n (2..4): the Verilated model is sim/core/nlut_core_lanes.v, n copies
#   of the core side by side, each lane a stream of its own (COSIM_LANES).
#   MODEL_FILE may be the OUTPUT of another custom command.
include(${CMAKE_CURRENT_LIST_DIR}/NlutVerilate.cmake)
find_program(NLUT_VERILATOR verilator)
if(NOT NLUT_VERILATOR)
  message(FATAL_ERROR "Verilator not found: install verilator (scripts/deps.sh) or configure "
                      "with -DNLUT_BUILD_TESTS=OFF -DNLUT_BUILD_BENCH=OFF")
endif()

# The Verilated model's C++ compiler: clang++ where installed (Debian
# `clang`, scripts/deps.sh): bench_core's digits-jsc2l core runs 1.14x as
# fast from clang's build as from gcc 12's (bench_core against bench_core_gcc,
# README), for the same build time. The harness itself stays with the
# project's compiler (both use libstdc++). -DNLUT_VERILATED_CXX=... overrides.
if(NOT NLUT_VERILATED_CXX)
  find_program(NLUT_CLANGXX NAMES clang++)
  if(NLUT_CLANGXX)
    set(NLUT_VERILATED_CXX ${NLUT_CLANGXX})
  else()
    set(NLUT_VERILATED_CXX ${CMAKE_CXX_COMPILER})
  endif()
  set(NLUT_VERILATED_CXX ${NLUT_VERILATED_CXX} CACHE FILEPATH
      "C++ compiler of the Verilated models (default: clang++ if found)")
endif()

function(nlut_cosim_executable name model)
  cmake_parse_arguments(C "TRACE;FIXED" "STAGES;LANES" "DEFINES" ${ARGN})
  set(fixed)
  if(C_FIXED)
    set(fixed --fixed-latency)
  endif()
  if(NOT C_STAGES)
    set(C_STAGES default)
  endif()
  set(rtl ${CMAKE_CURRENT_BINARY_DIR}/${name}.rtl)
  set(obj ${CMAKE_CURRENT_BINARY_DIR}/${name}.obj)
  set(vtop nlut_core)
  set(vsrc)
  set(lane_defs)
  set(vdeps)
  if(C_LANES AND C_LANES GREATER 1)
    if(C_LANES GREATER 4 OR C_FIXED)
      message(FATAL_ERROR "nlut_cosim_executable(${name}): LANES ${C_LANES}: at most 4, "
                          "and not with FIXED")
    endif()
    set(vtop nlut_core_lanes)
    set(vsrc -GN=${C_LANES} -I${rtl} ${PROJECT_SOURCE_DIR}/sim/core/nlut_core_lanes.v)
    set(vdeps ${PROJECT_SOURCE_DIR}/sim/core/nlut_core_lanes.v)
    set(lane_defs COSIM_LANES=${C_LANES})
  endif()
  # Tracing costs about 40% of the simulation rate even when off: benches
  # leave it out.
  set(trace)
  set(trace_defs VM_TRACE=0 VM_TRACE_FST=0)
  if(C_TRACE)
    set(trace --trace-fst)
    set(trace_defs VM_TRACE=1 VM_TRACE_FST=1)
  endif()
  add_custom_command(OUTPUT ${rtl}/nlut_core.v ${rtl}/nlut_core.f ${rtl}/nlut_core_params.h
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${rtl}
    COMMAND $<TARGET_FILE:nlut> gen -q ${fixed} --stages ${C_STAGES} ${model} -o ${rtl}
    DEPENDS nlut ${model}
    COMMENT "nlut gen ${name}" VERBATIM)
  # -Wall: the generated RTL must lint clean; one make job (2-core CI). The
  # run-once "slow" code (constant tables, initial evaluation) at -O0: it
  # compiles in seconds instead of minutes on large models.
  add_custom_command(OUTPUT ${obj}/V${vtop}__ALL.a
    COMMAND ${CMAKE_COMMAND} -E rm -rf ${obj}
    COMMAND ${NLUT_VERILATOR} --cc --build -j 1 -Wall -O3 --x-assign fast --x-initial fast
            --noassert ${trace} --top-module ${vtop} --Mdir ${obj} -F ${rtl}/nlut_core.f
            ${vsrc}
            -MAKEFLAGS "CXX=${NLUT_VERILATED_CXX} OPT_FAST=-O2 OPT_SLOW=-O0 OPT_GLOBAL=-O2"
    DEPENDS ${rtl}/nlut_core.v ${rtl}/nlut_core.f ${vdeps}
    COMMENT "verilator ${name}" VERBATIM)
  add_custom_target(${name}_verilated DEPENDS ${obj}/V${vtop}__ALL.a)
  add_executable(${name} ${PROJECT_SOURCE_DIR}/sim/core/cosim_core.cpp)
  add_dependencies(${name} ${name}_verilated)
  target_include_directories(${name} PRIVATE ${obj} ${rtl} ${PROJECT_SOURCE_DIR}/sim/common)
  target_compile_definitions(${name} PRIVATE ${trace_defs} ${lane_defs} ${C_DEFINES})
  target_link_libraries(${name} PRIVATE ${obj}/V${vtop}__ALL.a nlut_verilated_rt nlut_static)
endfunction()
