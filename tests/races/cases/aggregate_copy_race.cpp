// expect: race
// A 48-byte struct copied while another thread writes one of its fields.
#include <thread>
struct Record {
  long a, b, c, d, e, f;
};
Record shared_record;
Record copy;
int main() {
  std::thread reader([] { copy = shared_record; });
  std::thread writer([] { shared_record.e = 5; });
  reader.join();
  writer.join();
}
