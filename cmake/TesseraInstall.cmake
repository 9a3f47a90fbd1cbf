# What `cmake --install` puts under the prefix: the tools that were built
# (bin/), the runtime libraries and headers (runtime/CMakeLists.txt), and
# the CMake package: TesseraConfig.cmake, its version file, the exported
# targets and TesseraModule.cmake, so that another project can
#
#   find_package(Tessera CONFIG REQUIRED)           # -DCMAKE_PREFIX_PATH=...
#   target_link_libraries(app PRIVATE Tessera::Runtime)
#   tessera_add_module(model SRC model.mlir)        # with the installed tessera

include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(TESSERA_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/Tessera)

set(installed_tools)
foreach(tool tessera tessera-opt tessera-lsp tessera-explorer
             tessera-explorer-worker)
  if(TARGET ${tool})
    list(APPEND installed_tools ${tool})
  endif()
endforeach()
if(installed_tools)
  install(TARGETS ${installed_tools} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(EXPORT TesseraTargets NAMESPACE Tessera::
        DESTINATION ${TESSERA_INSTALL_CMAKEDIR})
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/TesseraConfig.cmake.in
  ${PROJECT_BINARY_DIR}/TesseraConfig.cmake
  INSTALL_DESTINATION ${TESSERA_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)
# 0.x: a minor version may change the runtime's API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/TesseraConfigVersion.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/TesseraConfig.cmake
              ${PROJECT_BINARY_DIR}/TesseraConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/cmake/TesseraModule.cmake
        DESTINATION ${TESSERA_INSTALL_CMAKEDIR})
