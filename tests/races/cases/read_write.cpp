// expect: race
// One thread reads a flag another writes, with nothing ordering them.
#include <thread>
#include <unistd.h>
bool stop = false;
int main() {
  std::thread reader([] {
    int seen = 0;
    for (int i = 0; i < 100 && !stop; ++i) seen += 1;
    (void)seen;
  });
  stop = true;
  reader.join();
}
