// Seeds 000_dfb30a89f5bc38ac.txt "Create / Start / Join Threads" (task, greet with arguments,
// subclass), 001_b3ec0cea55c5c396.txt "Basic Thread Lifecycle", 002_96dffee7bc39aca5.txt
// (download_file in two threads) and 003_95be9febe23781bc.txt "Hello World" (print_hello,
// print_world). Expected: nothing.
#include <cstdio>
#include <string>

#include <lockgraph/lockgraph.h>

void task() { std::puts("Thread is running"); }
void greet(const std::string& name) { std::printf("Hello %s\n", name.c_str()); }
void download_file(const std::string& filename) { std::printf("Downloading %s\n", filename.c_str()); }
void print_hello() {
  for (int i = 0; i < 5; ++i) std::puts("Hello");
}
void print_world() {
  for (int i = 0; i < 5; ++i) std::puts("World");
}

// "Using Subclassing": a thread type with its own run().
class MyThread {
 public:
  void start() { thread_ = lockgraph::thread([this] { run(); }); }
  void join() { thread_.join(); }

 private:
  void run() { std::puts("Thread via subclass"); }
  lockgraph::thread thread_;
};

int main() {
  lockgraph::thread t(task);
  t.join();
  lockgraph::thread g(greet, std::string("Alice"));
  g.join();
  MyThread m;
  m.start();
  m.join();
  lockgraph::thread d1(download_file, std::string("data.csv"));
  lockgraph::thread d2(download_file, std::string("image.png"));
  d1.join();
  d2.join();
  lockgraph::thread t1(print_hello);
  lockgraph::thread t2(print_world);
  t1.join();
  t2.join();
}
