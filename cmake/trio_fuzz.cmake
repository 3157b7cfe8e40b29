# libFuzzer targets (the `fuzz` preset: Clang 14, the libraries built with
# -fsanitize=fuzzer-no-link,address,undefined; only fuzz targets link the fuzzer engine).
# The preset leaves out UBSan's `function` check: with coverage instrumentation, Clang 14 fails
# on kov's coroutines with "Cannot represent a difference across sections".
#
#   trio_fuzzer(NAME kov_fuzz_http_request LIB kov SOURCES http_request_fuzz.cpp
#               [LINK <target>...] [DICT <file>] [COVERS <regex>])
#     One fuzz target. Its seed corpus is corpus/<NAME>/ beside the calling CMakeLists.txt
#     (committed; new inputs the fuzzer finds go to the build tree, never into the sources).
#     Registered as the CTest test NAME, label "fuzz;<LIB>": every seed once, then
#     TRIO_FUZZ_SECONDS of fuzzing. Listed in <build>/fuzz_targets.tsv for scripts/fuzz.sh.
#     COVERS: the fuzzed component's source files (a regex on paths from the repository root)
#     that scripts/fuzz_coverage.sh reports line coverage for.
#     The target `trio_fuzzers` builds them all (and only what they need).
include_guard(GLOBAL)

set(TRIO_FUZZ_SECONDS 4 CACHE STRING "How long each fuzz target runs as a CTest test")
set(TRIO_FUZZ_LIST "${CMAKE_BINARY_DIR}/fuzz_targets.tsv")
file(WRITE "${TRIO_FUZZ_LIST}" "")
add_custom_target(trio_fuzzers)

function(trio_fuzzer)
  cmake_parse_arguments(arg "" "NAME;LIB;DICT;COVERS" "SOURCES;LINK" ${ARGN})
  if(NOT arg_NAME OR NOT arg_LIB OR NOT arg_SOURCES)
    message(FATAL_ERROR "trio_fuzzer: NAME, LIB and SOURCES are required")
  endif()
  add_executable(${arg_NAME} ${arg_SOURCES})
  target_link_libraries(${arg_NAME} PRIVATE ${arg_LINK})
  target_link_options(${arg_NAME} PRIVATE -fsanitize=fuzzer)
  trio_set_warnings(${arg_NAME})
  add_dependencies(trio_fuzzers ${arg_NAME})

  set(seeds "${CMAKE_CURRENT_SOURCE_DIR}/corpus/${arg_NAME}")
  set(found "${CMAKE_BINARY_DIR}/fuzz-corpus/${arg_NAME}")
  file(MAKE_DIRECTORY "${found}")
  set(dict_option "")
  set(dict_path "-")
  if(arg_DICT)
    set(dict_path "${CMAKE_CURRENT_SOURCE_DIR}/${arg_DICT}")
    set(dict_option "-dict=${dict_path}")
  endif()
  # The first directory receives new inputs; the seeds are only read.
  add_test(NAME ${arg_NAME}
           COMMAND ${arg_NAME} -max_total_time=${TRIO_FUZZ_SECONDS} -timeout=10
                   -rss_limit_mb=2048 -print_final_stats=1 ${dict_option} "${found}" "${seeds}")
  set_tests_properties(${arg_NAME} PROPERTIES LABELS "fuzz;${arg_LIB}" TIMEOUT 120)
  set(covers "${arg_COVERS}")
  if(NOT covers)
    set(covers "-")
  endif()
  file(APPEND "${TRIO_FUZZ_LIST}"
       "${arg_NAME}\t${CMAKE_RUNTIME_OUTPUT_DIRECTORY}/${arg_NAME}\t${seeds}\t${found}\t${dict_path}\t${covers}\n")
endfunction()
