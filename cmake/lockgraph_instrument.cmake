# lockgraph_instrument(<target> [RACES]): links a program (typically a test binary) with the
# lockgraph runtime and keeps debug information, so its lock order is recorded with readable
# stacks. Available both in-tree and after find_package(lockgraph).
#
# RACES: also compiles the target with the compiler's ThreadSanitizer instrumentation and links
# lockgraph's race runtime instead of TSan's, so its memory accesses are checked for data races
# (plain code, nothing annotated). -fsanitize=thread goes on the compile line only: on the link
# line it would bring TSan's own runtime (g++: libtsan.so, clang: libclang_rt.tsan), which cannot
# share a process with lockgraph's; -fsanitize=address cannot be combined with it at all. Both are
# configure-time errors.
#
# LOCKGRAPH_ENABLE (default ON) OFF builds every such target plain: the lockgraph wrappers compile
# to their std types (LOCKGRAPH_DISABLE), no race flag is added and nothing of lockgraph is
# linked, so one switch turns the checking off (a release build) without an if() around each call.
option(LOCKGRAPH_ENABLE "Instrument the targets given to lockgraph_instrument() (OFF: build them plain)" ON)

# Stops the configure step if -fsanitize=thread or =address would reach the link line (the linker
# flags, the language flags, which CMake passes to the link too, the directory's link options and
# `link_options`), or -fsanitize=address the compile line (the directory's options and
# `compile_options`): on the link line it links the compiler's own sanitizer runtime, which cannot
# run together with lockgraph's race runtime, and AddressSanitizer cannot be combined with race
# instrumentation at all. `who` names the caller in the message.
function(lockgraph_refuse_sanitizer_link who link_options compile_options)
  get_directory_property(directory_link_options LINK_OPTIONS)
  get_directory_property(directory_compile_options COMPILE_OPTIONS)
  set(link_line "${CMAKE_EXE_LINKER_FLAGS} ${CMAKE_SHARED_LINKER_FLAGS} ${CMAKE_CXX_FLAGS} ${CMAKE_C_FLAGS}")
  string(APPEND link_line " ${link_options} ${directory_link_options}")
  set(compile_line "${compile_options} ${directory_compile_options}")
  set(clash "")
  if(link_line MATCHES "-fsanitize=[^ ;]*(thread|address)")
    set(clash "${CMAKE_MATCH_1} (on the link line)")
  elseif(compile_line MATCHES "-fsanitize=[^ ;]*(address)")
    set(clash "${CMAKE_MATCH_1}")
  endif()
  if(clash)
    message(FATAL_ERROR
      "${who}: '-fsanitize=' ${clash} is set (CMAKE_*_FLAGS, or the target's or directory's "
      "options): on the link line it links the compiler's own sanitizer runtime, which cannot run "
      "together with lockgraph's race runtime, and AddressSanitizer cannot be combined with race "
      "instrumentation at all. Remove it; lockgraph adds -fsanitize=thread to the compile line only.")
  endif()
endfunction()

function(lockgraph_instrument target)
  cmake_parse_arguments(LOCKGRAPH "RACES" "" "" ${ARGN})
  if(NOT LOCKGRAPH_ENABLE)
    target_compile_definitions(${target} PRIVATE LOCKGRAPH_DISABLE)
    target_include_directories(${target} PRIVATE $<TARGET_PROPERTY:lockgraph::runtime,INTERFACE_INCLUDE_DIRECTORIES>)
    target_compile_features(${target} PRIVATE cxx_std_20)
    return()
  endif()
  if(NOT LOCKGRAPH_RACES)
    target_link_libraries(${target} PRIVATE lockgraph::runtime)
    target_compile_options(${target} PRIVATE -g)
    return()
  endif()
  get_target_property(target_link_options ${target} LINK_OPTIONS)
  get_target_property(target_compile_options ${target} COMPILE_OPTIONS)
  lockgraph_refuse_sanitizer_link("lockgraph_instrument(${target} RACES)" "${target_link_options}"
                                  "${target_compile_options}")
  target_compile_options(${target} PRIVATE -fsanitize=thread -g)
  # The race runtime records every pthread lock itself: lockgraph's lock wrappers compile to their
  # std types here (they belong to the other runtime, which cannot share the process).
  target_compile_definitions(${target} PRIVATE LOCKGRAPH_DISABLE)
  target_link_libraries(${target} PRIVATE lockgraph::races)
endfunction()
