// Which lock a pthread mutex is: its runtime id, kept in the mutex itself.
//
// Why in the mutex: std::mutex (and every mutex made with PTHREAD_MUTEX_INITIALIZER) never passes
// through pthread_mutex_init or pthread_mutex_destroy, so an address table cannot tell a new
// mutex at a reused address from the one that lived there before: two heap objects that held the
// same address one after the other would share an id, and their lock orders would merge into
// false cycles. glibc leaves __list (the link of a robust mutex in its owner's list) unused in
// every other mutex, and every way of making a mutex zeroes it, so a new mutex starts without an
// id. The id is stored with a tag of the mutex's address, so a mutex copied elsewhere is not
// taken for the original. Robust and process-shared mutexes use the address table (lock_table.h):
// glibc uses the link of the one, and other processes see the memory of the other.
// It also costs less: the id is on the mutex's own cache line, which the caller has just locked.
#pragma once

#include <pthread.h>

#include "lockgraph/runtime.h"

namespace lockgraph::preload {

// A recursive mutex (PTHREAD_MUTEX_RECURSIVE: std::recursive_mutex).
bool mutex_is_recursive(const pthread_mutex_t* m) noexcept;

// The id of the mutex at `m`, made on first use; `caller` is the site.
rt::LockId mutex_id(pthread_mutex_t* m, const void* caller) noexcept;

// The mutex at `m` is gone (destroyed or about to be initialised again): its id, or 0 if it had
// none. A mutex used afterwards at `m` gets a new one.
rt::LockId forget_mutex(pthread_mutex_t* m) noexcept;

}  // namespace lockgraph::preload
