# Relacy model tests: the one helper every library's model/ directory uses.
#
#   trio_model_test(NAME kov_wake_model_test LIB kov SOURCES model/wake_model_test.cpp
#                   DEFINES KOV_MODEL=1 INCLUDES <dir>... [ARGS <arg>...]
#                   [SCENARIOS <name>...] [TIMEOUT <seconds>])
#     A program that compiles the library's code itself, with DEFINES switching its atomics
#     facade to Relacy (it does not link the library). Built with -O1 (Relacy's fibers are slow
#     enough), -w (Relacy's headers are not warning-clean, so no project warnings either) and
#     -fno-sized-deallocation (sized delete would bypass Relacy's tracking operator delete,
#     which replaces only the unsized one); Relacy's directory comes in as a system include.
#     Registered as the CTest test NAME running `NAME ARGS...`, or with SCENARIOS as one test
#     per scenario, <lib>_model_<scenario> running `NAME <scenario> ARGS...`. Labels
#     "<LIB>;model"; a test passes only if it prints `passed: explored <n> executions` (so a
#     crash or a missing summary fails it too). TIMEOUT: 600 s.
#
# TRIO_RELACY_INCLUDE_DIR is the directory holding relacy/relacy.hpp (Debian: relacy-dev),
# found once; where it is not found no model test is built and configure says so once.
include_guard(GLOBAL)

find_path(TRIO_RELACY_INCLUDE_DIR relacy/relacy.hpp
          DOC "Directory holding relacy/relacy.hpp (the Relacy model checker)")
if(NOT TRIO_RELACY_INCLUDE_DIR)
  message(STATUS "Relacy not found (relacy/relacy.hpp): model tests are not built")
endif()

function(trio_model_test)
  cmake_parse_arguments(arg "" "NAME;LIB;TIMEOUT" "SOURCES;DEFINES;INCLUDES;ARGS;SCENARIOS"
                        ${ARGN})
  if(NOT arg_NAME OR NOT arg_LIB OR NOT arg_SOURCES)
    message(FATAL_ERROR "trio_model_test: NAME, LIB and SOURCES are required")
  endif()
  if(NOT TRIO_RELACY_INCLUDE_DIR)
    return()
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 600)
  endif()
  add_executable(${arg_NAME} ${arg_SOURCES})
  target_include_directories(${arg_NAME} PRIVATE ${arg_INCLUDES})
  target_include_directories(${arg_NAME} SYSTEM PRIVATE "${TRIO_RELACY_INCLUDE_DIR}")
  target_compile_definitions(${arg_NAME} PRIVATE ${arg_DEFINES})
  target_compile_options(${arg_NAME} PRIVATE -O1 -w -fno-sized-deallocation)

  set(tests "")
  if(arg_SCENARIOS)
    string(REPLACE "-" "_" prefix "${arg_LIB}")
    foreach(scenario IN LISTS arg_SCENARIOS)
      add_test(NAME ${prefix}_model_${scenario} COMMAND ${arg_NAME} ${scenario} ${arg_ARGS})
      list(APPEND tests ${prefix}_model_${scenario})
    endforeach()
  else()
    add_test(NAME ${arg_NAME} COMMAND ${arg_NAME} ${arg_ARGS})
    set(tests ${arg_NAME})
  endif()
  set_tests_properties(${tests} PROPERTIES LABELS "${arg_LIB};model" TIMEOUT ${arg_TIMEOUT}
                       PASS_REGULAR_EXPRESSION "passed: explored [0-9]+ executions")
endfunction()
