// A scrolling list of rows with group headers and one selected row.

/// One row of a ``ListView``.
public struct ListRow: Hashable, Sendable {
  /// The row's text (truncated to fit).
  public var text: String
  /// Right-aligned text such as a count; dropped first when space is short.
  public var trailing: String?
  public var role: StyleRole
  /// Group headers are not selectable; ``ListView/nextSelectable(from:step:)`` skips them.
  public var isGroupHeader: Bool
  /// Columns to indent the text by.
  public var indent: Int

  public init(
    text: String, trailing: String? = nil, role: StyleRole = .listItem,
    isGroupHeader: Bool = false, indent: Int = 0
  ) {
    self.text = text
    self.trailing = trailing
    self.role = role
    self.isGroupHeader = isGroupHeader
    self.indent = indent
  }

  /// A group header (`list.group`), e.g. "Accounts", with an optional count.
  public static func group(_ title: String, count: Int? = nil) -> ListRow {
    ListRow(
      text: title, trailing: count.map(\.groupedDigits), role: .listGroup, isGroupHeader: true)
  }

  /// An ordinary selectable row, indented under its group.
  public static func item(_ text: String, trailing: String? = nil, indent: Int = 2) -> ListRow {
    ListRow(text: text, trailing: trailing, role: .listItem, indent: indent)
  }
}

/// Immediate-mode list: give it rows, the selected index and the previous scroll offset;
/// it draws the visible slice and tells you the offset to keep for the next frame.
///
/// Rows are asked for by index, so a long list (a CRM's records) makes only the rows drawn.
public struct ListView: Sendable {
  /// How many rows there are.
  public var count: Int
  /// The row at an index in `0..<count`.
  public var row: @Sendable (Int) -> ListRow
  /// Index of the selected row, if any.
  public var selection: Int?
  /// Index of the first visible row.
  public var offset: Int

  public init(count: Int, selection: Int?, offset: Int = 0,
              row: @escaping @Sendable (Int) -> ListRow) {
    self.count = count
    self.row = row
    self.selection = selection
    self.offset = offset
  }

  public init(rows: [ListRow], selection: Int?, offset: Int = 0) {
    self.init(count: rows.count, selection: selection, offset: offset) { rows[$0] }
  }

  /// The scroll offset that keeps `selection` visible in `visibleRows` rows while moving as
  /// little as possible from `offset`; when the row just above the selection is a group
  /// header it is kept in view too.
  public func scrollOffset(visibleRows: Int) -> Int {
    let maxOffset = max(0, count - visibleRows)
    var result = min(max(0, offset), maxOffset)
    guard let selection, visibleRows > 0, (0..<count).contains(selection) else { return result }
    var top = selection
    if selection > 0, row(selection - 1).isGroupHeader, visibleRows > 1 { top = selection - 1 }
    if top < result { result = top }
    if selection >= result + visibleRows { result = selection - visibleRows + 1 }
    return min(max(0, result), maxOffset)
  }

  /// The next selectable (non-header) row from `index` moving by `step` (±1, or a page), or
  /// `index` itself when there is none that way.
  public func nextSelectable(from index: Int, step: Int) -> Int {
    guard count > 0, step != 0 else { return index }
    var candidate = min(max(0, index + step), count - 1)
    let direction = step > 0 ? 1 : -1
    while (0..<count).contains(candidate) && row(candidate).isGroupHeader {
      candidate += direction
    }
    if (0..<count).contains(candidate) { return candidate }
    // Ran off the end: search back the other way for the nearest selectable row.
    candidate = min(max(0, index + step), count - 1)
    while (0..<count).contains(candidate) && row(candidate).isGroupHeader {
      candidate -= direction
    }
    return (0..<count).contains(candidate) ? candidate : index
  }

  /// Draws the visible rows into `rect` and returns the scroll offset used (store it for the
  /// next frame). The selected row is filled across the full width in `selection`.
  @discardableResult
  public func draw(into buffer: inout ScreenBuffer, in rect: Rect) -> Int {
    let start = scrollOffset(visibleRows: rect.height)
    buffer.fill(rect, role: .normal)
    for line in 0..<rect.height {
      let index = start + line
      guard index < count else { break }
      let row = row(index)
      let y = rect.y + line
      let selected = index == selection
      let textRole = selected ? StyleRole.selection : row.role
      if selected {
        buffer.fill(Rect(x: rect.x, y: y, width: rect.width, height: 1), role: .selection)
      }
      var textWidth = rect.width - row.indent
      if let trailing = row.trailing, !trailing.isEmpty {
        let trailingWidth = trailing.displayWidth
        if trailingWidth + 2 <= textWidth / 2 {
          buffer.put(trailing, x: rect.maxX - trailingWidth, y: y,
                     role: selected ? .selection : .listCount)
          textWidth -= trailingWidth + 1
        }
      }
      buffer.put(TextLayout.truncate(row.text, toWidth: textWidth), x: rect.x + row.indent,
                 y: y, role: textRole, maxWidth: textWidth)
    }
    return start
  }
}
