import CaptureCore
import Foundation
import Mailbox
import TestSupport
import Testing

@Suite struct MboxIndexing {
  /// Three messages as an mbox writer stores them; the second body holds a quoted From line.
  func mbox(newline nl: String = "\n", quoting: String = ">From ") -> String {
    let messages = [
      mailText(id: "<m1@t>", date: "Mon, 17 Apr 2023 09:00:00 +0000", body: "First.\n"),
      mailText(id: "<m2@t>", date: "Tue, 18 Apr 2023 09:00:00 +0000",
               body: "Second.\n\(quoting)the mbox, a quoted line.\nEnd.\n"),
      mailText(id: "<m3@t>", date: "Wed, 19 Apr 2023 09:00:00 +0000", body: "Third.\n"),
    ]
    let text = messages.map { "From sender@example.org Mon Apr 17 09:00:00 2023\n" + $0 + "\n" }
      .joined()
    return text.replacingOccurrences(of: "\n", with: nl)
  }

  func index(_ text: String) throws -> (MailboxIndex, String) {
    let dir = try Fixtures.temporaryDirectory("mbox")
    let path = dir.appendingPathComponent("Archive.mbox").path
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    let index = try MailboxIndex(
      indexDirectory: dir.appendingPathComponent("index"), maildirs: [], mboxes: [path])
    try index.refresh()
    return (index, path)
  }

  @Test func mboxoMessagesAreIndexedAndTheQuotedFromLineIsRestored() throws {
    let (index, _) = try index(mbox())
    #expect(try index.ids(["ann@fabrikam.example"]) == ["<m3@t>", "<m2@t>", "<m1@t>"])
    let body = try index.message(messageId: "<m2@t>").plainText
    #expect(body.contains("\nFrom the mbox, a quoted line.\nEnd."))
    #expect(!body.contains(">From"))
  }

  @Test func mboxrdQuotingLosesExactlyOneAngleBracket() throws {
    let (index, _) = try index(mbox(quoting: ">>From "))
    let body = try index.message(messageId: "<m2@t>").plainText
    #expect(body.contains("\n>From the mbox, a quoted line.\n"))
  }

  @Test func crlfMboxIsReadLikeLf() throws {
    let (index, _) = try index(mbox(newline: "\r\n"))
    #expect(try index.ids(["ann@fabrikam.example"]) == ["<m3@t>", "<m2@t>", "<m1@t>"])
    let third = try index.message(messageId: "<m3@t>")
    #expect(third.plainText.hasPrefix("Third."))
    #expect(third.header.folder == "Archive.mbox")
  }

  /// Mail exported on classic Mac OS ends every line, separators included, with CR alone.
  @Test func bareCrMboxIsSplitIntoItsMessages() throws {
    let (index, _) = try index(mbox(newline: "\r"))
    #expect(try index.ids(["ann@fabrikam.example"]) == ["<m3@t>", "<m2@t>", "<m1@t>"])
    let second = try index.message(messageId: "<m2@t>").plainText
    #expect(second.contains("From the mbox, a quoted line."))
    #expect(!second.contains(">From"))
    #expect(try index.message(messageId: "<m3@t>").plainText.hasPrefix("Third."))
  }

  @Test func bareCrSlicesStopBeforeTheSeparatingEmptyLine() {
    let text = "From a@t Mon Apr 17 09:00:00 2023\rSubject: one\r\rbody one\r\r"
      + "From b@t Tue Apr 18 09:00:00 2023\rSubject: two\r\rbody two\r"
    let slices = Array(text.utf8).withUnsafeBytes { MboxLayout.slices($0) }
    let parts = slices.map { s in
      String(decoding: Array(text.utf8)[s.offset..<(s.offset + s.length)], as: UTF8.self)
    }
    #expect(parts == ["Subject: one\r\rbody one\r", "Subject: two\r\rbody two\r"])
  }

  @Test func slicesStopBeforeTheSeparatingEmptyLine() {
    let text = "From a@t Mon Apr 17 09:00:00 2023\nSubject: one\n\nbody one\n\n"
      + "From b@t Tue Apr 18 09:00:00 2023\nSubject: two\n\nbody two\n"
    let slices = Array(text.utf8).withUnsafeBytes { MboxLayout.slices($0) }
    let parts = slices.map { s in
      String(decoding: Array(text.utf8)[s.offset..<(s.offset + s.length)], as: UTF8.self)
    }
    #expect(parts == ["Subject: one\n\nbody one\n", "Subject: two\n\nbody two\n"])
  }

  @Test func aFromLineInsideABodyWithoutEmptyLineBeforeItIsNotASeparator() {
    let text = "From a@t Mon Apr 17 09:00:00 2023\nSubject: one\n\nline\n"
      + "From b@t Tue Apr 18 09:00:00 2023\n"
    let slices = Array(text.utf8).withUnsafeBytes { MboxLayout.slices($0) }
    #expect(slices.count == 1)
  }

  @Test func anAppendedMessageIsReadWithoutReadingTheOthersAgain() throws {
    let (index, path) = try index(mbox())
    let extra = "From x Thu Apr 20 09:00:00 2023\n"
      + mailText(id: "<m4@t>", date: "Thu, 20 Apr 2023 09:00:00 +0000") + "\n"
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data(extra.utf8))
    try handle.close()
    let summary = try index.refresh(progress: nil)
    #expect(summary.parsedFiles == 1)
    #expect(summary.added == 1)
    #expect(summary.removed == 0)
    #expect(try index.ids(["ann@fabrikam.example"]).first == "<m4@t>")
    #expect(try index.message(messageId: "<m1@t>").plainText.hasPrefix("First."))
  }

  @Test func aRewrittenMboxIsReadAgainAndDeletedMessagesLeave() throws {
    let (index, path) = try index(mbox())
    let kept = "From a Mon Apr 17 09:00:00 2023\n"
      + mailText(id: "<m3@t>", date: "Wed, 19 Apr 2023 09:00:00 +0000") + "\n"
    try Data(kept.utf8).write(to: URL(fileURLWithPath: path))
    let summary = try index.refresh(progress: nil)
    #expect(summary.removed == 2)
    #expect(try index.ids(["ann@fabrikam.example"]) == ["<m3@t>"])
  }
}
