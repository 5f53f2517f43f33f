// libsystemc.so defines main() and refers to sc_main (toolchain.md §4). Our programs have their own
// main(), which wins; this definition only satisfies the library's reference. Default visibility,
// because the pybind11 module is built with -fvisibility=hidden (toolchain.md §5).
extern "C" __attribute__((visibility("default"))) int sc_main(int, char*[]) { return 0; }
