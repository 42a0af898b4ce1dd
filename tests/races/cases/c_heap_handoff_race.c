// expect: race
// C: a malloc'd block published through a plain global pointer, written by both sides.
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>
static int* volatile published;
static void* writer(void* arg) {
  (void)arg;
  while (!published) {
  }
  published[0] = 2;
  return 0;
}
int main(void) {
  pthread_t t;
  pthread_create(&t, 0, writer, 0);
  int* block = malloc(4 * sizeof(int));
  block[0] = 1;
  published = block;
  usleep(10000);
  block[0] = 3;
  pthread_join(t, 0);
  free(block);
  return 0;
}
