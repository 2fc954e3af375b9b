import Foundation

/// A password command as mail and calendar clients take it (`pass show mail`): run by
/// `/bin/sh -c` with no input, its first line of output (a trailing CR dropped) is the
/// password. The password is only returned, never put in an argument list, a file or an
/// error; each source words the failures in its own terms.
public enum PasswordCommand {
  public enum Failure: Error, Sendable {
    /// The shell could not be started.
    case cannotRun(String)
    /// The command ended with this status.
    case exited(Int32)
    /// The first line of its output was empty.
    case printedNothing
  }

  public static func run(_ command: String) throws(Failure) -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", command]
    let output = Pipe()
    process.standardOutput = output
    process.standardInput = FileHandle.nullDevice
    do { try process.run() } catch { throw .cannotRun(error.localizedDescription) }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw .exited(process.terminationStatus) }
    let text = String(decoding: data, as: UTF8.self)
    let first = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
      .first.map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) } ?? ""
    guard !first.isEmpty else { throw .printedNothing }
    return first
  }
}
