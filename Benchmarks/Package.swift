// swift-tools-version: 6.1
import PackageDescription

// The performance suite, apart from the product so that `swift build` and `swift test` in
// the repository do not compile it. Built in release by bench-vs-notmuch (README.md here).
let package = Package(
  name: "AutoCaptureBenchmarks",
  platforms: [.macOS(.v14)],
  dependencies: [
    // The PostgreSQL trait: team mode's store is measured beside SQLite (bench-team).
    .package(name: "AutoCapture", path: "..", traits: ["PostgreSQL"]),
  ],
  targets: [
    .executableTarget(
      name: "AutoCaptureBench",
      dependencies: [
        .product(name: "AutoCaptureLibraries", package: "AutoCapture"),
        .product(name: "AutoCapturePostgres", package: "AutoCapture"),
      ],
      path: "AutoCaptureBench"
    ),
  ]
)
