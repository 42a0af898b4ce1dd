// expect: race
// One thread reads a heap block while another frees it (TSan: "data race ... freed by thread").
#include <thread>
#include <unistd.h>
int* shared_block;
int seen = 0;
int main() {
  shared_block = new int[4]{1, 2, 3, 4};
  std::thread reader([] { seen = shared_block[1]; });
  usleep(20000);
  delete[] shared_block;
  reader.join();
  return seen < 0;
}
