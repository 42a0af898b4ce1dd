// expect: race
// A shared object's field written by a thread while main runs the object's destructor (it reads
// the field) with no ordering.
#include <thread>
#include <unistd.h>
struct Account {
  long balance = 0;
  ~Account() { last_balance = balance; }
  static long last_balance;
};
long Account::last_balance = 0;
Account* account;
int main() {
  account = new Account;
  std::thread t([] { account->balance = 10; });
  usleep(20000);
  delete account;
  t.join();
}
