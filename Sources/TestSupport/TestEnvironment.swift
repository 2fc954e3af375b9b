import Foundation
import Testing

/// What the machine running the tests offers, and what a test does when it lacks something:
/// skip and say why on a developer's machine; under CI, run and fail, so that a missing
/// tool cannot turn a suite green by skipping it.
public enum TestEnvironment {
  /// True when `CI` is set (to anything but empty, `0` or `false`), as CI runners set it.
  public static var isCI: Bool { isCI(ProcessInfo.processInfo.environment) }

  public static func isCI(_ environment: [String: String]) -> Bool {
    guard let value = environment["CI"]?.lowercased() else { return false }
    return !["", "0", "false"].contains(value)
  }

  /// True for root, who may read any file whatever its permissions say.
  public static var runsAsRoot: Bool { geteuid() == 0 }

  /// `name` found on `PATH`, or nil.
  public static func executable(_ name: String) -> URL? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    for directory in path.split(separator: ":") {
      let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    }
    return nil
  }
}

extension Trait where Self == ConditionTrait {
  /// Runs the test where the command-line tool `tool` is installed and skips it, saying
  /// so, where it is not; under CI the test always runs, and fails if the tool is missing.
  public static func requires(_ tool: String) -> Self {
    .enabled(if: TestEnvironment.isCI || TestEnvironment.executable(tool) != nil,
             Comment(rawValue: "\(tool) is not installed (.ci/install-deps installs it)"))
  }
}
