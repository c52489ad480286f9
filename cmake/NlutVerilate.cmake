# NlutVerilate.cmake - the Verilator runtime, compiled once for every harness.
#
# Verilator's own verilate() compiles the runtime (verilated.cpp, the FST
# writer, the thread pool: about 12 s of CPU) into every target that calls
# it; with one target per testbench and parameter set that was minutes of
# each plain build. nlut_verilate() calls verilate() and then swaps those
# sources for the one static library nlut_verilated_rt, which the co-simulation
# executables (NlutCosim.cmake) link as well.
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
  verilate(${target} ${ARGN})
  get_target_property(srcs ${target} SOURCES)
  list(FILTER srcs EXCLUDE REGEX "^${NLUT_VERILATOR_INC}/[^/]+\\.cpp$")
  set_property(TARGET ${target} PROPERTY SOURCES ${srcs})
  target_link_libraries(${target} PRIVATE nlut_verilated_rt)
endfunction()
