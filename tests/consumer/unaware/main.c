/* The program polls the library's progress while its job runs: a race, on the library's
   variable, between the library's job and the library's getter. */
void job_start(void);
int job_progress(void);
void job_wait(void);

int main(void) {
  job_start();
  long seen = 0;
  for (int i = 0; i < 100; ++i) seen += job_progress();
  job_wait();
  return seen < 0;
}
