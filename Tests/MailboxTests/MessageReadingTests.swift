import CaptureCore
import Foundation
import GRDB
import TestSupport
import Testing

@testable import Mailbox

/// Reading a whole message (to open or track it) and reading an mbox for the index.
@Suite struct MessageReadingTests {
  /// Two different messages with one Message-ID; the first indexed is deleted. What is read
  /// is the second one, header and body alike, never the first one's header over the
  /// second one's body.
  @Test func theHeaderAndTheBodyComeFromOneFile() throws {
    let tree = try MailTree("twins")
    let first = try tree.write(
      mailText(id: "<twin@t>", from: "Ann Lee <ann@fabrikam.example>", subject: "Order",
               body: "Your order is confirmed.\n"), name: "1.M1P1.test:2,S")
    let index = try tree.open()
    try index.refresh()
    try tree.write(
      mailText(id: "<twin@t>", from: "Clinic <doctor@clinic.example>", subject: "Results",
               body: "Private results.\n"), name: "2.M2P2.test:2,S")
    try index.refresh()
    try FileManager.default.removeItem(at: first)

    let content = try index.message(messageId: "<twin@t>")
    #expect(content.plainText.hasPrefix("Private results."))
    #expect(content.header.subject == "Results")
    #expect(content.header.from == EmailAddress(normalized: "doctor@clinic.example"))
  }

  /// A file the index lists under a Message-ID that now holds another message (rewritten
  /// in place) is not that message.
  @Test func aFileThatNowHoldsAnotherMessageIdIsPassedOver() throws {
    let tree = try MailTree("rewritten")
    let url = try tree.write(mailText(id: "<was@t>"), name: "1.M1P1.test:2,S")
    let index = try tree.open()
    try index.refresh()
    try Data(mailText(id: "<now@t>", body: "Another message.\n").utf8).write(to: url)
    #expect(throws: MailSourceError.messageNotFound("<was@t>")) {
      try index.message(messageId: "<was@t>")
    }
  }

  /// A message is read whole into memory, so one over the limit is refused, naming the
  /// file. A sparse file makes it cheap: only the header block is written.
  @Test func aMessageOverTheLimitIsRefusedNamingTheFile() throws {
    let tree = try MailTree("large")
    let url = try tree.write(mailText(id: "<big@t>"), name: "1.M1P1.test:2,S")
    let handle = try FileHandle(forWritingTo: url)
    try handle.truncate(atOffset: UInt64(MailboxIndex.maximumMessageBytes + 1))
    try handle.close()
    let index = try tree.open()
    try index.refresh()
    #expect(try index.ids(["ann@fabrikam.example"]) == ["<big@t>"])

    #expect(throws: MailSourceError.tooLarge(
      path: url.path, size: MailboxIndex.maximumMessageBytes + 1,
      limit: MailboxIndex.maximumMessageBytes)) {
      try index.message(messageId: "<big@t>")
    }
    let words = MailSourceError.tooLarge(path: url.path, size: 1, limit: 50 << 20).description
    #expect(words.hasPrefix(url.path) && words.contains("larger than 50 MB"), "\(words)")
  }

  /// Another program may truncate an mbox while it is being indexed (a mail client
  /// expunging it). Mapped, its pages past the new end would kill the process with SIGBUS
  /// when the header reader touches them; read, the refresh ends normally and the next one
  /// sees the file as it is.
  @Test func anMboxTruncatedDuringARefreshDoesNotKillTheProcess() throws {
    let dir = try Fixtures.temporaryDirectory("mbox-truncated")
    let path = dir.appendingPathComponent("Archive.mbox").path
    var text = ""
    for k in 0..<3000 {
      text += "From sender@example.org Mon Apr 17 09:00:00 2023\n"
        + mailText(id: "<m\(k)@t>", date: "Mon, 17 Apr 2023 09:00:00 +0000") + "\n"
    }
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    let index = try MailboxIndex(
      indexDirectory: dir.appendingPathComponent("index"), maildirs: [], mboxes: [path])
    // The first progress report comes after the mbox was read and before its headers are.
    let truncated = Truncation(path: path)
    try index.refresh(progress: { _ in truncated.once() })
    #expect(truncated.done)
    try index.refresh()
    #expect(try index.messageCount() == 0)
  }

  /// A `RawStatement` keeps GRDB's statement alive: GRDB finalizes a statement it drops
  /// (a cached one when its cache is cleared), and the raw handle would then dangle.
  @Test func aRawStatementKeepsItsStatementAlive() throws {
    let queue = try DatabaseQueue()
    try queue.inDatabase { db in
      weak var dropped: Statement?
      var raw: RawStatement? = nil
      do {
        let statement = try db.makeStatement(sql: "SELECT 42")
        dropped = statement
        raw = RawStatement(statement)
      }
      try #require(dropped != nil)
      #expect(try raw?.step() == true)
      #expect(raw?.int64(0) == 42)
      raw = nil
      #expect(dropped == nil)
    }
  }
}

/// Truncates a file to nothing the first time it is asked to.
private final class Truncation: @unchecked Sendable {
  let path: String
  private let lock = NSLock()
  private var didTruncate = false
  init(path: String) { self.path = path }

  var done: Bool { lock.withLock { didTruncate } }

  func once() {
    lock.withLock {
      guard !didTruncate else { return }
      didTruncate = truncate(path, 0) == 0
    }
  }
}
