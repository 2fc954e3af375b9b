// The performance suite (issue 6). Run with
// `swift run -c release AutoCaptureBench --corpus DIR --truth T.json [--runs 100]`;
// Benchmarks/README.md explains each row and Benchmarks/bench-vs-notmuch sets it beside
// notmuch.
import DemoWorkspace
import Foundation

do {
  let arguments = Array(CommandLine.arguments.dropFirst())
  if arguments.first == "generate" {
    try generateCommand(Array(arguments.dropFirst()))
  } else {
    try Bench(options: try BenchOptions.parse(arguments)).run()
  }
} catch {
  FileHandle.standardError.write(Data("AutoCaptureBench: \(error)\n".utf8))
  exit(1)
}
