// SwiftPM links Linux executables with `--defsym main=<Module>_main`, so that tests can import
// executables. A libFuzzer target built with -parse-as-library has no such symbol (libFuzzer
// brings its own main), and linking fails. These entry points hand control to libFuzzer's
// driver under the names SwiftPM expects; each fuzzer defines LLVMFuzzerTestOneInput in Swift.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *, size_t));

#define FUZZ_ENTRY(name) \
  int name##_main(int argc, char **argv) { return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput); }

FUZZ_ENTRY(FuzzNpyHeader)
FUZZ_ENTRY(FuzzSafetensorsHeader)
FUZZ_ENTRY(FuzzCompressedTable)
FUZZ_ENTRY(FuzzRawLayout)
FUZZ_ENTRY(FuzzHDF5)
