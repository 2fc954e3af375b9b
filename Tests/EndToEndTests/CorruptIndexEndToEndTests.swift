import Foundation
import TestSupport
import Testing

/// A private index file garbled by something else: the command still works, says once what
/// it did with the file, and the next command is quiet.
@Suite struct CorruptIndexEndToEndTests {
  @Test func aGarbledIndexIsSetAsideWithOneWarningAndMadeAnew() throws {
    let dir = try Fixtures.temporaryDirectory("corrupt-index-cli")
    let maildir = dir.appendingPathComponent("Mail")
    for sub in ["cur", "new", "tmp"] {
      try FileManager.default.createDirectory(
        at: maildir.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    try Data("From: ann@fabrikam.example\nMessage-ID: <a@t>\nSubject: hi\n\nHello.\n".utf8)
      .write(to: maildir.appendingPathComponent("cur/1.M1P1.host:2,S"))
    let index = dir.appendingPathComponent("index")
    let db = index.appendingPathComponent("index.sqlite").path
    let arguments = ["index", "--maildir", maildir.path, "--index-dir", index.path]
    let environment = ["AUTOCAPTURE_CONFIG": "/dev/null"]

    let first = try CLIRunner.run(arguments, environment: environment)
    #expect(first.status == 0, "\(first.stderr)")
    try Data(String(repeating: "garbage ", count: 1000).utf8).write(to: URL(fileURLWithPath: db))
    if FileManager.default.fileExists(atPath: db + "-wal") {
      try Data().write(to: URL(fileURLWithPath: db + "-wal"))
    }

    let second = try CLIRunner.run(arguments, environment: environment)
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.stderr.components(separatedBy: "warning:").count == 2, "\(second.stderr)")
    #expect(second.stderr.contains("warning: cannot read \(db) (file is not a database): set "
      + "it aside as \(db).corrupt and made the index anew\n"), "\(second.stderr)")
    #expect(second.stdout.contains("1 in the index"), "\(second.stdout)")
    #expect(FileManager.default.fileExists(atPath: db + ".corrupt"))

    let third = try CLIRunner.run(arguments, environment: environment)
    #expect(third.status == 0)
    #expect(!third.stderr.contains("warning:"), "\(third.stderr)")
  }
}
