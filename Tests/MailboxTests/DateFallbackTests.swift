import CaptureCore
import Foundation
import TestSupport
import Testing

@testable import Mailbox

/// A message whose Date header is missing or unreadable is dated by its newest Received
/// header, else by its file's time, and the refresh that indexes it says which.
@Suite struct DateFallback {
  /// Two hops, newest first, as MTAs prepend them; the newest one folded.
  static let hops = """
    Received: from mx.fabrikam.example (mx.fabrikam.example [192.0.2.1])
    \tby mail.contoso.example with ESMTPS id 4Xy; Tue, 18 Apr 2023 13:38:45 -0500 (CDT)
    Received: from build.fabrikam.example by mx.fabrikam.example; Tue, 18 Apr 2023 13:38:41 -0500

    """
  static let newestHop = Date(timeIntervalSince1970: 1_681_843_125)  // 2023-04-18T18:38:45Z
  static let fileTime = Date(timeIntervalSince1970: 1_706_954_400)  // 2024-02-03T10:00:00Z

  @Test(arguments: [nil, "someday soon"])
  func theNewestReceivedHeaderDatesAMessageWithoutAUsableDate(date: String?) throws {
    let tree = try MailTree("received-date")
    let file = try tree.write(Self.hops + mailText(id: "<hops@t>", date: date),
                              name: "1.M1P1.host:2,S", modified: Self.fileTime)
    let index = try tree.open()
    try index.refresh()
    let found = try index.newestMessages(matching: [address("dana@contoso.example")], limit: 5)
    #expect(found.map(\.date) == [Self.newestHop])
    #expect(found.map(\.dateIsFallback) == [true])
    #expect(index.problems.map(\.description)
      == ["\(file.path) has no readable Date header: dated by its Received header"])
    let opened = try index.message(messageId: "<hops@t>")
    #expect(opened.header.date == Self.newestHop)
  }

  @Test func withoutReceivedHeadersTheFileTimeDatesItAndIsReportedOnce() throws {
    let tree = try MailTree("file-time-date")
    let file = try tree.write(mailText(id: "<undated@t>", date: nil), name: "1.M1P1.host:2,S",
                              modified: Self.fileTime)
    let index = try tree.open()
    try index.refresh()
    let found = try index.newestMessages(matching: [address("dana@contoso.example")], limit: 5)
    #expect(found.map(\.date) == [Self.fileTime])
    #expect(index.problems.map(\.description)
      == ["\(file.path) has no readable Date header: dated by the file's modification time"])
    // Indexed once, reported once.
    try tree.write(mailText(id: "<dated@t>"), name: "2.M2P2.host:2,S")
    try index.refresh()
    #expect(index.problems.isEmpty)
  }

  @Test func aMessageInAnMboxIsDatedByItsReceivedHeaderNotTheMboxTime() throws {
    let text = "From ann@fabrikam.example Tue Apr 18 13:38:46 2023\n"
      + Self.hops + mailText(id: "<hops@t>", date: nil) + "\n"
    let (index, path) = try mboxIndex(text, label: "mbox-received-date")
    try index.refresh()
    let found = try index.newestMessages(matching: [address("dana@contoso.example")], limit: 5)
    #expect(found.map(\.date) == [Self.newestHop])
    let offset = try #require(Array(text.utf8).firstIndex(of: 0x0A)) + 1
    #expect(index.problems.map(\.description) == [
      "\(path) (message at byte \(offset)) has no readable Date header: dated by its "
        + "Received header",
    ])
  }
}
