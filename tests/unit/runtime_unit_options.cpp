// The runtime's unit tests call its internals directly and check what they return, not a trace:
// recording stays off, so that no run (ctest's test discovery included) leaves a
// lockgraph.<pid>.lgtrace in the build tree. LOCKGRAPH_OPTIONS still overrides.
extern "C" const char* lockgraph_default_options() { return "enabled=0"; }
