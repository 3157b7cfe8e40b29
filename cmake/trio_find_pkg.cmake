# trio_find_pkg(<name> PC <pkg-config module> HEADER <header> LIBRARY <library>)
#   The body of a Find<name>.cmake module for a system library (a Debian -dev package): finds
#   the header and the library (pkg-config's paths as hints when it is there), sets <name>_FOUND
#   and <name>_VERSION, and defines the imported target <name>::<name>. A macro, so that what it
#   sets lands in the find module's scope. Installed beside kov's package config with the
#   modules that use it.
include(FindPackageHandleStandardArgs)

macro(trio_find_pkg name)
  cmake_parse_arguments(_trio_find "" "PC;HEADER;LIBRARY" "" ${ARGN})
  find_package(PkgConfig QUIET)
  if(PKG_CONFIG_FOUND)
    pkg_check_modules(PC_${name} QUIET ${_trio_find_PC})
  endif()

  find_path(${name}_INCLUDE_DIR ${_trio_find_HEADER} HINTS ${PC_${name}_INCLUDE_DIRS})
  find_library(${name}_LIBRARY ${_trio_find_LIBRARY} HINTS ${PC_${name}_LIBRARY_DIRS})
  set(${name}_VERSION "${PC_${name}_VERSION}")
  mark_as_advanced(${name}_INCLUDE_DIR ${name}_LIBRARY)

  find_package_handle_standard_args(${name}
    REQUIRED_VARS ${name}_LIBRARY ${name}_INCLUDE_DIR
    VERSION_VAR ${name}_VERSION)

  if(${name}_FOUND AND NOT TARGET ${name}::${name})
    add_library(${name}::${name} UNKNOWN IMPORTED)
    set_target_properties(${name}::${name} PROPERTIES
      IMPORTED_LOCATION "${${name}_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${${name}_INCLUDE_DIR}")
  endif()
endmacro()
