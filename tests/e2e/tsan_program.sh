#!/usr/bin/env bash
# A program built with ThreadSanitizer (gcc's libtsan, clang's runtime linked in) runs under
# `lockgraph run` as it runs alone: TSan intercepts the calls the preload library would, and both
# in one process crashed it (a null call inside TSan), so run starts it without the preload
# library and says so. Same exit status, same stdout, TSan's own race report, no crash.
# Usage: tsan_program.sh LOCKGRAPH WORK_DIR
set -uo pipefail
cli=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
cat >"$work/racy.c" <<'C'
#include <pthread.h>
#include <stdio.h>
static long counter;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void* work(void* arg) {
  (void)arg;
  for (int i = 0; i < 1000; ++i) {
    ++counter; /* the race */
    pthread_mutex_lock(&lock);
    pthread_mutex_unlock(&lock);
  }
  return 0;
}
int main(void) {
  pthread_t a, b;
  pthread_create(&a, 0, work, 0);
  pthread_create(&b, 0, work, 0);
  pthread_join(a, 0);
  pthread_join(b, 0);
  printf("done %d\n", counter > 0);
  return 0;
}
C
failures=0
for cc in gcc clang; do
  $cc -g -O1 -fsanitize=thread "$work/racy.c" -o "$work/racy_$cc" -pthread || { echo "FAILED: $cc build"; exit 1; }
  "$work/racy_$cc" >"$work/$cc.plain.out" 2>"$work/$cc.plain.err"; plain=$?
  "$cli" run -- "$work/racy_$cc" >"$work/$cc.run.out" 2>"$work/$cc.run.err"; run=$?
  problems=()
  [ "$plain" = "$run" ] || problems+=("exit $run under run, $plain alone")
  cmp -s "$work/$cc.plain.out" "$work/$cc.run.out" || problems+=("stdout differs")
  grep -q "WARNING: ThreadSanitizer: data race" "$work/$cc.plain.err" || problems+=("TSan found no race alone")
  grep -q "WARNING: ThreadSanitizer: data race" "$work/$cc.run.err" || problems+=("TSan's report is missing under run")
  grep -q "DEADLYSIGNAL" "$work/$cc.run.err" && problems+=("TSan crashed under run")
  grep -q "lockgraph: this program carries ThreadSanitizer's runtime" "$work/$cc.run.err" || problems+=("no note")
  if [ ${#problems[@]} = 0 ]; then
    echo "ok: $cc TSan build under run: exit $run as alone, same output, TSan's report, run says why it records nothing"
  else
    echo "FAILED: $cc TSan build under run: ${problems[*]}"; cat "$work/$cc.run.err"; failures=$((failures + 1))
  fi
done
exit $failures
