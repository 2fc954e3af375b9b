// swift-tools-version: 6.1
import PackageDescription

// The libFuzzer targets, apart from the product so that `swift build` and `swift test` in
// the repository do not compile them. Built with `-sanitize=fuzzer,address` by scripts/fuzz
// (README.md here); a plain `swift build` of this package links but cannot fuzz.
let package = Package(
  name: "AutoCaptureFuzz",
  platforms: [.macOS(.v14)],
  dependencies: [
    .package(name: "AutoCapture", path: ".."),
  ],
  targets: [
    // Declares libFuzzer's LLVMFuzzerRunDriver, which the toolchain's libFuzzer provides.
    .target(name: "CFuzzerDriver", path: "CFuzzerDriver"),
    .executableTarget(
      name: "AutoCaptureFuzz",
      dependencies: [
        "CFuzzerDriver",
        .product(name: "AutoCaptureLibraries", package: "AutoCapture"),
        .product(name: "AutoCaptureIMAPClient", package: "AutoCapture"),
      ],
      path: "AutoCaptureFuzz"
    ),
  ]
)
