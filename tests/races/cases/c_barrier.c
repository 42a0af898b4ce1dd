// expect: no race
// C: pthread_barrier_wait splits two phases; each thread reads the others' slots after it.
#include <pthread.h>
static pthread_barrier_t barrier;
static int slots[3];
static int sums[3];
static void* work(void* arg) {
  long me = (long)arg;
  slots[me] = (int)me + 1;
  pthread_barrier_wait(&barrier);
  for (int i = 0; i < 3; ++i) sums[me] += slots[i];
  return 0;
}
int main(void) {
  pthread_t t[3];
  pthread_barrier_init(&barrier, 0, 3);
  for (long i = 0; i < 3; ++i) pthread_create(&t[i], 0, work, (void*)i);
  for (int i = 0; i < 3; ++i) pthread_join(t[i], 0);
  return sums[0] != 6;
}
