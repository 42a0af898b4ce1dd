# Install: headers, the runtimes, the CLI (the preload library: preload/), the LICENSE, and a CMake package
# so that find_package(lockgraph CONFIG) gives lockgraph::runtime and lockgraph_instrument().
include(CMakePackageConfigHelpers)

# The headers of what is installed: the analysis and viz libraries are the CLI's insides, not
# installed, so neither are their headers.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/lockgraph DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        PATTERN analysis EXCLUDE PATTERN viz EXCLUDE)
install(TARGETS lockgraph_runtime EXPORT lockgraphTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS lockgraph RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION ${CMAKE_INSTALL_DATADIR}/doc/lockgraph)
# The race runtime and the entry points programs built with the race flags link (races/).
if(TARGET lockgraph_races)
  install(TARGETS lockgraph_races lockgraph_race_entry EXPORT lockgraphTargets
    LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
endif()
# pkg-config files for builds without CMake, relocatable (the prefix is found from the file).
file(RELATIVE_PATH LOCKGRAPH_PC_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
foreach(pc lockgraph lockgraph-races)
  configure_file(${PROJECT_SOURCE_DIR}/cmake/${pc}.pc.in ${PROJECT_BINARY_DIR}/${pc}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/${pc}.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endforeach()
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
  ${PROJECT_SOURCE_DIR}/cmake/lockgraph_races_project.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/lockgraph)
