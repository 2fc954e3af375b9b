import PropertyBased
import Testing
@testable import TerminalUI

/// Wrapping splits lines and wraps ASCII paragraphs on bytes, for speed; these check that
/// the shortcuts give what splitting and wrapping by grapheme clusters gives.
@Suite struct WrapShortcutTests {
  /// Pieces that meet at the edges the byte paths must get right: CR LF, a lone CR,
  /// tabs, runs of spaces, combining marks after a space or a line feed, wide characters.
  static let fragments = [
    "a", "word", "longerwordthanthewidth", " ", "  ", "\t", "\n", "\r", "\r\n", "\n\n",
    "\u{0301}", "é", "日本", "👍🏽", "🇫🇷", "\u{1B}", "\u{7F}", "x\u{200D}y", "-", ".",
  ]
  static let pieces = Gen.int(in: 0...(fragments.count - 1)).array(of: 0...80)

  /// What `wrap` did before the byte paths: split by characters, wrap each by characters.
  static func wrapByCharacters(_ text: String, width: Int) -> [String] {
    text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
      .flatMap { TextLayout.wrapParagraph(String($0).expandingTabs(), width: width) }
  }

  @Test func wrappingOnBytesGivesWhatWrappingByCharactersGives() async {
    await propertyCheck(count: 500, input: Self.pieces, Gen.int(in: 1...12)) { pieces, width in
      let text = pieces.map { Self.fragments[$0] }.joined()
      #expect(TextLayout.wrap(text, width: width) == Self.wrapByCharacters(text, width: width))
    }
  }

  @Test func displayWidthOfPrintableASCIIIsItsLength() async {
    await propertyCheck(count: 300, input: Self.pieces) { pieces in
      let text = pieces.map { Self.fragments[$0] }.joined()
      let byCharacters = text.reduce(0) { $0 + displayWidth(of: $1) }
      #expect(text.displayWidth == byCharacters)
    }
  }

  /// A tab is expanded even when a combining mark follows it (Foundation's search misses it).
  @Test func aTabBeforeACombiningMarkIsExpanded() {
    #expect(TextLayout.wrap("\t\u{0301}x", width: 10) == ["        \u{0301}x"])
  }

  @Test func aLongASCIIMessageWrapsLikeItsParagraphs() {
    let text = "> quoted line one\r\n> quoted\tline two\n\nthe reply, with a verylongunbrokenword"
    #expect(TextLayout.wrap(text, width: 10) == Self.wrapByCharacters(text, width: 10))
    #expect(TextLayout.wrap(text, width: 10).first == "> quoted")
  }
}
