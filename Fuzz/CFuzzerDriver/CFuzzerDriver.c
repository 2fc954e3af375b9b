// The declaration in include/CFuzzerDriver.h is all: libFuzzer itself comes with
// -sanitize=fuzzer. SwiftPM wants one source file in a C target.
#include "CFuzzerDriver.h"
