import CaptureCore
import Foundation
import SQLiteSupport
import TestSupport
import Testing

@testable import Mailbox

/// A private index file that SQLite cannot read (a disk error, another program writing over
/// it): the index is derived data, so it is set aside and made anew, and said once.
@Suite struct CorruptIndex {
  /// Writes garbage over the index file and empties its WAL, where SQLite would otherwise
  /// still find the pages last written.
  func garble(_ path: String) throws {
    try Data(String(repeating: "not a database ", count: 600).utf8)
      .write(to: URL(fileURLWithPath: path))
    if FileManager.default.fileExists(atPath: path + "-wal") {
      try Data().write(to: URL(fileURLWithPath: path + "-wal"))
    }
  }

  @Test(arguments: [SQLiteFiles.Connections.single, .pool])
  func garbageOverTheIndexIsSetAsideAndTheIndexRebuilt(connections: SQLiteFiles.Connections)
    throws
  {
    let tree = try MailTree("corrupt-index")
    try tree.write(mailText(id: "<kept@t>"), name: "1.M1P1.host:2,S")
    let path = MailboxIndex.databasePath(in: tree.index)
    do {
      let index = try tree.open()
      try index.refresh()
      try index.close()
    }
    try garble(path)
    let garbage = try Data(contentsOf: URL(fileURLWithPath: path))

    let index = try MailboxIndex(indexDirectory: tree.index, maildirs: [tree.root.path],
                                 mboxes: [], connections: connections)
    let notice = MailSourceError.setAside(
      path: path, reason: "file is not a database", movedTo: path + ".corrupt")
    #expect(index.setAside == notice)
    #expect(notice.description == "cannot read \(path) (file is not a database): set it aside"
      + " as \(path).corrupt and made the index anew")
    #expect(try Data(contentsOf: URL(fileURLWithPath: path + ".corrupt")) == garbage)
    try index.refresh()
    #expect(try index.ids(["ann@fabrikam.example"]) == ["<kept@t>"])
    #expect(index.problems == [notice])
    try index.close()

    let again = try tree.open()
    #expect(again.setAside == nil)
    #expect(try again.ids(["ann@fabrikam.example"]) == ["<kept@t>"])
  }

  @Test func aSecondCorruptFileDoesNotReplaceTheFirstSetAside() throws {
    let tree = try MailTree("corrupt-twice")
    let path = MailboxIndex.databasePath(in: tree.index)
    try FileManager.default.createDirectory(at: tree.index, withIntermediateDirectories: true)
    try garble(path)
    #expect(try tree.open().setAside?.description.contains("as \(path).corrupt and") == true)
    try garble(path)
    #expect(try tree.open().setAside?.description.contains("as \(path).corrupt-2 and") == true)
    #expect(FileManager.default.fileExists(atPath: path + ".corrupt"))
  }
}
