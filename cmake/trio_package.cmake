# Debian packages with CPack (`make package`, from the `shared` preset): per library a runtime
# package holding the shared object, named after its SONAME as Debian policy asks
# (libkov0.1), and a -dev package with the headers, the .so link, the CMake package and the
# pkg-config file. esp-blink is header-only: a -dev package alone. CPack rather than a debian/
# directory: the install rules already say which file goes where, and CPack turns them into
# packages with no second description of the build to keep in step (and no debhelper).
trio_soversion(trio_soversion)
file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/debian")
set(CPACK_PACKAGE_NAME trio)
set(CPACK_PACKAGE_VENDOR "the trio authors")
set(CPACK_PACKAGE_CONTACT "trio maintainers <trio-maintainers@example.org>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION libs)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS ON)
# dpkg-shlibdeps finds libflume_lock (kov's dependency) in this build tree, not installed.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${CMAKE_BINARY_DIR}/libs/flume-lock")
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_STRIP_FILES ON)

set(dev_section libdevel)
function(trio_package_component component package description)
  string(TOUPPER ${component} c)
  set(CPACK_DEBIAN_${c}_PACKAGE_NAME ${package} PARENT_SCOPE)
  set(CPACK_DEBIAN_${c}_DESCRIPTION "${description}" PARENT_SCOPE)
endfunction()

set(kov_runtime_pkg "libkov${trio_soversion}")
set(flume_runtime_pkg "libflume-lock${trio_soversion}")
trio_package_component(flume_lock_runtime ${flume_runtime_pkg}
  "lock-free MPSC and MPMC channels (shared library)\n flume-lock: unbounded, bounded and rendezvous channels with a C API.")
trio_package_component(flume_lock_dev libflume-lock-dev
  "lock-free MPSC and MPMC channels (development files)\n Headers, CMake package and pkg-config file of flume-lock.")
trio_package_component(kov_runtime ${kov_runtime_pkg}
  "single-threaded C++20 coroutine runtime (shared library)\n kov: tasks, timers, I/O on epoll or io_uring, TLS with OpenSSL 3, and a C API.")
trio_package_component(kov_dev libkov-dev
  "single-threaded C++20 coroutine runtime (development files)\n Headers, CMake package and pkg-config file of kov.")
trio_package_component(esp_blink_dev libesp-blink-dev
  "freestanding ESP32-C3 HAL (headers)\n esp-blink: generated registers, drivers and HAL concepts, header-only.")
set(CPACK_DEBIAN_FLUME_LOCK_DEV_PACKAGE_DEPENDS "${flume_runtime_pkg} (= ${PROJECT_VERSION})")
set(CPACK_DEBIAN_KOV_DEV_PACKAGE_DEPENDS
  "${kov_runtime_pkg} (= ${PROJECT_VERSION}), libflume-lock-dev (= ${PROJECT_VERSION}), libc-ares-dev, liburing-dev, libssl-dev")
set(CPACK_DEBIAN_KOV_RUNTIME_PACKAGE_DEPENDS "${flume_runtime_pkg} (= ${PROJECT_VERSION})")
foreach(c FLUME_LOCK_DEV KOV_DEV ESP_BLINK_DEV)
  set(CPACK_DEBIAN_${c}_PACKAGE_SECTION libdevel)
  set(CPACK_DEBIAN_${c}_PACKAGE_ARCHITECTURE all)
endforeach()
set(CPACK_DEBIAN_FLUME_LOCK_DEV_PACKAGE_ARCHITECTURE amd64)  # carries the .so link
set(CPACK_DEBIAN_KOV_DEV_PACKAGE_ARCHITECTURE amd64)
# Shared libraries register with ldconfig through a trigger (lintian: lacks-ldconfig-trigger).
file(WRITE "${CMAKE_BINARY_DIR}/debian/triggers" "activate-noawait ldconfig\n")
set(CPACK_DEBIAN_FLUME_LOCK_RUNTIME_PACKAGE_CONTROL_EXTRA "${CMAKE_BINARY_DIR}/debian/triggers")
set(CPACK_DEBIAN_KOV_RUNTIME_PACKAGE_CONTROL_EXTRA "${CMAKE_BINARY_DIR}/debian/triggers")
set(CPACK_COMPONENTS_ALL flume_lock_runtime flume_lock_dev kov_runtime kov_dev esp_blink_dev)

# Debian wants a copyright file and a changelog in each package's doc directory.
foreach(pair flume_lock_runtime:${flume_runtime_pkg} flume_lock_dev:libflume-lock-dev
             kov_runtime:${kov_runtime_pkg} kov_dev:libkov-dev esp_blink_dev:libesp-blink-dev)
  string(REPLACE ":" ";" pair ${pair})
  list(GET pair 0 component)
  list(GET pair 1 package)
  set(doc ${CMAKE_INSTALL_DATAROOTDIR}/doc/${package})
  install(FILES "${PROJECT_SOURCE_DIR}/cmake/debian/copyright" DESTINATION ${doc} COMPONENT ${component})
  install(FILES "${CMAKE_BINARY_DIR}/debian/changelog.gz" DESTINATION ${doc} COMPONENT ${component})
endforeach()
execute_process(COMMAND gzip -9nc "${PROJECT_SOURCE_DIR}/CHANGELOG.md"
                OUTPUT_FILE "${CMAKE_BINARY_DIR}/debian/changelog.gz")

include(CPack)
