import Testing
import TerminalUI

/// A terminal whose locale is not UTF-8 (LANG=C) cannot show most characters: curses drops
/// them or draws a blank of another width, which shifted the rest of the row and its border.
@Suite struct AsciiFallbackTests {
  @Test func accentedLettersLoseTheirAccentsAndKeepOneColumn() {
    let row = "Société Lumière, Zoë, Jörg".map { Cell.asciiFallback(String($0), width: 1) }
    #expect(row.joined() == "Societe Lumiere, Zoe, Jorg")
  }

  @Test func theAppsOwnSymbolsBecomeTheirAsciiLookalikes() {
    let symbols: [(String, String)] = [("—", "-"), ("…", "."), ("·", "."), ("↓", "v"),
                                       ("↑", "^"), ("←", "<"), ("→", ">"), ("▸", ">")]
    for (symbol, ascii) in symbols {
      #expect(Cell.asciiFallback(symbol, width: 1) == ascii, "\(symbol)")
    }
  }

  @Test func aWideCharacterBecomesAsManyQuestionMarksAsItHasColumns() {
    #expect(Cell.asciiFallback("桜", width: 2) == "??")
    #expect(Cell.asciiFallback("🚀", width: 2) == "??")
    #expect(Cell.asciiFallback("👨‍👩‍👧", width: 2) == "??")
    #expect(Cell.asciiFallback("ع", width: 1) == "?")
  }

  @Test func everyFallbackIsPrintableAsciiOfExactlyTheCellsWidth() {
    for text in ["a", " ", "é", "ß", "Æ", "ﬁ", "桜", "🚀", "e\u{301}", "☃︎", "①"] {
      let width = text.displayWidth
      let ascii = Cell.asciiFallback(text, width: width)
      #expect(ascii.count == width, "\(text)")
      #expect(ascii.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F }, "\(text)")
    }
  }
}
