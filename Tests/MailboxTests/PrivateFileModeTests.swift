import Foundation
import TestSupport
import Testing

@testable import Mailbox

/// The private index names private subjects and addresses: its files are the owner's alone,
/// whatever the umask and wherever `--index-dir` points, and an older wider mode is narrowed.
@Suite struct PrivateFileModeTests {
  func mode(_ path: String) throws -> Int {
    try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
  }

  @Test func theIndexFilesAreTheOwnersAloneAndAreNarrowedWhenWider() throws {
    let tree = try MailTree("modes")
    try tree.write(mailText(id: "<m@t>"), name: "1.M1P1.host:2,S")
    // An existing, world-readable directory given as --index-dir.
    try FileManager.default.createDirectory(at: tree.index, withIntermediateDirectories: true,
                                            attributes: [.posixPermissions: 0o755])
    let old = umask(0o022)
    defer { umask(old) }
    let files = ["index.sqlite", "index.sqlite-wal", "index.sqlite-shm"]
      .map { tree.index.appendingPathComponent($0).path }
    do {
      let index = try MailboxIndex(indexDirectory: tree.index, maildirs: [tree.root.path],
                                   mboxes: [], connections: .single)
      _ = try index.refresh(progress: nil)
      try index.close()
    }
    let database = MailboxIndex.databasePath(in: tree.index)
    #expect(files[0] == database)
    for file in files where FileManager.default.fileExists(atPath: file) {
      #expect(try mode(file) == 0o600, "\(file)")
    }
    for file in files where FileManager.default.fileExists(atPath: file) {
      try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
    }
    _ = try MailboxIndex(indexDirectory: tree.index, maildirs: [tree.root.path], mboxes: [],
                         connections: .single)
    for file in files where FileManager.default.fileExists(atPath: file) {
      #expect(try mode(file) == 0o600, "an older 0644 \(file) is narrowed")
    }
  }
}
