# The project's test helpers: one per kind of test program, the same for every library.
#
#   trio_gtest(NAME kov_task_test LIB kov KIND unit SOURCES unit/task_test.cpp
#              [LINK <target>...] [TIMEOUT <seconds>] [DISCOVER <test name prefix>])
#     A GoogleTest program linked with the library's target (LIB kov -> kov::kov; LINK
#     replaces that when the program needs something else, e.g. the emulator core), GoogleTest
#     and threads, built with the project's warnings. Registered as one CTest test named NAME,
#     or with DISCOVER as one CTest test per GoogleTest case (<prefix><Suite>.<Case>).
#     Labels: "<LIB>;<KIND>" (KIND is unit, stress, emu, ...); ctest -L selects on them.
#     TIMEOUT: 300 s for a whole program; discovered cases get CTest's default unless given.
#
#   trio_c_test(NAME kov_c_api_test LIB kov SOURCES c/c_api_test.c [LINK ...] [TIMEOUT ...])
#     A C11 program against the library's C API: strict (no GNU extensions, POSIX 2008), the C
#     warnings plus -Wshadow -Wconversion -Wsign-conversion, linked as C++ (the libraries are),
#     with tests/support/ (CHECK, check_report) on its include path. Label "<LIB>;unit".
#
# Model tests (Relacy) have their own helper, cmake/trio_model_test.cmake.
include_guard(DIRECTORY)  # GTest and Threads are imported per directory

find_package(GTest REQUIRED)
find_package(Threads REQUIRED)
include(GoogleTest)

# Tests that replace the global operator new/delete (allocation counting) cannot link with a
# sanitizer runtime that defines them in a static archive, as Clang's do.
if(TRIO_SANITIZER AND CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  set(TRIO_CAN_REPLACE_NEW OFF)
else()
  set(TRIO_CAN_REPLACE_NEW ON)
endif()

set(TRIO_TEST_SUPPORT_DIR "${CMAKE_CURRENT_LIST_DIR}/../tests/support")
cmake_path(NORMAL_PATH TRIO_TEST_SUPPORT_DIR)

# LIB names the library as its directory does (flume-lock); its target is <lib with _>::<same>.
function(_trio_test_library_target lib out)
  string(REPLACE "-" "_" name "${lib}")
  set(${out} "${name}::${name}" PARENT_SCOPE)
endfunction()

function(trio_gtest)
  cmake_parse_arguments(arg "" "NAME;LIB;KIND;TIMEOUT;DISCOVER" "SOURCES;LINK" ${ARGN})
  if(NOT arg_NAME OR NOT arg_LIB OR NOT arg_KIND OR NOT arg_SOURCES)
    message(FATAL_ERROR "trio_gtest: NAME, LIB, KIND and SOURCES are required")
  endif()
  if(NOT arg_LINK)
    _trio_test_library_target(${arg_LIB} arg_LINK)
  endif()
  add_executable(${arg_NAME} ${arg_SOURCES})
  target_link_libraries(${arg_NAME} PRIVATE ${arg_LINK} GTest::gtest GTest::gtest_main
                        Threads::Threads)
  trio_set_warnings(${arg_NAME})
  if(arg_DISCOVER)
    # gtest_discover_tests flattens a list-valued LABELS property, so the labels are set by a
    # CTest include file that runs after discovery, on the list discovery produced.
    set(properties "")
    if(arg_TIMEOUT)
      set(properties PROPERTIES TIMEOUT ${arg_TIMEOUT})
    endif()
    gtest_discover_tests(${arg_NAME} TEST_PREFIX ${arg_DISCOVER} TEST_LIST ${arg_NAME}_list
                         ${properties})
    set(labels_file "${CMAKE_CURRENT_BINARY_DIR}/${arg_NAME}_labels.cmake")
    file(WRITE "${labels_file}"
         "set_tests_properties(\${${arg_NAME}_list} PROPERTIES LABELS \"${arg_LIB};${arg_KIND}\")\n")
    set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${labels_file}")
  else()
    if(NOT arg_TIMEOUT)
      set(arg_TIMEOUT 300)
    endif()
    add_test(NAME ${arg_NAME} COMMAND ${arg_NAME})
    set_tests_properties(${arg_NAME} PROPERTIES LABELS "${arg_LIB};${arg_KIND}"
                         TIMEOUT ${arg_TIMEOUT})
  endif()
endfunction()

function(trio_c_test)
  cmake_parse_arguments(arg "" "NAME;LIB;TIMEOUT" "SOURCES;LINK" ${ARGN})
  if(NOT arg_NAME OR NOT arg_LIB OR NOT arg_SOURCES)
    message(FATAL_ERROR "trio_c_test: NAME, LIB and SOURCES are required")
  endif()
  if(NOT arg_LINK)
    _trio_test_library_target(${arg_LIB} arg_LINK)
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 300)
  endif()
  add_executable(${arg_NAME} ${arg_SOURCES})
  target_include_directories(${arg_NAME} PRIVATE "${TRIO_TEST_SUPPORT_DIR}")
  target_link_libraries(${arg_NAME} PRIVATE ${arg_LINK} Threads::Threads)
  set_target_properties(${arg_NAME} PROPERTIES
    LINKER_LANGUAGE CXX C_STANDARD 11 C_STANDARD_REQUIRED ON C_EXTENSIONS OFF)
  target_compile_definitions(${arg_NAME} PRIVATE _POSIX_C_SOURCE=200809L)
  # trio_set_warnings gives C only -Wall -Wextra -Wpedantic; C API code gets the rest here.
  trio_set_warnings(${arg_NAME})
  target_compile_options(${arg_NAME} PRIVATE -Wshadow -Wconversion -Wsign-conversion)
  add_test(NAME ${arg_NAME} COMMAND ${arg_NAME})
  set_tests_properties(${arg_NAME} PROPERTIES LABELS "${arg_LIB};unit" TIMEOUT ${arg_TIMEOUT})
endfunction()
