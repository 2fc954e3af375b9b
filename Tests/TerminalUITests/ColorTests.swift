import Testing
import TerminalUI

@Suite struct ColorDegradationTests {
  @Test func hexDegradesToTheNearest256PaletteEntry() {
    #expect(Color.rgb(255, 0, 0).degraded(to: .indexed256) == .indexed(196))
    #expect(Color.rgb(0, 95, 135).degraded(to: .indexed256) == .indexed(24))
    #expect(Color.rgb(128, 128, 128).degraded(to: .indexed256) == .indexed(244))
  }

  @Test func paletteEntriesDegradeToTheNearestOf16() {
    #expect(Color.indexed(196).degraded(to: .ansi16) == .ansi(9))
    #expect(Color.indexed(244).degraded(to: .ansi16) == .ansi(8))
    #expect(Color.indexed(4).degraded(to: .ansi16) == .ansi(4))
  }

  @Test func hexDegradesAllTheWayTo8() {
    #expect(Color.rgb(250, 10, 10).degraded(to: .ansi8) == .ansi(1))
    #expect(Color.rgb(10, 10, 200).degraded(to: .ansi8) == .ansi(4))
  }

  @Test func trueColorKeepsHex() {
    #expect(Color.rgb(1, 2, 3).degraded(to: .trueColor) == .rgb(1, 2, 3))
  }

  @Test func brightForegroundOn8ColoursBecomesBold() {
    let style = Style(foreground: .ansi(11)).degraded(to: .ansi8)
    #expect(style == Style(foreground: .ansi(3), attributes: .bold))
  }

  @Test func grayOn8ColoursBecomesDimWhiteToStayVisible() {
    let style = Style(foreground: .ansi(8)).degraded(to: .ansi8)
    #expect(style == Style(foreground: .ansi(7), attributes: .dim))
  }

  @Test func colorCountMapsToDepth() {
    #expect(ColorDepth(colorCount: 0) == .monochrome)
    #expect(ColorDepth(colorCount: 8) == .ansi8)
    #expect(ColorDepth(colorCount: 16) == .ansi16)
    #expect(ColorDepth(colorCount: 256) == .indexed256)
    #expect(ColorDepth(colorCount: 16_777_216) == .trueColor)
  }

  @Test func colourNamesParse() {
    #expect(Color(parsing: "gray") == .ansi(8))
    #expect(Color(parsing: "bright-cyan") == .ansi(14))
    #expect(Color(parsing: "#0A0b0C") == .rgb(10, 11, 12))
    #expect(Color(parsing: "default") == .default)
    #expect(Color(parsing: "mauve") == nil)
    #expect(Color(parsing: "#+12345") == nil)
  }
}

@Suite struct NoColorTests {
  @Test func nonEmptyNoColorForcesMonochrome() {
    #expect(ColorDepth.honoringNoColor(.indexed256, environment: ["NO_COLOR": "1"]) == .monochrome)
  }

  @Test func emptyNoColorIsIgnored() {
    #expect(ColorDepth.honoringNoColor(.indexed256, environment: ["NO_COLOR": ""]) == .indexed256)
    #expect(ColorDepth.honoringNoColor(.ansi16, environment: [:]) == .ansi16)
  }

  @Test func monochromeDropsColoursAndKeepsAttributes() {
    let theme = Theme.builtInDefault.adapted(to: .monochrome)
    for role in StyleRole.allCases {
      let style = theme.style(for: role)
      #expect(style.foreground == .default && style.background == .default, "\(role)")
    }
    #expect(theme.style(for: .header).attributes.contains(.bold))
  }

  @Test func monochromeSelectionUsesReverseVideo() {
    let theme = Theme.builtInDefault.adapted(to: .monochrome)
    #expect(theme.style(for: .selection).attributes.contains(.reverse))
    #expect(!theme.style(for: .listItem).attributes.contains(.reverse))
  }
}
