// expect: no race
// A statistics update inside TSan's ignore annotations (AnnotateIgnoreWritesBegin/End and
// AnnotateIgnoreReadsBegin/End around it): not checked, so not reported.
#include <thread>
extern "C" void AnnotateIgnoreWritesBegin(const char*, int);
extern "C" void AnnotateIgnoreWritesEnd(const char*, int);
extern "C" void AnnotateIgnoreReadsBegin(const char*, int);
extern "C" void AnnotateIgnoreReadsEnd(const char*, int);
long hits = 0;
void count() {
  AnnotateIgnoreReadsBegin(__FILE__, __LINE__);
  AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
  ++hits;
  AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
  AnnotateIgnoreReadsEnd(__FILE__, __LINE__);
}
int main() {
  std::thread a(count), b(count);
  a.join();
  b.join();
}
