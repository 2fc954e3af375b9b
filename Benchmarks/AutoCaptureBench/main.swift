// The performance suite (issue: benchmarks). Run with `swift run -c release AutoCaptureBench`.
print("AutoCaptureBench: not yet written")
