// The performance suite. Run with
// `swift run --package-path Benchmarks -c release AutoCaptureBench --corpus DIR --truth T.json`;
// Benchmarks/README.md explains each row and Benchmarks/bench-vs-notmuch sets it beside
// notmuch.
import DemoWorkspace
import Foundation

do {
  let arguments = Array(CommandLine.arguments.dropFirst())
  if arguments.first == "generate" {
    try generateCommand(Array(arguments.dropFirst()))
  } else if arguments.first == "team" {
    try TeamBench(options: try BenchOptions.parse(Array(arguments.dropFirst()))).run()
  } else {
    try Bench(options: try BenchOptions.parse(arguments)).run()
  }
} catch {
  FileHandle.standardError.write(Data("AutoCaptureBench: \(error)\n".utf8))
  exit(1)
}
