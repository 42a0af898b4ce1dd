/* C, built by hand with pkg-config's lockgraph-races: a flag written by one thread and polled by
   another with nothing ordering them. */
#include <pthread.h>

static int ready;
static long polls;

static void* poll_ready(void* arg) {
  (void)arg;
  for (int i = 0; i < 1000 && !ready; ++i) ++polls;
  return 0;
}

int main(void) {
  pthread_t t;
  pthread_create(&t, 0, poll_ready, 0);
  ready = 1;
  pthread_join(t, 0);
  return polls < 0;
}
