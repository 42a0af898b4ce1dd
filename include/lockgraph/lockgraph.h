// Umbrella header: everything a program includes to be checked by lockgraph.
#pragma once

#include "lockgraph/mutex.h"
#include "lockgraph/runtime.h"
#include "lockgraph/thread.h"
#include "lockgraph/trace_format.h"
#include "lockgraph/shared.h"
#include "lockgraph/sync.h"
