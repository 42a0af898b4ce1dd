/* Two threads bump the library's counter: a race, in the library's code. */
#include <pthread.h>
void hit(void);
extern long hits;
static void* work(void* unused) {
  (void)unused;
  for (int i = 0; i < 1000; ++i) hit();
  return 0;
}
int main(void) {
  pthread_t a, b;
  pthread_create(&a, 0, work, 0);
  pthread_create(&b, 0, work, 0);
  pthread_join(a, 0);
  pthread_join(b, 0);
  return hits == 0;
}
