# Findcares: c-ares (Debian libc-ares-dev) as the imported target cares::cares.
#
#   find_package(cares REQUIRED)
#   target_link_libraries(t PRIVATE cares::cares)
#
# Debian ships c-ares with a pkg-config file only. Installed beside kov's package config, which
# looks c-ares up again for its consumers (kov is a static library: its users link c-ares).
include(FindPackageHandleStandardArgs)

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_cares QUIET libcares)
endif()

find_path(cares_INCLUDE_DIR ares.h HINTS ${PC_cares_INCLUDE_DIRS})
find_library(cares_LIBRARY cares HINTS ${PC_cares_LIBRARY_DIRS})
set(cares_VERSION "${PC_cares_VERSION}")
mark_as_advanced(cares_INCLUDE_DIR cares_LIBRARY)

find_package_handle_standard_args(cares
  REQUIRED_VARS cares_LIBRARY cares_INCLUDE_DIR
  VERSION_VAR cares_VERSION)

if(cares_FOUND AND NOT TARGET cares::cares)
  add_library(cares::cares UNKNOWN IMPORTED)
  set_target_properties(cares::cares PROPERTIES
    IMPORTED_LOCATION "${cares_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${cares_INCLUDE_DIR}")
endif()
