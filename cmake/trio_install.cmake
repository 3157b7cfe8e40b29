# trio_install_library(
#   NAME <package>            e.g. flume_lock  -> flume_lockConfig.cmake, flume_lock.pc
#   NAMESPACE <ns>            e.g. flume_lock:: (targets become <ns><export name>)
#   TARGETS <t>...            targets to install and export
#   INCLUDE_DIR <dir>         headers installed as they are laid out under <dir>
#   PC_LIBS <flags>           libraries for the pkg-config "Libs:" line
#   PC_REQUIRES_PRIVATE <s>   optional pkg-config Libs.private
#   DEPENDENCIES <pkg>...     find_dependency() calls for the config file
#   ARCH_INDEPENDENT          header-only: CMake and pkg-config files go under share/, not lib/
#   FIND_MODULES <file>...    Find<pkg>.cmake modules those calls need, installed beside the
#                             config file and searched only while it runs)
# Install components (the Debian packages of cmake/trio_package.cmake): <package>_runtime holds
# the shared object, <package>_dev everything a build against it needs.
include(CMakePackageConfigHelpers)
include(GNUInstallDirs)

function(trio_install_library)
  cmake_parse_arguments(arg "ARCH_INDEPENDENT" "NAME;NAMESPACE;INCLUDE_DIR;PC_LIBS;PC_LIBS_PRIVATE;DESCRIPTION"
                        "TARGETS;DEPENDENCIES;FIND_MODULES" ${ARGN})
  set(files_dir ${CMAKE_INSTALL_LIBDIR})
  set(arch_independent "")
  if(arg_ARCH_INDEPENDENT)
    set(files_dir ${CMAKE_INSTALL_DATADIR})
    set(arch_independent ARCH_INDEPENDENT)
  endif()
  set(cmake_dir "${files_dir}/cmake/${arg_NAME}")
  set(dev ${arg_NAME}_dev)
  install(TARGETS ${arg_TARGETS} EXPORT ${arg_NAME}Targets
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT ${dev}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT ${arg_NAME}_runtime
                  NAMELINK_COMPONENT ${dev}
          RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT ${arg_NAME}_runtime
          INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
  install(DIRECTORY "${arg_INCLUDE_DIR}/" DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT ${dev})
  install(EXPORT ${arg_NAME}Targets NAMESPACE ${arg_NAMESPACE} DESTINATION ${cmake_dir}
          COMPONENT ${dev})

  set(TRIO_PACKAGE_NAME ${arg_NAME})
  set(TRIO_PACKAGE_DEPENDENCIES "")
  if(arg_FIND_MODULES)
    install(FILES ${arg_FIND_MODULES} DESTINATION ${cmake_dir} COMPONENT ${dev})
    string(APPEND TRIO_PACKAGE_DEPENDENCIES
      "set(_${arg_NAME}_module_path \"\${CMAKE_MODULE_PATH}\")\n"
      "list(PREPEND CMAKE_MODULE_PATH \"\${CMAKE_CURRENT_LIST_DIR}\")\n")
  endif()
  foreach(dep IN LISTS arg_DEPENDENCIES)
    string(APPEND TRIO_PACKAGE_DEPENDENCIES "find_dependency(${dep})\n")
  endforeach()
  if(arg_FIND_MODULES)
    string(APPEND TRIO_PACKAGE_DEPENDENCIES
      "set(CMAKE_MODULE_PATH \"\${_${arg_NAME}_module_path}\")\n")
  endif()
  configure_package_config_file("${PROJECT_SOURCE_DIR}/cmake/package-config.cmake.in"
    "${CMAKE_CURRENT_BINARY_DIR}/${arg_NAME}Config.cmake" INSTALL_DESTINATION ${cmake_dir})
  # The same compatibility rule as the SONAME: before 1.0 a minor bump may break (releasing.md).
  if(PROJECT_VERSION_MAJOR EQUAL 0)
    set(compatibility SameMinorVersion)
  else()
    set(compatibility SameMajorVersion)
  endif()
  write_basic_package_version_file("${CMAKE_CURRENT_BINARY_DIR}/${arg_NAME}ConfigVersion.cmake"
    VERSION ${PROJECT_VERSION} COMPATIBILITY ${compatibility} ${arch_independent})
  install(FILES "${CMAKE_CURRENT_BINARY_DIR}/${arg_NAME}Config.cmake"
                "${CMAKE_CURRENT_BINARY_DIR}/${arg_NAME}ConfigVersion.cmake"
          DESTINATION ${cmake_dir} COMPONENT ${dev})

  file(RELATIVE_PATH TRIO_PC_TO_PREFIX "/prefix/${files_dir}/pkgconfig" "/prefix")
  set(TRIO_PC_LIBDIR ${CMAKE_INSTALL_LIBDIR})
  if(arg_ARCH_INDEPENDENT)
    set(TRIO_PC_LIBDIR lib)  # nothing to link; no architecture directory in a shared file
  endif()
  set(TRIO_PC_NAME ${arg_NAME})
  set(TRIO_PC_DESCRIPTION "${arg_DESCRIPTION}")
  set(TRIO_PC_LIBS "${arg_PC_LIBS}")
  set(TRIO_PC_LIBS_PRIVATE "${arg_PC_LIBS_PRIVATE}")
  configure_file("${PROJECT_SOURCE_DIR}/cmake/package.pc.in"
                 "${CMAKE_CURRENT_BINARY_DIR}/${arg_NAME}.pc" @ONLY)
  install(FILES "${CMAKE_CURRENT_BINARY_DIR}/${arg_NAME}.pc"
          DESTINATION ${files_dir}/pkgconfig COMPONENT ${dev})
endfunction()
