import Testing
import TerminalUI

@Suite struct TextLayoutTests {
  @Test func shortTextIsNotTruncated() {
    #expect(TextLayout.truncate("Acme", toWidth: 10) == "Acme")
  }

  @Test func truncationEndsWithEllipsisWithinWidth() {
    let result = TextLayout.truncate("Quarterly business review", toWidth: 10)
    #expect(result == "Quarterly…")
    #expect(result.displayWidth == 10)
  }

  @Test func truncationNeverSplitsAWideCharacter() {
    let result = TextLayout.truncate("日本語のテキスト", toWidth: 6)
    #expect(result == "日本…")
    #expect(result.displayWidth == 5)
  }

  @Test func truncationKeepsCombiningMarksWithTheirBase() {
    let result = TextLayout.truncate("e\u{301}e\u{301}e\u{301}e\u{301}", toWidth: 3)
    #expect(result == "e\u{301}e\u{301}…")
  }

  @Test func truncationKeepsZwjSequencesWhole() {
    let family = "👨\u{200D}👩\u{200D}👧"
    let result = TextLayout.truncate(family + family + "abc", toWidth: 4)
    #expect(result == family + "…")
  }

  @Test func paddingUsesDisplayWidth() {
    #expect(TextLayout.pad("会議", toWidth: 6) == "会議  ")
    #expect(TextLayout.pad("ab", toWidth: 5, alignment: .right) == "   ab")
    #expect(TextLayout.pad("ab", toWidth: 5, alignment: .center) == " ab  ")
  }

  @Test func wrappingBreaksAtSpacesByWidth() {
    let lines = TextLayout.wrap("the quick brown fox jumps", width: 10)
    #expect(lines == ["the quick", "brown fox", "jumps"])
  }

  @Test func wrappingBreaksLongWordsByColumns() {
    let lines = TextLayout.wrap("abcdefghijkl xy", width: 5)
    #expect(lines == ["abcde", "fghij", "kl xy"])
  }

  @Test func wrappingCountsWideCharactersAsTwoColumns() {
    let lines = TextLayout.wrap("日本語のテキスト", width: 5)
    #expect(lines == ["日本", "語の", "テキ", "スト"])
    #expect(lines.allSatisfy { $0.displayWidth <= 5 })
  }

  @Test func tabsStopAtEveryEighthColumnAsInATerminal() {
    #expect(TextLayout.wrap("a\tb\tc", width: 40) == ["a       b       c"])
    #expect(TextLayout.wrap("Qty\tItem\nwidgets\t12", width: 40)
      == ["Qty     Item", "widgets 12"])
    #expect(TextLayout.wrap("é\tx", width: 40) == ["é       x"])
    #expect(TextLayout.wrap("日本\tx", width: 40) == ["日本    x"])
  }

  @Test func aLineThatFitsKeepsItsSpacingALongerOneBreaksAtASpace() {
    #expect(TextLayout.wrap("Name    Price", width: 20) == ["Name    Price"])
    #expect(TextLayout.wrap("  indented  line", width: 20) == ["  indented  line"])
    #expect(TextLayout.wrap("one  two  three four", width: 9) == ["one  two", "three", "four"])
    #expect(TextLayout.wrap("Prix     été", width: 8) == ["Prix", "été"])
  }

  @Test func wrappingKeepsBlankLinesBetweenParagraphs() {
    let lines = TextLayout.wrap("Hello Anna,\n\nSee you soon.", width: 20)
    #expect(lines == ["Hello Anna,", "", "See you soon."])
  }
}
