// swift-tools-version: 6.1
import PackageDescription

// The performance suite, apart from the product so that `swift build` and `swift test` in
// the repository do not compile it. Built in release by bench-vs-notmuch (README.md here).
let package = Package(
  name: "AutoCaptureBenchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [
    .package(name: "AutoCapture", path: ".."),
  ],
  targets: [
    .executableTarget(
      name: "AutoCaptureBench",
      dependencies: [.product(name: "AutoCaptureLibraries", package: "AutoCapture")],
      path: "AutoCaptureBench"
    ),
  ]
)
