// Annotations for data race detection: which memory is shared, and which hand-offs order it.
//
//   lockgraph::shared<int> counter{0, "counter"};  counter += 1;   // a recorded read and write
//   LOCKGRAPH_WRITE(node->next);  LOCKGRAPH_READ(total, "total");  // plain variables and fields
//   LOCKGRAPH_HAPPENS_BEFORE(&promise);  ...  LOCKGRAPH_HAPPENS_AFTER(&promise);
//
// Like TSan's and Helgrind's annotations. With LOCKGRAPH_DISABLE they compile to nothing and
// shared<T> is a plain T holder.
#pragma once

#include <utility>

#include "lockgraph/runtime.h"

namespace lockgraph {

#ifndef LOCKGRAPH_DISABLE

// A value whose every read and write is recorded. Not itself synchronised: it is there to be
// checked, exactly as a plain T would be used.
template <class T>
class shared {
 public:
  shared() : id_(rt::variable_created(nullptr, __builtin_return_address(0))) {}
  explicit shared(T value, const char* name = nullptr)
      : value_(std::move(value)), id_(rt::variable_created(name, __builtin_return_address(0))) {}
  shared(const shared&) = delete;
  shared& operator=(const shared&) = delete;

  T load() const {
    rt::memory_access(id_, false, nullptr, __builtin_return_address(0));
    return value_;
  }
  void store(T value) {
    rt::memory_access(id_, true, nullptr, __builtin_return_address(0));
    value_ = std::move(value);
  }
  operator T() const { return load(); }
  shared& operator=(T value) {
    store(std::move(value));
    return *this;
  }
  // Read-modify-write: a read and a write, as the racy `counter += 1` of the seeds is.
  template <class U>
  shared& operator+=(const U& delta) {
    return modify([&](T& v) { v += delta; });
  }
  template <class U>
  shared& operator-=(const U& delta) {
    return modify([&](T& v) { v -= delta; });
  }
  shared& operator++() {
    return modify([](T& v) { ++v; });
  }
  shared& operator--() {
    return modify([](T& v) { --v; });
  }

  rt::VarId trace_id() const { return id_; }

 private:
  template <class F>
  shared& modify(F&& f) {
    const void* site = __builtin_return_address(0);
    rt::memory_access(id_, false, nullptr, site);
    rt::memory_access(id_, true, nullptr, site);
    f(value_);
    return *this;
  }
  T value_{};
  rt::VarId id_;
};

// The site key is a static unique to each expansion: the annotation's own call site.
#define LOCKGRAPH_ACCESS_(is_write, x, name, ...)                                           \
  ::lockgraph::rt::memory_access(::lockgraph::rt::address_variable(&(x)), is_write, name, \
                                 [] { static const char site = 0; return &site; }())
// LOCKGRAPH_WRITE(x) or LOCKGRAPH_WRITE(x, "name"): x is about to be written.
#define LOCKGRAPH_WRITE(...) LOCKGRAPH_ACCESS_(true, __VA_ARGS__, nullptr)
#define LOCKGRAPH_READ(...) LOCKGRAPH_ACCESS_(false, __VA_ARGS__, nullptr)
#define LOCKGRAPH_HAPPENS_BEFORE(object) ::lockgraph::rt::sync_release(object)
#define LOCKGRAPH_HAPPENS_AFTER(object) ::lockgraph::rt::sync_acquire(object)

#else

template <class T>
class shared {
 public:
  shared() = default;
  explicit shared(T value, const char* = nullptr) : value_(std::move(value)) {}
  T load() const { return value_; }
  void store(T value) { value_ = std::move(value); }
  operator T() const { return value_; }
  shared& operator=(T value) { value_ = std::move(value); return *this; }
  template <class U> shared& operator+=(const U& d) { value_ += d; return *this; }
  template <class U> shared& operator-=(const U& d) { value_ -= d; return *this; }
  shared& operator++() { ++value_; return *this; }
  shared& operator--() { --value_; return *this; }

 private:
  T value_{};
};

#define LOCKGRAPH_WRITE(...) ((void)0)
#define LOCKGRAPH_READ(...) ((void)0)
#define LOCKGRAPH_HAPPENS_BEFORE(object) ((void)0)
#define LOCKGRAPH_HAPPENS_AFTER(object) ((void)0)

#endif

}  // namespace lockgraph
