import Testing
import TerminalUI

@Suite struct DisplayWidthTests {
  @Test func asciiIsOneColumnPerCharacter() {
    #expect(displayWidth(of: "Hello, world") == 12)
  }

  @Test func precomposedAndCombiningAccentsAreOneColumn() {
    #expect(displayWidth(of: "caf\u{E9}") == 4)
    #expect(displayWidth(of: "cafe\u{301}") == 4)
    #expect(displayWidth(of: "Z\u{327}\u{30C}") == 1)
  }

  @Test func cjkIdeographsAndKanaAreTwoColumns() {
    #expect(displayWidth(of: "日本語") == 6)
    #expect(displayWidth(of: "カタカナ") == 8)
    #expect(displayWidth(of: "한국어") == 6)
    #expect(displayWidth(of: "ＡＢ") == 4)  // fullwidth Latin
  }

  @Test func halfwidthKatakanaIsOneColumn() {
    #expect(displayWidth(of: "ｶﾀｶﾅ") == 4)
  }

  @Test func singleEmojiIsTwoColumns() {
    #expect(displayWidth(of: "😀") == 2)
    #expect(displayWidth(of: "📧") == 2)
  }

  @Test func emojiWithSkinToneModifierIsOneWideCell() {
    #expect(displayWidth(of: "👍🏽") == 2)
    #expect("👍🏽".count == 1)
  }

  @Test func zwjFamilyIsOneWideCell() {
    let family = "👨\u{200D}👩\u{200D}👧\u{200D}👦"
    #expect(family.count == 1)
    #expect(displayWidth(of: family) == 2)
  }

  @Test func flagIsOneWideCell() {
    #expect(displayWidth(of: "🇫🇷") == 2)
    #expect(displayWidth(of: "🇯🇵🇩🇪") == 4)
  }

  @Test func variationSelectorsChooseTheWidth() {
    #expect(displayWidth(of: "\u{2764}") == 1)  // heavy black heart: text by default
    #expect(displayWidth(of: "\u{2764}\u{FE0F}") == 2)  // emoji presentation requested
    #expect(displayWidth(of: "\u{231A}\u{FE0E}") == 1)  // watch: text presentation requested
    #expect(displayWidth(of: "1\u{FE0F}\u{20E3}") == 2)  // keycap
  }

  @Test func invisibleFormatCharactersTakeNoColumns() {
    #expect(displayWidth(of: "a\u{200B}b") == 2)  // zero-width space
    #expect(displayWidth(of: "\u{FEFF}") == 0)
  }

  @Test func boxDrawingAndEllipsisAreOneColumn() {
    #expect(displayWidth(of: "┌─┄┆…") == 5)
  }

  @Test func mixedTextAddsUp() {
    #expect(displayWidth(of: "Re: 会議 📅 ok") == 4 + 4 + 1 + 2 + 3)
  }

  @Test func terminalSafeTextKeepsTabsAndPrintableTextAndReplacesControls() {
    #expect("Müller\t見積 🚀".terminalSafe == "Müller\t見積 🚀")
    #expect("a\u{1B}[2Jb\r\nc\u{7F}d\u{9B}e".terminalSafe
      == "a\u{FFFD}[2Jb\u{FFFD}\u{FFFD}c\u{FFFD}d\u{FFFD}e")
  }

  /// A right-to-left override in a subject would make the rest of the printed line, item id
  /// included, read backwards.
  @Test func terminalSafeTextNeutralizesBidiControls() {
    #expect("Invoice \u{202E}fdp.exe\u{202C}  mail:<a@t>".terminalSafe
      == "Invoice \u{FFFD}fdp.exe\u{FFFD}  mail:<a@t>")
    #expect("\u{2066}\u{2067}\u{2068}\u{2069}\u{200E}\u{200F}\u{061C}".terminalSafe
      == String(repeating: "\u{FFFD}", count: 7))
    #expect("עברית and العربية".terminalSafe == "עברית and العربية", "right-to-left text stays")
  }
}
