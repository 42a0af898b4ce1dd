// expect: race
// A virtual call in one thread while another thread destroys the object: the destructor updates
// the vtable pointer (TSan's "data race on vptr").
#include <atomic>
#include <thread>
#include <unistd.h>
struct Base {
  virtual ~Base() {}
  virtual int f() { return 1; }
};
struct Derived : Base {
  ~Derived() override {}
  int f() override { return 2; }
};
Base* object;
int main() {
  object = new Derived;
  std::thread user([] { (void)object->f(); });
  usleep(20000);
  object->~Base();
  user.join();
  operator delete(object);
}
