# Finduring: liburing (Debian liburing-dev) as the imported target uring::uring.
#
#   find_package(uring)                 # sets uring_FOUND; optional by default
#   target_link_libraries(t PRIVATE uring::uring)
#
# Installed beside kov's package config, which looks liburing up again for its consumers
# (kov is a static library: its users link liburing themselves).
include(FindPackageHandleStandardArgs)

find_package(PkgConfig QUIET)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(PC_uring QUIET liburing)
endif()

find_path(uring_INCLUDE_DIR liburing.h HINTS ${PC_uring_INCLUDE_DIRS})
find_library(uring_LIBRARY uring HINTS ${PC_uring_LIBRARY_DIRS})
set(uring_VERSION "${PC_uring_VERSION}")
mark_as_advanced(uring_INCLUDE_DIR uring_LIBRARY)

find_package_handle_standard_args(uring
  REQUIRED_VARS uring_LIBRARY uring_INCLUDE_DIR
  VERSION_VAR uring_VERSION)

if(uring_FOUND AND NOT TARGET uring::uring)
  add_library(uring::uring UNKNOWN IMPORTED)
  set_target_properties(uring::uring PROPERTIES
    IMPORTED_LOCATION "${uring_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${uring_INCLUDE_DIR}")
endif()
