// expect: no race
// C: the same counter under a pthread mutex (PTHREAD_MUTEX_INITIALIZER, never initialised by a call).
#include <pthread.h>
static long counter;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static void* work(void* arg) {
  (void)arg;
  for (int i = 0; i < 1000; ++i) {
    pthread_mutex_lock(&lock);
    ++counter;
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
  return counter != 2000;
}
