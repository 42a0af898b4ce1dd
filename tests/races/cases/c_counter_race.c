// expect: race
// C: two pthreads increment a global without a lock.
#include <pthread.h>
static long counter;
static void* work(void* arg) {
  (void)arg;
  for (int i = 0; i < 1000; ++i) ++counter;
  return 0;
}
int main(void) {
  pthread_t a, b;
  pthread_create(&a, 0, work, 0);
  pthread_create(&b, 0, work, 0);
  pthread_join(a, 0);
  pthread_join(b, 0);
  return counter == 0;
}
