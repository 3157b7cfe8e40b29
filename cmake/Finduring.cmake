# Finduring: liburing (Debian liburing-dev) as the imported target uring::uring.
#
#   find_package(uring)                 # sets uring_FOUND; optional by default
#   target_link_libraries(t PRIVATE uring::uring)
#
# Installed beside kov's package config, which looks liburing up again for its consumers
# (kov is a static library: its users link liburing themselves).
include("${CMAKE_CURRENT_LIST_DIR}/trio_find_pkg.cmake")
trio_find_pkg(uring PC liburing HEADER liburing.h LIBRARY uring)
