import CaptureCore
import Foundation
import TerminalUI

/// How one timeline item is drawn: a bordered tile, solid when tracked, dotted and gray
/// when private, with its body below when expanded.
struct Tile {
  var item: TimelineItem
  var isSelected: Bool
  var isExpanded: Bool
  var body: BodyState?
  var bodyScroll: Int
  var now: Date
  var timeZone: TimeZone
  var unicode: Bool
  /// Whether `t` would ask to track: the "[t]" hints are left out when it would not.
  var canTrack = true
  /// The open tile's text wrapped to its body's width (`openText(width:memo:)`), empty when
  /// closed: wrapped once a frame by `Screens`, as a long message takes a while to wrap.
  var openLines: [String] = []

  /// One line instead of a bordered tile (the compact view), unless expanded.
  var isCompact = false
  /// Marked (`m`) to be tracked with the others by the next `t`.
  var isMarked = false

  /// Rows the collapsed tile takes: border, title line, meta line, status line when any;
  /// one in the compact view.
  var collapsedHeight: Int { isCompact && !isExpanded ? 1 : 4 + (statusLine == nil ? 0 : 1) }

  /// The compact view's mark: solid for what the team shares, hollow for private, and the
  /// two tracking states between; ASCII where the terminal cannot show them.
  var compactMark: String {
    switch item.state {
    case .tracked: return unicode ? "●" : "*"
    case .untracked: return unicode ? "○" : "o"
    case .pending: return unicode ? "◐" : "~"
    case .failed: return unicode ? "✗" : "x"
    }
  }

  /// The compact view's line, as a mail index: mark, when, kind, subject, then who.
  func drawCompact(into buffer: inout ScreenBuffer, in rect: Rect) {
    let role: StyleRole = isSelected ? .selection : roles.text
    buffer.fill(Rect(x: rect.x, y: rect.y, width: rect.width, height: 1), role: role)
    let when = item.kind == .appointment && !item.isAllDay
      ? DateText.onCalendar(item.at, now: now, timeZone: timeZone)
      : DateText.relative(item.at, now: now, timeZone: timeZone)
    let kind: String
    switch item.kind {
    case .email: kind = "mail"
    case .appointment: kind = "meet"
    case .phonecall: kind = "call"
    case .task: kind = "task"
    case .note: kind = "note"
    }
    var text = "\(isSelected ? (unicode ? "▸" : ">") : " ")\(compactMark)"
      + (isMarked ? (unicode ? "✓" : "+") : " ")
      + TextLayout.pad(when, toWidth: 9) + " " + kind + " "
      + (item.subject.isEmpty ? "(no subject)" : item.subject)
    if !counterpart.isEmpty { text += (unicode ? " · " : " - ") + counterpart }
    buffer.put(TextLayout.truncate(text, toWidth: rect.width), x: rect.x, y: rect.y,
               role: role, maxWidth: rect.width)
  }

  /// Rows the tile takes in a pane `width` wide: an expanded tile grows to fit its body,
  /// up to `maxBody` rows (the rest scrolls).
  func height(maxBody: Int) -> Int {
    guard isExpanded else { return collapsedHeight }
    return collapsedHeight + max(1, min(maxBody, openLines.count))
  }

  var kindLabel: String { item.kind.displayName }

  /// The label at the right of the top border: privacy and tracking state.
  var stateLabel: String? {
    if !item.trackedElsewhere.isEmpty { return "Tracked elsewhere" }
    switch item.state {
    case .tracked: return nil
    case .untracked where item.capturedAs == .reply: return "Private reply"
    case .untracked: return item.kind == .appointment ? "Private meeting" : "Private email"
    case .pending: return "Tracking pending"
    case .failed: return "Tracking failed"
    }
  }

  /// A line under the meta line: the track hint, or why tracking failed. Tracking is per
  /// record (one email can be pending on an opportunity and private on its account), so the
  /// hint and the pending line say "this record".
  var statusLine: (String, StyleRole)? {
    switch item.state {
    // Said on its own line: the border's label has no room for it at 80 columns.
    case .untracked where item.capturedAs == .reply:
      return ("Reply to tracked email" + (canTrack ? " · [t] Track on this record" : ""),
              .tilePrivateLabel)
    case .untracked: return canTrack ? ("[t] Track on this record", .tilePrivateLabel) : nil
    case .pending: return ("Pending for this record: shared once synced", .tilePending)
    case .failed(let reason): return (canTrack ? "\(reason) · [t] retry" : reason, .tileFailed)
    case .tracked where !item.trackedElsewhere.isEmpty:
      let summary = TrackedElsewhere.summary(item.trackedElsewhere) ?? ""
      return (summary + (canTrack ? " · [t] link" : ""), .tileMeta)
    case .tracked: return nil
    }
  }

  var counterpart: String {
    let name = item.fromName.flatMap { $0.isEmpty ? nil : $0 }
    switch item.kind {
    case .appointment:
      let who = name ?? item.organizer?.value ?? ""
      return who.isEmpty ? "" : "organizer \(who)"
    default:
      if item.direction == .outgoing, let to = item.to.first {
        return "to \(to.value)" + (item.to.count > 1 ? " +\(item.to.count - 1)" : "")
      }
      return name ?? item.from?.value ?? ""
    }
  }

  var meta: String {
    var parts: [String] = []
    if item.isAllDay {
      parts.append("\(DateText.day(item.at, now: now, timeZone: timeZone)) (all day)")
    } else if item.kind == .appointment {
      let start = DateText.onCalendar(item.at, now: now, timeZone: timeZone)
      parts.append(start + (item.end.map { "–" + DateText.time($0, timeZone: timeZone) } ?? ""))
    } else {
      parts.append(DateText.relative(item.at, now: now, timeZone: timeZone))
    }
    // Short facts first, the counterpart last: truncation then costs the least.
    if item.state == .tracked, item.kind == .email {
      parts.append(item.direction == .outgoing ? "→ out" : "← in")
      if item.hasAttachments == true {
        let n = item.attachments.count
        parts.append(n > 0 ? "⊕ \(n) attachment\(n == 1 ? "" : "s")" : "⊕ attachment")
      }
    }
    if let location = item.location, !location.isEmpty { parts.append("@ \(location)") }
    let who = counterpart
    if !who.isEmpty { parts.append(who) }
    return parts.joined(separator: " · ")
  }

  var roles: (border: StyleRole, text: StyleRole) {
    switch item.state {
    case .tracked: return (isSelected ? .tileSelectedBorder : .tileTrackedBorder, .tileTracked)
    case .untracked:
      return (isSelected ? .tileSelectedBorder : .tilePrivateBorder, .tilePrivate)
    case .pending: return (isSelected ? .tileSelectedBorder : .tilePrivateBorder, .tilePending)
    case .failed: return (isSelected ? .tileSelectedBorder : .tilePrivateBorder, .tileFailed)
    }
  }

  /// Draws the tile at the top of `rect` (its height already decided).
  func draw(into buffer: inout ScreenBuffer, in rect: Rect) {
    if isCompact && !isExpanded {
      drawCompact(into: &buffer, in: rect)
      return
    }
    let (borderRole, textRole) = roles
    let box = Box(rect, border: item.state == .tracked ? .solid : .dotted, role: borderRole,
                  title: (isSelected ? "▸ " : "") + (isMarked ? (unicode ? "✓ " : "+ ") : "")
                    + kindLabel, titleRole: textRole, label: stateLabel,
                  labelRole: item.state == .tracked ? nil
                    : (item.state == .untracked ? .tilePrivateLabel : textRole),
                  unicode: unicode)
    let inner = box.draw(into: &buffer)
    guard inner.width > 0, inner.height > 0 else { return }
    buffer.fill(inner, role: textRole)
    var y = inner.y
    // Lines cut to fit end in "…": the open tile shows them whole.
    func line(_ text: String, _ role: StyleRole) {
      buffer.put(" " + TextLayout.truncate(text, toWidth: inner.width - 1), x: inner.x, y: y,
                 role: role, maxWidth: inner.width)
      y += 1
    }
    line(item.subject.isEmpty ? "(no subject)" : item.subject, textRole)
    if y < inner.maxY { line(meta, .tileMeta) }
    if let (text, role) = statusLine, y < inner.maxY { line(text, role) }
    guard isExpanded, y < inner.maxY else { return }
    let bodyRect = Rect(x: inner.x + 1, y: y, width: max(0, inner.width - 2),
                        height: inner.maxY - y)
    let block = TextBlock(wrapped: openLines, role: .tileBody, scroll: bodyScroll)
    let first = block.draw(into: &buffer, in: bodyRect)
    box.drawScrollMarks(
      into: &buffer, above: first,
      below: block.lines(width: bodyRect.width).count - first - bodyRect.height)
  }

  /// The open tile's text wrapped to `width`: the item's fields in full (the tile's lines
  /// are cut to fit), a blank line, then the body, whose wrap `memo` keeps between frames.
  func openText(width: Int, memo: WrapMemo?) -> [String] {
    let body = bodyText
    return TextLayout.wrap(fieldLines.joined(separator: "\n"), width: width) + [""]
      + (memo?.wrap(body, width: width) ?? TextLayout.wrap(body, width: width))
  }

  /// The item's fields, a line each.
  var fieldLines: [String] {
    var header: [String] = []
    let subject = "Subject: " + (item.subject.isEmpty ? "(no subject)" : item.subject)
    switch item.kind {
    case .email:
      if let from = item.from { header.append("From: \(item.fromName.map { "\($0) <\(from.value)>" } ?? from.value)") }
      if !item.to.isEmpty { header.append("To: \(item.to.map(\.value).joined(separator: ", "))") }
      if !item.cc.isEmpty { header.append("Cc: \(item.cc.map(\.value).joined(separator: ", "))") }
      header.append("Date: \(DateText.full(item.at, timeZone: timeZone))")
      header.append(subject)
      if item.state == .tracked, !item.attachments.isEmpty {
        header.append("Attachments: " + item.attachments.map { "\($0.name) (\(ByteText.size($0.size)))" }
          .joined(separator: ", "))
      }
    case .appointment:
      header.append(subject)
      header.append("When: " + DateText.span(item.at, end: item.end, isAllDay: item.isAllDay,
                                             timeZone: timeZone))
      if let location = item.location, !location.isEmpty { header.append("Where: \(location)") }
      if let o = item.organizer { header.append("Organizer: \(o.value)") }
      if !item.attendees.isEmpty {
        header.append("Attendees: \(item.attendees.map(\.value).joined(separator: ", "))")
      }
    case .phonecall, .task, .note:
      header.append(subject)
      header.append("When: \(DateText.full(item.at, timeZone: timeZone))")
    }
    // The audit trail: who took it off or moved it between records, and when.
    for entry in item.history {
      header.append("History: \(DateText.full(entry.entry.at, timeZone: timeZone)) "
        + entry.text)
    }
    return header
  }

  /// The message, description or notes, or what stands for them while they load or fail.
  var bodyText: String {
    switch body {
    case .loaded(let t)?:
      return !t.isEmpty ? t : item.kind == .email ? "(empty)"
        : item.kind == .appointment ? "(no description)" : "(no notes)"
    case .failed(let why)?: return "Cannot open: \(why)"
    case .loading?, nil: return "Loading…"
    }
  }
}

/// The last text wrapped and its lines. Scrolling an open message redraws the frame on each
/// key; wrapping a 1 MB message took ~90 ms (release build), so the run loop keeps one memo
/// and the text is wrapped again only when it or the width changes. Comparing the text is
/// cheap: the body is the same string from frame to frame.
public final class WrapMemo: @unchecked Sendable {
  private let lock = NSLock()
  private var last: (text: String, width: Int, lines: [String])?

  public init() {}

  public func wrap(_ text: String, width: Int) -> [String] {
    if let hit = lock.withLock({ last.flatMap { $0.width == width && $0.text == text ? $0 : nil } }) {
      return hit.lines
    }
    let lines = TextLayout.wrap(text, width: width)
    lock.withLock { last = (text, width, lines) }
    return lines
  }
}

enum ByteText {
  static func size(_ bytes: Int) -> String {
    if bytes < 1024 { return "\(bytes) B" }
    if bytes < 1024 * 1024 { return "\(bytes / 1024) KB" }
    return String(format: "%.1f MB", Double(bytes) / 1_048_576)
  }
}
