/// The closed set of names a screen may style text with; themes map each to a ``Style``.
///
/// Screens never pick colours: they tag cells with a role and the theme decides (aerc's style
/// names). Dotted names form a hierarchy used for fallback: a theme that does not define
/// `tile.private.border` uses `tile.private`, then `tile`, then `normal` (helix's scopes).
/// Each role also has a one-character ``snapshotLetter`` for style-map snapshots.
public enum StyleRole: String, CaseIterable, Sendable, Hashable {
  /// Plain text and the screen background.
  case normal
  /// De-emphasised text (hints, timestamps).
  case dim
  /// Screen and pane titles.
  case header
  /// The status line at the bottom.
  case status
  /// A key name inside the status line's hints.
  case statusKey = "status.key"
  /// A transient informational message.
  case notice
  /// An error message.
  case error
  /// The selected row or item.
  case selection
  /// Pane borders.
  case border
  /// The border of the pane holding the focus.
  case borderFocused = "border.focused"
  /// A group header in a list (record type, date).
  case listGroup = "list.group"
  /// An ordinary list row.
  case listItem = "list.item"
  /// A count or trailing figure in a list row.
  case listCount = "list.count"
  /// A timeline tile (base of every `tile.*` role).
  case tile
  /// A tile shared with the team.
  case tileTracked = "tile.tracked"
  /// The border of a shared tile.
  case tileTrackedBorder = "tile.tracked.border"
  /// A tile only the user can see (from their own mailbox).
  case tilePrivate = "tile.private"
  /// The border of a private tile.
  case tilePrivateBorder = "tile.private.border"
  /// The "private" label on a private tile.
  case tilePrivateLabel = "tile.private.label"
  /// A tile whose tracking is in progress.
  case tilePending = "tile.pending"
  /// A tile whose tracking failed.
  case tileFailed = "tile.failed"
  /// The border of the selected tile.
  case tileSelectedBorder = "tile.selected.border"
  /// The expanded body text of a tile.
  case tileBody = "tile.body"
  /// Secondary tile text: date, sender, direction.
  case tileMeta = "tile.meta"
  /// A key name in the help overlay.
  case helpKey = "help.key"
  /// A description in the help overlay.
  case helpText = "help.text"
  /// A setting's name on the settings screen.
  case settingsKey = "settings.key"
  /// A setting's current value on the settings screen.
  case settingsValue = "settings.value"
  /// The filter / search input line.
  case filter
  /// Text inside an overlay (help, confirmation).
  case overlay
  /// The border of an overlay.
  case overlayBorder = "overlay.border"

  /// Names roles had before every name followed the dotted scheme, still read in themes
  /// written then.
  static let formerNames: [String: StyleRole] = ["statusKey": .statusKey]

  /// The role this one falls back to when a theme leaves it undefined; nil for `normal`.
  ///
  /// Dotted names drop their last component (`tile.private.border` → `tile.private`); the
  /// top-level roles fall back to `normal`.
  public var parent: StyleRole? {
    if self == .normal { return nil }
    var name = rawValue
    while let dot = name.lastIndex(of: ".") {
      name = String(name[..<dot])
      if let role = StyleRole(rawValue: name) { return role }
    }
    return .normal
  }

  /// This role and its ancestors, nearest first, ending with `normal`.
  public var fallbackChain: [StyleRole] {
    var chain = [self]
    while let next = chain[chain.count - 1].parent { chain.append(next) }
    return chain
  }

  /// The single character that stands for this role in a style-map snapshot.
  public var snapshotLetter: Character {
    switch self {
    case .normal: "."
    case .dim: "d"
    case .header: "H"
    case .status: "s"
    case .statusKey: "k"
    case .notice: "n"
    case .error: "E"
    case .selection: "S"
    case .border: "b"
    case .borderFocused: "B"
    case .listGroup: "g"
    case .listItem: "i"
    case .listCount: "c"
    case .tile: "t"
    case .tileTracked: "T"
    case .tileTrackedBorder: "U"
    case .tilePrivate: "p"
    case .tilePrivateBorder: "q"
    case .tilePrivateLabel: "l"
    case .tilePending: "w"
    case .tileFailed: "F"
    case .tileSelectedBorder: "X"
    case .tileBody: "y"
    case .tileMeta: "m"
    case .helpKey: "K"
    case .helpText: "h"
    case .settingsKey: "a"
    case .settingsValue: "v"
    case .filter: "f"
    case .overlay: "o"
    case .overlayBorder: "O"
    }
  }
}
