# lockgraph_instrument(<target>): links a program (typically a test binary) with the lockgraph
# runtime and keeps debug information, so its lock order is recorded with readable stacks.
# Available both in-tree and after find_package(lockgraph).
function(lockgraph_instrument target)
  target_link_libraries(${target} PRIVATE lockgraph::runtime)
  target_compile_options(${target} PRIVATE -g)
endfunction()
