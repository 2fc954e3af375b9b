import Foundation
import Testing
import TestSupport
@testable import MailFormats

/// The CPython email test messages (`Tests/Corpus/email/cpython`), read as they are.
@Suite struct CorpusTests {
  static let directory = Fixtures.corpus.appendingPathComponent("email/cpython")

  static func message(_ name: String) throws -> Data {
    try Data(contentsOf: directory.appendingPathComponent(name))
  }

  static func date(_ iso: String) -> Date? {
    ISO8601DateFormatter().date(from: iso)
  }

  @Test func everyCorpusMessageParsesWithoutCrashing() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
      .filter { $0.hasPrefix("msg_") }
    #expect(names.count == 48)
    var withSender = 0
    for name in names {
      let data = try Self.message(name)
      let headers = MessageHeaders.parse(data)
      let fields = HeaderFields.parse(data)
      let body = MessageBody.extract(from: data)
      #expect(fields.bodyOffset <= data.count, "\(name)")
      #expect(!body.text.contains("\r"), "\(name)")
      if !headers.from.isEmpty { withSender += 1 }
    }
    #expect(withSender >= 35)
  }

  @Test func groupWithoutMembersGivesNoRecipients() throws {
    let headers = MessageHeaders.parse(try Self.message("msg_36.txt"))
    #expect(headers.to.isEmpty)
    #expect(headers.from == [MailboxAddress(displayName: nil, address: "Internet-Drafts@ietf.org")])
    #expect(headers.subject == "I-D ACTION:draft-ietf-mboned-mix-00.txt")
    #expect(headers.date == Self.date("1998-12-22T21:55:06Z"))
  }

  @Test func alternativeWithoutTextPartFallsBackToItsFirstPart() throws {
    let body = MessageBody.extract(from: try Self.message("msg_36.txt"))
    #expect(body.text == "Blah blah blah")
    #expect(body.attachments.map(\.contentType) == ["message/external-body"])
  }

  @Test func dateWithoutWeekdayOrSecondsAndZoneGluedToTimeParses() throws {
    let headers = MessageHeaders.parse(try Self.message("msg_47.txt"))
    #expect(headers.date == Self.date("2001-01-01T00:01:00Z"))
  }

  @Test func partHeadersWithoutSeparatorEndAtTheFirstTextLine() throws {
    // msg_47: `Content-Type: text/plain` directly followed by `bar`, then an html part.
    let body = MessageBody.extract(from: try Self.message("msg_47.txt"))
    #expect(body.text == "bar\n\nbaz")
  }

  @Test func multipartWhoseBoundaryNeverAppearsIsReadAsText() throws {
    let body = MessageBody.extract(from: try Self.message("msg_17.txt"))
    #expect(body.text.hasPrefix("Hi there,\n\nThis is the dingus fish."))
    #expect(body.text.hasSuffix(
      "[Non-text (image/gif) part of message omitted, filename dingusfish.gif]"))
    #expect(body.attachments.isEmpty)
  }

  @Test func multipartWithMismatchedBoundaryKeepsAllItsText() throws {
    // msg_31 declares `BOUNDARY_` but delimits with `--BOUNDARY`.
    let body = MessageBody.extract(from: try Self.message("msg_31.txt"))
    #expect(body.text.hasPrefix("--BOUNDARY\nContent-Type: text/plain\n\nmessage 1"))
    #expect(body.text.contains("message 2"))
    #expect(body.attachments.isEmpty)
  }

  @Test func messageWithoutHeadersIsAllBody() throws {
    let data = try Self.message("msg_19.txt")
    let headers = MessageHeaders.parse(data)
    #expect(headers == MessageHeaders())
    #expect(HeaderFields.parse(data).fields.isEmpty)
    let body = MessageBody.extract(from: data)
    #expect(body.text.hasPrefix("Send Ppp mailing list submissions to\n\tppp@zzz.org"))
  }

  @Test func missingSeparatorEndsHeadersAtTheFirstNonFieldLine() throws {
    let data = try Self.message("msg_35.txt")
    let headers = MessageHeaders.parse(data)
    #expect(headers.subject == "here's something interesting")
    #expect(headers.to.map(\.address) == ["bperson@dom.ain"])
    #expect(HeaderFields.parse(data).fields.map(\.name) == ["From", "To", "Subject"])
    #expect(MessageBody.extract(from: data).text
      == "counter to RFC 2822, there's no separating newline here")
  }

  @Test func mboxFromLineIsSkippedAndRepeatedToFieldsAddUp() throws {
    let headers = MessageHeaders.parse(try Self.message("msg_25.txt"))
    #expect(headers.messageId == "<200104061723.JAB03225@zinfandel.lacita.com>")
    #expect(headers.from.first?.displayName == "Mail Delivery Subsystem")
    #expect(headers.to.map(\.address)
      == ["linuxuser-admin@www.linux.org.uk", "postmaster@zinfandel.lacita.com"])
    #expect(headers.date == Self.date("2001-04-06T17:23:06Z"))
  }

  @Test func multipartWithoutBoundaryParameterIsReadAsPlainText() throws {
    let report = MessageBody.extract(from: try Self.message("msg_25.txt"))
    #expect(report.text.hasPrefix("This is a MIME-encapsulated message"))
    #expect(report.attachments.isEmpty)
    let alternative = MessageBody.extract(from: try Self.message("msg_41.txt"))
    #expect(alternative.text == "Blah blah blah")
  }

  @Test func mboxFromLineWithAddressLikeSenderIsSkipped() throws {
    let headers = MessageHeaders.parse(try Self.message("msg_43.txt"))
    #expect(headers.messageId == "<edab.7804f5cb8070@python.org>")
    #expect(headers.from.isEmpty)  // `MAILER DAEMON <>`
    #expect(headers.to.map(\.address) == ["webmaster@python.org"])
    #expect(headers.date == Self.date("2004-11-27T03:41:44Z"))
  }

  @Test func crlfMessageGivesTextWithoutCarriageReturnsAndItsAttachment() throws {
    let data = try Self.message("msg_26.txt")
    let headers = MessageHeaders.parse(data)
    #expect(headers.subject == "IMAP file test")
    #expect(headers.from == [
      MailboxAddress(displayName: "Father Time", address: "father.time@xcar.wooster.local"),
    ])
    #expect(headers.date == Self.date("2002-05-12T07:56:15Z"))
    let body = MessageBody.extract(from: data)
    #expect(body.text == "Simple email with attachment.")
    #expect(body.attachments.map(\.name) == ["clock.bmp"])
    #expect(body.attachments.first?.contentType == "application/riscos")
    #expect(body.attachments.first?.data.count == 630)
  }

  @Test func nestedMessageIsAnAttachmentNamedBySubject() throws {
    let body = MessageBody.extract(from: try Self.message("msg_11.txt"))
    #expect(body.text.isEmpty)
    #expect(body.attachments.count == 1)
    #expect(body.attachments.first?.name == "An enclosed message.eml")
    #expect(body.attachments.first?.contentType == "message/rfc822")
    let inner = body.attachments.first.map { MessageBody.extract(from: $0.data) }
    #expect(inner?.text == "Here is the body of the message.")
  }

  @Test func digestPartsDefaultToEncapsulatedMessages() throws {
    let body = MessageBody.extract(from: try Self.message("msg_02.txt"))
    #expect(body.attachments.map(\.contentType) == Array(repeating: "message/rfc822", count: 5))
    #expect(body.attachments.map(\.name) == [
      "[Ppp] testing #1.eml", "message.eml", "[Ppp] testing #3.eml", "[Ppp] testing #4.eml",
      "[Ppp] testing #5.eml",
    ])
    #expect(body.text.hasPrefix("Send Ppp mailing list submissions to"))
    #expect(body.text.hasSuffix("http://www.zzz.org/mailman/listinfo/ppp"))
  }

  @Test func signedMessageGivesItsTextAndTheSignatureAsAttachment() throws {
    let body = MessageBody.extract(from: try Self.message("msg_45.txt"))
    #expect(body.text == "This is the signed contents.")
    #expect(body.attachments.map(\.name) == ["signature.asc"])
    #expect(body.attachments.first?.contentType == "application/pgp-signature")
    #expect(body.attachments.first?.data.count == 189)
  }

  @Test func deliveryReportGivesHumanTextStatusAndOriginalMessage() throws {
    let body = MessageBody.extract(from: try Self.message("msg_16.txt"))
    #expect(body.text.hasPrefix("This report relates to a message you sent"))
    #expect(body.attachments.map(\.contentType) == ["message/delivery-status", "message/rfc822"])
    #expect(body.attachments.last?.name == "[scr] yeah for Ians!!.eml")
  }

  @Test func base64AndQuotedPrintableTextPartsAreDecoded() throws {
    let body = MessageBody.extract(from: try Self.message("msg_10.txt"))
    #expect(body.text == """
      This is a 7bit encoded message.

      ¡This is a Quoted Printable encoded message!

      This is a Base64 encoded message.

      This is a Base64 encoded message.

      This has no Content-Transfer-Encoding: header.
      """)
  }

  @Test func inlineTextPartsWithFileNamesAreReadAsText() throws {
    let data = try Self.message("msg_04.txt")
    let body = MessageBody.extract(from: data)
    let verse = "a simple kind of mirror\nto reflect upon our own"
    #expect(body.text == verse + "\n\n" + verse)
    #expect(body.attachments.isEmpty)
  }

  @Test func trailingCommentNamesTheSender() throws {
    let headers = MessageHeaders.parse(try Self.message("msg_04.txt"))
    #expect(headers.from
      == [MailboxAddress(displayName: "Barry A. Warsaw", address: "barry@python.org")])
    #expect(headers.date == Self.date("2001-09-11T04:05:05Z"))
  }

  @Test func imageAttachmentIsDecodedToItsFullSize() throws {
    let body = MessageBody.extract(from: try Self.message("msg_07.txt"))
    #expect(body.text == "Hi there,\n\nThis is the dingus fish.")
    #expect(body.attachments.map(\.name) == ["dingusfish.gif"])
    #expect(body.attachments.first?.data.count == 3512)
    #expect(body.attachments.first?.data.prefix(6) == Data("GIF87a".utf8))
  }
}
