// The performance suite (issue 6). Run with
// `swift run -c release AutoCaptureBench --corpus DIR --truth T.json [--runs 100]`;
// Benchmarks/README.md explains each row and Benchmarks/bench-vs-notmuch sets it beside
// notmuch.
import Foundation

do {
  let options = try BenchOptions.parse(Array(CommandLine.arguments.dropFirst()))
  try Bench(options: options).run()
} catch {
  FileHandle.standardError.write(Data("AutoCaptureBench: \(error)\n".utf8))
  exit(1)
}
