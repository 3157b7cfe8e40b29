# trio_add_library(<name> <sources>...): one of the project's compiled libraries, laid out the
# same way for each: a static library <name> with the alias <name>::<name>, include/ as its
# public include directory (in the build tree and once installed), C++20 for its users,
# position-independent code (it may end up in a shared object) and the project's warnings.
function(trio_add_library name)
  add_library(${name} STATIC ${ARGN})
  add_library(${name}::${name} ALIAS ${name})
  target_include_directories(${name} PUBLIC
    $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  target_compile_features(${name} PUBLIC cxx_std_20)
  set_target_properties(${name} PROPERTIES EXPORT_NAME ${name} POSITION_INDEPENDENT_CODE ON)
  trio_set_warnings(${name})
endfunction()
