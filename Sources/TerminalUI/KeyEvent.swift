// Key presses, and the `<name>` notation used in key scripts, keymaps and help.

/// One key press (or a terminal resize, which arrives through the same queue).
public enum KeyEvent: Hashable, Sendable {
  /// A printable character, including space and non-ASCII letters.
  case character(Character)
  case enter, escape, tab, backTab, backspace, delete, insert
  case up, down, left, right, home, end, pageUp, pageDown
  /// F1–F12 (and beyond, if the terminal sends them).
  case function(Int)
  /// Control plus a letter `a`–`z` (lowercase), other than those with their own case (Tab is
  /// Ctrl-I, Enter Ctrl-M, Backspace Ctrl-H).
  case ctrl(Character)
  /// Alt (Meta) plus a character, sent by terminals as Esc followed by the character.
  case alt(Character)
  /// The terminal now has this size.
  case resize(TerminalSize)
  /// The terminal has gone (its window closed, the connection dropped): no key will come.
  case hangup

  private static let named: [(String, KeyEvent)] = [
    ("enter", .enter), ("esc", .escape), ("tab", .tab), ("s-tab", .backTab),
    ("bs", .backspace), ("del", .delete), ("ins", .insert), ("up", .up), ("down", .down),
    ("left", .left), ("right", .right), ("home", .home), ("end", .end), ("pgup", .pageUp),
    ("pgdn", .pageDown), ("space", .character(" ")), ("lt", .character("<")),
  ]

  /// The key in script notation: `j`, `<enter>`, `<c-c>`, `<f5>`, `<resize 120x40>`.
  public var notation: String {
    if let name = KeyEvent.named.first(where: { $0.1 == self })?.0 { return "<\(name)>" }
    switch self {
    case .character(let character): return String(character)
    case .function(let number): return "<f\(number)>"
    case .ctrl(let letter): return "<c-\(letter)>"
    case .alt(let character): return "<a-\(character)>"
    case .resize(let size): return "<resize \(size)>"
    case .hangup: return "<hangup>"
    default: return "<?>"
    }
  }

  /// The key as shown to people in help and hints: `j`, `Enter`, `Ctrl-C`, `Shift-Tab`.
  public var displayName: String {
    switch self {
    case .character(" "): return "Space"
    case .character(let character): return String(character)
    case .enter: return "Enter"
    case .escape: return "Esc"
    case .tab: return "Tab"
    case .backTab: return "Shift-Tab"
    case .backspace: return "Backspace"
    case .delete: return "Del"
    case .insert: return "Ins"
    case .up: return "↑"
    case .down: return "↓"
    case .left: return "←"
    case .right: return "→"
    case .home: return "Home"
    case .end: return "End"
    case .pageUp: return "PgUp"
    case .pageDown: return "PgDn"
    case .function(let number): return "F\(number)"
    case .ctrl(let letter): return "Ctrl-\(letter.uppercased())"
    case .alt(let character): return "Alt-\(character)"
    case .resize(let size): return "resize \(size)"
    case .hangup: return "hang-up"
    }
  }

  /// Parses a key script such as `"/Fab<enter><tab>jt<esc>"` into key events.
  ///
  /// Plain characters stand for themselves; `<name>` tokens are `enter esc tab s-tab bs del
  /// ins up down left right home end pgup pgdn space lt`, `<c-x>` (Ctrl), `<a-x>` (Alt),
  /// `<f1>`…`<f24>` and `<resize WxH>`. A `<` that does not start a known token is an error,
  /// so typos in tests fail loudly; write `<lt>` for a literal `<`.
  public static func parseScript(_ script: String) throws -> [KeyEvent] {
    var events: [KeyEvent] = []
    var index = script.startIndex
    while index < script.endIndex {
      let character = script[index]
      guard character == "<" else {
        events.append(character == "\n" ? .enter : .character(character))
        index = script.index(after: index)
        continue
      }
      guard let close = script[index...].firstIndex(of: ">") else {
        throw KeyScriptError(script: script, token: String(script[index...]))
      }
      let token = String(script[script.index(after: index)..<close])
      guard let event = parseToken(token) else {
        throw KeyScriptError(script: script, token: "<\(token)>")
      }
      events.append(event)
      index = script.index(after: close)
    }
    return events
  }

  /// The event for the inside of one `<…>` token, or nil if unknown.
  public static func parseToken(_ token: String) -> KeyEvent? {
    let lower = token.lowercased()
    if let event = named.first(where: { $0.0 == lower })?.1 { return event }
    if lower.hasPrefix("c-"), token.count == 3, let letter = lower.last, letter.isLetter,
      letter.isASCII
    {
      switch letter {
      case "i": return .tab
      case "m", "j": return .enter
      case "h": return .backspace
      case "[": return .escape
      default: return .ctrl(letter)
      }
    }
    if lower.hasPrefix("a-"), token.count == 3, let character = token.last {
      return .alt(character)
    }
    if lower.hasPrefix("f"), let number = Int(lower.dropFirst()), (1...24).contains(number) {
      return .function(number)
    }
    if lower.hasPrefix("resize ") {
      let parts = lower.dropFirst(7).split(separator: "x")
      if parts.count == 2, let width = Int(parts[0]), let height = Int(parts[1]),
        width > 0, height > 0
      {
        return .resize(TerminalSize(width: width, height: height))
      }
    }
    return nil
  }
}

/// A key script with a token that is not a key.
public struct KeyScriptError: Error, CustomStringConvertible, Equatable, Sendable {
  public var script: String
  public var token: String

  public var description: String { "unknown key token \(token) in key script \"\(script)\"" }
}
