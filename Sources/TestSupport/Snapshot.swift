import Foundation
import TerminalUI
import Testing

/// Snapshot testing of screens (the text grid plus a parallel style map) and of command
/// output, stored as `Tests/<Target>/Snapshots/<name>.txt` beside the calling test file.
///
/// A screen's file holds the text rows between `┤`/`├` markers (so trailing spaces are
/// visible), then the style-map rows (one ``StyleRole/snapshotLetter`` per column). Run the
/// tests with `RECORD_SNAPSHOTS=1` to write or rewrite the files, then review them in the
/// diff.
public enum Snapshot {
  /// The snapshot text of `buffer`: framed text rows, a separator, style rows.
  public static func render(_ buffer: ScreenBuffer) -> String {
    var lines = buffer.text().map { "│" + $0 + "│" }
    lines.append("── styles ──")
    lines += buffer.styleMap().map { "│" + $0 + "│" }
    return lines.joined(separator: "\n") + "\n"
  }

  /// The directory `Tests/<Target>/Snapshots` for a test file path.
  public static func directory(forTestFile filePath: String) -> URL {
    var url = URL(fileURLWithPath: filePath).deletingLastPathComponent()
    while url.path != "/" && url.deletingLastPathComponent().lastPathComponent != "Tests" {
      url.deleteLastPathComponent()
    }
    if url.path == "/" { url = URL(fileURLWithPath: filePath).deletingLastPathComponent() }
    return url.appendingPathComponent("Snapshots")
  }

  /// Whether snapshots are written rather than compared: `RECORD_SNAPSHOTS` set to
  /// anything but empty or `0`. Under CI that is refused (thrown), since a recording run
  /// passes whatever the screens show.
  public static func isRecording(_ environment: [String: String]) throws -> Bool {
    let recording = environment["RECORD_SNAPSHOTS"].map { !$0.isEmpty && $0 != "0" } ?? false
    if recording && TestEnvironment.isCI(environment) { throw RecordingUnderCI() }
    return recording
  }

  public struct RecordingUnderCI: Error, CustomStringConvertible {
    public var description: String {
      "RECORD_SNAPSHOTS is set under CI: CI compares snapshots and never records them"
    }
  }

  /// A readable line diff of `expected` against `actual`: changed lines as `-`/`+` pairs with
  /// their line numbers, unchanged lines left out.
  public static func lineDiff(expected: String, actual: String) -> String {
    let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
    var out: [String] = []
    for index in 0..<max(old.count, new.count) {
      let before = index < old.count ? String(old[index]) : nil
      let after = index < new.count ? String(new[index]) : nil
      if before == after { continue }
      let number = String(index + 1)
      let label = String(repeating: " ", count: max(0, 3 - number.count)) + number
      if let before { out.append("-\(label) \(before)") }
      if let after { out.append("+\(label) \(after)") }
    }
    return out.joined(separator: "\n")
  }
}

/// Compares `buffer` with the stored snapshot `name`, recording a test issue with a line diff
/// when they differ or the snapshot is missing; with `RECORD_SNAPSHOTS=1` writes it instead.
public func assertSnapshot(
  _ buffer: ScreenBuffer, named name: String,
  fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
) {
  assertSnapshot(text: Snapshot.render(buffer), named: name,
                 fileID: fileID, filePath: filePath, line: line, column: column)
}

/// Compares `actual` with the stored snapshot `name`, as `assertSnapshot(_:named:)` does a
/// screen: a line diff when they differ, the file written with `RECORD_SNAPSHOTS=1`.
public func assertSnapshot(
  text actual: String, named name: String,
  fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
) {
  let location = SourceLocation(fileID: fileID, filePath: filePath, line: line, column: column)
  let directory = Snapshot.directory(forTestFile: filePath)
  let url = directory.appendingPathComponent(name + ".txt")
  let recording: Bool
  do {
    recording = try Snapshot.isRecording(ProcessInfo.processInfo.environment)
  } catch {
    Issue.record("\(error)", sourceLocation: location)
    return
  }
  if recording {
    do {
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      try actual.write(to: url, atomically: true, encoding: .utf8)
    } catch {
      Issue.record("could not write snapshot \(url.path): \(error)", sourceLocation: location)
    }
    return
  }
  guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
    Issue.record(
      "no snapshot \(url.path); run with RECORD_SNAPSHOTS=1 to record it:\n\(actual)",
      sourceLocation: location)
    return
  }
  if expected != actual {
    let diff = Snapshot.lineDiff(expected: expected, actual: actual)
    Issue.record(
      "snapshot \(name) differs (- stored, + actual; RECORD_SNAPSHOTS=1 to accept):\n\(diff)",
      sourceLocation: location)
  }
}
