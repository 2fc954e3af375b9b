import Foundation

/// The live servers scripts/test starts (scripts/servers/*.sh) as the tests see them: the
/// environment variables their start functions export, and AUTOCAPTURE_SKIP_SERVERS.
public enum TestServers {
  /// True when AUTOCAPTURE_SKIP_SERVERS names `server` (or `all`): its tests skip, saying so.
  public static func skipped(_ server: String) -> Bool {
    let names = (ProcessInfo.processInfo.environment["AUTOCAPTURE_SKIP_SERVERS"] ?? "")
      .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
    return names.contains("all") || names.contains(server)
  }

  /// The server is missing although its tests were not told to skip.
  public struct Missing: Error, CustomStringConvertible {
    public var description: String
  }

  /// The value of `variable`, which `server`'s start function exports; a test without it
  /// fails rather than passing unnoticed.
  public static func value(_ variable: String, server: String) throws -> String {
    if let value = ProcessInfo.processInfo.environment[variable], !value.isEmpty { return value }
    throw Missing(description: "\(variable) is not set: run the tests with scripts/test, which "
      + "starts \(server), or set AUTOCAPTURE_SKIP_SERVERS=\(server) to skip them")
  }

  /// A name no other test run uses: for databases and roles on a shared server.
  public static func uniqueName(_ prefix: String) -> String {
    prefix + "_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
      .prefix(12)
  }
}
