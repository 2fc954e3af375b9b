import Foundation
import Testing

@testable import CaptureCore

@Suite struct WhitespaceTests {
  @Test(arguments: [
    "", " ", "\t\r\n", "ann@fabrikam.example", "  ann@fabrikam.example\r\n",
    "\u{00A0}nbsp\u{00A0}", "\u{2028}line separator\u{2029}", "\u{3000}全角\u{3000}",
    "inner  space kept", "é", " é ", "\u{85}next line\u{85}", "\u{200B}zero width\u{200B}",
    "👩‍👩‍👧 ", "\u{000B}\u{000C}vt ff",
  ])
  func trimmingAgreesWithFoundation(_ text: String) {
    #expect(text.trimmingWhitespace() == text.trimmingCharacters(in: .whitespacesAndNewlines))
  }

  @Test func aSubstringIsTrimmedToo() {
    let line = "Message-ID:  <a@t> "
    #expect(line.dropFirst(11).trimmingWhitespace() == "<a@t>")
  }
}
