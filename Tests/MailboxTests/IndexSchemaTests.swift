import Foundation
import GRDB
import Testing

@testable import Mailbox

/// The index file's shape: staged postings, Message-ID lookups, and older files.
@Suite struct IndexSchemaTests {
  func filledTree(_ label: String, count: Int = 12) throws -> (MailTree, MailboxIndex) {
    let tree = try MailTree(label)
    for k in 0..<count {
      try tree.write(
        mailText(id: "<s\(k)@t>", date: "Tue, 18 Apr 2023 13:\(10 + k):00 -0500",
                 to: "Dana <dana@contoso.example>, P\(k % 3) <p\(k % 3)@t.example>"),
        name: "s\(k):2,S")
    }
    try tree.settleDirectories()
    let index = try tree.open()
    try index.refresh()
    return (tree, index)
  }

  func database(_ tree: MailTree) throws -> DatabaseQueue {
    try DatabaseQueue(path: tree.index.appendingPathComponent("index.sqlite").path)
  }

  @Test func aRefreshLeavesNoPostingStaged() throws {
    let (tree, _) = try filledTree("staged-none")
    let staged = try database(tree).read { db in
      try Int.fetchOne(db, sql: "SELECT count(*) FROM posting_new")
    }
    let merged = try database(tree).read { db in
      try Int.fetchOne(db, sql: "SELECT count(*) FROM posting")
    }
    #expect(staged == 0)
    #expect(merged == 12 * 3)  // From, Dana and one P address per message
  }

  @Test func aSourcesFormatIsStoredAsTheTextMaildirOrMbox() throws {
    let tree = try MailTree("kind")
    try tree.write(mailText(id: "<k@t>"), name: "k:2,S")
    let mbox = try tree.writeMbox()
    try tree.open(mboxes: [mbox.path]).refresh()
    let kinds = try database(tree).read { db in
      try String.fetchSet(db, sql: "SELECT kind FROM dir")
    }
    #expect(kinds == ["maildir", "mbox"])
  }

  @Test func postingsAnInterruptedRefreshLeftStagedAreMergedByTheNext() throws {
    let (tree, index) = try filledTree("staged")
    #expect(try index.ids(["p1@t.example"]).count == 4)
    // What a refresh killed between its last commit and the merge leaves behind.
    try database(tree).write { db in
      try db.execute(sql: """
        INSERT INTO posting_new SELECT address, date, message FROM posting;
        DELETE FROM posting;
        """)
    }
    #expect(try index.ids(["p1@t.example"]).isEmpty)
    let summary = try index.refresh(progress: nil)
    #expect(summary.parsedFiles == 0)
    #expect(try index.ids(["p1@t.example"]) == ["<s10@t>", "<s7@t>", "<s4@t>", "<s1@t>"])
  }

  @Test func aMessageRemovedAfterAnInterruptedRefreshLeavesNoPostingBehind() throws {
    let (tree, index) = try filledTree("staged-remove", count: 3)
    try database(tree).write { db in
      try db.execute(sql: """
        INSERT INTO posting_new SELECT address, date, message FROM posting;
        DELETE FROM posting;
        """)
    }
    try FileManager.default.removeItem(at: tree.root.appendingPathComponent("cur/s1:2,S"))
    let summary = try index.refresh(progress: nil)
    #expect(summary.removed == 1)
    #expect(try index.ids(["dana@contoso.example"]) == ["<s2@t>", "<s0@t>"])
    let left = try database(tree).read { db in
      try Int.fetchOne(db, sql: """
        SELECT (SELECT count(*) FROM posting) + (SELECT count(*) FROM posting_new)
        """)
    }
    #expect(left == 2 * 3)
  }

  @Test func anIndexWrittenWithAnOlderSchemaIsFilledAgain() throws {
    let (tree, _) = try filledTree("older")
    try database(tree).writeWithoutTransaction { db in
      try db.execute(sql: "PRAGMA user_version = \(IndexSchema.version - 1)")
    }
    let reopened = try tree.open()
    #expect(try reopened.messageCount() == 0)
    let summary = try reopened.refresh(progress: nil)
    #expect(summary.added == 12)
    #expect(try reopened.ids(["p0@t.example"], limit: 2) == ["<s9@t>", "<s6@t>"])
  }

  @Test func anIndexWrittenByANewerBuildIsRefusedNamingTheFile() throws {
    let (tree, _) = try filledTree("newer", count: 1)
    try database(tree).writeWithoutTransaction { db in
      try db.execute(sql: "PRAGMA user_version = 99")
    }
    #expect {
      _ = try tree.open()
    } throws: { error in
      "\(error)".contains("index.sqlite") && "\(error)".contains("newer")
    }
  }

  /// Two names for one unique part are one file row (the unique constraint), which leaves
  /// with them, not a second row that outlives both.
  @Test func twoNamesWithOneUniquePartAreOneFileThatLeavesWithThem() throws {
    let tree = try MailTree("same-uniq")
    try tree.write(mailText(id: "<dup@t>"), name: "d1:2,S")
    try tree.write(mailText(id: "<dup@t>"), name: "d1:2,RS")
    try tree.write(mailText(id: "<other@t>"), name: "d2:2,S")
    let index = try tree.open()
    #expect(try index.refresh(progress: nil).added == 2)
    let cur = tree.root.appendingPathComponent("cur")
    try FileManager.default.removeItem(at: cur.appendingPathComponent("d1:2,S"))
    try FileManager.default.removeItem(at: cur.appendingPathComponent("d1:2,RS"))
    try tree.settleDirectories()
    let summary = try index.refresh(progress: nil)
    #expect(summary.removed == 1)
    #expect(try index.ids(["ann@fabrikam.example"]) == ["<other@t>"])
  }

  @Test func messageIdHashesAreStableAndDifferForNearMisses() {
    #expect(IndexSchema.midHash("<a@t>") == IndexSchema.midHash("<a@t>"))
    #expect(IndexSchema.midHash("<a@t>") != IndexSchema.midHash("<b@t>"))
    #expect(IndexSchema.midHash("<a@t>") != IndexSchema.midHash("<a@t> "))
    // FNV-1a's published 64-bit test vector for "a".
    #expect(IndexSchema.fnv1a("a".utf8) == Int64(bitPattern: 0xaf63_dc4c_8601_ec8c))
  }

  @Test func aMessageIsFoundByItsIdAfterThePostingsMerge() throws {
    let (_, index) = try filledTree("lookup", count: 3)
    let content = try index.message(messageId: "<s2@t>")
    #expect(content.plainText.contains("Hello."))
  }
}
