import Foundation

/// Runs the built `autocapture` binary as a separate process, as outside checks do.
public enum CLIRunner {
  public struct Result: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
  }

  /// The binary beside the test bundle (`.build/<config>/autocapture`), whatever the
  /// scratch path.
  public static var binary: URL {
    let candidates = [
      Bundle.main.executableURL?.deletingLastPathComponent(),
      Bundle.main.bundleURL.deletingLastPathComponent(),
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
    ].compactMap { $0 }
    for dir in candidates {
      var d = dir
      for _ in 0..<4 {
        let url = d.appendingPathComponent("autocapture")
        if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        d.deleteLastPathComponent()
      }
    }
    return Fixtures.packageRoot.appendingPathComponent(".build/debug/autocapture")
  }

  /// Runs `autocapture args...` (or the copy at `executable`), waits, and returns its exit
  /// status and output.
  @discardableResult
  public static func run(_ arguments: [String], environment: [String: String] = [:],
                         directory: URL? = nil, executable: URL? = nil) throws -> Result {
    let process = Process()
    process.executableURL = executable ?? binary
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["NO_COLOR"] = "1"
    // Keep the developer's own config file and data directory out of the tests.
    env["AUTOCAPTURE_CONFIG"] = Fixtures.emptyConfigFile
    env["XDG_DATA_HOME"] = FileManager.default.temporaryDirectory
      .appendingPathComponent("autocapture-test-data").path
    for (k, v) in environment { env[k] = v }
    process.environment = env
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes fully before waiting, so a large output cannot block the child.
    let group = DispatchGroup()
    nonisolated(unsafe) var errData = Data()
    group.enter()
    DispatchQueue.global().async {
      errData = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return Result(status: process.terminationStatus,
                  stdout: String(decoding: outData, as: UTF8.self),
                  stderr: String(decoding: errData, as: UTF8.self))
  }
}
