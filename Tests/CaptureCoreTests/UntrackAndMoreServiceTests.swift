import CaptureCore
import Foundation
import TestSupport
import Testing

/// Untracking and moving (who may, what the owner and others see after, that a sync does not
/// put it back) and "50 newest of 312" with "50 more", over the in-memory store and mailbox.
@Suite struct UntrackAndMoreServiceTests {
  typealias T = TimelineServiceTests
  static let now = T.now
  static let deal = RecordRef(type: .opportunity, id: "o-1")

  /// The timeline tests' world with an opportunity to move items to.
  static func world() -> T.World {
    var content = T.content
    content.opportunities = [Opportunity(id: "o-1", name: "50 printers", account: "a-fab")]
    var world = T.World()
    world.store = InMemoryCRMStore(content)
    return world
  }

  @Test func theOwnerUntracksAndSeesTheEmailPrivateAgainAndSyncLeavesItSo() throws {
    let world = Self.world()
    try world.track("mail:<m1@fabrikam.example>")
    try world.sync()
    let tracked = try world.item("<m1@fabrikam.example>")
    #expect(tracked.state == .tracked)
    let outcome = try world.service.untrack(itemId: try #require(tracked.activityId),
                                            from: T.fabrikam, user: T.dana, now: Self.now)
    #expect(outcome.deleted)
    let after = try world.item("<m1@fabrikam.example>")
    #expect(after.id == "mail:<m1@fabrikam.example>")
    #expect(after.state == .untracked)
    // The private tile says who took it off, and a sync does not put it back.
    #expect(after.history.map(\.text) == ["untracked from Fabrikam by Dana"])
    #expect(try world.sync().isEmpty)
    #expect(try world.item("<m1@fabrikam.example>").state == .untracked)
    // Others, without the message in a mailbox, no longer see it there.
    let eli = TimelineService(store: world.store, mail: nil, calendar: nil, timeZone: .gmt)
    #expect(try eli.timeline(for: T.fabrikam, user: T.eli, now: Self.now).items
      .contains { $0.messageId == "<m1@fabrikam.example>" } == false)
    // Tracking it again works: the old request is asked for anew.
    try world.track("mail:<m1@fabrikam.example>")
    #expect(try world.item("<m1@fabrikam.example>").state == .pending)
    try world.sync()
    #expect(try world.item("<m1@fabrikam.example>").state == .tracked)
  }

  @Test func anotherUsersPendingRequestIsFailedNotRunWhenTheItemIsUntrackedThere() throws {
    let world = Self.world()
    let messages = T.messages()
    // Eli has the same message in his mailbox and asked for it on Fabrikam too.
    let elisMailbox = InMemoryMailbox(messages)
    let elis = TimelineService(store: world.store, mail: elisMailbox, calendar: nil,
                               timeZone: .gmt)
    try world.track("mail:<m1@fabrikam.example>")
    _ = try elis.track(itemId: "mail:<m1@fabrikam.example>", record: T.fabrikam, user: T.eli,
                       now: Self.now)
    try world.sync()
    let id = try #require(try world.item("<m1@fabrikam.example>").activityId)
    try world.service.untrack(itemId: id, from: T.fabrikam, user: T.dana, now: Self.now)
    let results = try elis.syncPending(user: T.eli, now: Self.now)
    #expect(results.isEmpty)
    #expect(try world.store.trackRequests(userId: "eli", states: ["failed"]).map(\.state)
      == [.failed(reason: "taken off this record by Dana after it was requested")])
    #expect(try world.store.emailActivities(messageIds: ["<m1@fabrikam.example>"]).isEmpty)
  }

  @Test func onlyTheOwnerOrWhoeverLinkedItThereMayUntrackOthersAreToldWhoMay() throws {
    let world = Self.world()
    // Dana owns the imported Quote; Eli did not link it to Fabrikam.
    #expect(throws: NotAllowed("only Dana, who tracked it, or whoever linked it to Fabrikam "
      + "may untrack or move it")) {
      try world.service.untrack(itemId: "act-quote", from: T.fabrikam, user: T.eli,
                                now: Self.now)
    }
    #expect(throws: NotAllowed.self) {
      try world.service.untrack(itemId: "act-quote", from: T.fabrikam, to: Self.deal,
                                user: T.eli, now: Self.now)
    }
    // Eli links it to Ann Lee (his own request): from there he may take it off again.
    let elis = TimelineService(store: world.store, mail: InMemoryMailbox(T.messages()),
                               calendar: nil, timeZone: .gmt)
    _ = try elis.track(itemId: "mail:<quote@contoso.example>", record: T.ann, user: T.eli,
                       now: Self.now)
    _ = try elis.syncPending(user: T.eli, now: Self.now)
    #expect(try world.store.activity(id: "act-quote")?.regarding == [T.fabrikam, T.ann])
    let outcome = try elis.untrack(itemId: "act-quote", from: T.ann, user: T.eli, now: Self.now)
    #expect(!outcome.deleted)
    #expect(try world.store.activity(id: "act-quote")?.regarding == [T.fabrikam])
  }

  @Test func aMoveLinksTheOtherRecordAndBothTimelinesShowTheTrail() throws {
    let world = Self.world()
    let outcome = try world.service.untrack(itemId: "mail:<quote@contoso.example>",
                                            from: T.fabrikam, to: Self.deal, user: T.dana,
                                            now: Self.now)
    #expect(outcome.entry.to == Self.deal && !outcome.deleted)
    #expect(try world.store.activity(id: "act-quote")?.regarding == [Self.deal])
    // Eli, without the message in a mailbox, sees it on the deal, no longer on Fabrikam.
    let eli = TimelineService(store: world.store, mail: nil, calendar: nil, timeZone: .gmt)
    #expect(try eli.timeline(for: T.fabrikam, user: T.eli, now: Self.now).items
      .contains { $0.id == "act-quote" } == false)
    let onDeal = try #require(try eli.timeline(for: Self.deal, user: T.eli, now: Self.now)
      .items.first { $0.id == "act-quote" })
    #expect(onDeal.history.map(\.text) == ["moved from Fabrikam to 50 printers by Dana"])
    // Whoever moved it there may take it off again, owner or not.
    #expect(try world.service.untrack(itemId: "act-quote", from: Self.deal, user: T.dana,
                                      now: Self.now).deleted)
  }

  @Test func aMeetingIsUntrackedTooAndOtherKindsAreRefusedInWords() throws {
    var content = T.content
    content.activities = content.activities.map {
      var a = $0
      a.owner = a.owner ?? "dana"
      return a
    }
    let owned = T.World(store: InMemoryCRMStore(content))
    #expect(try owned.service.untrack(itemId: "cal:review@contoso.example", from: T.fabrikam,
                                      user: T.dana, now: Self.now).deleted)
    // Her calendar still has it: private again.
    #expect(try owned.item("cal:review@contoso.example").state == .untracked)
    #expect(throws: NotAllowed.self) {
      try owned.service.untrack(itemId: "act-call", from: T.fabrikam, user: T.dana,
                                now: Self.now)
    }
  }

  @Test func untrackingWhatIsNotTrackedThereSaysSo() throws {
    let world = Self.world()
    #expect(throws: NotAllowed("it is tracked on Fabrikam, not on Ann Lee: open that record "
      + "to untrack or move it")) {
      try world.service.untrack(itemId: "act-quote", from: T.ann, user: T.dana, now: Self.now)
    }
    #expect(throws: CRMError.notTracked(item: "mail:<m1@fabrikam.example>", record: T.fabrikam)) {
      try world.service.untrack(itemId: "mail:<m1@fabrikam.example>", from: T.fabrikam,
                                user: T.dana, now: Self.now)
    }
    #expect(throws: NotAllowed.self) {
      try world.service.untrack(itemId: "act-quote", from: T.fabrikam, to: T.fabrikam,
                                user: T.dana, now: Self.now)
    }
  }

  // MARK: - More than 50

  /// Dana's mailbox with `count` emails from Ann, a minute apart.
  static func manyEmails(_ count: Int) -> [MessageContent] {
    (0..<count).map { n in
      .email("<n\(n)@fabrikam.example>", at: now - TimeInterval(n * 60), subject: "Note \(n)",
             from: "ann@fabrikam.example", to: ["dana@contoso.example"])
    }
  }

  @Test func theTimelineCountsTheMatchingEmailsAndShowsMoreOnRequest() throws {
    var world = Self.world()
    world.mailbox = InMemoryMailbox(Self.manyEmails(120))
    world.limits = CaptureLimits(maxEmails: 50)
    let first = try world.timeline()
    #expect(first.emailsShown == 50 && first.emailsMatched == 120 && first.hasMoreEmails)
    #expect(!first.emailsMatchedIsLowerBound)
    let more = try world.service.timeline(for: T.fabrikam, user: T.dana, now: Self.now,
                                          emailLimit: 100)
    #expect(more.emailsShown == 100 && more.emailsMatched == 120)
    #expect(more.items.contains { $0.id == "mail:<n99@fabrikam.example>" })
    // Why agrees with the timeline it is asked from.
    #expect(try world.service.explain(itemId: "mail:<n99@fabrikam.example>", record: T.fabrikam,
                                      user: T.dana, now: Self.now).notShown
      == "older than the 50 newest")
    #expect(try world.service.explain(itemId: "mail:<n99@fabrikam.example>", record: T.fabrikam,
                                      user: T.dana, now: Self.now, emailLimit: 100).shown)
    // An email shown only by "more" is tracked and copied at sync.
    _ = try world.service.track(itemId: "mail:<n99@fabrikam.example>", record: T.fabrikam,
                                user: T.dana, now: Self.now, emailLimit: 100)
    #expect(try world.sync().map(\.state.name) == ["done"])
    // Counting stops at the next thousand above the number shown.
    world.mailbox = InMemoryMailbox(Self.manyEmails(1_050))
    let big = try world.timeline()
    #expect(big.emailsMatched == 1_000 && big.emailsMatchedIsLowerBound)
    let wide = try world.service.timeline(for: T.fabrikam, user: T.dana, now: Self.now,
                                          emailLimit: 1_000)
    #expect(wide.emailsShown == 1_000 && wide.emailsMatched == 1_050)
    #expect(!wide.emailsMatchedIsLowerBound && wide.hasMoreEmails)
    let few = T.World()
    let timeline = try few.timeline()
    #expect(timeline.emailsShown == timeline.emailsMatched && !timeline.hasMoreEmails)
  }
}
