@testable import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import Testing
import TestSupport

/// Golden snapshots of the screens, text and style map (`RECORD_SNAPSHOTS=1` re-records).
@Suite struct ScreenSnapshotTests {
  static let utc = TimeZone(identifier: "UTC") ?? .gmt
  static let now = ISO8601.parse("2026-11-23T12:00:00Z") ?? Date()

  static func address(_ s: String) -> EmailAddress { EmailAddress(normalized: s) }

  static let dana = User(id: "dana", name: "Dana Reyes", emails: [address("dana@contoso.example")],
                         mailbox: MailboxSettings(syncMethod: .serverSideSync, approved: true,
                                                  testEnabled: true))

  static let records = [
    RecordSummary(ref: RecordRef(type: .account, id: "a-fab"), name: "Fabrikam"),
    RecordSummary(ref: RecordRef(type: .account, id: "a-sak"), name: "さくら商事"),
    RecordSummary(ref: RecordRef(type: .contact, id: "c-ann"), name: "Ann Lee"),
    RecordSummary(ref: RecordRef(type: .contact, id: "c-ren"), name: "Renée Dubois"),
    RecordSummary(ref: RecordRef(type: .opportunity, id: "o-1"), name: "50 printers"),
    RecordSummary(ref: RecordRef(type: .custom("project"), id: "p-1"), name: "Rollout 🚀",
                  typeDisplayName: "Projects"),
  ]

  static func at(_ s: String) -> Date { ISO8601.parse(s) ?? now }

  static let items: [TimelineItem] = [
    TimelineItem(id: "cal:weekly/20261124T090000Z", kind: .appointment, state: .untracked,
                 subject: "Weekly sync", at: at("2026-11-24T09:00:00Z"),
                 end: at("2026-11-24T09:30:00Z"), uid: "weekly",
                 recurrenceId: at("2026-11-24T09:00:00Z"), organizer: address("ann@fabrikam.example"),
                 attendees: [address("dana@contoso.example")], location: "Room 4"),
    TimelineItem(id: "mail:<a@t>", kind: .email, state: .untracked,
                 subject: "見積もりの件 — Über-Angebot 🚀", at: at("2026-11-23T10:00:00Z"),
                 messageId: "<a@t>", from: address("ann@fabrikam.example"), fromName: "Ann Lee",
                 to: [address("dana@contoso.example")]),
    TimelineItem(id: "mail:<p@t>", kind: .email, state: .pending, subject: "Revised terms",
                 at: at("2026-11-22T08:00:00Z"), messageId: "<p@t>",
                 from: address("ann@fabrikam.example")),
    TimelineItem(id: "mail:<f@t>", kind: .email, state: .failed(reason: "message is no longer in the mailbox"),
                 subject: "Old thread", at: at("2026-11-20T08:00:00Z"), messageId: "<f@t>",
                 from: address("bo@fabrikam.example")),
    TimelineItem(id: "act-2", kind: .email, state: .tracked, subject: "Quote",
                 at: at("2026-11-19T08:00:00Z"), messageId: "<quote-1@contoso.example>",
                 from: address("dana@contoso.example"), to: [address("ann@fabrikam.example")],
                 direction: .outgoing, hasAttachments: true,
                 attachments: [AttachmentInfo(name: "quote.pdf", size: 48213)], activityId: "act-2"),
    TimelineItem(id: "act-1", kind: .phonecall, state: .tracked, subject: "Intro call",
                 at: at("2026-11-02T15:00:00Z"), activityId: "act-1"),
  ]

  func state(width: Int = 80, height: Int = 24, notice: String? = nil,
             permissions: CapturePermissions? = nil) -> AppState {
    var s = AppState(user: Self.dana,
                     permissions: permissions
                       ?? .decide(organization: Organization(), user: Self.dana),
                     records: Self.records)
    s.width = width
    s.height = height
    let timeline = Timeline(record: Self.records[0], notice: notice, items: notice == nil
      ? Self.items : Self.items.filter { $0.state == .tracked })
    s.timeline = .loaded(timeline)
    return s
  }

  func render(_ s: AppState) -> ScreenBuffer {
    Screens.render(s, RenderContext(now: Self.now, timeZone: Self.utc)).buffer
  }

  @Test func mainViewAt80x24() {
    assertSnapshot(render(state()), named: "main-80x24")
  }

  @Test func mainViewAt200x60() {
    assertSnapshot(render(state(width: 200, height: 60)), named: "main-200x60")
  }

  /// The records pane takes a third of the width (26 columns at 80, at most 56), so a long
  /// name that 80 columns must cut is whole on a wide terminal.
  @Test func theRecordsPaneGrowsWithTheTerminal() {
    var long = state(width: 200, height: 30)
    let name = "Société Lumière — renouvellement 2027 (phase 2)"
    long.allRecords = [RecordSummary(ref: RecordRef(type: .opportunity, id: "o-long"), name: name)]
    let wide = render(long).text().joined(separator: "\n")
    #expect(wide.contains(name))
    var narrow = long
    narrow.width = 80
    #expect(!render(narrow).text().joined(separator: "\n").contains(name))
    var widths: [Int] = []
    for columns in [80, 120, 200, 300] {
      widths.append(Screens.Layout(state(width: columns, height: 30)).records.width)
    }
    #expect(widths == [26, 40, 56, 56])
  }

  @Test func compactViewAt80x24() {
    var s = state()
    s.compactTimeline = true
    s.focus = .timeline
    s.selectedItem = 1
    assertSnapshot(render(s), named: "compact-80x24")
  }

  @Test func expandedTileWithItsBody() {
    var s = state()
    s.focus = .timeline
    s.selectedItem = 1
    s.expandedItem = "mail:<a@t>"
    s.bodies["mail:<a@t>"] = .loaded("Hello Dana,\n\nこんにちは! Could you send the revised quote by Friday?\n\nAnn")
    assertSnapshot(render(s), named: "expanded-tile")
  }

  @Test func settingsScreen() {
    var s = state()
    s.overlay = .settings
    assertSnapshot(render(s), named: "settings")
  }

  @Test func settingsWhenTheOrganizationSwitchIsOff() {
    var s = state(permissions: .decide(organization: Organization(autoCapture: false),
                                       user: Self.dana))
    s.overlay = .settings
    assertSnapshot(render(s), named: "settings-org-off")
  }

  /// Help lists every key: on one screen from 80×28, and at 80×24 what is left is a
  /// scroll away (j/PgDn), the border saying how much.
  @Test func helpOverlayListsEveryKey() {
    var s = state()
    s.overlay = .help
    let small = render(s)
    assertSnapshot(small, named: "help")
    var seen = small.text().joined(separator: "\n")
    s.overlayScroll = Int.max / 2
    seen += render(s).text().joined(separator: "\n")
    var tall = state(width: 80, height: 28)
    tall.overlay = .help
    let whole = render(tall).text().joined(separator: "\n")
    for section in Keymap.helpSections {
      for binding in section.bindings {
        #expect(seen.contains(binding.help), "help at 80×24 lacks \(binding.help)")
        #expect(whole.contains(binding.help), "help at 80×28 lacks \(binding.help)")
      }
    }
  }

  @Test func aNoticeExplainsWithheldItems() {
    let s = state(notice: "the organization's access policy blocks untracked email and meetings")
    assertSnapshot(render(s), named: "notice")
  }

  /// The notice does not take the status line and its key hints ("? help", "q quit") for
  /// as long as it holds (all session when the organization withholds untracked mail);
  /// the pane shows the notice in full.
  @Test func aNoticeLeavesTheStatusLineItsKeyHints() {
    let s = state(notice: "the organization's access policy blocks untracked email and meetings")
    let status = render(s).text()[23]
    #expect(status.contains("? help") && status.contains("q quit"), "\(status)")
  }

  @Test func filterLineShowsWhatIsTyped() {
    var s = state()
    s.isEditingFilter = true
    s.filter = "ren"
    assertSnapshot(render(s), named: "filter")
  }

  @Test func tooSmallTerminalSaysSo() {
    let buffer = render(state(width: 59, height: 15))
    #expect(buffer.text().joined().contains("Terminal too small"))
  }

  @Test func privateTilesAreDottedAndTrackedTilesSolid() {
    var s = state(width: 100, height: 40)
    s.focus = .records
    let rows = render(s).text()
    let privateTop = rows.first { $0.contains("Private email") } ?? ""
    let trackedQuote = rows.firstIndex { $0.contains("Quote") } ?? 0
    #expect(privateTop.contains("┌"))
    #expect(rows.contains { $0.contains("┆ 見積もりの件") })
    #expect(rows[trackedQuote].contains("│ Quote"))
    // Untracked tiles show neither direction nor attachments; the tracked one shows both.
    let privateMeta = rows.first { $0.contains("Ann Lee") && $0.contains("┆") } ?? ""
    #expect(!privateMeta.contains("←") && !privateMeta.contains("⊕"))
    #expect(rows[trackedQuote + 1].contains("→ out"))
    #expect(rows[trackedQuote + 1].contains("⊕ 1 attachment"))
  }

  @Test func everyRowKeepsItsBordersWithWideCharacters() {
    for (w, h) in [(80, 24), (200, 60), (61, 16)] {
      let buffer = render(state(width: w, height: h))
      for row in buffer.text() {
        #expect(row.displayWidth == w, "row width \(row.displayWidth) at \(w)x\(h): \(row)")
      }
    }
  }
}
