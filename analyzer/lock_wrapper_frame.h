// Which frames are inside a program's own lock wrapper class (leveldb's port::Mutex, a MutexLock
// guard): the symbolizer's site of a stack passes over them (docs/design-notes.md, "Locks made by
// a wrapper class are named where the wrapper was made").
#pragma once

#include <string>

namespace lockgraph::analysis {

// Whether the demangled `function` is a lock, unlock, try-lock, reader/writer lock,
// acquire/release, constructor or destructor of a class whose name has the word lock (SpinLock,
// rw_lock, lockable; not Block or Clock) or contains mutex, spin or guard (case aside): "leveldb::port::Mutex::Lock()", "(anonymous namespace)::MutexLock::~MutexLock()".
bool is_lock_wrapper_function(const std::string& function);

}  // namespace lockgraph::analysis
