#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry for a program with its own main (compiler-rt FuzzerInterface.h): parses
// libFuzzer's options from argv and runs `callback` on each input.
int LLVMFuzzerRunDriver(int *argc, char ***argv,
                        int (*callback)(const uint8_t *data, size_t size));
