import CFuzzerDriver
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// usage: AutoCaptureFuzz TARGET [libFuzzer options] [corpus directories]
//
// One program for every target, so one build serves them all; the first argument names
// the target and the rest goes to libFuzzer as is.
let arguments = CommandLine.arguments
guard arguments.count >= 2, let target = FuzzTargets.all[arguments[1]] else {
  let names = FuzzTargets.all.keys.sorted().joined(separator: ", ")
  FileHandle.standardError.write(Data("usage: AutoCaptureFuzz TARGET [libFuzzer options]\ntargets: \(names)\n".utf8))
  exit(2)
}
FuzzTargets.selected = target

// libFuzzer reads argv[0] as the program and the rest as its options: drop the target name.
var argc = CommandLine.argc - 1
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv + 1
argv?[0] = CommandLine.unsafeArgv[0]
exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
  FuzzTargets.selected?(UnsafeRawBufferPointer(start: data, count: size))
  return 0
})
