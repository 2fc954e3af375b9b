import CaptureCore
import Foundation
import TerminalUI

/// What a frame needs besides the state: the clock, the zone, the terminal's abilities.
public struct RenderContext: Sendable {
  public var now: Date
  public var timeZone: TimeZone
  public var unicode: Bool
  /// Keeps the open message's wrap between frames (nil: wrap it each frame).
  public var wrapMemo: WrapMemo?
  public init(now: Date, timeZone: TimeZone, unicode: Bool = true, wrapMemo: WrapMemo? = nil) {
    self.now = now; self.timeZone = timeZone; self.unicode = unicode; self.wrapMemo = wrapMemo
  }
}

/// The result of drawing a frame: the buffer and the scroll offsets it settled on.
public struct Frame: Sendable {
  public var buffer: ScreenBuffer
  public var recordsOffset: Int
  public var timelineOffset: Int
  /// The expanded body's scroll, clamped to what the body has.
  public var bodyScroll: Int
  /// The help or problems overlay's scroll, clamped likewise.
  public var overlayScroll: Int
}

/// Renders the whole app into a screen buffer, immediate mode: a pure function of the state.
public enum Screens {
  public static let minimumWidth = 60
  public static let minimumHeight = 16

  /// Whether the state's terminal is big enough to draw the app (else a notice says so).
  public static func fits(_ state: AppState) -> Bool {
    state.width >= minimumWidth && state.height >= minimumHeight
  }

  public static func render(_ state: AppState, _ context: RenderContext) -> Frame {
    var buffer = ScreenBuffer(width: max(1, state.width), height: max(1, state.height))
    guard fits(state) else {
      drawTooSmall(&buffer, state)
      return Frame(buffer: buffer, recordsOffset: state.recordsOffset,
                   timelineOffset: state.timelineOffset, bodyScroll: state.bodyScroll,
                   overlayScroll: state.overlayScroll)
    }
    drawHeader(&buffer, state)
    let layout = Layout(state)
    let recordsOffset = drawRecords(&buffer, state, in: layout.records, context)
    let openLines = openTileLines(state, layout, context)
    let timelineOffset = drawTimeline(&buffer, state, layout, openLines, context)
    drawStatus(&buffer, state)
    var overlayScroll = 0
    switch state.overlay {
    case .help?: overlayScroll = drawHelp(&buffer, state, context)
    case .settings?: drawSettings(&buffer, state, context)
    case .problems?: overlayScroll = drawProblems(&buffer, state, context)
    case .why?: overlayScroll = drawWhy(&buffer, state, context)
    case .confirm?: drawConfirmation(&buffer, state, context)
    case nil: break
    }
    return Frame(buffer: buffer, recordsOffset: recordsOffset, timelineOffset: timelineOffset,
                 bodyScroll: clampedBodyScroll(state, layout, openLines: openLines.count),
                 overlayScroll: overlayScroll)
  }

  /// Where the main view's parts go, from the state alone: drawing uses it, and so does the
  /// reducer, to page an open tile's body by exactly the rows it shows.
  struct Layout {
    /// The records pane and the timeline pane, borders included.
    var records: Rect
    var timeline: Rect
    /// Where tiles go: the timeline pane inside its border, below the notice lines and the
    /// line on files that could not be read.
    var tiles: Rect

    init(_ state: AppState) {
      let body = Rect(x: 0, y: 1, width: state.width, height: state.height - 2)
      // A third of the width (26 columns at 80), up to 56 on a wide terminal: record names
      // are cut less, and the timeline keeps the larger share.
      let leftWidth = max(24, min(56, state.width / 3))
      records = Rect(x: body.x, y: body.y, width: leftWidth, height: body.height)
      timeline = Rect(x: leftWidth, y: body.y, width: body.width - leftWidth,
                      height: body.height)
      let inner = timeline.inset(by: 1)
      let above = Screens.noticeLines(state, width: inner.width).count
        + (state.problems.isEmpty ? 0 : 1)
      tiles = Rect(x: inner.x, y: inner.y + above, width: inner.width,
                   height: max(0, inner.height - above))
      let open = state.items.first { $0.id == state.expandedItem }.map {
        Tile(item: $0, isSelected: false, isExpanded: true, body: nil, bodyScroll: 0,
             now: Date(), timeZone: .gmt, unicode: true,
             canTrack: state.permissions.trackRefusal == nil)
      }
      openTileHeader = open?.collapsedHeight ?? 5
      overlayRows = Screens.overlayRect(state, width: state.width, height: state.height).height - 2
      compact = state.compactTimeline
    }

    /// The rows of the open tile other than its body: borders, subject, meta, status.
    var openTileHeader: Int

    /// How far PgDn/PgUp move in the records pane: the rows inside its border.
    var recordsPage: Int { max(1, records.height - 2) }
    /// How far PgDn/PgUp move in the timeline: the tiles that fit (a closed tile takes five
    /// rows with its borders).
    var tilesPage: Int { max(1, compact ? tiles.height : tiles.height / 5) }
    /// The compact view: one row an item.
    var compact: Bool
    /// How far PgDn/PgUp move in an overlay: the most rows one can show.
    var overlayPage: Int { max(1, overlayRows) }
    /// The rows inside an overlay's border at most.
    var overlayRows: Int

    /// The rows an open tile gives its body (From/To lines and text): what the pane has
    /// left once the tile's other rows are placed; the rest scrolls.
    var bodyRows: Int { max(3, tiles.height - openTileHeader) }
    /// The width the open tile wraps its body to.
    var bodyWidth: Int { max(1, tiles.width - 4) }
  }

  /// The timeline's notice (why items are withheld), wrapped, at most two lines.
  static func noticeLines(_ state: AppState, width: Int) -> [String] {
    guard case .loaded(let timeline) = state.timeline, let notice = timeline.notice else {
      return []
    }
    return Array(TextLayout.wrap("ⓘ " + notice, width: max(1, width - 1)).prefix(2))
  }

  /// The open tile's text wrapped to the body's width, once a frame (empty: none is open).
  static func openTileLines(_ state: AppState, _ layout: Layout, _ context: RenderContext)
    -> [String] {
    guard let id = state.expandedItem,
          let item = state.items.first(where: { $0.id == id }) else { return [] }
    let tile = Tile(item: item, isSelected: false, isExpanded: true, body: state.bodies[id],
                    bodyScroll: 0, now: context.now, timeZone: context.timeZone,
                    unicode: context.unicode)
    return tile.openText(width: layout.bodyWidth, memo: context.wrapMemo)
  }

  /// The body scroll the expanded tile can use: at most its lines less those shown, so
  /// paging back up after overshooting answers at once.
  static func clampedBodyScroll(_ state: AppState, _ layout: Layout, openLines lines: Int)
    -> Int {
    let shown = min(layout.bodyRows, lines)
    return min(max(0, state.bodyScroll), max(0, lines - shown))
  }

  static func drawTooSmall(_ buffer: inout ScreenBuffer, _ state: AppState) {
    let lines = ["Terminal too small: \(state.width)×\(state.height)",
                 "AutoCapture needs at least \(minimumWidth)×\(minimumHeight).",
                 "Enlarge the window, or press q to quit."]
    for (n, line) in lines.enumerated() {
      let y = max(0, state.height / 2 - 1) + n
      let x = max(0, (state.width - line.displayWidth) / 2)
      buffer.put(line, x: x, y: y, role: n == 0 ? .error : .normal, maxWidth: state.width - x)
    }
  }

  static func drawHeader(_ buffer: inout ScreenBuffer, _ state: AppState) {
    buffer.fill(Rect(x: 0, y: 0, width: state.width, height: 1), role: .header)
    var title = " AutoCapture"
    // While a move's record is picked, the timeline (and so the header) is the origin's.
    if let record = state.moving?.from ?? state.currentRecord {
      title += " │ \(record.name) · \(typeLabel(record))"
    }
    let user = "\(state.user.name) (\(state.user.id)) "
    let room = state.width - user.displayWidth - 1
    buffer.put(TextLayout.truncate(title, toWidth: max(0, room)), x: 0, y: 0, role: .header)
    if room > 10 { buffer.put(user, x: state.width - user.displayWidth, y: 0, role: .header) }
  }

  static func typeLabel(_ record: RecordSummary) -> String {
    if let display = record.typeDisplayName { return display }
    switch record.ref.type {
    case .account: return "Account"
    case .contact: return "Contact"
    case .opportunity: return "Opportunity"
    case .lead: return "Lead"
    case .case: return "Case"
    case .custom(let name): return name
    }
  }

  static func groupLabel(_ record: RecordSummary) -> String {
    switch record.ref.type {
    case .account: return "Accounts"
    case .contact: return "Contacts"
    case .opportunity: return "Opportunities"
    case .lead: return "Leads"
    case .case: return "Cases"
    case .custom(let name): return record.typeDisplayName ?? name
    }
  }

  static func drawRecords(_ buffer: inout ScreenBuffer, _ state: AppState, in rect: Rect,
                          _ context: RenderContext) -> Int {
    let focused = state.focus == .records && state.overlay == nil
    let box = Box(rect, border: .solid, role: focused ? .borderFocused : .border,
                  title: state.moving == nil ? "Records" : "Move to a record",
                  unicode: context.unicode)
    var inner = box.draw(into: &buffer)
    buffer.fill(inner, role: .normal)
    if state.isEditingFilter || !state.filter.isEmpty {
      let cursor = state.isEditingFilter ? "▏" : ""
      buffer.put("/" + state.filter + cursor, x: inner.x, y: inner.y, role: .filter,
                 maxWidth: inner.width)
      inner = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
    }
    let visible = state.visibleRecords
    if visible.isEmpty {
      let text = state.allRecords.isEmpty ? "No records: import a CRM file" : "No match"
      buffer.put(" " + text, x: inner.x, y: inner.y, role: .dim, maxWidth: inner.width)
      return 0
    }
    // Group k's header is row groups[k].lowerBound + k; its records follow it.
    let groups = state.visibleGroups
    @Sendable func group(ofRow row: Int) -> Int {
      var low = 0, high = groups.count - 1
      while low < high {
        let mid = (low + high + 1) / 2
        if groups[mid].lowerBound + mid <= row { low = mid } else { high = mid - 1 }
      }
      return low
    }
    let rowCount = visible.count + groups.count
    var selectedRow: Int?
    if visible.indices.contains(state.selectedRecord) {
      let k = groups.lastIndex { $0.lowerBound <= state.selectedRecord } ?? 0
      selectedRow = state.selectedRecord + k + 1
    }
    let list = ListView(count: rowCount, selection: selectedRow, offset: state.recordsOffset) {
      row in
      let k = group(ofRow: row)
      let first = groups[k].lowerBound
      if row == first + k { return .group(groupLabel(visible[first]), count: groups[k].count) }
      return .item(visible[row - k - 1].name)
    }
    let first = list.draw(into: &buffer, in: inner)
    box.drawScrollMarks(into: &buffer, above: first, below: rowCount - first - inner.height)
    return first
  }

  static func drawTimeline(_ buffer: inout ScreenBuffer, _ state: AppState, _ layout: Layout,
                           _ openLines: [String], _ context: RenderContext) -> Int {
    let focused = state.focus == .timeline && state.overlay == nil
    var title = "Timeline"
    if case .loaded(let t) = state.timeline {
      title += " · \(t.items.count.groupedDigits) item\(t.items.count == 1 ? "" : "s")"
      if t.hasMoreEmails {
        // "50 newest of 312": the mailbox holds more; `+` shows more.
        title += " · \(t.emailsShown.groupedDigits) newest of "
          + "\(t.emailsMatched.groupedDigits)\(t.emailsMatchedIsLowerBound ? "+" : "")"
      }
    }
    let box = Box(layout.timeline, border: .solid, role: focused ? .borderFocused : .border,
                  title: title, unicode: context.unicode)
    let inner = box.draw(into: &buffer)
    buffer.fill(inner, role: .normal)
    switch state.timeline {
    case .empty:
      buffer.put(" Select a record", x: inner.x, y: inner.y, role: .dim, maxWidth: inner.width)
      return 0
    case .loading:
      var text = "Loading…"
      if let p = state.indexing, p.total > 0 {
        text = "Indexing your mailbox: \(p.done.groupedDigits) of \(p.total.groupedDigits) "
          + "new messages…"
      }
      TextBlock(text, role: .dim).draw(
        into: &buffer, in: Rect(x: inner.x + 1, y: inner.y, width: max(0, inner.width - 1),
                                height: inner.height))
      return 0
    case .failed(_, let message):
      TextBlock("Could not load the timeline: \(message)", role: .error)
        .draw(into: &buffer, in: inner)
      return 0
    case .loaded(let timeline):
      var y = inner.y
      for line in noticeLines(state, width: inner.width) {
        buffer.put(" " + line, x: inner.x, y: y, role: .notice, maxWidth: inner.width)
        y += 1
      }
      if let first = timeline.problems.first {
        // Unreadable mail or calendar files: said here rather than by a silently short list,
        // in one line; `!` lists them all.
        let count = timeline.problems.count
        let more = count > 1 ? " (+\(count - 1) more, ! lists them)" : " (! shows it)"
        let room = inner.width - 1 - more.displayWidth
        let text = room >= 12 ? TextLayout.truncate("⚠ " + first, toWidth: room) + more
          : "⚠ \(count) unreadable, ! lists"
        buffer.put(" " + text, x: inner.x, y: y, role: .error, maxWidth: inner.width)
      }
      // Below those lines, as Layout places them for the reducer too.
      let tiles = layout.tiles
      if timeline.items.isEmpty {
        buffer.put(" No activities or related mail", x: tiles.x, y: tiles.y, role: .dim,
                   maxWidth: tiles.width)
        return 0
      }
      let shown = drawTiles(&buffer, state, timeline.items, layout, openLines, context)
      box.drawScrollMarks(into: &buffer, above: shown.lowerBound,
                          below: timeline.items.count - shown.upperBound)
      return shown.lowerBound
    }
  }

  /// Lays tiles out top to bottom from an offset that keeps the selected tile in view;
  /// returns the indices of the tiles drawn.
  static func drawTiles(_ buffer: inout ScreenBuffer, _ state: AppState, _ items: [TimelineItem],
                        _ layout: Layout, _ openLines: [String], _ context: RenderContext)
    -> Range<Int> {
    let rect = layout.tiles
    let selected = min(state.selectedItem, items.count - 1)
    let tiles = items.enumerated().map { n, item in
      Tile(item: item, isSelected: n == selected && state.focus == .timeline,
           isExpanded: state.expandedItem == item.id, body: state.bodies[item.id],
           bodyScroll: state.bodyScroll, now: context.now, timeZone: context.timeZone,
           unicode: context.unicode, canTrack: state.permissions.trackRefusal == nil,
           openLines: state.expandedItem == item.id ? openLines : [],
           isCompact: state.compactTimeline, isMarked: state.markedItems.contains(item.id))
    }
    // An expanded tile takes the room left once its own header rows are placed.
    let maxBody = layout.bodyRows
    let heights = tiles.map { min(rect.height, $0.height(maxBody: maxBody)) }
    var offset = min(max(0, state.timelineOffset), selected)
    func fits(_ range: ClosedRange<Int>) -> Bool {
      heights[range].reduce(0, +) <= rect.height
    }
    while offset < selected && !fits(offset...selected) { offset += 1 }
    // Room left below the last tile (one collapsed or gone): bring earlier tiles back.
    while offset > 0 && fits((offset - 1)...(tiles.count - 1)) { offset -= 1 }
    var y = rect.y
    var n = offset
    while n < tiles.count && y < rect.maxY {
      let h = min(heights[n], rect.maxY - y)
      // A bordered tile needs three rows to show anything; a compact line needs one.
      if h < min(3, heights[n]) { break }
      tiles[n].draw(into: &buffer, in: Rect(x: rect.x, y: y, width: rect.width, height: h))
      y += h
      n += 1
    }
    return offset..<n
  }

  /// The status line: the transient message, then the key hints. A timeline's notice is not
  /// repeated here: the pane shows it, and here it held the hints for as long as it lasted.
  static func drawStatus(_ buffer: inout ScreenBuffer, _ state: AppState) {
    let role: StyleRole
    switch state.message?.severity {
    case .error?: role = .error
    case .warning?: role = .notice
    case .info?, nil: role = .status
    }
    StatusLine(hints: Keymap.hints(for: state), message: state.message?.text, messageRole: role)
      .draw(into: &buffer, y: state.height - 1, width: state.width)
  }

  static func overlayRect(_ state: AppState, width: Int, height: Int) -> Rect {
    let w = min(state.width - 4, width), h = min(state.height - 2, height)
    return Rect(x: (state.width - w) / 2, y: (state.height - h) / 2, width: w, height: h)
  }

  /// The help overlay: every key, in two columns of sections where they fit side by side
  /// (80×24 shows all of them), else one; what does not fit scrolls (j/k, PgDn/PgUp).
  /// Returns the scroll used.
  static func drawHelp(_ buffer: inout ScreenBuffer, _ state: AppState,
                       _ context: RenderContext) -> Int {
    let sections = Keymap.helpSections
    func rows(_ list: ArraySlice<(title: String, bindings: [KeyBinding])>) -> [(String, String)] {
      var out: [(String, String)] = []
      for section in list {
        if !out.isEmpty { out.append(("", "")) }
        out.append((section.title, ""))
        out += section.bindings.map { ($0.keyNames, $0.help) }
      }
      return out
    }
    // Two columns only where every line fits whole in one (80 columns and wider).
    let innerWidth = min(state.width - 4, 78) - 2
    func helpWidth(columns: Int) -> Int {
      let column = innerWidth / columns
      return column - min(13, column * 2 / 5) - 3
    }
    let longest = sections.flatMap(\.bindings).map(\.help.displayWidth).max() ?? 0
    // The movement, settings and filtering sections on the left, the panes and Anywhere on
    // the right.
    let split = 3
    let columns = helpWidth(columns: 2) >= longest
      ? [rows(sections.prefix(split)), rows(sections.dropFirst(split))]
      : [rows(sections[...])]
    let count = columns.map(\.count).max() ?? 0
    let rect = overlayRect(state, width: 78, height: count + 2)
    let box = Box(rect, border: .double, role: .overlayBorder, title: "Help · Esc closes",
                  unicode: context.unicode)
    let inner = box.draw(into: &buffer)
    buffer.fill(inner, role: .overlay)
    let columnWidth = inner.width / columns.count
    let keyWidth = min(13, columnWidth * 2 / 5)
    return drawScrolled(&buffer, lines: count, state.overlayScroll, in: inner, box) {
      buffer, n, y in
      for (c, column) in columns.enumerated() where column.indices.contains(n) {
        let x = inner.x + c * columnWidth + 1
        let (key, help) = column[n]
        if help.isEmpty {
          buffer.put(key, x: x, y: y, role: .header, maxWidth: columnWidth - 1)
        } else {
          buffer.put(key, x: x + 1, y: y, role: .helpKey, maxWidth: keyWidth)
          buffer.put(help, x: x + keyWidth + 2, y: y, role: .helpText,
                     maxWidth: columnWidth - keyWidth - 3)
        }
      }
    }
  }

  /// The files the timeline could not read, each in full, wrapped; scrolls like help.
  /// Returns the scroll used.
  static func drawProblems(_ buffer: inout ScreenBuffer, _ state: AppState,
                           _ context: RenderContext) -> Int {
    let count = state.problems.count
    return drawBulletedOverlay(
      &buffer, state, context, state.problems, bulletFirst: true,
      title: "\(count) problem\(count == 1 ? "" : "s") reading files · Esc closes")
  }

  /// Why the selected tile is on the timeline (`w`): `CaptureExplanation.lines`, wrapped;
  /// scrolls like help. Returns the scroll used.
  static func drawWhy(_ buffer: inout ScreenBuffer, _ state: AppState,
                      _ context: RenderContext) -> Int {
    drawBulletedOverlay(
      &buffer, state, context,
      state.explanation ?? ["Looking through your mailbox and calendar…"], bulletFirst: false,
      title: "Why is this here? · Esc closes")
  }

  /// An overlay of paragraphs, each wrapped and marked "• " (the first too when
  /// `bulletFirst`, else it stands as a heading), scrolled by `overlayScroll`. Returns the
  /// scroll used.
  private static func drawBulletedOverlay(_ buffer: inout ScreenBuffer, _ state: AppState,
                                          _ context: RenderContext, _ paragraphs: [String],
                                          bulletFirst: Bool, title: String) -> Int {
    let width = min(state.width - 4, 100)
    var lines: [String] = []
    for (n, text) in paragraphs.enumerated() {
      let wrapped = TextLayout.wrap(text, width: max(1, width - 6))
      let bullet = bulletFirst || n > 0
      lines += wrapped.enumerated().map { ($0.offset == 0 && bullet ? "• " : "  ") + $0.element }
    }
    let rect = overlayRect(state, width: width, height: lines.count + 2)
    let box = Box(rect, border: .double, role: .overlayBorder, title: title,
                  unicode: context.unicode)
    let inner = box.draw(into: &buffer)
    buffer.fill(inner, role: .overlay)
    return drawScrolled(&buffer, lines: lines.count, state.overlayScroll, in: inner, box) {
      buffer, n, y in
      buffer.put(" " + lines[n], x: inner.x, y: y, role: .overlay, maxWidth: inner.width)
    }
  }

  /// The y/n question of an untrack or move, wrapped, with the keys that answer it.
  static func drawConfirmation(_ buffer: inout ScreenBuffer, _ state: AppState,
                               _ context: RenderContext) {
    guard let confirmation = state.confirmation else { return }
    let width = min(state.width - 4, 64)
    let lines = TextLayout.wrap(confirmation.question, width: max(1, width - 4)) + ["",
      "y: yes · n or Esc: no"]
    let rect = overlayRect(state, width: width, height: lines.count + 2)
    let inner = Box(rect, border: .double, role: .overlayBorder, title: "Confirm",
                    unicode: context.unicode).draw(into: &buffer)
    buffer.fill(inner, role: .overlay)
    for (n, line) in lines.enumerated() where n < inner.height {
      buffer.put(" " + line, x: inner.x, y: inner.y + n,
                 role: n == lines.count - 1 ? .helpKey : .overlay, maxWidth: inner.width)
    }
  }

  /// Draws lines `scroll...` of `lines` into `inner` with `drawLine(buffer, line, y)`, marks
  /// on `box`'s bottom border how many are above and below, and returns the scroll used,
  /// clamped so the last line is at the bottom at most.
  static func drawScrolled(_ buffer: inout ScreenBuffer, lines: Int, _ scroll: Int,
                           in inner: Rect, _ box: Box,
                           _ drawLine: (inout ScreenBuffer, Int, Int) -> Void) -> Int {
    let first = min(max(0, scroll), max(0, lines - inner.height))
    for row in 0..<max(0, min(inner.height, lines - first)) {
      drawLine(&buffer, first + row, inner.y + row)
    }
    box.drawScrollMarks(into: &buffer, above: first, below: lines - first - inner.height)
    return first
  }

  static func drawSettings(_ buffer: inout ScreenBuffer, _ state: AppState,
                           _ context: RenderContext) {
    let p = state.permissions
    let mailbox = state.user.mailbox
    var lines: [(String, StyleRole)] = []
    let option = "Show email not tracked in the Activities list"
    if p.personalOptionOffered {
      lines.append(("\(state.settingsRow == 0 ? "▸ " : "")\(option): "
        + "\(state.user.showUntracked ? "[Yes]" : "[No]")", .settingsValue))
      let replies = "Track replies to tracked email automatically"
      lines.append(("\(state.settingsRow == 1 ? "▸ " : "")\(replies): "
        + "\(state.tracksReplies ? "[Yes]" : "[No]")", .settingsValue))
      lines.append(("  Space or Enter toggles; saved at once.", .dim))
    } else {
      lines.append(("\(option): not offered.", .settingsKey))
      lines.append(("  Auto capture is turned off for your organization.", .notice))
    }
    lines.append(("", .normal))
    var method = "Mailbox sync method: \(mailbox.syncMethod.displayName)"
    if mailbox.syncMethod == .serverSideSync {
      method += " (\(mailbox.approved ? "approved" : "not approved"), "
        + "\(mailbox.testEnabled ? "test enabled" : "test not run"))"
    }
    lines.append((method, .settingsKey))
    let bySync = CapturePermissions.allowedBySyncMethod(mailbox)
    var allows = "This sync method allows: \(bySync.summary)"
    if let why = bySync.trackRefusal, bySync.viewRefusal == nil { allows += " (\(why))" }
    lines.append((allows, .settingsKey))
    if let why = p.viewRefusal {
      lines.append(("Now: " + why, .notice))
    }
    // The user's own exclusions, a row each (j/k), then the organization's, read only.
    lines.append(("", .normal))
    lines.append(("Your excluded addresses (no item matches a record through them):",
                  .settingsKey))
    let excluded = state.user.excludedAddresses
    if excluded.isEmpty { lines.append(("  none", .dim)) }
    for (n, exclusion) in excluded.enumerated() {
      let selected = state.settingsRow == n + AppState.firstExclusionRow
      lines.append(((selected ? "▸ " : "  ") + exclusion.text,
                    selected ? .settingsValue : .settingsKey))
    }
    if let typed = state.exclusionInput {
      lines.append(("  Exclude: \(typed)_", .filter))
      lines.append(("  An address, or @domain for a whole domain; Enter saves.", .dim))
    } else {
      lines.append(("  a adds, d removes; saved at once.", .dim))
    }
    if !state.organizationExclusions.isEmpty {
      lines.append(("Excluded by your organization: "
        + state.organizationExclusions.map(\.text).joined(separator: ", "), .settingsKey))
    }
    let rect = overlayRect(state, width: 76, height: lines.count + 4)
    let inner = Box(rect, border: .double, role: .overlayBorder, title: "Settings · Esc closes",
                    unicode: context.unicode).draw(into: &buffer)
    buffer.fill(inner, role: .overlay)
    var y = inner.y + 1
    for (text, role) in lines where y < inner.maxY {
      let wrapped = TextLayout.wrap(text, width: inner.width - 2)
      for line in wrapped where y < inner.maxY {
        buffer.put(" " + line, x: inner.x, y: y, role: role, maxWidth: inner.width)
        y += 1
      }
    }
  }
}
