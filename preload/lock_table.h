// Lock identity without wrappers: the address of a pthread mutex or rwlock maps to a runtime lock
// id, made on first use (with its creation site and, for a global, its symbol name as the name)
// and forgotten at destroy/init, so a new lock at a reused address gets a new id.
//
// Lock-free open addressing for the common case; a full neighbourhood falls back to a map under a
// spin lock (slower, never a crash or a lost lock).
#pragma once

#include "lockgraph/runtime.h"

namespace lockgraph::preload {

// The id of the lock at `address`, made with `kind` on first sight; `caller` is the site: of its
// init call if `at_init`, else of its first lock (rt::lock_created_at's first_use).
rt::LockId lock_id(const void* address, trace::LockKind kind, const void* caller, bool at_init = false) noexcept;

// The lock at `address` is gone (destroyed or re-initialised): returns its id, or 0 if unknown.
rt::LockId forget_lock(const void* address) noexcept;

}  // namespace lockgraph::preload
