// expect: race
// expect g++: no race (gcc leaves out the base destructor's vptr store: nothing in ~Base can see it)
// A virtual call in one thread while another thread destroys the object: the base destructor
// sets the vtable pointer back to the base's (TSan: "data race on vptr (ctor/dtor vs virtual call)").
#include <thread>
#include <unistd.h>
int destroyed = 0;
struct Base {
  virtual ~Base() { destroyed = 1; }
  virtual int f() { return 1; }
};
struct Derived : Base {
  ~Derived() override {}
  int f() override { return 2; }
};
Base* object;
int result = 0;
int main() {
  object = new Derived;
  std::thread user([] { result = object->f(); });
  usleep(20000);
  object->~Base();
  user.join();
  operator delete(object);
  return result == 0;
}
