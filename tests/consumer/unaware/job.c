/* The library: a background job that reports its progress in a plain variable. */
#include <pthread.h>

static int progress;
static pthread_t job;

static void* run(void* unused) {
  (void)unused;
  for (int step = 1; step <= 100; ++step) progress = step;
  return 0;
}

void job_start(void) { pthread_create(&job, 0, run, 0); }
int job_progress(void) { return progress; }
void job_wait(void) { pthread_join(job, 0); }
