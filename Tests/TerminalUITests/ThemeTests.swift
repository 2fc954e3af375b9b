import Foundation
import Testing
import TerminalUI
import TestSupport

@Suite struct ThemeFileTests {
  private var themesDirectory: URL { Fixtures.packageRoot.appendingPathComponent("Themes") }

  private func themeNames() throws -> [String] {
    try ThemeLoader(directory: themesDirectory).availableThemeNames()
  }

  @Test func themesDirectoryHoldsTheFourShippedThemes() throws {
    let names = try themeNames()
    for expected in ["default", "light", "high-contrast", "monochrome"] {
      #expect(names.contains(expected), "missing Themes/\(expected).toml")
    }
  }

  /// helix's themecheck: every file parses strictly (unknown keys, roles, colours fail).
  @Test func everyThemeFileLoadsWithoutError() throws {
    let loader = ThemeLoader(directory: themesDirectory)
    for name in try themeNames() {
      #expect(throws: Never.self, "Themes/\(name).toml") { try loader.load(named: name) }
    }
  }

  @Test func everyThemeFileNamesEveryRole() throws {
    let loader = ThemeLoader(directory: themesDirectory)
    for name in try themeNames() {
      let theme = try loader.load(named: name)
      let missing = StyleRole.allCases.filter { theme.specs[$0] == nil }.map(\.rawValue)
      #expect(missing.isEmpty, "Themes/\(name).toml does not name \(missing)")
    }
  }

  @Test func defaultFileMatchesTheBuiltInTheme() throws {
    let theme = try ThemeLoader(directory: themesDirectory).load(named: "default")
    for role in StyleRole.allCases {
      #expect(theme.specs[role] == Theme.builtInDefault.specs[role], "\(role.rawValue)")
    }
  }

  @Test func privateAndTrackedTilesLookDifferentInEveryTheme() throws {
    let loader = ThemeLoader(directory: themesDirectory)
    for name in try themeNames() {
      let theme = try loader.load(named: name)
      let privateStyle = theme.style(for: .tilePrivate)
      let trackedStyle = theme.style(for: .tileTracked)
      #expect(privateStyle != trackedStyle, "\(name): private and tracked tiles look alike")
    }
  }

  @Test func selectionStaysVisibleInEveryThemeWithoutColour() throws {
    let loader = ThemeLoader(directory: themesDirectory)
    for name in try themeNames() {
      let theme = try loader.load(named: name).adapted(to: .monochrome)
      #expect(theme.style(for: .selection).attributes.contains(.reverse), "\(name)")
    }
  }
}

@Suite struct ThemeParsingTests {
  @Test func roleFallsBackThroughItsDottedParents() {
    let theme = Theme(
      name: "t",
      specs: [
        .normal: StyleSpec(foreground: .ansi(7), background: .ansi(0)),
        .tilePrivate: StyleSpec(foreground: .ansi(8), attributes: .dim),
      ])
    let style = theme.style(for: .tilePrivateBorder)
    #expect(style == Style(foreground: .ansi(8), background: .ansi(0), attributes: .dim))
    #expect(theme.style(for: .tilePending) == Style(foreground: .ansi(7), background: .ansi(0)))
  }

  @Test func fallbackChainEndsAtNormal() {
    #expect(StyleRole.tilePrivateBorder.fallbackChain == [
      .tilePrivateBorder, .tilePrivate, .tile, .normal,
    ])
    #expect(StyleRole.statusKey.fallbackChain == [.statusKey, .status, .normal])
  }

  @Test func snapshotLettersAreUnique() {
    let letters = StyleRole.allCases.map(\.snapshotLetter)
    #expect(Set(letters).count == letters.count)
  }

  @Test func paletteNamesHexIndexAndShorthandParse() throws {
    let text = """
      header = "accent"
      "tile.private" = { fg = 244, bg = "#102030", modifiers = ["dim", "italic"] }

      [palette]
      accent = "#ff8800"
      """
    let theme = try ThemeLoader.parse(text, file: "t.toml")
    #expect(theme.specs[.header] == StyleSpec(foreground: .rgb(255, 136, 0)))
    #expect(theme.specs[.tilePrivate] == StyleSpec(
      foreground: .indexed(244), background: .rgb(16, 32, 48), attributes: [.dim, .italic]))
  }

  /// Every role name is dotted now (`status.key`); a theme written with the former name
  /// `statusKey` still sets the same role.
  @Test func theFormerNameOfTheStatusKeyRoleStillSetsIt() throws {
    let dotted = try ThemeLoader.parse("\"status.key\" = \"red\"\n", file: "t.toml")
    let former = try ThemeLoader.parse("statusKey = \"red\"\n", file: "t.toml")
    #expect(dotted.style(for: .statusKey) == former.style(for: .statusKey))
    #expect(former.style(for: .statusKey).foreground == .ansi(1))
  }

  @Test func inheritingDefaultKeepsItsOtherRoles() throws {
    let theme = try ThemeLoader.parse("inherits = \"default\"\nheader = \"red\"\n", file: "t.toml")
    #expect(theme.specs[.header] == StyleSpec(foreground: .ansi(1)))
    #expect(theme.specs[.selection] == Theme.builtInDefault.specs[.selection])
  }

  @Test func inheritanceAcrossFilesUsesTheParentsPalette() throws {
    let directory = try Fixtures.temporaryDirectory("themes")
    defer { try? FileManager.default.removeItem(at: directory) }
    try "header = \"brand\"\n[palette]\nbrand = \"#010203\"\n"
      .write(to: directory.appendingPathComponent("base.toml"), atomically: true, encoding: .utf8)
    try "inherits = \"base\"\nerror = \"brand\"\n"
      .write(to: directory.appendingPathComponent("child.toml"), atomically: true, encoding: .utf8)
    let theme = try ThemeLoader(directory: directory).load(named: "child")
    #expect(theme.specs[.header]?.foreground == .rgb(1, 2, 3))
    #expect(theme.specs[.error]?.foreground == .rgb(1, 2, 3))
  }

  @Test func errorInAThemeFileNamesThatFileAndLine() throws {
    let directory = try Fixtures.temporaryDirectory("themes")
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("typo.toml")
    try "# my theme\nnormal = \"default\"\nheader = { fg = \"cyna\" }\n"
      .write(to: file, atomically: true, encoding: .utf8)
    let error = #expect(throws: ThemeError.self) { try ThemeLoader.load(file: file) }
    #expect(error?.file == file.path)
    #expect(error?.line == 3)
    #expect(error?.description == "\(file.path):3: \"header\": unknown colour \"cyna\" for fg")
  }

  @Test func inheritanceCycleIsAnError() throws {
    let directory = try Fixtures.temporaryDirectory("themes")
    defer { try? FileManager.default.removeItem(at: directory) }
    try "inherits = \"b\"\n"
      .write(to: directory.appendingPathComponent("a.toml"), atomically: true, encoding: .utf8)
    try "inherits = \"a\"\n"
      .write(to: directory.appendingPathComponent("b.toml"), atomically: true, encoding: .utf8)
    let error = #expect(throws: ThemeError.self) {
      try ThemeLoader(directory: directory).load(named: "a")
    }
    #expect(error?.reason.contains("cycle") == true)
  }
}

@Suite struct BrokenThemeTests {
  private func error(parsing text: String) -> ThemeError? {
    #expect(throws: ThemeError.self) { try ThemeLoader.parse(text, file: "broken.toml") }
  }

  @Test func unknownRoleNamesItsLine() {
    let error = error(parsing: "normal = \"white\"\n\n\"tile.privat\" = \"gray\"\n")
    #expect(error?.line == 3)
    #expect(error?.file == "broken.toml")
    #expect(error?.reason.contains("tile.privat") == true)
  }

  @Test func badColourNamesItsLineAndValue() {
    let error = error(parsing: "normal = \"white\"\nheader = { fg = \"purplish\" }\n")
    #expect(error?.line == 2)
    #expect(error?.reason.contains("purplish") == true)
    #expect(error?.description.hasPrefix("broken.toml:2: ") == true)
  }

  @Test func shortHexColourIsRejected() {
    let error = error(parsing: "header = \"#fff\"\n")
    #expect(error?.line == 1)
  }

  @Test func unknownFieldNamesItsLine() {
    let error = error(parsing: "# comment\nheader = { fg = \"red\", underline = true }\n")
    #expect(error?.line == 2)
    #expect(error?.reason.contains("underline") == true)
  }

  @Test func unknownModifierIsAnError() {
    let error = error(parsing: "header = { modifiers = [\"blink\"] }\n")
    #expect(error?.reason.contains("blink") == true)
  }

  @Test func badPaletteEntryNamesItsLineInThePaletteTable() {
    let error = error(parsing: "header = \"red\"\n[palette]\nred = \"nope\"\n")
    #expect(error?.line == 3)
  }

  @Test func unquotedDottedRoleGetsAHint() {
    let error = error(parsing: "tile.private = { fg = \"gray\" }\n")
    #expect(error?.line == 1)
    #expect(error?.reason.contains("quote") == true)
  }

  @Test func tomlSyntaxErrorNamesItsLine() {
    let error = error(parsing: "normal = \"white\"\nheader = {\n")
    #expect(error?.line == 2)
  }

  @Test func outOfRangePaletteIndexIsAnError() {
    let error = error(parsing: "header = { fg = 300 }\n")
    #expect(error?.reason.contains("300") == true)
  }
}
