// expect: no race
// The virtual call ends (join) before the object is deleted.
#include <thread>
struct Base {
  virtual ~Base() {}
  virtual int f() { return 1; }
};
struct Derived : Base {
  int f() override { return 2; }
};
int main() {
  Base* object = new Derived;
  int seen = 0;
  std::thread user([&] { seen = object->f(); });
  user.join();
  delete object;
  return seen != 2;
}
