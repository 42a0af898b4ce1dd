// Seeds 001_b3ec0cea55c5c396.txt "ThreadPoolExecutor" (pool.submit(fetch, url) then f.result())
// and 002_96dffee7bc39aca5.txt (ThreadPoolExecutor(max_workers=4), fetch_url). Each task writes
// its own result slot; main reads the slots after the futures. Expected: nothing.
#include <cstdio>
#include <string>
#include <vector>

#include <lockgraph/lockgraph.h>

#include "support/thread_pool.h"

std::vector<std::string> urls = {"a.example", "b.example", "c.example", "d.example", "e.example"};
std::size_t page_sizes[5];

int fetch(int index) {
  LOCKGRAPH_WRITE(page_sizes[index], "page_sizes");
  page_sizes[index] = urls[static_cast<std::size_t>(index)].size() * 100;
  return index;
}

int main() {
  std::vector<int> finished;
  {
    samples::ThreadPool pool(4);
    std::vector<samples::Future<int>> futures;
    for (int i = 0; i < 5; ++i) futures.push_back(pool.submit(fetch, i));
    for (auto& f : futures) finished.push_back(f.result());
  }
  for (int i : finished) {
    LOCKGRAPH_READ(page_sizes[i], "page_sizes");
    std::printf("%s: %zu bytes\n", urls[static_cast<std::size_t>(i)].c_str(), page_sizes[i]);
  }
}
