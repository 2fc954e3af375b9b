// Wrapped, vertically scrollable text, and the status line with key hints.

/// A paragraph of text word-wrapped to its rectangle and scrolled by whole lines.
public struct TextBlock: Sendable {
  public var text: String
  public var role: StyleRole
  /// The first visible wrapped line.
  public var scroll: Int
  /// Lines already wrapped to the width the block is drawn at, for a caller that needs them
  /// too: a long text is then wrapped once, not again here.
  private var wrapped: [String]?

  public init(_ text: String, role: StyleRole = .normal, scroll: Int = 0) {
    self.text = text
    self.role = role
    self.scroll = scroll
  }

  /// A block of lines already wrapped to the width it will be drawn at.
  public init(wrapped lines: [String], role: StyleRole = .normal, scroll: Int = 0) {
    self.init("", role: role, scroll: scroll)
    wrapped = lines
  }

  /// The wrapped lines at `width` columns.
  public func lines(width: Int) -> [String] { wrapped ?? TextLayout.wrap(text, width: width) }

  /// Draws the visible lines into `rect` (blanking the rest) and returns the scroll used,
  /// clamped so that the last line is at most at the bottom.
  @discardableResult
  public func draw(into buffer: inout ScreenBuffer, in rect: Rect) -> Int {
    let wrapped = lines(width: rect.width)
    let start = min(max(0, scroll), max(0, wrapped.count - rect.height))
    buffer.fill(rect, role: role)
    for line in 0..<rect.height where start + line < wrapped.count {
      buffer.put(wrapped[start + line], x: rect.x, y: rect.y + line, role: role,
                 maxWidth: rect.width)
    }
    return start
  }
}

/// A key hint for the status line or help: the key's name and what it does.
public struct KeyHint: Hashable, Sendable {
  public var key: String
  public var label: String

  public init(key: String, label: String) {
    self.key = key
    self.label = label
  }
}

/// The one-row status line: an optional message on the left, then key hints (`key label`)
/// as many as fit whole; the rest are dropped and `…` marks the cut.
public struct StatusLine: Sendable {
  public var hints: [KeyHint]
  /// A message shown before the hints (e.g. "Tracked 3 emails").
  public var message: String?
  public var messageRole: StyleRole

  public init(hints: [KeyHint], message: String? = nil, messageRole: StyleRole = .status) {
    self.hints = hints
    self.message = message
    self.messageRole = messageRole
  }

  /// Draws on row `y` across `width` columns from `x`.
  public func draw(into buffer: inout ScreenBuffer, x: Int = 0, y: Int, width: Int) {
    buffer.fill(Rect(x: x, y: y, width: width, height: 1), role: .status)
    var column = x + 1
    let end = x + width
    if let message, !message.isEmpty {
      let text = TextLayout.truncate(message, toWidth: max(0, end - column - 1))
      column = buffer.put(text, x: column, y: y, role: messageRole) + 2
    }
    for (index, hint) in hints.enumerated() {
      let needed = hint.key.displayWidth + 1 + hint.label.displayWidth
      let isLast = index == hints.count - 1
      // Keep room for the "…" marker unless this is the last hint.
      if column + needed + (isLast ? 0 : 2) > end {
        // The previous hint left room for " …" after it.
        buffer.put("…", x: max(x, column - 1), y: y, role: .status, maxWidth: end - column + 1)
        return
      }
      column = buffer.put(hint.key, x: column, y: y, role: .statusKey)
      column = buffer.put(" " + hint.label, x: column, y: y, role: .status) + 2
    }
  }
}
