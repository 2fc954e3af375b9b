import Foundation
import Testing
@testable import MailFormats

@Suite struct MessageBodyTests {
  func extract(_ s: String) -> MessageBody { MessageBody.extract(from: Data(s.utf8)) }

  @Test func alternativePrefersPlainTextOverHTML() {
    let body = extract("""
      Content-Type: multipart/alternative; boundary=b1

      --b1
      Content-Type: text/html

      <p>HTML version</p>
      --b1
      Content-Type: text/plain

      Plain version
      --b1--
      """)
    #expect(body.text == "Plain version")
    #expect(body.attachments.isEmpty)
  }

  @Test func htmlOnlyMessageIsTurnedIntoText() {
    let body = extract("""
      Content-Type: text/html; charset=utf-8
      Content-Transfer-Encoding: quoted-printable

      <p>Caf=C3=A9 &amp; cr=
      oissants</p><ul><li>one</li></ul>
      """)
    #expect(body.text == "Café & croissants\n\n- one")
  }

  @Test func charsetOfTextPartIsApplied() {
    let body = MessageBody.extract(from: Data(
      "Content-Type: text/plain; charset=iso-8859-2\n\n".utf8) + Data([0xA3, 0xF3, 0x64, 0xBC]))
    #expect(body.text == "Łódź")
  }

  @Test func attachmentNameComesFromRFC2231ContinuedFilename() {
    let body = extract("""
      Content-Type: multipart/mixed; boundary="=_x"

      --=_x
      Content-Type: text/plain

      See attached.
      --=_x
      Content-Type: application/pdf; name="ignored.pdf"
      Content-Disposition: attachment;
       filename*0*=utf-8''Pr%C3%A9sentation%20;
       filename*1="2024.pdf"
      Content-Transfer-Encoding: base64

      JVBERi0x
      LjQK
      --=_x--
      """)
    #expect(body.text == "See attached.")
    #expect(body.attachments == [
      MessageAttachment(name: "Présentation 2024.pdf", contentType: "application/pdf",
                        data: Data("%PDF-1.4\n".utf8)),
    ])
  }

  @Test func attachmentNameMayBeAnEncodedWordInContentTypeName() {
    let body = extract("""
      Content-Type: multipart/mixed; boundary=b

      --b
      Content-Type: image/png; name="=?utf-8?B?w6l0w6kucG5n?="

      PNG
      --b--
      """)
    #expect(body.attachments.map(\.name) == ["été.png"])
    #expect(body.attachments.first?.data == Data("PNG".utf8))
  }

  @Test func textPartMarkedAsAttachmentIsNotInTheText() {
    let body = extract("""
      Content-Type: multipart/mixed; boundary=b

      --b

      Body text
      --b
      Content-Type: text/plain
      Content-Disposition: attachment; filename=notes.txt

      Notes
      --b--
      """)
    #expect(body.text == "Body text")
    #expect(body.attachments.map(\.name) == ["notes.txt"])
  }

  @Test func transportPaddingAfterBoundaryAndMissingCloseAreTolerated() {
    let body = extract("Content-Type: multipart/mixed; boundary=zz\n\npreamble\n--zz  \t\n\n"
      + "first\n--zz\n\nsecond\n")
    #expect(body.text == "first\n\nsecond")
  }

  @Test func boundaryThatIsAPrefixOfAnotherLineIsNotADelimiter() {
    let body = extract("""
      Content-Type: multipart/mixed; boundary=ab

      --ab

      line --ab inside
      --abc is not a delimiter
      --ab--
      epilogue
      """)
    #expect(body.text == "line --ab inside\n--abc is not a delimiter")
  }

  @Test func nestedMultipartsAreWalked() {
    let body = extract("""
      Content-Type: multipart/mixed; boundary=outer

      --outer
      Content-Type: multipart/alternative; boundary=inner

      --inner
      Content-Type: text/plain

      Nested text
      --inner
      Content-Type: text/html

      <b>Nested html</b>
      --inner--
      --outer
      Content-Type: message/rfc822

      Subject: Forwarded

      Inner body
      --outer--
      """)
    #expect(body.text == "Nested text")
    #expect(body.attachments.map(\.name) == ["Forwarded.eml"])
    #expect(body.attachments.first.map { String(decoding: $0.data, as: UTF8.self) }
      == "Subject: Forwarded\n\nInner body")
  }

  @Test func encapsulatedMessageWithoutSubjectIsNamedMessageEml() {
    let body = extract("Content-Type: message/rfc822\n\nFrom: a@b\n\nhi\n")
    #expect(body.attachments.map(\.name) == ["message.eml"])
  }

  @Test func messageWithoutHeadersOrBodyGivesEmptyText() {
    #expect(extract("") == MessageBody(text: "", attachments: []))
    #expect(extract("Subject: x\n\n") == MessageBody(text: "", attachments: []))
  }

  @Test func multipartsNestedBeyondTheDepthLimitAreKeptAsOneOpaqueAttachment() {
    var message = ""
    for level in 0..<2000 {
      message += "Content-Type: multipart/mixed; boundary=b\(level)\n\n--b\(level)\n"
    }
    message += "\nbottom\n"
    let body = extract(message)
    #expect(body.text.isEmpty)
    #expect(body.attachments.count == 1)
    #expect(body.attachments.first?.contentType == "multipart/mixed")
    let data = body.attachments.first?.data ?? Data()
    #expect(String(decoding: data, as: UTF8.self).hasSuffix("\nbottom\n"))
  }
}
