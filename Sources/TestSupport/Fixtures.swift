import Foundation

/// Where the repository and its test material live, found from this source file so tests
/// run from any working directory and never name a machine's paths.
public enum Fixtures {
  /// The package root (the folder holding Package.swift).
  public static let packageRoot: URL = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
      url.deleteLastPathComponent()
      if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
        return url
      }
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
  }()

  /// Third-party mail and calendar files the tests read as they are (`Tests/Corpus`; its
  /// README names each folder's origin and licence).
  public static var corpus: URL { packageRoot.appendingPathComponent("Tests/Corpus") }

  /// An empty config file, for AUTOCAPTURE_CONFIG: the tests run with no settings of the
  /// developer's own (a named config file must exist). One per test process, left in the
  /// temporary directory like the fixtures'.
  public static let emptyConfigFile: String = {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("autocapture-test-empty-config-\(getpid()).toml")
    try? Data().write(to: url)
    return url.path
  }()

  /// A fresh temporary directory, removed by the caller (or left for the OS).
  public static func temporaryDirectory(_ label: String = "autocapture") throws -> URL {
    let url = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }
}
