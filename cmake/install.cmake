# Install: headers, the runtime (and later the CLI and the preload library), and a CMake package
# so that find_package(lockgraph CONFIG) gives lockgraph::runtime and lockgraph_instrument().
include(CMakePackageConfigHelpers)

install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/lockgraph DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS lockgraph_runtime EXPORT lockgraphTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS lockgraph RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(EXPORT lockgraphTargets NAMESPACE lockgraph:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lockgraph)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/lockgraphConfig.cmake.in
  ${PROJECT_BINARY_DIR}/lockgraphConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lockgraph)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/lockgraphConfigVersion.cmake
  COMPATIBILITY SameMajorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/lockgraphConfig.cmake
  ${PROJECT_BINARY_DIR}/lockgraphConfigVersion.cmake
  ${PROJECT_SOURCE_DIR}/cmake/lockgraph_instrument.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lockgraph)
