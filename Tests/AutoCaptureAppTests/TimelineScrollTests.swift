import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import Testing

/// How the timeline pane scrolls: between tiles, and inside an open tile's body.
@Suite struct TimelineScrollTests {
  static let now = ISO8601.parse("2026-11-23T12:00:00Z") ?? Date()
  static let record = RecordSummary(ref: RecordRef(type: .account, id: "a-fab"), name: "Fabrikam")
  static let dana = User(id: "dana", name: "Dana", emails: [],
                         mailbox: MailboxSettings(syncMethod: .serverSideSync, approved: true,
                                                  testEnabled: true))

  /// Untracked emails, newest first: each tile takes 5 rows (border, subject, meta, hint).
  static func emails(_ count: Int) -> [TimelineItem] {
    (0..<count).map { n in
      TimelineItem(id: "mail:<m\(n)@t>", kind: .email, state: .untracked, subject: "Mail \(n)",
                   at: now.addingTimeInterval(Double(-3600 * (n + 1))), messageId: "<m\(n)@t>",
                   from: EmailAddress(normalized: "ann@fabrikam.example"))
    }
  }

  func state(_ items: [TimelineItem]) -> AppState {
    var s = AppState(user: Self.dana,
                     permissions: .decide(organization: Organization(), user: Self.dana),
                     records: [Self.record])
    s.timeline = .loaded(Timeline(record: Self.record, notice: nil, items: items))
    s.focus = .timeline
    return s
  }

  /// Renders as the run loop does, keeping the offsets the frame settled on.
  func render(_ s: inout AppState) -> ScreenBuffer {
    let frame = Screens.render(s, RenderContext(now: Self.now, timeZone: .gmt))
    _ = reduce(&s, .viewport(recordsOffset: frame.recordsOffset,
                             timelineOffset: frame.timelineOffset, bodyScroll: frame.bodyScroll,
                             overlayScroll: frame.overlayScroll))
    return frame.buffer
  }

  func rows(_ buffer: ScreenBuffer) -> [String] { buffer.text() }

  /// A review found the last tile alone at the top of an empty pane after it was collapsed.
  @Test func closingTheLastTileBringsTheTilesAboveBackIntoThePane() {
    var s = state(Self.emails(12))
    _ = reduce(&s, .command(.bottom))
    _ = reduce(&s, .command(.toggleExpand))
    _ = reduce(&s, .bodyLoaded(itemId: "mail:<m11@t>",
                               (1...40).map { "line \($0)" }.joined(separator: "\n")))
    _ = render(&s)
    _ = reduce(&s, .command(.close))
    let screen = rows(render(&s))
    // 80×24: rows 2 to 21 hold four 5-row tiles, Mail 8 to Mail 11, subjects on 3 to 18.
    #expect(s.timelineOffset == 8)
    #expect(screen.firstIndex { $0.contains("Mail 8 ") } == 3)
    #expect(screen.firstIndex { $0.contains("Mail 11") } == 18)
  }

  /// A review found PgDn in an open tile skipping four lines at 80×24.
  @Test func pageDownInAnOpenTileShowsTheLineAfterTheLastOneShown() {
    var s = state(Self.emails(1))
    _ = reduce(&s, .command(.toggleExpand))
    _ = reduce(&s, .bodyLoaded(itemId: "mail:<m0@t>",
                               (1...40).map { String(format: "line %02d", $0) }
                                 .joined(separator: "\n")))
    func shown(_ buffer: ScreenBuffer) -> [Int] {
      rows(buffer).compactMap { row in
        row.range(of: "line ").flatMap { Int(row[$0.upperBound...].prefix(2)) }
      }
    }
    let first = shown(render(&s))
    #expect(first.first == 1)
    #expect(rows(render(&s)).contains { $0.contains("more") })
    _ = reduce(&s, .command(.pageDown))
    let second = shown(render(&s))
    #expect(second.first == (first.last ?? 0) + 1)
    _ = reduce(&s, .command(.pageUp))
    #expect(shown(render(&s)) == first)
  }
}
