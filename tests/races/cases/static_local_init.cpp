// expect: no race
// A function-local static built on first use by whichever thread comes first (the guard orders it).
#include <string>
#include <thread>
struct Config {
  Config() : value(42), name("config") {}
  int value;
  std::string name;
};
Config& config() {
  static Config instance;
  return instance;
}
int seen[2];
int main() {
  std::thread a([] { seen[0] = config().value; });
  std::thread b([] { seen[1] = config().value; });
  a.join();
  b.join();
  return seen[0] + seen[1] != 84;
}
