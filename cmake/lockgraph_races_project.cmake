# Checks a whole CMake project for data races without editing it: every target is compiled with
# the race flags and linked with lockgraph's race runtime, as lockgraph_instrument(<target> RACES)
# does for one target. Given to the project's configure step:
#
#   cmake -S src -B build -DCMAKE_PROJECT_INCLUDE=<prefix>/lib/cmake/lockgraph/lockgraph_races_project.cmake
#
# CMake includes it after the project's project() calls; the first one sets the top directory's
# compile options and link libraries, which every directory and target below it inherits. A TSan
# user would add -fsanitize=thread to CMAKE_CXX_FLAGS instead, but CMake passes those to the link
# too, where they would link TSan's own runtime: that is refused here, as by lockgraph_instrument.
include_guard(GLOBAL)
find_package(lockgraph CONFIG REQUIRED PATHS "${CMAKE_CURRENT_LIST_DIR}" NO_DEFAULT_PATH)
lockgraph_refuse_sanitizer_link("-DCMAKE_PROJECT_INCLUDE=${CMAKE_CURRENT_LIST_FILE}" "" "")
add_compile_options(-fsanitize=thread -g)
add_compile_definitions(LOCKGRAPH_DISABLE)
link_libraries(lockgraph::races)
