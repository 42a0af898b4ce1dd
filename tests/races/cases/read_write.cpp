// expect: race
// One thread polls a plain flag another thread sets, with nothing ordering them.
#include <thread>
bool stop = false;
int polls = 0;
int main() {
  std::thread reader([] {
    for (int i = 0; i < 100 && !stop; ++i) ++polls;
  });
  stop = true;
  reader.join();
  return polls < 0;
}
