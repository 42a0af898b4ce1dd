// expect: race
// An 8-byte write that straddles two words races with a one-byte write to its last byte.
#include <cstring>
#include <thread>
alignas(16) unsigned char bytes[32];
int main() {
  std::thread a([] {
    unsigned long v = ~0ul;
    std::memcpy(bytes + 5, &v, sizeof v);  // bytes 5..12
  });
  std::thread b([] { bytes[12] = 1; });
  a.join();
  b.join();
}
