# Findcares: c-ares (Debian libc-ares-dev) as the imported target cares::cares.
#
#   find_package(cares REQUIRED)
#   target_link_libraries(t PRIVATE cares::cares)
#
# Debian ships c-ares with a pkg-config file only. Installed beside kov's package config, which
# looks c-ares up again for its consumers (kov is a static library: its users link c-ares).
include("${CMAKE_CURRENT_LIST_DIR}/trio_find_pkg.cmake")
trio_find_pkg(cares PC libcares HEADER ares.h LIBRARY cares)
