import CaptureCore
import Foundation
import TestSupport
import Testing

/// Replies follow tracked mail, and items tracked on another record say where and by whom
/// (issue 22, items 3 and 6), over the in-memory store and mailbox.
@Suite struct RepliesAndTrackedElsewhereTests {
  typealias T = TimelineServiceTests
  static let now = T.now
  static let replyId = "<re-quote@partner.example>"

  /// A colleague of Ann's answers Dana's tracked quote from an address no record has.
  static func reply(from: String = "cole@partner.example", at offset: TimeInterval = -T.hour,
                    references: [String] = ["<quote@contoso.example>"]) -> MessageContent {
    .email(replyId, at: now + offset, subject: "Re: Quote", from: from, fromName: "Cole",
           to: ["dana@contoso.example"], body: "We accept.", references: references)
  }

  static func world(with messages: [MessageContent] = [reply()]) -> T.World {
    var world = T.World()
    world.mailbox = InMemoryMailbox(T.messages() + messages)
    return world
  }

  @Test func aReplyToTrackedMailIsOnTheRecordWithNoAddressOfIt() throws {
    let world = Self.world()
    let item = try world.item("mail:\(Self.replyId)")
    #expect(item.state == .untracked)
    #expect(item.capturedAs == .reply)
    let json = TimelineJSON.encode(item).serialized(pretty: false)
    #expect(json.contains(#""capturedAs":"reply""#))
    // Ann's own mail is captured by her address.
    #expect(try world.item("mail:<m1@fabrikam.example>").capturedAs == .address)
    // The quote is tracked on Fabrikam only: Ann's contact record does not get the reply.
    #expect(try world.timeline(T.ann).items.allSatisfy { $0.messageId != Self.replyId })
  }

  @Test func aMessageNamingNoTrackedMailIsNotAReply() throws {
    let world = Self.world(with: [Self.reply(references: ["<m2@contoso.example>"])])
    // <m2> is in the mailbox, but not tracked: the reply follows only tracked mail.
    #expect(try world.timeline().items.allSatisfy { $0.messageId != Self.replyId })
    let why = try world.service.explain(itemId: "mail:\(Self.replyId)", record: T.fabrikam,
                                        user: T.dana, now: Self.now)
    #expect(why.notShown == "no address of the record")
  }

  @Test func aReplyFromAnExcludedAddressIsNotCapturedAndWhySaysWhy() throws {
    var dana = T.dana
    dana.excludedAddresses = [.domain("partner.example")]
    let world = Self.world()
    world.store.edit { $0.users[0] = dana }
    #expect(try world.timeline(user: dana).items.allSatisfy { $0.messageId != Self.replyId })
    let why = try world.service.explain(itemId: "mail:\(Self.replyId)", record: T.fabrikam,
                                        user: dana, now: Self.now)
    #expect(!why.shown)
    #expect(why.notShown == "a reply to tracked email, from an excluded address: "
      + "cole@partner.example (excluded by you as @partner.example)")
  }

  @Test func whySaysWhichTrackedEmailAReplyAnswers() throws {
    let world = Self.world()
    let why = try world.service.explain(itemId: "mail:\(Self.replyId)", record: T.fabrikam,
                                        user: T.dana, now: Self.now)
    #expect(why.shown)
    #expect(why.matches.isEmpty)
    #expect(why.capturedAs == .reply)
    #expect(why.repliesTo == [.init(messageId: "<quote@contoso.example>", activityId: "act-quote")])
    #expect(why.lines.contains(
      "reply to tracked email <quote@contoso.example> (tracked on this record as act-quote)"))
    let json = why.json.serialized(pretty: false)
    #expect(json.contains(#""repliesTo":[{"messageId":"<quote@contoso.example>","activity":"act-quote"}]"#))
  }

  @Test func aReplyCountsAmongTheNewestEmails() throws {
    var world = Self.world(with: [Self.reply(at: -10 * T.day)])
    world.limits = CaptureLimits(maxEmails: 2)
    // Older than the two newest: not shown, and why says so rather than "no address".
    #expect(try world.timeline().items.allSatisfy { $0.messageId != Self.replyId })
    let why = try world.service.explain(itemId: "mail:\(Self.replyId)", record: T.fabrikam,
                                        user: T.dana, now: Self.now)
    #expect(why.notShown == "older than the 2 newest")
  }

  @Test func trackingAReplyCopiesItAtTheSync() throws {
    let world = Self.world()
    try world.track("mail:\(Self.replyId)")
    let done = try world.sync()
    guard case .done(let activityId)? = done.first?.state else {
      Issue.record("not tracked: \(done)")
      return
    }
    let activity = try #require(try world.store.activity(id: activityId))
    #expect(activity.regarding == [T.fabrikam])
    #expect(activity.body == "We accept.")
    #expect(try world.item(activityId).capturedAs == .reply)
  }

  @Test func syncTracksRepliesOnlyWhenTheOptionIsOn() throws {
    let world = Self.world()
    // Off by default: nothing is asked for.
    #expect(try world.sync().isEmpty)
    #expect(try world.store.trackRequests(userId: "dana", states: ["pending", "done"]).isEmpty)

    var dana = T.dana
    dana.trackReplies = true
    let results = try world.sync(user: dana)
    #expect(results.map(\.itemId) == ["mail:\(Self.replyId)"])
    #expect(results.map(\.record) == [T.fabrikam])
    #expect(results.first?.state.name == "done")
    #expect(try world.item(Self.replyId).state == .tracked)
    // Asked for once: the next sync finds nothing new to ask for.
    #expect(try world.sync(user: dana).isEmpty)
  }

  @Test func aReplyTakenOffTheRecordIsNotTrackedAgainAutomatically() throws {
    let world = Self.world()
    var dana = T.dana
    dana.trackReplies = true
    #expect(try world.sync(user: dana).first?.state.name == "done")
    let tracked = try world.item(Self.replyId)
    let activityId = try #require(tracked.activityId)
    _ = try world.service.untrack(itemId: activityId, from: T.fabrikam, user: dana,
                                  now: Self.now)
    #expect(try world.item("mail:\(Self.replyId)").state == .untracked)
    // Automatic tracking asks once per reply and record; untracking is the user's choice.
    #expect(try world.sync(user: dana).isEmpty)
    #expect(try world.item("mail:\(Self.replyId)").state == .untracked)
  }

  @Test func theServiceDefaultAppliesUntilTheUserChooses() throws {
    let world = Self.world()
    let service = TimelineService(store: world.store, mail: world.mailbox, calendar: nil,
                                  timeZone: .gmt, trackRepliesByDefault: true)
    #expect(service.tracksReplies(T.dana))
    var chosen = T.dana
    chosen.trackReplies = false
    #expect(!service.tracksReplies(chosen))
    #expect(try service.syncPending(user: chosen, now: Self.now).isEmpty)
    #expect(try service.syncPending(user: T.dana, now: Self.now).map(\.itemId)
      == ["mail:\(Self.replyId)"])
  }

  @Test func automaticTrackingRespectsWhatTheUserMayDo() throws {
    let world = Self.world()
    var outlook = T.dana
    outlook.trackReplies = true
    outlook.mailbox = MailboxSettings(syncMethod: .outlook)
    world.store.edit { $0.users[0] = outlook }
    #expect(try world.sync(user: outlook).isEmpty)
    world.store.edit { $0.organization.autoCapture = false; $0.users[0] = T.dana }
    var on = T.dana
    on.trackReplies = true
    #expect(try world.sync(user: on).isEmpty)
    #expect(try world.store.trackRequests(userId: "dana", states: ["pending", "done", "failed"])
      .isEmpty)
  }

  // MARK: - Tracked elsewhere

  static func trackedOnAnnByEli(_ world: T.World) {
    world.store.edit {
      $0.activities.append(Activity(
        id: "act-m1", kind: .email, regarding: [T.ann], subject: "Re: quote",
        at: now - T.day, owner: "eli", messageId: "<m1@fabrikam.example>"))
    }
  }

  @Test func anItemTrackedOnAnotherRecordSaysWhereAndByWhom() throws {
    let world = T.World()
    Self.trackedOnAnnByEli(world)
    let item = try world.item("act-m1")
    #expect(item.state == .tracked)
    #expect(item.trackedElsewhere == [TrackedElsewhere(
      record: RecordSummary(ref: T.ann, name: "Ann Lee"), by: "Eli")])
    #expect(TrackedElsewhere.summary(item.trackedElsewhere) == "Tracked by Eli on Ann Lee")
    let json = TimelineJSON.encode(item).serialized(pretty: false)
    #expect(json.contains(
      #""trackedElsewhere":[{"record":{"type":"contact","id":"c-ann","name":"Ann Lee"},"by":"Eli"}]"#))
    // On the record it is tracked on, it says nothing of the kind.
    #expect(try world.item("act-m1", on: T.ann).trackedElsewhere.isEmpty)
    let why = try world.service.explain(itemId: "mail:<m1@fabrikam.example>", record: T.fabrikam,
                                        user: T.dana, now: Self.now)
    #expect(why.trackedActivityId == nil)
    #expect(why.lines.contains("Tracked by Eli on Ann Lee, not on this record: t links it here too"))
  }

  @Test func trackingAnItemTrackedElsewhereLinksItHere() throws {
    let world = T.World()
    Self.trackedOnAnnByEli(world)
    let (request, item) = try world.service.trackItem(
      itemId: "act-m1", record: T.fabrikam, user: T.dana, now: Self.now)
    #expect(request.itemId == "mail:<m1@fabrikam.example>")
    #expect(item.trackedElsewhere.map(\.record.name) == ["Ann Lee"])
    #expect(try world.sync().first?.state == .done(activityId: "act-m1"))
    let activity = try #require(try world.store.activity(id: "act-m1"))
    #expect(activity.regarding == [T.ann, T.fabrikam])
    #expect(activity.owner == "eli")
    #expect(try world.item("act-m1").trackedElsewhere.isEmpty)
  }
}
