// A bordered rectangle with an optional title in its top border.

/// The line style of a box border.
///
/// `.dotted` uses light triple-dash lines (`┄` `┆`) with the ordinary light corners, so a
/// dotted box lines up with a solid one beside it; private tiles use it. `.heavy` and `.double`
/// suit a focused pane. On a terminal without UTF-8 every style falls back to ASCII (`+-|`),
/// `.dotted` to `+` corners with `.` and `:` lines.
public enum BorderStyle: Sendable, CaseIterable {
  case solid
  case dotted
  case heavy
  case double
  case rounded

  /// The eight glyphs for this style: horizontal, vertical, then the corners clockwise from
  /// top-left.
  public func glyphs(unicode: Bool = true) -> BoxGlyphs {
    guard unicode else {
      return self == .dotted
        ? BoxGlyphs(characters: ".:++++") : BoxGlyphs(characters: "-|++++")
    }
    switch self {
    case .solid: return BoxGlyphs(characters: "─│┌┐┘└")
    case .dotted: return BoxGlyphs(characters: "┄┆┌┐┘└")
    case .heavy: return BoxGlyphs(characters: "━┃┏┓┛┗")
    case .double: return BoxGlyphs(characters: "═║╔╗╝╚")
    case .rounded: return BoxGlyphs(characters: "─│╭╮╯╰")
    }
  }
}

/// The characters a border is drawn with (all one column wide).
public struct BoxGlyphs: Hashable, Sendable {
  public var horizontal: Character
  public var vertical: Character
  public var topLeft: Character
  public var topRight: Character
  public var bottomRight: Character
  public var bottomLeft: Character

  /// Six characters in the order horizontal, vertical, ┌ ┐ ┘ └.
  init(characters: String) {
    let glyphs = Array(characters)
    horizontal = glyphs[0]
    vertical = glyphs[1]
    topLeft = glyphs[2]
    topRight = glyphs[3]
    bottomRight = glyphs[4]
    bottomLeft = glyphs[5]
  }
}

/// Draws a border around a rectangle, immediate mode.
///
/// The title sits in the top border after `┌─` with a space either side, truncated with `…`
/// by display width so a wide title never pushes the corner out.
public struct Box: Sendable {
  public var rect: Rect
  public var border: BorderStyle
  public var role: StyleRole
  public var title: String?
  /// Role of the title text; the border role when nil.
  public var titleRole: StyleRole?
  /// Text at the right end of the top border (a label such as "private").
  public var label: String?
  public var labelRole: StyleRole?
  /// False on terminals without UTF-8: draw with ASCII.
  public var unicode: Bool

  public init(
    _ rect: Rect, border: BorderStyle = .solid, role: StyleRole = .border, title: String? = nil,
    titleRole: StyleRole? = nil, label: String? = nil, labelRole: StyleRole? = nil,
    unicode: Bool = true
  ) {
    self.rect = rect
    self.border = border
    self.role = role
    self.title = title
    self.titleRole = titleRole
    self.label = label
    self.labelRole = labelRole
    self.unicode = unicode
  }

  /// The area inside the border.
  public var interior: Rect { rect.inset(by: 1) }

  /// Draws the border (not the interior) and returns ``interior``.
  @discardableResult
  public func draw(into buffer: inout ScreenBuffer) -> Rect {
    guard rect.width >= 2, rect.height >= 2 else { return interior }
    let glyphs = border.glyphs(unicode: unicode)
    let horizontal = String(repeating: glyphs.horizontal, count: rect.width - 2)
    let top = rect.y
    let bottom = rect.maxY - 1
    buffer.put(String(glyphs.topLeft) + horizontal + String(glyphs.topRight),
               x: rect.x, y: top, role: role)
    buffer.put(String(glyphs.bottomLeft) + horizontal + String(glyphs.bottomRight),
               x: rect.x, y: bottom, role: role)
    for row in (top + 1)..<bottom {
      buffer.put(String(glyphs.vertical), x: rect.x, y: row, role: role)
      buffer.put(String(glyphs.vertical), x: rect.maxX - 1, y: row, role: role)
    }
    // Room between the corners, leaving one border glyph after ┌ and before ┐.
    var available = rect.width - 4
    var labelWidth = 0
    if let label, !label.isEmpty, available >= 3 {
      let text = " " + TextLayout.truncate(label, toWidth: max(1, available / 2 - 2)) + " "
      labelWidth = text.displayWidth
      buffer.put(text, x: rect.maxX - 2 - labelWidth, y: top, role: labelRole ?? role)
      available -= labelWidth + 1
    }
    if let title, !title.isEmpty, available >= 3 {
      let text = " " + TextLayout.truncate(title, toWidth: available - 2) + " "
      buffer.put(text, x: rect.x + 2, y: top, role: titleRole ?? role)
    }
    return interior
  }

  /// Marks on the bottom border how many lines of scrolled content are out of view above
  /// and below ("↑3 ↓12 more"); nothing when all are in view.
  public func drawScrollMarks(into buffer: inout ScreenBuffer, above: Int, below: Int) {
    guard above > 0 || below > 0, rect.width >= 6, rect.height >= 2 else { return }
    let marks = (above > 0 ? "↑\(above.groupedDigits)" : "")
      + (above > 0 && below > 0 ? " " : "") + (below > 0 ? "↓\(below.groupedDigits) more" : "")
    let text = " " + TextLayout.truncate(marks, toWidth: rect.width - 6) + " "
    buffer.put(text, x: rect.maxX - 2 - text.displayWidth, y: rect.maxY - 1, role: role)
  }
}
