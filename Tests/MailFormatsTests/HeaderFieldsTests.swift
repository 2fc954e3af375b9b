import Foundation
import Testing
@testable import MailFormats

@Suite struct HeaderFieldsTests {
  @Test func foldedValueIsUnfoldedKeepingTheFoldingWhitespace() {
    let fields = HeaderFields.parse(Data("Subject: one\r\n two\r\n\tthree\r\n\r\nbody".utf8))
    #expect(fields["subject"] == "one two\tthree")
  }

  @Test func lineBreaksMayBeLFOrBareCR() {
    let lf = HeaderFields.parse(Data("A: 1\nB: 2\n continued\n\nbody".utf8))
    #expect(lf.fields.map(\.rawValue) == ["1", "2 continued"])
    let cr = HeaderFields.parse(Data("A: 1\rB: 2\r\rbody".utf8))
    #expect(cr.fields.map(\.rawValue) == ["1", "2"])
    #expect(cr.bodyOffset == 11)
  }

  @Test func fieldNamesMatchIgnoringCase() {
    let fields = HeaderFields.parse(Data("CONTENT-type: text/plain\n\n".utf8))
    #expect(fields["Content-Type"] == "text/plain")
    #expect(fields.first("content-TYPE")?.name == "CONTENT-type")
  }

  @Test func obsoleteWhitespaceBeforeTheColonIsAccepted() {
    let fields = HeaderFields.parse(Data("Subject  : hello\n\n".utf8))
    #expect(fields.fields.map(\.name) == ["Subject"])
    #expect(fields["subject"] == "hello")
  }

  @Test func bodyOffsetPointsAfterTheSeparatorLine() {
    let message = "From: a@b\r\n\r\nHello"
    let fields = HeaderFields.parse(Data(message.utf8))
    #expect(fields.bodyOffset == message.utf8.count - 5)
  }

  @Test func bodyOffsetAloneMatchesTheFullParse() {
    let message = Data("From x Mon Jan 1 00:00:00 2001\nA: 1\n b\nB: 2\n\nbody".utf8)
    let offset = message.withUnsafeBytes { HeaderFields.bodyOffset($0) }
    #expect(offset == HeaderFields.parse(message).bodyOffset)
    #expect(offset == message.count - 4)
    let cut = message.prefix(20)
    #expect(cut.withUnsafeBytes { HeaderFields.bodyOffset($0) } == cut.count)
  }

  @Test func leadingMboxFromLineIsSkipped() {
    let fields = HeaderFields.parse(Data("From a@b Thu Jan  1 00:00:00 2004\nTo: c@d\n\n".utf8))
    #expect(fields.fields.map(\.name) == ["To"])
  }

  @Test func leadingByteOrderMarkIsSkipped() {
    // .eml files saved by Windows editors start with a UTF-8 byte-order mark.
    let message = Data([0xEF, 0xBB, 0xBF] + Array("From: Ann <a@b>\nSubject: Hi\n\nBody".utf8))
    let headers = MessageHeaders.parse(message)
    #expect(headers.from == [MailboxAddress(displayName: "Ann", address: "a@b")])
    #expect(headers.subject == "Hi")
    #expect(HeaderFields.parse(message).bodyOffset == message.count - 4)
  }

  @Test func fromFieldWithObsoleteSpaceIsNotTakenForAnMboxLine() {
    let headers = MessageHeaders.parse(Data("From : Ann <a@b>\n\n".utf8))
    #expect(headers.from == [MailboxAddress(displayName: "Ann", address: "a@b")])
  }

  @Test func decodedValueDecodesEncodedWordsAndRawValueDoesNot() {
    let fields = HeaderFields.parse(Data("Subject: =?utf-8?q?caf=C3=A9?=\n\n".utf8))
    #expect(fields.decoded("subject") == "café")
    #expect(fields["subject"] == "=?utf-8?q?caf=C3=A9?=")
  }

  @Test func repeatedFieldsAreAllKeptInOrder() {
    let fields = HeaderFields.parse(Data("Received: 1\nX: y\nReceived: 2\n\n".utf8))
    #expect(fields.all("received").map(\.rawValue) == ["1", "2"])
  }

  @Test func messageHeadersReadsEveryFieldItHolds() {
    let block = """
      Message-ID: <id-1@example.com>\r
      Date: Tue, 1 Jul 2003 10:52:37 +0200\r
      Subject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r
      From: "Lee, Ann" <ann@fabrikam.example>\r
      To: bob@example.com,\r
       Carol <carol@example.com>\r
      Cc: dave@example.com\r
      In-Reply-To: <id-0@example.com>\r
      References: <id-a@example.com>\r
       <id-0@example.com>\r
      \r
      body
      """
    let h = MessageHeaders.parse(Data(block.utf8))
    #expect(h.messageId == "<id-1@example.com>")
    #expect(h.date == Date(timeIntervalSince1970: 1_057_049_557))
    #expect(h.subject == "Grüße")
    #expect(h.from == [MailboxAddress(displayName: "Lee, Ann", address: "ann@fabrikam.example")])
    #expect(h.to.map(\.address) == ["bob@example.com", "carol@example.com"])
    #expect(h.cc.map(\.address) == ["dave@example.com"])
    #expect(h.inReplyTo == ["<id-0@example.com>"])
    #expect(h.references == ["<id-a@example.com>", "<id-0@example.com>"])
  }

  @Test func fieldsThatOnlyStartLikeHeldOnesAreIgnored() {
    let h = MessageHeaders.parse(Data("Tos: x@y\nFromage: z@w\nSubjects: no\n\n".utf8))
    #expect(h == MessageHeaders())
  }

  @Test func firstSubjectWinsAndHeaderAfterBodyIsIgnored() {
    let h = MessageHeaders.parse(Data("Subject: one\nSubject: two\n\nSubject: three\n".utf8))
    #expect(h.subject == "one")
  }

  @Test func aRepeatedDateFieldCountsFromTheFirstOneThatParses() {
    let block = "Date: Tuesday\nDate: Tue, 1 Jul 2003 10:52:37 +0200\n"
      + "Date: Wed, 2 Jul 2003 10:52:37 +0200\n\n"
    let h = MessageHeaders.parse(Data(block.utf8))
    #expect(h.date == Date(timeIntervalSince1970: 1_057_049_557))
  }

  @Test func aRepeatedMessageIdFieldCountsFromTheFirstOneHoldingAnId() {
    let block = "Message-ID:\nMessage-ID: <b@example.com>\nMessage-ID: <c@example.com>\n\n"
    #expect(MessageHeaders.parse(Data(block.utf8)).messageId == "<b@example.com>")
  }

  /// In a block of LF or CRLF lines a bare CR is part of its line: the header goes on to its
  /// Message-ID and body instead of ending at the CR.
  @Test func aBareCRInsideALineDoesNotEndTheHeader() {
    for end in ["\n", "\r\n"] {
      let block = "Subject: a\rb" + end + "Message-ID: <kept@example.com>" + end
        + "From: ann@fabrikam.example" + end + end + "body" + end
      let h = MessageHeaders.parse(Data(block.utf8))
      #expect(h.messageId == "<kept@example.com>", "line ends \(end.debugDescription)")
      #expect(h.from.map(\.address) == ["ann@fabrikam.example"])
      #expect(h.subject == "ab")
      let fields = HeaderFields.parse(Data(block.utf8))
      #expect(String(decoding: Data(block.utf8)[fields.bodyOffset...], as: UTF8.self) == "body" + end)
    }
  }

  /// A block whose first line ends with a bare CR uses it as the line break (classic Mac OS).
  @Test func aBlockOfBareCRLinesStillBreaksAtEachCR() {
    let h = MessageHeaders.parse(Data("Subject: mac\rMessage-ID: <m@x.example>\r\rbody\r".utf8))
    #expect(h.subject == "mac")
    #expect(h.messageId == "<m@x.example>")
  }

  /// Without a readable Date, the topmost Received field (the last hop, prepended last)
  /// gives its date: what follows its last `;`, comments and folding allowed.
  @Test func theTopmostReceivedDateStandsInForAMissingOrUnreadableDate() throws {
    let hops = "Received: from mx.example (mx.example [192.0.2.1]; TLS)\r\n"
      + "\tby mail.example; Tue, 18 Apr 2023 13:38:45 -0500 (CDT)\r\n"
      + "Received: by relay.example; Tue, 18 Apr 2023 13:38:41 -0500\r\n"
    let newest = Date(timeIntervalSince1970: 1_681_843_125)
    for date in ["", "Date: someday soon\r\n"] {
      let h = MessageHeaders.parse(Data((hops + date + "Subject: s\r\n\r\n").utf8))
      #expect(h.date == nil)
      #expect(h.receivedDate == newest, "with \(date.debugDescription)")
    }
    let dated = MessageHeaders.parse(
      Data((hops + "Date: Tue, 18 Apr 2023 13:00:00 -0500\r\n\r\n").utf8))
    #expect(dated.date == Date(timeIntervalSince1970: 1_681_840_800))
    #expect(dated.receivedDate == nil)
  }

  /// The topmost Received field without a date after `;` gives none: a lower hop is older.
  @Test func aTopmostReceivedWithoutADateGivesNone() {
    for top in ["Received: by mx.example\n", "Received: by mx.example; yesterday\n"] {
      let block = top + "Received: by relay.example; Tue, 18 Apr 2023 13:38:41 -0500\n\n"
      #expect(MessageHeaders.parse(Data(block.utf8)).receivedDate == nil)
    }
  }

  @Test func emptyInputGivesEmptyHeaders() {
    #expect(MessageHeaders.parse(Data()) == MessageHeaders())
    #expect(HeaderFields.parse(Data()).bodyOffset == 0)
  }
}
