import Foundation
import TOMLKit

/// A theme file that could not be used, with the file, line and reason.
public struct ThemeError: Error, Equatable, CustomStringConvertible, Sendable {
  /// The theme file's path (or the theme name when no file was found).
  public var file: String
  /// The 1-based line of the offending key, when it could be located.
  public var line: Int?
  /// What is wrong, naming the key and the value.
  public var reason: String

  public init(file: String, line: Int?, reason: String) {
    self.file = file
    self.line = line
    self.reason = reason
  }

  public var description: String {
    if let line { return "\(file):\(line): \(reason)" }
    return "\(file): \(reason)"
  }
}

/// Reads `Themes/NAME.toml` files into ``Theme`` values, strictly.
///
/// The format (each file repeats it in its header comment):
///
/// ```toml
/// inherits = "default"              # optional: start from another theme in the directory
/// normal = { fg = "default", bg = "default" }
/// header = "cyan"                    # a bare colour sets the foreground only
/// "tile.private" = { fg = "muted", modifiers = ["dim"] }   # dotted roles must be quoted
///
/// [palette]                          # optional, last: names usable as colours above
/// muted = "#808080"
/// ```
///
/// Colours: `default`, the ANSI names (`black` … `white`, `bright-black` … `bright-white`,
/// `gray`), `"#rrggbb"`, a 256-palette index (`fg = 244`) or a palette name. Modifiers: `bold`,
/// `dim`, `italic`, `underline`, `reverse`. Any other key, role, field, colour or modifier is
/// an error naming the file and line, so a typo never silently falls back (helix's themecheck).
public struct ThemeLoader: Sendable {
  /// The directory holding the `*.toml` theme files.
  public var directory: URL

  public init(directory: URL) {
    self.directory = directory
  }

  /// The names of the themes in the directory (file names without `.toml`), sorted.
  public func availableThemeNames() throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: directory.path)
      .filter { $0.hasSuffix(".toml") }
      .map { String($0.dropLast(5)) }
      .sorted()
  }

  /// Loads the theme `name` from `NAME.toml`, following `inherits`.
  ///
  /// `default` may be inherited even when no `default.toml` exists: the built-in
  /// ``Theme/builtInDefault`` stands in.
  public func load(named name: String) throws -> Theme {
    let loaded = try loadTheme(named: name, visiting: [])
    return Theme(name: name, specs: loaded.specs)
  }

  /// Loads the theme in `file`; its `inherits` are looked up beside it.
  public static func load(file: URL) throws -> Theme {
    let loader = ThemeLoader(directory: file.deletingLastPathComponent())
    return try loader.load(named: file.deletingPathExtension().lastPathComponent)
  }

  /// A theme's styles and palette before inheritance is flattened into the child.
  private struct Loaded {
    var specs: [StyleRole: StyleSpec]
    var palette: [String: Color]
  }

  private func loadTheme(named name: String, visiting: [String]) throws -> Loaded {
    let url = directory.appendingPathComponent(name + ".toml")
    guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }),
      !name.isEmpty
    else {
      throw ThemeError(file: name, line: nil, reason: "invalid theme name \"\(name)\"")
    }
    if visiting.contains(name) {
      throw ThemeError(
        file: url.path, line: nil,
        reason: "inheritance cycle: \((visiting + [name]).joined(separator: " → "))")
    }
    guard FileManager.default.fileExists(atPath: url.path) else {
      if name == "default" { return Loaded(specs: Theme.builtInDefault.specs, palette: [:]) }
      throw ThemeError(file: url.path, line: nil, reason: "no such theme file")
    }
    let text: String
    do {
      text = try String(contentsOf: url, encoding: .utf8)
    } catch {
      throw ThemeError(file: url.path, line: nil, reason: "unreadable: \(error)")
    }
    return try ThemeParser(text: text, file: url.path).parse { parentName in
      try loadTheme(named: parentName, visiting: visiting + [name])
    }
  }

  /// Parses theme text on its own; `inherits` may only name `default` (the built-in theme).
  ///
  /// For tests and for themes that do not live in a directory.
  public static func parse(_ text: String, file: String) throws -> Theme {
    let loaded = try ThemeParser(text: text, file: file).parse { parentName in
      guard parentName == "default" else {
        throw ThemeError(file: file, line: nil, reason: "cannot inherit \"\(parentName)\" here")
      }
      return Loaded(specs: Theme.builtInDefault.specs, palette: [:])
    }
    let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
    return Theme(name: name, specs: loaded.specs)
  }

  /// One file's parse: TOML syntax via TOMLKit, then strict checking of every key.
  private struct ThemeParser {
    let text: String
    let file: String

    func error(_ reason: String, key: String? = nil, table: String? = nil) -> ThemeError {
      let line = key.flatMap { lineNumber(ofKey: $0, inTable: table, text: text) }
      return ThemeError(file: file, line: line, reason: reason)
    }

    func parse(inheriting: (String) throws -> Loaded) throws -> Loaded {
      let root: TOMLTable
      do {
        root = try TOMLTable(string: text)
      } catch let parseError as TOMLParseError {
        throw ThemeError(
          file: file, line: parseError.source.begin.line,
          reason: "TOML syntax: \(parseError.description)")
      } catch {
        throw ThemeError(file: file, line: nil, reason: "TOML syntax: \(error)")
      }
      var base = Loaded(specs: [:], palette: [:])
      if let inherits = root["inherits"] {
        guard let parentName = inherits.string else {
          throw error("inherits must be a theme name in quotes", key: "inherits")
        }
        base = try inheriting(parentName)
      }
      var palette = base.palette
      if let paletteValue = root["palette"] {
        guard let table = paletteValue.table else {
          throw error("palette must be a table of colours", key: "palette")
        }
        for name in table.keys.sorted() {
          guard let value = table[name] else { continue }
          guard let color = parseColor(value, palette: [:]) else {
            throw error(
              "palette colour \"\(name)\" has bad value \(describe(value))", key: name,
              table: "palette")
          }
          palette[name] = color
        }
      }
      var specs = base.specs
      for key in root.keys.sorted() where key != "inherits" && key != "palette" {
        guard let role = StyleRole(rawValue: key) ?? StyleRole.formerNames[key] else {
          var hint = ""
          if root[key]?.table != nil, StyleRole.allCases.contains(where: {
            $0.rawValue.hasPrefix(key + ".")
          }) {
            hint = " (quote dotted role names, e.g. \"\(key).…\" = { … })"
          }
          throw error("unknown key or style role \"\(key)\"\(hint)", key: key)
        }
        guard let value = root[key] else { continue }
        specs[role] = try parseSpec(value, role: role, palette: palette)
      }
      return Loaded(specs: specs, palette: palette)
    }

    func parseSpec(_ value: TOMLValueConvertible, role: StyleRole, palette: [String: Color])
      throws -> StyleSpec
    {
      let key = role.rawValue
      if value.string != nil {
        guard let color = parseColor(value, palette: palette) else {
          throw error("\"\(key)\": unknown colour \(describe(value))", key: key)
        }
        return StyleSpec(foreground: color)
      }
      guard let table = value.table else {
        throw error(
          "\"\(key)\" must be a colour or { fg, bg, modifiers }, not \(describe(value))", key: key)
      }
      var spec = StyleSpec()
      for field in table.keys.sorted() {
        guard let fieldValue = table[field] else { continue }
        switch field {
        case "fg", "bg":
          guard let color = parseColor(fieldValue, palette: palette) else {
            throw error(
              "\"\(key)\": unknown colour \(describe(fieldValue)) for \(field)", key: key)
          }
          if field == "fg" { spec.foreground = color } else { spec.background = color }
        case "modifiers":
          guard let array = fieldValue.array else {
            throw error("\"\(key)\": modifiers must be a list of names", key: key)
          }
          var attributes: TextAttributes = []
          for item in array {
            guard let name = item.string,
              let attribute = TextAttributes.names.first(where: { $0.0 == name })?.1
            else {
              let known = TextAttributes.names.map(\.0).joined(separator: ", ")
              throw error(
                "\"\(key)\": unknown modifier \(describe(item)) (known: \(known))", key: key)
            }
            attributes.insert(attribute)
          }
          spec.attributes = attributes
        default:
          var hint = "expected fg, bg, modifiers"
          if StyleRole(rawValue: key + "." + field) != nil {
            hint = "quote dotted role names: \"\(key).\(field)\" = { … }"
          }
          throw error("\"\(key)\": unknown field \"\(field)\" (\(hint))", key: key)
        }
      }
      return spec
    }

    func parseColor(_ value: TOMLValueConvertible, palette: [String: Color]) -> Color? {
      if let index = value.int {
        guard (0...255).contains(index) else { return nil }
        return .indexed(UInt8(index))
      }
      guard let text = value.string else { return nil }
      if let named = palette[text] { return named }
      if text.hasPrefix("#") && text.count != 7 { return nil }
      return Color(parsing: text)
    }

    func describe(_ value: TOMLValueConvertible) -> String {
      if let string = value.string { return "\"\(string)\"" }
      return value.debugDescription
    }
  }
}

/// The 1-based line where `key` is assigned inside `[table]` (or at the top level when `table`
/// is nil), found by scanning the text because TOMLKit gives no positions for valid keys.
func lineNumber(ofKey key: String, inTable table: String?, text: String) -> Int? {
  var currentTable: String? = nil
  var number = 0
  for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
    number += 1
    let line = rawLine.drop(while: { $0 == " " || $0 == "\t" })
    if line.hasPrefix("[") {
      let name = line.dropFirst().prefix(while: { $0 != "]" })
        .trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
      currentTable = name
      continue
    }
    guard currentTable == table else { continue }
    for candidate in [key, "\"\(key)\"", "'\(key)'"] where line.hasPrefix(candidate) {
      let rest = line.dropFirst(candidate.count).drop(while: { $0 == " " || $0 == "\t" })
      if rest.hasPrefix("=") || (rest.hasPrefix(".") && candidate == key) { return number }
    }
  }
  return nil
}
