# Versions. The repository's VERSION file is the one place a version is written; the libraries
# are released together, so each library's version is the project version (docs/releasing.md).
#
# trio_read_version(<var>): the version in <repository>/VERSION.
# trio_version_header(<target> <MACRO_PREFIX> <header>): generates <header> (e.g. kov/version.hpp)
#   with <MACRO_PREFIX>_VERSION_* macros into the build tree, puts it on <target>'s include path
#   and installs it beside the library's other headers.
# trio_soversion(<var>): the ABI identity carried by the SONAME: the major version, or "0.minor"
#   while the major version is 0 (semver: before 1.0 a minor bump may break).
# (Included before project(), so GNUInstallDirs is included where it is used, after it.)

function(trio_read_version var)
  file(STRINGS "${CMAKE_CURRENT_FUNCTION_LIST_DIR}/../VERSION" version LIMIT_COUNT 1)
  if(NOT version MATCHES "^[0-9]+\\.[0-9]+\\.[0-9]+$")
    message(FATAL_ERROR "VERSION must hold major.minor.patch, not '${version}'")
  endif()
  set(${var} ${version} PARENT_SCOPE)
endfunction()

function(trio_version_header target prefix header)
  include(GNUInstallDirs)
  set(TRIO_VERSION_PREFIX ${prefix})
  set(TRIO_VERSION_LIBRARY ${target})
  set(dir "${CMAKE_CURRENT_BINARY_DIR}/version_include")
  configure_file("${CMAKE_CURRENT_FUNCTION_LIST_DIR}/version.hpp.in" "${dir}/${header}" @ONLY)
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "INTERFACE_LIBRARY")
    target_include_directories(${target} INTERFACE $<BUILD_INTERFACE:${dir}>)
  else()
    target_include_directories(${target} PUBLIC $<BUILD_INTERFACE:${dir}>)
  endif()
  get_filename_component(subdir "${header}" DIRECTORY)
  string(REPLACE "_hal" "" package ${target})  # esp_blink_hal's package is esp_blink
  install(FILES "${dir}/${header}" DESTINATION "${CMAKE_INSTALL_INCLUDEDIR}/${subdir}"
          COMPONENT ${package}_dev)
endfunction()

function(trio_soversion var)
  if(PROJECT_VERSION_MAJOR EQUAL 0)
    set(${var} "0.${PROJECT_VERSION_MINOR}" PARENT_SCOPE)
  else()
    set(${var} "${PROJECT_VERSION_MAJOR}" PARENT_SCOPE)
  endif()
endfunction()
