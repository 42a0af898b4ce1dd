// 1,000 locks held at once (nested), then 100,000 distinct locks each taken once: nothing is capped.
#include <memory>
#include <vector>

#include <lockgraph/lockgraph.h>

int main() {
  std::vector<std::unique_ptr<lockgraph::mutex>> nested;
  for (int i = 0; i < 1000; ++i) nested.push_back(std::make_unique<lockgraph::mutex>());
  for (auto& m : nested) m->lock();
  for (auto it = nested.rbegin(); it != nested.rend(); ++it) (*it)->unlock();

  std::vector<std::unique_ptr<lockgraph::mutex>> many;
  for (int i = 0; i < 100000; ++i) many.push_back(std::make_unique<lockgraph::mutex>());
  lockgraph::mutex outer{"outer"};
  for (auto& m : many) {
    std::lock_guard a(outer);
    std::lock_guard b(*m);
  }
}
