# NlutVerilate.cmake - the Verilator runtime, compiled once for every harness.
#
# Verilator's own verilate() compiles the runtime (verilated.cpp, the FST
# writer, the thread pool: about 12 s of CPU) into every target that calls
# it; with one target per testbench and parameter set that was minutes of
# each plain build. nlut_verilate() calls verilate() and then swaps those
# sources for the one static library nlut_verilated_rt, which the co-simulation
# executables (NlutCosim.cmake) link as well.
#
# The model's own classes (Verilator writes a dozen small .cpp files, each of
# which parses verilated.h and the tracing headers again) are compiled as one
# unity source, as Verilator's own makefile does with its __ALL.cpp: a shell
# testbench's model took 6.4 s of CPU as 9 files and 1.0 s as one. The
# target's other sources (the harness) stay apart.
#
# Verilator splits a model's C++ into more files as the model grows
# (--output-split); an incremental build whose file set changed that way could
# compile a stale split file beside its merged successor in the unity source
# ("redefinition of ... eval_nba"). Splitting buys nothing in one unity
# source, so nlut_verilate() turns it off and the file set stays the same.
#
# nlut_verilate(TARGET <verilate() arguments>)
enable_language(CXX)
set(CMAKE_CXX_STANDARD 17)
set(CMAKE_CXX_STANDARD_REQUIRED ON)
find_package(verilator HINTS $ENV{VERILATOR_ROOT} /usr/share/verilator)
if(NOT verilator_FOUND)
  message(FATAL_ERROR "Verilator not found: install verilator (scripts/deps.sh) or configure "
                      "with -DNLUT_BUILD_TESTS=OFF -DNLUT_BUILD_BENCH=OFF")
endif()
set(NLUT_VERILATOR_INC ${VERILATOR_ROOT}/include)

if(NOT TARGET nlut_verilated_rt)
  # The runtime every verilated model links once, FST tracing and threads included.
  add_library(nlut_verilated_rt STATIC
    ${NLUT_VERILATOR_INC}/verilated.cpp
    ${NLUT_VERILATOR_INC}/verilated_threads.cpp
    ${NLUT_VERILATOR_INC}/verilated_fst_c.cpp)
  target_include_directories(nlut_verilated_rt SYSTEM PUBLIC ${NLUT_VERILATOR_INC}
                             ${NLUT_VERILATOR_INC}/vltstd)
  target_compile_options(nlut_verilated_rt PRIVATE -O2 -w)
  target_link_libraries(nlut_verilated_rt PUBLIC ZLIB::ZLIB Threads::Threads)
endif()

function(nlut_verilate target)
  get_target_property(own ${target} SOURCES)
  set(args ${ARGN})
  list(FIND args VERILATOR_ARGS at)
  if(at EQUAL -1)
    list(APPEND args VERILATOR_ARGS --output-split 0 --output-split-cfuncs 0)
  else()
    math(EXPR at "${at} + 1")
    list(INSERT args ${at} --output-split 0 --output-split-cfuncs 0)
  endif()
  verilate(${target} ${args})
  get_target_property(srcs ${target} SOURCES)
  list(FILTER srcs EXCLUDE REGEX "^${NLUT_VERILATOR_INC}/[^/]+\\.cpp$")
  set_property(TARGET ${target} PROPERTY SOURCES ${srcs})
  target_link_libraries(${target} PRIVATE nlut_verilated_rt)
  if(own)
    set_source_files_properties(${own} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
  endif()
  set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE 0)
endfunction()
