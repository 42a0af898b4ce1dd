// expect: no race
// C: pthread_once initialises a table that every thread then reads.
#include <pthread.h>
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int table[16];
static long sums[3];
static void init(void) {
  for (int i = 0; i < 16; ++i) table[i] = i;
}
static void* work(void* arg) {
  long slot = (long)arg;
  pthread_once(&once, init);
  for (int i = 0; i < 16; ++i) sums[slot] += table[i];
  return 0;
}
int main(void) {
  pthread_t t[3];
  for (long i = 0; i < 3; ++i) pthread_create(&t[i], 0, work, (void*)i);
  for (int i = 0; i < 3; ++i) pthread_join(t[i], 0);
  return sums[0] != 120;
}
