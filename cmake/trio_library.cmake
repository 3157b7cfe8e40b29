# trio_add_library(<name> <sources>...): one of the project's compiled libraries, laid out the
# same way for each: a library <name> with the alias <name>::<name>, include/ as its public
# include directory (in the build tree and once installed), C++20 for its users,
# position-independent code (it may end up in a shared object), the project's warnings, and a
# generated <name>/version.hpp with <NAME>_VERSION_* macros.
#
# Static by default; TRIO_SHARED_LIBS=ON builds shared objects instead. Either way symbols are
# hidden unless the source marks them with the library's export macro (<name>/export.hpp), so
# a static and a shared build compile the same code and export the same entry points. The
# SONAME carries the ABI identity (trio_soversion in trio_version.cmake).
option(TRIO_SHARED_LIBS "Build kov and flume-lock as shared libraries" OFF)

function(trio_add_library name)
  if(TRIO_SHARED_LIBS)
    add_library(${name} SHARED ${ARGN})
  else()
    add_library(${name} STATIC ${ARGN})
  endif()
  add_library(${name}::${name} ALIAS ${name})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${name} PUBLIC cxx_std_20)
  trio_soversion(soversion)
  set_target_properties(${name} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON
    C_VISIBILITY_PRESET hidden CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    VERSION ${PROJECT_VERSION} SOVERSION ${soversion})
  string(TOUPPER ${name} prefix)
  trio_version_header(${name} ${prefix} ${name}/version.hpp)
  trio_set_warnings(${name})
endfunction()
