import Foundation
import PropertyBased
import Testing
@testable import MailFormats

/// Arbitrary input never crashes or hangs the parsers, and encoding round-trips.
@Suite struct ParserPropertyTests {
  /// Fragments that steer random input into the parsers' interesting paths.
  static let fragments = [
    "From: ", "To: ", "Cc: ", "Subject: ", "Date: ", "Message-ID: ", "References: ",
    "Content-Type: multipart/mixed; boundary=b", "Content-Type: text/html",
    "Content-Transfer-Encoding: base64", "Content-Transfer-Encoding: quoted-printable",
    "Content-Type: message/rfc822", "Content-Disposition: attachment; filename*0*=utf-8''%C3",
    "--b", "--b--", "\r\n", "\n", "\r", " ", "\t", "<", ">", "\"", "\\", "(", ")", ",", ";", ":",
    "@", "=?", "?=", "=?utf-8?q?", "=?utf-8?b?", "=?iso-8859-2?Q?=A3", "=", "=C3", "_", "&amp;",
    "&#", "<p>", "<script>", "</", "<li>", "Mon, ", "1 Jan ", "99 ", "12:34", ":56", "+0200",
    "PST", "a@b.c", "Ann", "\u{00E9}", "\u{FFFD}",
  ]

  static let bytes = Gen<UInt8>.value(in: 0...255).array(of: 0...400)
  /// Indices into `fragments`.
  static let pieces = Gen.int(in: 0...(fragments.count - 1)).array(of: 0...60)

  static func data(_ pieces: [Int], _ bytes: [UInt8]) -> Data {
    var d = Data()
    for (i, piece) in pieces.enumerated() {
      d += Data(fragments[piece].utf8)
      if i < bytes.count { d.append(bytes[i]) }
    }
    return d
  }

  /// The strict check agrees with the standard library's validation; bytes biased to lead
  /// and continuation bytes so that sequences, overlongs and surrogates all occur.
  @Test func utf8CheckAgreesWithTheStandardLibrary() async {
    let pieces: [[UInt8]] = [[0x41], [0xC3, 0xA9], [0xC0, 0x80], [0xE0, 0x9F, 0x80],
                             [0xED, 0xA0, 0x80], [0xF0, 0x9F, 0x98, 0x80], [0xF4, 0x90, 0x80, 0x80],
                             [0x80], [0xBF], [0xC2], [0xE2, 0x82], [0xFF]]
    let gen = Gen.int(in: 0...(pieces.count - 1)).array(of: 0...12)
    await propertyCheck(count: 500, input: gen) { picks in
      let bytes = picks.flatMap { pieces[$0] }
      #expect(Charsets.isValidUTF8(bytes) == (String(validating: bytes, as: UTF8.self) != nil))
      // Decoding keeps every valid sequence whole and never loses a byte to nothing.
      #expect(!Charsets.decodeUTF8OrLatin1(bytes).isEmpty || bytes.isEmpty)
    }
  }

  @Test func headerParserAcceptsArbitraryBytes() async {
    await propertyCheck(count: 300, input: Self.pieces, Self.bytes) { pieces, bytes in
      let d = Self.data(pieces, bytes)
      let headers = MessageHeaders.parse(d)
      let fields = HeaderFields.parse(d)
      let raw = MessageHeaders.parse(Data(bytes))
      #expect(fields.bodyOffset <= d.count)
      #expect(headers.messageId.map { $0.hasPrefix("<") && $0.hasSuffix(">") } ?? true)
      #expect(raw.messageId.map { $0.hasPrefix("<") && $0.hasSuffix(">") } ?? true)
    }
  }

  @Test func addressListParserAcceptsArbitraryBytes() async {
    await propertyCheck(count: 300, input: Self.pieces, Self.bytes) { pieces, bytes in
      for input in [[UInt8](Self.data(pieces, bytes)), bytes] {
        let list = input.withUnsafeBufferPointer { AddressList.parse($0) }
        #expect(list.allSatisfy { !$0.address.isEmpty })
      }
    }
  }

  @Test func dateParserAcceptsArbitraryBytes() async {
    await propertyCheck(count: 300, input: Self.pieces, Self.bytes) { pieces, bytes in
      for input in [[UInt8](Self.data(pieces, bytes)), bytes] {
        let date = input.withUnsafeBufferPointer { MailDate.parse($0) }
        if let date {
          // Years 1-9999 with zones of at most 99:59 stay inside this range.
          #expect(abs(date.timeIntervalSince1970) < 260_000_000_000)
        }
      }
    }
  }

  @Test func bodyExtractionAcceptsArbitraryBytes() async {
    await propertyCheck(count: 300, input: Self.pieces, Self.bytes) { pieces, bytes in
      for input in [Self.data(pieces, bytes), Data(bytes)] {
        let body = MessageBody.extract(from: input)
        #expect(body.attachments.allSatisfy { !$0.name.isEmpty && $0.contentType.contains("/") })
      }
    }
  }

  /// Long runs of the constructs that open a scan (`=?`, `(`, `<`, `<script>`, boundaries)
  /// finish in linear time instead of hanging.
  @Test(.timeLimit(.minutes(1)))
  func pathologicalRepetitionsFinish() {
    let repeated = ["=?a?q?", "=?a?q?x", "(", "<", "\"", "<script>", "&#", "=?utf-8?q?x?= ",
                    "--b\n", "a@b ", "Content-Type: multipart/mixed; boundary=b\n\n--b\n",
                    ";x*0*=a'", "1 Jan ", ": ", " \r"]
    for piece in repeated {
      let text = String(repeating: piece, count: 40_000)
      let data = Data(("Subject: " + text + "\nTo: " + text + "\nDate: " + text
        + "\nContent-Type: text/html; x=" + text + "\n\n" + text).utf8)
      let headers = MessageHeaders.parse(data)
      _ = MessageBody.extract(from: data)
      // Every repetition but the one of bare CRs keeps Subject a field with a value.
      #expect(headers.subject != nil || piece == " \r", "\(piece)")
    }
  }

  @Test func encodedWordsRoundTripAnyText() async {
    let scalars = Gen.unicodeScalar(in: "\u{20}"..."\u{2FFF}").array(of: 0...80)
    await propertyCheck(count: 300, input: scalars) { scalars in
      let s = String(String.UnicodeScalarView(scalars))
      #expect(EncodedWords.decode(EncodedWords.encode(s, encoding: "B")) == s)
      #expect(EncodedWords.decode(EncodedWords.encode(s, encoding: "Q")) == s)
    }
  }

  @Test func base64DecodingInvertsEncoding() async {
    await propertyCheck(count: 300, input: Self.bytes) { bytes in
      let encoded = Array(EncodedWords.base64(bytes).utf8)
      #expect(TransferEncoding.decodeBase64(encoded) == bytes)
    }
  }

  @Test func dateParserReadsBackAnyFormattedDate() async {
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec"]
    await propertyCheck(
      count: 300, input: Gen.int(in: 1...9999), Gen.int(in: 1...12), Gen.int(in: 1...28),
      Gen.int(in: 0...23), Gen.int(in: 0...59), Gen.int(in: 0...59), Gen.int(in: -1439...1439)
    ) { y, m, d, hh, mm, ss, zone in
      let sign = zone < 0 ? "-" : "+"
      let z = abs(zone)
      let text = "\(d) \(months[m - 1]) \(String(format: "%04d", y)) "
        + String(format: "%02d:%02d:%02d %@%02d%02d", hh, mm, ss, sign, z / 60, z % 60)
      let expected = MailDate.daysFromCivil(year: y, month: m, day: d) * 86400
        + hh * 3600 + mm * 60 + ss - zone * 60
      #expect(MailDate.parse(text).map { Int($0.timeIntervalSince1970) } == expected, "\(text)")
    }
  }
}
