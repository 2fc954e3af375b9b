import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import Testing

/// What a tile says, collapsed and open, read off the rendered screen.
@Suite struct TileTextTests {
  static func at(_ s: String) -> Date { AppFixture.at(s) }

  func screen(_ item: TimelineItem, open: Bool = false, body: String = "") -> [String] {
    var s = AppFixture.state(items: [item])
    s.focus = .timeline
    if open {
      s.expandedItem = item.id
      s.bodies[item.id] = .loaded(body)
    }
    return s.render()
  }

  @Test func anAllDayMeetingShowsItsDayAndNoTimes() {
    let workshop = TimelineItem(
      id: "cal:ws", kind: .appointment, state: .untracked, subject: "On-site workshop",
      at: Self.at("2026-11-24T00:00:00Z"), end: Self.at("2026-11-25T00:00:00Z"), uid: "ws",
      isAllDay: true)
    #expect(screen(workshop).contains { $0.contains("Tue (all day)") })
    let open = screen(workshop, open: true)
    #expect(open.contains { $0.contains("When: Tue 24 Nov 2026, all day") })
    #expect(open.contains { $0.contains("(no description)") })
    #expect(!open.joined().contains("00:00"))
  }

  @Test func aMeetingUnderWayShowsItsStartTimeNotHowLongAgo() {
    let sync = TimelineItem(
      id: "cal:s", kind: .appointment, state: .untracked, subject: "Standup",
      at: Self.at("2026-11-23T11:45:00Z"), end: Self.at("2026-11-23T12:15:00Z"), uid: "s")
    #expect(screen(sync).contains { $0.contains("today 11:45–12:15") })
  }

  /// A note's text, cut on the tile, shows in full when the tile is open.
  @Test func anOpenTileShowsTheWholeSubjectAndLocation() {
    let text = "Renée prefers contract documents in French; decision by end of January, "
      + "after the board meets"
    let note = TimelineItem(id: "act-n", kind: .note, state: .tracked, subject: text,
                            at: Self.at("2026-11-20T09:00:00Z"), activityId: "act-n")
    let shown = screen(note, open: true).map {
      $0.replacingOccurrences(of: "│", with: "").replacingOccurrences(of: "┃", with: "")
        .trimmingCharacters(in: .whitespaces)
    }.joined(separator: " ")
    #expect(shown.contains("end of January, after the board meets"))
    let meeting = TimelineItem(
      id: "cal:m", kind: .appointment, state: .untracked, subject: "Review",
      at: Self.at("2026-11-24T09:00:00Z"), end: Self.at("2026-11-24T10:00:00Z"), uid: "m",
      location: "Müller GmbH, Speicherstadt 12, Hamburg")
    #expect(screen(meeting, open: true).contains {
      $0.contains("Where: Müller GmbH, Speicherstadt 12, Hamburg") })
  }

  /// No "[t] Track" on tiles nor "t track" in the footer where `t` could only say no (sync
  /// method none); where it can, the hint says tracking is for this record.
  @Test func noTrackHintsWhereTrackingIsNotAllowed() {
    let mail = TimelineItem(id: "mail:<m@t>", kind: .email, state: .untracked, subject: "Quote",
                            at: Self.at("2026-11-23T10:00:00Z"), messageId: "<m@t>")
    let failed = TimelineItem(id: "mail:<f@t>", kind: .email,
                              state: .failed(reason: "message is no longer in the mailbox"),
                              subject: "Old", at: Self.at("2026-11-22T10:00:00Z"),
                              messageId: "<f@t>")
    func render(_ user: User) -> String {
      var s = AppFixture.state(user: user, items: [mail, failed])
      s.focus = .timeline
      return s.render().joined(separator: "\n")
    }
    let allowed = render(AppFixture.dana)
    #expect(allowed.contains("[t] Track on this record") && allowed.contains("[t] retry")
      && allowed.contains("t track"))
    var noSync = AppFixture.dana
    noSync.mailbox = MailboxSettings(syncMethod: .none)
    let refused = render(noSync)
    #expect(!refused.contains("[t]") && !refused.contains("t track"))
    #expect(refused.contains("message is no longer in the mailbox"))
  }
}
