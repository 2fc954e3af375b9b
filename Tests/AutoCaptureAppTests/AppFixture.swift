import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI

/// What the screen tests share: a user who may do everything, a clock, and a state with a
/// loaded timeline, rendered as the run loop renders it.
enum AppFixture {
  /// A Monday.
  static let now = ISO8601.parse("2026-11-23T12:00:00Z") ?? Date()
  static let dana = User(id: "dana", name: "Dana", emails: [],
                         mailbox: MailboxSettings(syncMethod: .serverSideSync, approved: true,
                                                  testEnabled: true))
  static let fabrikam = RecordSummary(ref: RecordRef(type: .account, id: "a-fab"),
                                      name: "Fabrikam")

  static func at(_ s: String) -> Date { ISO8601.parse(s) ?? now }

  /// `user` at 80×24 (or the size given) with `record`'s timeline of `items` loaded.
  static func state(user: User = dana, records: [RecordSummary] = [fabrikam],
                    items: [TimelineItem]? = nil, problems: [String] = [],
                    width: Int = 80, height: Int = 24) -> AppState {
    var s = AppState(user: user, permissions: .decide(organization: Organization(), user: user),
                     records: records)
    s.width = width
    s.height = height
    if let items, let record = records.first {
      s.timeline = .loaded(Timeline(record: record, notice: nil, items: items,
                                    problems: problems))
    }
    return s
  }
}

extension AppState {
  /// Renders as the run loop does, keeping the offsets the frame settled on, and returns
  /// the screen's rows.
  mutating func render(now: Date = AppFixture.now) -> [String] {
    let frame = Screens.render(self, RenderContext(now: now, timeZone: .gmt))
    _ = reduce(&self, .viewport(recordsOffset: frame.recordsOffset,
                                timelineOffset: frame.timelineOffset,
                                bodyScroll: frame.bodyScroll, overlayScroll: frame.overlayScroll))
    return frame.buffer.text()
  }
}
