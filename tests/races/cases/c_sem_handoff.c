// expect: no race
// C: a buffer handed over through a POSIX semaphore.
#include <pthread.h>
#include <semaphore.h>
static sem_t filled;
static char buffer[128];
static int seen;
static void* consumer(void* arg) {
  (void)arg;
  sem_wait(&filled);
  seen = buffer[64];
  return 0;
}
int main(void) {
  pthread_t t;
  sem_init(&filled, 0, 0);
  pthread_create(&t, 0, consumer, 0);
  for (int i = 0; i < 128; ++i) buffer[i] = 'y';
  sem_post(&filled);
  pthread_join(t, 0);
  return seen != 'y';
}
