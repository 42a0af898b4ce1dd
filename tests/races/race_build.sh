# Sourced by the race scripts: the two-step build of a race-flag program (README, "Races in plain
# code"): the compile line with -fsanitize=thread, the link line with lockgraph's entry points and
# runtime instead of TSan's.
# race_build SOURCE OUTPUT   (uses $include and $libdir of the caller)
race_build() {
  clang++ -std=c++17 -O1 -g -fsanitize=thread -I"$include" -c "$1" -o "$2.o"
  clang++ "$2.o" -o "$2" "$libdir/liblockgraph_race_entry.a" -L"$libdir" -llockgraph_races -latomic \
    -Wl,-rpath,"$libdir" -pthread
}
