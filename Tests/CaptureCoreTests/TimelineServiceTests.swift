import CaptureCore
import Foundation
import TestSupport
import Testing

/// `TimelineService` over the in-memory store, mailbox and calendar: which items a timeline
/// shows, what permissions withhold, and how tracking and the sync move an item along.
@Suite struct TimelineServiceTests {
  static let now = CRMStoreContract.at("2026-11-23T12:00:00Z")
  static let hour: TimeInterval = 3600, day: TimeInterval = 86400

  static func address(_ text: String) -> EmailAddress { EmailAddress(normalized: text) }

  static let dana = User(
    id: "dana", name: "Dana", emails: [address("dana@contoso.example")],
    mailbox: MailboxSettings(syncMethod: .serverSideSync, approved: true, testEnabled: true))
  static let eli = User(
    id: "eli", name: "Eli", emails: [address("eli@contoso.example")],
    mailbox: MailboxSettings(syncMethod: .serverSideSync, approved: true, testEnabled: true))
  static let fabrikam = RecordRef(type: .account, id: "a-fab")
  static let ann = RecordRef(type: .contact, id: "c-ann")

  /// Tracked activities of every kind on Fabrikam, one of them an email that is also in
  /// Dana's mailbox and one a meeting that is also in her calendar.
  static let content = CRMContent(
    users: [dana, eli],
    accounts: [Account(id: "a-fab", name: "Fabrikam", emails: [], primaryContact: "c-ann")],
    contacts: [
      Contact(id: "c-ann", name: "Ann Lee", emails: [address("ann@fabrikam.example")],
              parentAccount: "a-fab"),
      Contact(id: "c-bo", name: "Bo", emails: [address("bo@northwind.example")]),
    ],
    activities: [
      Activity(id: "act-task", kind: .task, regarding: [fabrikam], subject: "Send terms",
               at: now - hour),
      Activity(id: "act-call", kind: .phonecall, regarding: [fabrikam], subject: "Intro call",
               at: now - 2 * day),
      Activity(id: "act-quote", kind: .email, regarding: [fabrikam], subject: "Quote",
               at: now - 3 * day, owner: "dana", messageId: "<quote@contoso.example>",
               direction: .outgoing, from: address("dana@contoso.example"),
               to: [address("ann@fabrikam.example")]),
      Activity(id: "act-note", kind: .note, regarding: [fabrikam], subject: "Met at the fair",
               at: now - 5 * day),
      Activity(id: "act-review", kind: .appointment, regarding: [fabrikam], subject: "Review",
               at: now + day, uid: "review@contoso.example"),
    ])

  static let pdf = AttachmentContent(
    info: AttachmentInfo(name: "numbers.pdf", contentType: "application/pdf", size: 3),
    data: Data([1, 2, 3]))

  static func messages() -> [MessageContent] {
    [
      .email("<m1@fabrikam.example>", at: now - day, subject: "Re: quote",
             from: "ann@fabrikam.example", fromName: "Ann Lee", to: ["dana@contoso.example"],
             body: "Numbers attached.", attachments: [pdf]),
      .email("<quote@contoso.example>", at: now - 3 * day, subject: "Quote",
             from: "dana@contoso.example", to: ["ann@fabrikam.example"]),
      .email("<m2@contoso.example>", at: now - 4 * day, subject: "Hello",
             from: "dana@contoso.example", to: ["ann@fabrikam.example"], body: "Hi Ann"),
      .email("<lunch@northwind.example>", at: now - 2 * hour, subject: "Lunch",
             from: "bo@northwind.example", to: ["dana@contoso.example"], body: "Noon?"),
    ]
  }

  static func meetings() -> [CapturedMeeting] {
    [
      CapturedMeeting(uid: "review@contoso.example", recurrenceId: nil, start: now + day,
                      end: now + day + hour, summary: "Review",
                      organizer: address("dana@contoso.example"),
                      attendees: [address("ann@fabrikam.example")], source: "work.ics"),
      CapturedMeeting(uid: "sync@contoso.example", recurrenceId: nil, start: now + 2 * day,
                      end: nil, summary: "Sync", organizer: address("ann@fabrikam.example"),
                      attendees: [address("dana@contoso.example")], location: "Room 1",
                      description: "Agenda", source: "work.ics"),
    ]
  }

  /// The store, sources and service of one test.
  struct World {
    var store = InMemoryCRMStore(TimelineServiceTests.content)
    var mailbox = InMemoryMailbox(TimelineServiceTests.messages())
    var calendar = InMemoryCalendar(TimelineServiceTests.meetings())
    var limits = CaptureLimits()

    var service: TimelineService {
      TimelineService(store: store, mail: mailbox, calendar: calendar, limits: limits,
                      timeZone: .gmt)
    }

    func timeline(_ record: RecordRef = fabrikam, user: User = dana) throws -> Timeline {
      try service.timeline(for: record, user: user, now: now)
    }

    func item(_ id: String, on record: RecordRef = fabrikam) throws -> TimelineItem {
      try #require(try timeline(record).items.first { $0.id == id || $0.messageId == id })
    }

    @discardableResult
    func track(_ itemId: String, from record: RecordRef = fabrikam, user: User = dana) throws
      -> TrackRequest {
      try service.track(itemId: itemId, record: record, user: user, now: now)
    }

    @discardableResult
    func sync(user: User = dana) throws -> [TrackRequest] {
      try service.syncPending(user: user, now: now)
    }
  }

  // MARK: - timeline(for:user:now:)

  @Test func timelineMergesTrackedAndCapturedItemsNewestFirst() throws {
    let timeline = try World().timeline()
    #expect(timeline.record.name == "Fabrikam")
    #expect(timeline.notice == nil)
    #expect(timeline.items.map(\.id) == [
      "cal:sync@contoso.example", "act-review", "act-task", "mail:<m1@fabrikam.example>",
      "act-call", "act-quote", "mail:<m2@contoso.example>", "act-note",
    ])
    #expect(timeline.items.map(\.state.name) == [
      "untracked", "tracked", "tracked", "untracked", "tracked", "tracked", "untracked", "tracked",
    ])
  }

  @Test func timelineOrdersEqualTimesByMessageIdWhateverIsTracked() throws {
    var world = World()
    let at = Self.now - Self.hour / 2
    world.store.edit {
      $0.activities.append(Activity(
        id: "act-b", kind: .email, regarding: [], subject: "B", at: at,
        messageId: "<b@fabrikam.example>", from: Self.address("ann@fabrikam.example")))
    }
    world.mailbox = InMemoryMailbox(["<c@fabrikam.example>", "<b@fabrikam.example>",
                                     "<a@fabrikam.example>"].map {
      .email($0, at: at, subject: $0, from: "ann@fabrikam.example", to: [])
    })
    world.calendar = InMemoryCalendar()
    let items = try world.timeline().items.filter { $0.at == at }
    #expect(items.map(\.messageId) == ["<a@fabrikam.example>", "<b@fabrikam.example>",
                                       "<c@fabrikam.example>"])
    #expect(items.map(\.state.name) == ["untracked", "tracked", "untracked"])
  }

  @Test func timelineShowsAPrivateItemThatIsTrackedOnceAsTheTrackedActivity() throws {
    let items = try World().timeline().items
    let quotes = items.filter { $0.messageId == "<quote@contoso.example>" }
    #expect(quotes.map(\.id) == ["act-quote"])
    #expect(quotes.first?.state == .tracked)
    let reviews = items.filter { $0.subject == "Review" }
    #expect(reviews.map(\.id) == ["act-review"])
    // The calendar fills in what the activity left out.
    #expect(reviews.first?.end == Self.now + Self.day + Self.hour)
    #expect(reviews.first?.attendees == [Self.address("ann@fabrikam.example")])
  }

  @Test func timelineShowsAnEmailTrackedOnAnotherRecordAsTrackedOnce() throws {
    let world = World()
    world.store.edit {
      $0.activities.append(Activity(
        id: "act-m1", kind: .email, regarding: [Self.ann], subject: "Re: quote",
        at: Self.now - Self.day, messageId: "<m1@fabrikam.example>"))
    }
    let m1 = try world.timeline().items.filter { $0.messageId == "<m1@fabrikam.example>" }
    #expect(m1.map(\.id) == ["act-m1"])
    #expect(m1.map(\.state) == [.tracked])
  }

  @Test func timelineShowsEachOccurrenceOfATrackedSeriesUnderTheSeriesActivity() throws {
    var world = World()
    let first = Self.now - Self.day, second = Self.now + 6 * Self.day
    world.store.edit {
      $0.activities.append(Activity(id: "act-weekly", kind: .appointment, regarding: [],
                                    subject: "Weekly", at: first - 7 * Self.day,
                                    uid: "weekly@contoso.example"))
    }
    world.calendar = InMemoryCalendar([first, second].map {
      CapturedMeeting(uid: "weekly@contoso.example", recurrenceId: $0, start: $0, end: nil,
                      summary: "Weekly", organizer: Self.address("ann@fabrikam.example"),
                      attendees: [], source: "work.ics")
    })
    world.limits.meetingWindow = 7 * Self.day
    let weekly = try world.timeline().items.filter { $0.uid == "weekly@contoso.example" }
    #expect(weekly.map(\.id) == ["act-weekly/20261129T120000Z", "act-weekly/20261122T120000Z"])
    #expect(weekly.map(\.at) == [second, first])
    #expect(weekly.map(\.state) == [.tracked, .tracked])
  }

  @Test func timelineCapturesOnlyTheNewestEmailsTrackedOnesCounted() throws {
    var world = World()
    world.limits.maxEmails = 2
    let emails = try world.timeline().items.filter { $0.kind == .email }
    // m1 and the tracked quote are the two newest; m2 is left out, the tracked quote stays.
    #expect(emails.map(\.id) == ["mail:<m1@fabrikam.example>", "act-quote"])
  }

  @Test func timelineCapturesMeetingsWithinTheWindowBothEndsIncluded() throws {
    var world = World()
    let window = CaptureLimits().meetingWindow
    let starts = [-window - 1, -window, window, window + 1].map { Self.now + $0 }
    world.calendar = InMemoryCalendar(starts.enumerated().map { index, start in
      CapturedMeeting(uid: "m\(index)", recurrenceId: nil, start: start, end: nil,
                      summary: "M\(index)", organizer: Self.address("ann@fabrikam.example"),
                      attendees: [], source: "work.ics")
    })
    let meetings = try world.timeline().items.filter { $0.kind == .appointment && !$0.isPrivate }
    let captured = try world.timeline().items.filter { $0.kind == .appointment && $0.isPrivate }
    #expect(captured.map(\.uid) == ["m2", "m1"])
    #expect(meetings.map(\.id) == ["act-review"])
  }

  @Test func timelineReportsTheSourcesProblems() throws {
    var world = World()
    world.mailbox = InMemoryMailbox(Self.messages(), problems: [
      .unreadable(path: "Mail/cur/1", reason: "Permission denied"),
    ])
    #expect(try world.timeline().problems == ["cannot read Mail/cur/1: Permission denied"])
  }

  @Test func timelineOfAnUnknownRecordIsAnError() throws {
    let ghost = RecordRef(type: .lead, id: "l-ghost")
    #expect(throws: CRMError.unknownRecord(ghost)) { try World().timeline(ghost) }
  }

  // MARK: - Permissions

  struct Withholding: Sendable, CustomTestStringConvertible {
    var testDescription: String
    var organization = Organization()
    var user = TimelineServiceTests.dana
    var notice: String
  }

  static let withholdings: [Withholding] = [
    Withholding(testDescription: "organization switch off",
                organization: Organization(autoCapture: false),
                notice: "auto capture is turned off for the organization"),
    Withholding(testDescription: "access policy blocked",
                organization: Organization(untrackedAccess: .blocked),
                notice: "the organization's access policy blocks untracked email and meetings"),
    Withholding(testDescription: "forward mailbox",
                user: User(id: "dana", name: "Dana", emails: dana.emails,
                           mailbox: MailboxSettings(syncMethod: .forwardMailbox)),
                notice: "a forward mailbox does not allow viewing, opening or tracking "
                  + "untracked email"),
    Withholding(testDescription: "personal option off",
                user: User(id: "dana", name: "Dana", emails: dana.emails, mailbox: dana.mailbox,
                           showUntracked: false),
                notice: "untracked email is hidden: \"Show email not tracked in the "
                  + "Activities list\" is No"),
  ]

  @Test(arguments: withholdings)
  func privateItemsAreWithheldWithANoticeWhileTrackedActivitiesStay(_ withholding: Withholding)
    throws {
    let world = World()
    world.store.edit {
      $0.organization = withholding.organization
      $0.users[0] = withholding.user
    }
    let timeline = try world.timeline(user: withholding.user)
    #expect(timeline.notice == withholding.notice)
    #expect(timeline.items.map(\.id)
      == ["act-review", "act-task", "act-call", "act-quote", "act-note"])
    #expect(timeline.items.map(\.kind) == [.appointment, .task, .phonecall, .email, .note])
    #expect(world.mailbox.refreshCount == 0)
    #expect(throws: NotAllowed(withholding.notice)) {
      try world.track("mail:<m1@fabrikam.example>", user: withholding.user)
    }
    let privateItem = TimelineItem(id: "mail:<m1@fabrikam.example>", kind: .email,
                                   state: .untracked, subject: "Re: quote", at: Self.now,
                                   messageId: "<m1@fabrikam.example>")
    #expect(throws: NotAllowed(withholding.notice)) {
      try world.service.body(of: privateItem, user: withholding.user)
    }
    #expect(try world.store.trackRequests(userId: nil, states: ["pending"]).isEmpty)
  }

  @Test func syncMethodNoneShowsAndOpensPrivateItemsButRefusesTrackingInWords() throws {
    let world = World()
    let outlook = User(id: "dana", name: "Dana", emails: Self.dana.emails)
    world.store.edit { $0.users[0] = outlook }
    let timeline = try world.timeline(user: outlook)
    #expect(timeline.notice == nil)
    let m1 = try #require(timeline.items.first { $0.messageId == "<m1@fabrikam.example>" })
    #expect(try world.service.body(of: m1, user: outlook) == "Numbers attached.")
    #expect(throws: NotAllowed("tracking requires server-side sync")) {
      try world.track(m1.id, user: outlook)
    }
    #expect(try world.store.trackRequests(userId: nil, states: ["pending"]).isEmpty)
  }

  // MARK: - track and syncPending

  @Test func trackMakesAnItemPendingAndTheSyncMakesItTracked() throws {
    let world = World()
    let request = try world.track("mail:<m1@fabrikam.example>")
    #expect(request.state == .pending)
    #expect(try world.item("<m1@fabrikam.example>").state == .pending)
    #expect(try world.store.emailActivities(messageIds: ["<m1@fabrikam.example>"]).isEmpty)

    let results = try world.sync()
    let activityId = try #require(results.first.flatMap {
      if case .done(let id) = $0.state { return id } else { return nil }
    })
    let item = try world.item("<m1@fabrikam.example>")
    #expect(item.state == .tracked)
    #expect(item.id == activityId)
    #expect(item.direction == .incoming)
    #expect(item.hasAttachments == true)
    let activity = try #require(try world.store.activity(id: activityId))
    #expect(activity.regarding == [Self.fabrikam])
    #expect(activity.body == "Numbers attached.")
    #expect(activity.fromName == "Ann Lee")
    #expect(activity.owner == "dana")
    #expect(world.store.attachmentContent(activityId: activityId, index: 0) == Self.pdf.data)
    #expect(try world.sync().isEmpty)
  }

  @Test func syncTracksAnEmailFromTheUserAsOutgoingAndAMeetingWithItsDetails() throws {
    let world = World()
    try world.track("mail:<m2@contoso.example>")
    try world.track("cal:sync@contoso.example")
    #expect(try world.sync().map(\.state.name) == ["done", "done"])
    let m2 = try world.item("<m2@contoso.example>")
    #expect(m2.state == .tracked)
    #expect(m2.direction == .outgoing)
    let meeting = try #require(
      try world.timeline().items.first { $0.uid == "sync@contoso.example" })
    #expect(meeting.state == .tracked)
    let activity = try #require(try world.store.activity(id: meeting.id))
    #expect(activity.kind == .appointment)
    #expect(activity.location == "Room 1")
    #expect(activity.body == "Agenda")
  }

  @Test func aFailedSyncKeepsItsReasonOnTheTileWithoutTheMailboxDetails() throws {
    let world = World()
    try world.track("mail:<m1@fabrikam.example>")
    world.mailbox.failReading(messageId: "<m1@fabrikam.example>",
                              with: .unreadable(path: "Mail/cur/m1", reason: "Permission denied"))
    var details: [String?] = []
    let results = try world.service.syncPending(user: Self.dana, now: Self.now) {
      details.append($1)
    }
    #expect(results.map(\.state) == [.failed(reason: "could not be read from your mailbox")])
    #expect(details == ["cannot read Mail/cur/m1: Permission denied"])
    #expect(try world.item("<m1@fabrikam.example>").state
      == .failed(reason: "could not be read from your mailbox"))
    // Tracking again makes it pending; the sync does not retry it by itself.
    #expect(try world.sync().isEmpty)
    try world.track("mail:<m1@fabrikam.example>")
    #expect(try world.item("<m1@fabrikam.example>").state == .pending)
  }

  @Test func aMessageGoneFromTheMailboxFailsAsNoLongerThere() throws {
    let world = World()
    try world.track("mail:<m1@fabrikam.example>")
    world.mailbox.failReading(messageId: "<m1@fabrikam.example>",
                              with: .messageNotFound("<m1@fabrikam.example>"))
    #expect(try world.sync().map(\.state) == [.failed(reason: "no longer in your mailbox")])
  }

  @Test func trackingAgainFromTheSameRecordIsRefusedInWords() throws {
    let world = World()
    try world.track("mail:<m1@fabrikam.example>")
    try world.sync()
    let tracked = try world.item("<m1@fabrikam.example>")
    for id in [tracked.id, "mail:<m1@fabrikam.example>"] {
      #expect(throws: NotAllowed("this email is already tracked on this record")) {
        try world.track(id)
      }
    }
    #expect(throws: NotAllowed("this meeting is already tracked on this record")) {
      try world.track("cal:review@contoso.example")
    }
    #expect(throws: NotAllowed("this phone call is already tracked on this record")) {
      try world.track("act-call")
    }
  }

  @Test func trackingFromASecondRecordLinksItToTheSameActivity() throws {
    let world = World()
    try world.track("mail:<m1@fabrikam.example>")
    try world.sync()
    let tracked = try world.item("<m1@fabrikam.example>")
    // On Ann's timeline it shows tracked already (it regards Fabrikam), and may be linked.
    #expect(try world.item("<m1@fabrikam.example>", on: Self.ann).state == .tracked)
    let link = try world.track(tracked.id, from: Self.ann)
    #expect(link.itemId == "mail:<m1@fabrikam.example>")
    #expect(try world.sync().map(\.state) == [.done(activityId: tracked.id)])
    #expect(try world.store.activity(id: tracked.id)?.regarding == [Self.fabrikam, Self.ann])
    #expect(try world.store.emailActivities(messageIds: ["<m1@fabrikam.example>"]).count == 1)
  }

  @Test func aRequestFromAnotherRecordLeavesTheItemPrivateHere() throws {
    let world = World()
    try world.track("mail:<m1@fabrikam.example>", from: Self.ann)
    #expect(try world.item("<m1@fabrikam.example>", on: Self.ann).state == .pending)
    #expect(try world.item("<m1@fabrikam.example>").state == .untracked)
  }

  @Test func trackingAnItemNotOnTheTimelineIsAnUnknownItem() throws {
    #expect(throws: CRMError.unknownItem("mail:<lunch@northwind.example>")) {
      try World().track("mail:<lunch@northwind.example>")
    }
  }

  @Test func syncRefusesAnItemThatIsNotOnTheRecordsTimeline() throws {
    let world = World()
    // Filed straight into the store: in Dana's mailbox, but not Fabrikam's; and a meeting
    // that is on the timeline only later.
    world.calendar.add(CapturedMeeting(
      uid: "later@contoso.example", recurrenceId: nil, start: Self.now + 10 * Self.day,
      end: nil, summary: "Later", organizer: Self.address("ann@fabrikam.example"),
      attendees: [], source: "work.ics"))
    for (index, item) in ["mail:<lunch@northwind.example>", "mail:<elsewhere@contoso.example>",
                          "cal:later@contoso.example"].enumerated() {
      _ = try world.store.requestTracking(userId: "dana", record: Self.fabrikam, itemId: item,
                                          at: Self.now + Double(index))
    }
    let results = try world.sync()
    #expect(results.map(\.state) == [
      .failed(reason: "not on this record's timeline in your mailbox"),
      .failed(reason: "not on this record's timeline in your mailbox"),
      .failed(reason: "not on this record's timeline in your calendar"),
    ])
    #expect(try world.store.emailActivities(
      messageIds: ["<lunch@northwind.example>", "<elsewhere@contoso.example>"]).isEmpty)
    #expect(try world.store.appointmentActivities(uids: ["later@contoso.example"]).isEmpty)
  }

  @Test func syncRefusesAnotherMessageWithTheSameMessageId() throws {
    let world = World()
    try world.track("mail:<m1@fabrikam.example>")
    world.mailbox.readInstead(messageId: "<m1@fabrikam.example>", .email(
      "<m1@fabrikam.example>", at: Self.now - Self.day, subject: "Re: quote",
      from: "ann@fabrikam.example", to: ["eve@mail.example"], body: "Someone else's"))
    #expect(try world.sync().map(\.state)
      == [.failed(reason: "not on this record's timeline in your mailbox")])
    #expect(try world.store.emailActivities(messageIds: ["<m1@fabrikam.example>"]).isEmpty)
  }

  @Test func syncRefusesARequestThatIsNotTheUsersOwn() throws {
    let world = World()
    try world.track("mail:<m1@fabrikam.example>", user: Self.eli)
    let service = TimelineService(store: EveryonesRequests(world.store), mail: world.mailbox,
                                  calendar: world.calendar, timeZone: .gmt)
    let results = try service.syncPending(user: Self.dana, now: Self.now)
    #expect(results.map(\.userId) == ["eli"])
    #expect(results.map(\.state) == [.failed(reason: "filed for another user")])
    #expect(try world.store.emailActivities(messageIds: ["<m1@fabrikam.example>"]).isEmpty)
  }

  @Test func syncFailsPendingRequestsWhenTrackingIsNoLongerAllowed() throws {
    let world = World()
    try world.track("mail:<m1@fabrikam.example>")
    world.store.edit { $0.organization.autoCapture = false }
    #expect(try world.sync().map(\.state)
      == [.failed(reason: "auto capture is turned off for the organization")])
    #expect(world.mailbox.refreshCount == 1)
  }
}

/// A store that hands every user's requests to whoever syncs, as a faulty or forged
/// database might: the sync must check whose request it carries out.
private struct EveryonesRequests: CRMStore {
  let base: InMemoryCRMStore
  init(_ base: InMemoryCRMStore) { self.base = base }

  func trackRequests(userId: String?, states: Set<String>) throws -> [TrackRequest] {
    try base.trackRequests(userId: nil, states: states)
  }

  func account(id: String) throws -> Account? { try base.account(id: id) }
  func contact(id: String) throws -> Contact? { try base.contact(id: id) }
  func lead(id: String) throws -> Lead? { try base.lead(id: id) }
  func opportunity(id: String) throws -> Opportunity? { try base.opportunity(id: id) }
  func supportCase(id: String) throws -> SupportCase? { try base.supportCase(id: id) }
  func customEntityType(name: String) throws -> CustomEntityType? {
    try base.customEntityType(name: name)
  }
  func customRecord(type: String, id: String) throws -> CustomRecord? {
    try base.customRecord(type: type, id: id)
  }
  func topContacts(ofAccount accountId: String, limit: Int) throws -> [Contact] {
    try base.topContacts(ofAccount: accountId, limit: limit)
  }
  func organization() throws -> Organization { try base.organization() }
  func user(matching idOrEmail: String) throws -> User? { try base.user(matching: idOrEmail) }
  func users() throws -> [User] { try base.users() }
  func recordSummaries() throws -> [RecordSummary] { try base.recordSummaries() }
  func recordSummary(_ ref: RecordRef) throws -> RecordSummary? { try base.recordSummary(ref) }
  func customEntityTypes() throws -> [CustomEntityType] { try base.customEntityTypes() }
  func activities(regarding record: RecordRef) throws -> [Activity] {
    try base.activities(regarding: record)
  }
  func emailActivities(messageIds: [String]) throws -> [Activity] {
    try base.emailActivities(messageIds: messageIds)
  }
  func appointmentActivities(uids: [String]) throws -> [Activity] {
    try base.appointmentActivities(uids: uids)
  }
  func activity(id: String) throws -> Activity? { try base.activity(id: id) }
  func setShowUntracked(userId: String, _ value: Bool) throws {
    try base.setShowUntracked(userId: userId, value)
  }
  func setTrackReplies(userId: String, _ value: Bool) throws {
    try base.setTrackReplies(userId: userId, value)
  }
  func addExcludedAddress(userId: String, _ exclusion: AddressExclusion) throws {
    try base.addExcludedAddress(userId: userId, exclusion)
  }
  func removeExcludedAddress(userId: String, _ exclusion: AddressExclusion) throws -> Bool {
    try base.removeExcludedAddress(userId: userId, exclusion)
  }
  func requestTracking(userId: String, record: RecordRef, itemId: String, at: Date) throws
    -> TrackRequest {
    try base.requestTracking(userId: userId, record: record, itemId: itemId, at: at)
  }
  func completeTracking(requestId: String, activity: Activity, attachments: [AttachmentContent])
    throws -> String {
    try base.completeTracking(requestId: requestId, activity: activity, attachments: attachments)
  }
  func failTracking(requestId: String, reason: String) throws {
    try base.failTracking(requestId: requestId, reason: reason)
  }
  func untrack(_ entry: TrackingAuditEntry, reason: String) throws -> Bool {
    try base.untrack(entry, reason: reason)
  }
  func auditEntries(itemIds: [String]) throws -> [TrackingAuditEntry] {
    try base.auditEntries(itemIds: itemIds)
  }
}
