import Foundation
import Testing

@testable import DemoWorkspace

/// The encoders behind the demo's mail: what they write must decode back to the input and
/// respect the line limits of RFC 2045 and RFC 2047.
@Suite("DemoWorkspace mail encoders")
struct MailWriterTests {
  static let samples = [
    "Anfrage: 200 Lizenzen für Müller GmbH", "見積もりの件（改訂版）/ Revised quote request",
    "🚀 Launch plan", "Zoe\u{0308} Okonkwo", "عمر الفارسي", "plain ascii = 100% fine",
    "Größere Schulungen wären ebenfalls gewünscht, und zwar mit einer sehr langen Zeile, die "
      + "umgebrochen werden muss, damit sie nicht länger als 76 Zeichen ist. ",
  ]

  @Test(arguments: samples)
  func quotedPrintableDecodesToTheInputWithShortLines(text: String) throws {
    let encoded = MailWriter.quotedPrintable(text)
    for line in encoded.split(separator: "\n") { #expect(line.count <= 76, "\(line)") }
    #expect(encoded.unicodeScalars.allSatisfy { $0.isASCII })
    let decoded = try Self.decodeQuotedPrintable(encoded)
    #expect(decoded == text)
  }

  @Test(arguments: samples)
  func encodedWordsDecodeToTheInputAndStayUnder75Characters(text: String) throws {
    let header = MailWriter.encodeWords(text)
    if text.unicodeScalars.allSatisfy(\.isASCII) {
      #expect(header == text)
      return
    }
    var bytes = Data()
    for word in header.components(separatedBy: "\n ") {
      #expect(word.count <= 75, "\(word)")
      #expect(word.hasPrefix("=?UTF-8?B?") && word.hasSuffix("?="))
      let payload = String(word.dropFirst(10).dropLast(2))
      bytes.append(try #require(Data(base64Encoded: payload)))
    }
    #expect(String(data: bytes, encoding: .utf8) == text)
  }

  @Test func rfc2231PercentEncodingKeepsOnlyAttributeCharacters() {
    let encoded = MailWriter.percentEncode("Angebot Q-2026_Müller.pdf")
    #expect(encoded == "Angebot%20Q-2026_M%C3%BCller.pdf")
    #expect(encoded.removingPercentEncoding == "Angebot Q-2026_Müller.pdf")
  }

  @Test func longAddressHeadersFoldAtCommas() {
    let line = "To: " + (1...6).map { "Person \($0) <person.number\($0)@example.example>" }
      .joined(separator: ", ")
    let folded = MailWriter.fold(line)
    let lines = folded.components(separatedBy: "\n")
    #expect(lines.count > 1)
    for l in lines { #expect(l.count <= 78, "\(l)") }
    for l in lines.dropFirst() { #expect(l.hasPrefix(" ")) }
    #expect(folded.replacingOccurrences(of: "\n", with: "") == line)
  }

  /// A plain reading of RFC 2045 6.7, independent of the encoder.
  static func decodeQuotedPrintable(_ text: String) throws -> String {
    var bytes: [UInt8] = []
    let soft = text.replacingOccurrences(of: "=\n", with: "")
    var iterator = Array(soft.utf8).makeIterator()
    while let b = iterator.next() {
      if b == UInt8(ascii: "=") {
        guard let h = iterator.next(), let l = iterator.next(),
              let value = UInt8(String(bytes: [h, l], encoding: .ascii) ?? "", radix: 16)
        else { throw DemoFiles.Failure("bad escape") }
        bytes.append(value)
      } else {
        bytes.append(b)
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
