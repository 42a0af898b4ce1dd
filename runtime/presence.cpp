// The name by which the LD_PRELOAD library tells that the program already carries this runtime
// (it was built with the lock wrappers): the preload library then stands aside, so that one
// runtime records, not two (see preload/interposer.h). The preload library's own copy of the
// runtime does not export it.
#include "lockgraph/runtime.h"

extern "C" LOCKGRAPH_API const int lockgraph_runtime_present = 1;
