import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import TestSupport
import Testing

/// The run loop driven by scripted keys (`AppDriver`): what the user sees after each key,
/// with the real reducer, screens and `TimelineService` behind it.
@Suite struct AppRunnerTests {
  static let now = AppFixture.now
  static func address(_ text: String) -> EmailAddress { EmailAddress(normalized: text) }

  static let dana = User(
    id: "dana", name: "Dana", emails: [address("dana@contoso.example")],
    mailbox: MailboxSettings(syncMethod: .serverSideSync, approved: true, testEnabled: true))
  static let fabrikam = RecordRef(type: .account, id: "a-fab")

  static let content = CRMContent(
    users: [dana],
    accounts: [Account(id: "a-fab", name: "Fabrikam", emails: [], primaryContact: "c-ann")],
    contacts: [
      Contact(id: "c-ann", name: "Ann Lee", emails: [address("ann@fabrikam.example")],
              parentAccount: "a-fab"),
      Contact(id: "c-bo", name: "Bo Chen", emails: [address("bo@northwind.example")]),
    ],
    activities: [
      Activity(id: "act-call", kind: .phonecall, regarding: [fabrikam], subject: "Intro call",
               at: now - 2 * 86400, body: "Wants 50 printers."),
    ])

  static let messages: [MessageContent] = [
    .email("<m1@fabrikam.example>", at: now - 3600, subject: "Revised quote",
           from: "ann@fabrikam.example", fromName: "Ann Lee", to: ["dana@contoso.example"],
           body: "The numbers you asked for."),
    .email("<lunch@northwind.example>", at: now - 7200, subject: "Lunch on Friday",
           from: "bo@northwind.example", to: ["dana@contoso.example"], body: "Noon?"),
  ]

  func driver(_ store: InMemoryCRMStore = InMemoryCRMStore(content), width: Int = 80,
              height: Int = 24) throws -> AppDriver {
    try AppDriver(store, messages: Self.messages, user: Self.dana, now: Self.now,
                  width: width, height: height)
  }

  @Test func openingTheAppShowsTheFirstRecordsTimelineAndMovingOpensTheNext() throws {
    let app = try driver()
    #expect(app.screen[0].contains("Fabrikam · Account"))
    #expect(app.text.contains("Timeline · 2 items"))
    #expect(app.text.contains("Revised quote"))
    #expect(app.text.contains("Private email"))
    #expect(app.text.contains("Intro call"))
    #expect(!app.text.contains("Lunch on Friday"))
    try app.press("j")
    #expect(app.screen[0].contains("Ann Lee · Contact"))
    #expect(app.text.contains("Timeline · 1 item"))
    #expect(app.text.contains("Revised quote"))
    #expect(!app.text.contains("Intro call"))
    try app.press("j")
    #expect(app.screen[0].contains("Bo Chen · Contact"))
    #expect(app.text.contains("Lunch on Friday"))
    #expect(!app.text.contains("Revised quote"))
  }

  @Test func enterOpensTheSelectedTileWithItsMessageAndClosesIt() throws {
    let app = try driver()
    try app.press("<tab><enter>")
    #expect(app.text.contains("From: Ann Lee <ann@fabrikam.example>"))
    #expect(app.text.contains("The numbers you asked for."))
    #expect(app.screen.last?.contains("Enter close") == true)
    try app.press("<enter>")
    #expect(!app.text.contains("The numbers you asked for."))
  }

  @Test func trackShowsPendingUntilTheSyncThenTracked() throws {
    let app = try driver()
    try app.press("<tab>t")
    #expect(app.text.contains("Tracking pending"))
    #expect(app.text.contains("Pending for this record: shared once synced"))
    #expect(try app.store.trackRequests(userId: "dana", states: ["pending"]).count == 1)
    // The sync waits so that the pending state is seen.
    app.wait(AppDriver.syncDelay - 0.5)
    #expect(app.text.contains("Tracking pending"))
    app.wait(0.5)
    #expect(!app.text.contains("Tracking pending"))
    #expect(!app.text.contains("Private email"))
    #expect(app.text.contains("← in · Ann Lee"))
    #expect(app.screen.last?.contains("Tracked 1 item") == true)
    let tracked = try app.store.emailActivities(messageIds: ["<m1@fabrikam.example>"])
    #expect(tracked.map(\.regarding) == [[Self.fabrikam]])
  }

  @Test func aRequestPendingAtStartIsSyncedAFewSecondsLater() throws {
    let store = InMemoryCRMStore(Self.content)
    _ = try store.requestTracking(userId: "dana", record: Self.fabrikam,
                                  itemId: "mail:<m1@fabrikam.example>", at: Self.now)
    let app = try driver(store)
    #expect(app.text.contains("Tracking pending"))
    // The loop looks for pending items at each turn (here, each wait): the first look that
    // counts comes a sync delay after start, and the sync itself one delay later.
    app.wait(AppDriver.syncDelay)
    #expect(app.text.contains("Tracking pending"))
    app.wait(AppDriver.syncDelay - 0.1)
    #expect(app.text.contains("Tracking pending"))
    app.wait(0.1)
    #expect(!app.text.contains("Tracking pending"))
    #expect(try store.trackRequests(userId: "dana", states: ["done"]).count == 1)
  }

  /// While something is pending the loop syncs again every `syncInterval` (5 s) on the
  /// steady clock, with no key pressed: a sync the database turned away is retried.
  @Test func aSyncTheDatabaseTurnedAwayIsRetriedAtTheNextInterval() throws {
    let store = InMemoryCRMStore(Self.content)
    _ = try store.requestTracking(userId: "dana", record: Self.fabrikam,
                                  itemId: "mail:<m1@fabrikam.example>", at: Self.now)
    store.failCompletions(1, with: .busy("locked by another writer"))
    let app = try driver(store)
    // The loop looks at each turn (here, each wait): the first sync is asked for a delay
    // after start and runs a delay later (3 s).
    app.wait(AppDriver.syncDelay)
    #expect(!app.text.contains("Could not sync"))
    app.wait(AppDriver.syncDelay)
    #expect(app.screen.last?.contains("Could not sync: database is busy") == true)
    #expect(app.text.contains("Tracking pending"))
    #expect(try store.trackRequests(userId: "dana", states: ["pending"]).count == 1)
    // The next is asked for 5 s after the first was (6.5 s) and runs a delay later (8 s).
    app.wait(3.5)
    app.wait(1.25)
    #expect(app.text.contains("Tracking pending"))
    app.wait(0.25)
    #expect(!app.text.contains("Tracking pending"))
    #expect(app.screen.last?.contains("Tracked 1 item") == true)
    #expect(try store.trackRequests(userId: "dana", states: ["done"]).count == 1)
  }

  /// A private tile loaded before the organization's switch was turned off may not be
  /// opened after: the tile says why in words and shows nothing of the message.
  @Test func aPrivateTileThatMayNoLongerBeOpenedSaysWhy() throws {
    let app = try driver(width: 120)
    #expect(app.text.contains("Revised quote"))
    app.store.edit { $0.organization.autoCapture = false }
    try app.press("<tab><enter>")
    #expect(app.text.contains("Cannot open: auto capture is turned off for the organization"))
    #expect(!app.text.contains("The numbers you asked for."))
  }

  @Test func theSettingsToggleHidesPrivateItemsAndShowsThemAgain() throws {
    let app = try driver()
    try app.press("o")
    #expect(app.text.contains("Show email not tracked in the Activities list: [Yes]"))
    try app.press(" ")
    #expect(app.text.contains("Show email not tracked in the Activities list: [No]"))
    #expect(app.screen.last?.contains("Saved: show untracked email No") == true)
    #expect(try app.store.user(matching: "dana")?.showUntracked == false)
    try app.press("<esc>")
    #expect(app.text.contains("untracked email is hidden"))
    #expect(app.text.contains("Timeline · 1 item"))
    #expect(!app.text.contains("Revised quote"))
    #expect(app.text.contains("Intro call"))
    try app.press("o <esc>")
    #expect(try app.store.user(matching: "dana")?.showUntracked == true)
    #expect(!app.text.contains("untracked email is hidden"))
    #expect(app.text.contains("Revised quote"))
  }

  @Test func aResizeRedrawsAtTheNewSizeAndTooSmallSaysSo() throws {
    let app = try driver()
    try app.press("<resize 100x30>")
    #expect(app.screen.count == 30)
    #expect(app.screen.allSatisfy { $0.count == 100 })
    #expect(app.screen.last?.hasPrefix(" l timeline") == true)
    #expect(app.text.contains("Revised quote"))
    try app.press("<resize 30x8>")
    #expect(app.text.contains("Terminal too small: 30×8"))
    // Keys other than q do nothing while nothing can be seen.
    try app.press("<tab>t<resize 80x24>")
    #expect(app.screen.count == 24)
    #expect(app.text.contains("[t] Track on this record"))
    #expect(try app.store.trackRequests(userId: nil, states: ["pending"]).isEmpty)
  }

  /// `v` shows one line per item, tracked and private apart at a glance by their marks, and
  /// the next start opens in the view the user left.
  @Test func theCompactViewShowsOneLinePerItemAndIsRemembered() throws {
    final class Saved: @unchecked Sendable { var compact = false }
    let saved = Saved()
    let preferences = ViewPreferences(load: { saved.compact }, save: { saved.compact = $0 })
    let app = try AppDriver(InMemoryCRMStore(Self.content), messages: Self.messages,
                            user: Self.dana, now: Self.now, preferences: preferences)
    try app.press("<tab>v")
    let lines = app.screen.filter { $0.contains("Revised quote") || $0.contains("Intro call") }
    #expect(lines.count == 2, "one row each: \(app.text)")
    #expect(lines.contains { $0.contains("○") && $0.contains("Revised quote") })
    #expect(lines.contains { $0.contains("●") && $0.contains("Intro call") })
    #expect(!app.text.contains("Private email"), "no tile borders or labels")
    #expect(saved.compact)
    // Enter still opens the selected item whole.
    try app.press("<enter>")
    #expect(app.text.contains("The numbers you asked for."))
    let again = try AppDriver(InMemoryCRMStore(Self.content), messages: Self.messages,
                              user: Self.dana, now: Self.now, preferences: preferences)
    #expect(again.app.state.compactTimeline)
    try again.press("<tab>v")
    #expect(!saved.compact)
    #expect(again.text.contains("Private email"))
  }

  /// `m` marks private tiles (and moves on, as a mail client's tag key does); `t` then asks
  /// to track every marked one at once and says how many.
  @Test func markedTilesAreTrackedTogether() throws {
    let store = InMemoryCRMStore(Self.content)
    let messages = Self.messages + [
      .email("<m3@fabrikam.example>", at: Self.now - 1800, subject: "Signed order",
             from: "ann@fabrikam.example", to: ["dana@contoso.example"], body: "Attached."),
    ]
    let app = try AppDriver(store, messages: messages, user: Self.dana, now: Self.now)
    try app.press("<tab>m")
    #expect(app.text.contains("1 item marked: t tracks it"))
    #expect(app.text.contains("✓ Email"))
    try app.press("m")
    #expect(app.text.contains("2 items marked: t tracks them"))
    // The call is tracked already: it is not marked.
    try app.press("m")
    #expect(app.text.contains("Only private items are marked for tracking"))
    try app.press("t")
    #expect(app.text.contains("Tracking requested for 2 items on this record"))
    #expect(app.text.components(separatedBy: "Tracking pending").count - 1 == 2)
    #expect(!app.text.contains("✓ Email"), "marks are cleared once asked for")
    let requests = try store.trackRequests(userId: "dana", states: ["pending"])
    #expect(Set(requests.map(\.itemId)) == ["mail:<m1@fabrikam.example>", "mail:<m3@fabrikam.example>"])
  }
}
