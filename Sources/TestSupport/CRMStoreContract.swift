import CaptureCore
import Foundation
import Testing

/// Makes a fresh store of one ``CRMStore`` implementation holding some content.
public struct CRMStoreMaker: Sendable, CustomTestStringConvertible {
  public var name: String
  public var make: @Sendable (CRMContent) throws -> any CRMStore

  public init(_ name: String, make: @escaping @Sendable (CRMContent) throws -> any CRMStore) {
    self.name = name
    self.make = make
  }

  public var testDescription: String { name }

  public static let inMemory = CRMStoreMaker("in-memory") { InMemoryCRMStore($0) }
}

/// What every ``CRMStore`` implementation must do, as one suite of checks. A test target
/// runs it over its implementations with one parameterized test:
///
/// ```swift
/// @Test(arguments: CRMStoreContract.checks, [CRMStoreMaker.inMemory])
/// func storeContract(_ check: CRMStoreContract.Check, _ store: CRMStoreMaker) throws {
///   try check.run(on: store)
/// }
/// ```
///
/// so another implementation joins by adding its maker to that list.
public enum CRMStoreContract {
  /// One rule of the contract, named for the test report.
  public struct Check: Sendable, CustomTestStringConvertible {
    public let name: String
    let body: @Sendable (CRMStoreMaker) throws -> Void

    public var testDescription: String { name }

    public func run(on maker: CRMStoreMaker) throws { try body(maker) }
  }

  public static let checks: [Check] = [
    Check(name: "records read back as they were given", body: recordsReadBack),
    Check(name: "record summaries list built-in types, then custom types, each by name",
          body: recordSummaries),
    Check(name: "an account's top contacts are the most recently modified", body: topContacts),
    Check(name: "address sets built on the store follow every link", body: addressSets),
    Check(name: "users are found by id or any of their addresses", body: users),
    Check(name: "the organization's switches and each mailbox's settings read back",
          body: permissionInputs),
    Check(name: "tracked activities are found by record, Message-ID and UID",
          body: trackedActivities),
    Check(name: "a track request is durable and asking again returns it", body: trackRequests),
    Check(name: "completing a request stores one activity per item and links records",
          body: completeTracking),
    Check(name: "completing a done request again changes nothing", body: syncIdempotence),
    Check(name: "a failed request keeps its reason until it is asked for again",
          body: failTracking),
    Check(name: "the personal option is stored per user", body: settings),
    Check(name: "excluded addresses read back sorted, and users add and remove their own",
          body: excludedAddresses),
    Check(name: "replies to tracked email are tracked automatically only once a user chooses so",
          body: trackRepliesOption),
    Check(name: "an activity linked from another record keeps the owner who tracked it first",
          body: linkedActivityKeepsOwner),
    Check(name: "untracking unlinks a record, deletes an activity left on none and is audited",
          body: untracking),
    Check(name: "untracking fails pending requests there, and tracking again reopens a done one",
          body: untrackingResolvesRequests),
  ]

  // MARK: - The content every check starts from

  public static func at(_ text: String) -> Date {
    guard let date = ISO8601.parse(text) else { preconditionFailure("not a time: \(text)") }
    return date
  }

  static func address(_ text: String) -> EmailAddress { EmailAddress(normalized: text) }

  static let dana = User(
    id: "dana", name: "Dana Reyes",
    emails: [address("dana@contoso.example"), address("d.reyes@contoso.example")],
    mailbox: MailboxSettings(syncMethod: .serverSideSync, approved: true, testEnabled: true))
  static let eli = User(id: "eli", name: "Eli", emails: [address("eli@contoso.example")],
                        mailbox: MailboxSettings(syncMethod: .outlook), showUntracked: false)
  static let fay = User(id: "fay", name: "Fay", emails: [address("fay@contoso.example")],
                        mailbox: MailboxSettings(syncMethod: .forwardMailbox))

  static let fabrikam = RecordRef(type: .account, id: "a-fab")
  static let ann = RecordRef(type: .contact, id: "c-ann")
  static let deal = RecordRef(type: .opportunity, id: "o-1")
  static let rollout = RecordRef(type: .custom("project"), id: "p-1")

  static let mailActivity = Activity(
    id: "act-mail", kind: .email, regarding: [fabrikam, ann], subject: "Quote",
    at: at("2026-11-19T08:00:00Z"), owner: "dana", messageId: "<quote-1@contoso.example>",
    direction: .outgoing, from: address("dana@contoso.example"), fromName: "Dana Reyes",
    to: [address("ann@fabrikam.example")], cc: [address("bo@northwind.example")],
    attachments: [AttachmentInfo(name: "quote.pdf", contentType: "application/pdf", size: 48213)],
    body: "Ann, the quote is attached.")
  static let callActivity = Activity(
    id: "act-call", kind: .phonecall, regarding: [deal], subject: "Intro call",
    at: at("2026-11-18T15:00:00Z"), end: at("2026-11-18T15:20:00Z"), owner: "dana",
    body: "Bo wants 50 printers by March.")
  static let meetingActivity = Activity(
    id: "act-meet", kind: .appointment, regarding: [deal, rollout], subject: "Rollout planning",
    at: at("2026-11-24T09:00:00Z"), end: at("2026-11-24T10:00:00Z"), owner: "dana",
    uid: "rollout-1@contoso.example", organizer: address("dana@contoso.example"),
    attendees: [address("ann@fabrikam.example"), address("bo@northwind.example")],
    location: "Teams")
  /// A series-level appointment and one occurrence of it, at the same time (ids decide).
  static let seriesActivity = Activity(
    id: "act-series", kind: .appointment, regarding: [fabrikam], subject: "Weekly",
    at: at("2026-11-16T09:00:00Z"), uid: "weekly@contoso.example")
  static let occurrenceActivity = Activity(
    id: "act-occ", kind: .appointment, regarding: [fabrikam], subject: "Weekly (moved)",
    at: at("2026-11-16T09:00:00Z"), uid: "weekly@contoso.example",
    recurrenceId: at("2026-11-23T09:00:00Z"))
  static let taskActivity = Activity(
    id: "act-task", kind: .task, regarding: [RecordRef(type: .case, id: "k-1")],
    subject: "Send a technician", at: at("2026-11-20T09:00:00Z"), owner: "eli")

  /// Every kind of record, user and activity, with names whose order depends on case.
  public static let world = CRMContent(
    organization: Organization(name: "Contoso"),
    users: [dana, eli, fay],
    accounts: [
      Account(id: "a-fab", name: "Fabrikam", emails: [address("info@fabrikam.example")],
              primaryContact: "c-ann"),
      Account(id: "a-apx", name: "apex", emails: []),
    ],
    contacts: [
      Contact(id: "c-ann", name: "Ann Lee",
              emails: [address("ann@fabrikam.example"), address("ann.lee@mail.example")],
              parentAccount: "a-fab", modifiedOn: at("2026-10-01T12:00:00Z")),
      Contact(id: "c-di", name: "Di", emails: [address("di@fabrikam.example")],
              parentAccount: "a-fab", modifiedOn: at("2026-11-01T12:00:00Z")),
      Contact(id: "c-bo", name: "Bo Chen", emails: [address("bo@northwind.example")],
              parentAccount: "a-fab", modifiedOn: at("2026-11-01T12:00:00Z")),
      Contact(id: "c-cy", name: "Cy", emails: [], parentAccount: "a-fab"),
      Contact(id: "c-eve", name: "Eve", emails: [address("eve@mail.example")]),
    ],
    leads: [
      Lead(id: "l-1", name: "Printers for Northwind", contactName: "Bo Chen",
           contactEmail: address("bo@northwind.example"),
           emails: [address("sales@northwind.example")]),
    ],
    opportunities: [
      Opportunity(id: "o-1", name: "50 printers", contact: "c-ann", account: "a-fab",
                  stakeholders: ["c-bo", "c-ann"], originatingLead: "l-1"),
    ],
    cases: [
      SupportCase(id: "k-1", title: "Printer jams",
                  emails: [address("support-thread@fabrikam.example")], primaryContact: "c-ann",
                  customer: CustomerRef(type: .account, id: "a-fab")),
    ],
    customEntityTypes: [
      CustomEntityType(name: "site", displayName: "Site", lookups: []),
      CustomEntityType(name: "project", displayName: "Project", lookups: [
        LookupDeclaration(field: "client", target: .account),
        LookupDeclaration(field: "sponsor", target: .contact),
        LookupDeclaration(field: "payer", target: .customer),
      ]),
    ],
    customRecords: [
      CustomRecord(type: "project", id: "p-1", name: "Rollout", lookups: [
        "client": .account("a-fab"), "sponsor": .contact("c-ann"),
        "payer": .customer(CustomerRef(type: .contact, id: "c-ann")),
      ]),
      CustomRecord(type: "project", id: "p-2", name: "alpha", lookups: [:]),
      CustomRecord(type: "site", id: "s-1", name: "HQ", lookups: [:]),
    ],
    activities: [mailActivity, callActivity, meetingActivity, seriesActivity, occurrenceActivity,
                 taskActivity])

  static let now = at("2026-11-23T12:00:00Z")

  /// An activity as a list returns it: without its body.
  static func listed(_ activity: Activity) -> Activity {
    var copy = activity
    copy.body = nil
    return copy
  }

  static func email(_ messageId: String, body: String = "Hello") -> Activity {
    Activity(id: "", kind: .email, regarding: [], subject: "Re: quote", at: now, owner: "dana",
             messageId: messageId, direction: .incoming, from: address("ann@fabrikam.example"),
             fromName: "Ann Lee", to: [address("dana@contoso.example")], body: body)
  }

  // MARK: - Checks

  static func recordsReadBack(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    for account in world.accounts { #expect(try store.account(id: account.id) == account) }
    for contact in world.contacts { #expect(try store.contact(id: contact.id) == contact) }
    for lead in world.leads { #expect(try store.lead(id: lead.id) == lead) }
    for opportunity in world.opportunities {
      #expect(try store.opportunity(id: opportunity.id) == opportunity)
    }
    for supportCase in world.cases {
      #expect(try store.supportCase(id: supportCase.id) == supportCase)
    }
    for type in world.customEntityTypes {
      #expect(try store.customEntityType(name: type.name) == type)
    }
    for record in world.customRecords {
      #expect(try store.customRecord(type: record.type, id: record.id) == record)
    }
    // Ids are unique within a type only.
    #expect(try store.account(id: "c-ann") == nil)
    #expect(try store.contact(id: "a-fab") == nil)
    #expect(try store.lead(id: "o-1") == nil)
    #expect(try store.opportunity(id: "l-1") == nil)
    #expect(try store.supportCase(id: "k-2") == nil)
    #expect(try store.customEntityType(name: "Project") == nil)
    #expect(try store.customRecord(type: "site", id: "p-1") == nil)
    #expect(try store.customEntityTypes() == world.customEntityTypes.sorted { $0.name < $1.name })
  }

  static func recordSummaries(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    let listed = try store.recordSummaries()
    #expect(listed.map(\.ref.description) == [
      "account:a-apx", "account:a-fab",
      "contact:c-ann", "contact:c-bo", "contact:c-cy", "contact:c-di", "contact:c-eve",
      "opportunity:o-1", "lead:l-1", "case:k-1",
      "project:p-2", "project:p-1", "site:s-1",
    ])
    #expect(listed.first { $0.ref.id == "k-1" }?.name == "Printer jams")
    #expect(listed.filter { $0.typeDisplayName != nil }.map(\.typeDisplayName)
      == ["Project", "Project", "Site"])
    #expect(try store.recordSummary(rollout)
      == RecordSummary(ref: rollout, name: "Rollout", typeDisplayName: "Project"))
    #expect(try store.recordSummary(ann) == RecordSummary(ref: ann, name: "Ann Lee"))
    #expect(try store.recordSummary(RecordRef(type: .lead, id: "c-ann")) == nil)
    #expect(try store.recordSummary(RecordRef(type: .custom("nope"), id: "p-1")) == nil)
  }

  static func topContacts(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    // Newest modifiedOn first, equal times by id, those without modifiedOn last.
    #expect(try store.topContacts(ofAccount: "a-fab", limit: 10).map(\.id)
      == ["c-bo", "c-di", "c-ann", "c-cy"])
    #expect(try store.topContacts(ofAccount: "a-fab", limit: 2).map(\.id) == ["c-bo", "c-di"])
    #expect(try store.topContacts(ofAccount: "a-fab", limit: 0).isEmpty)
    #expect(try store.topContacts(ofAccount: "a-apx", limit: 10).isEmpty)
    #expect(try store.topContacts(ofAccount: "a-fab", limit: 1).first
      == world.contacts.first { $0.id == "c-bo" })
  }

  static func addressSets(_ maker: CRMStoreMaker) throws {
    let rules = AddressSetRules(reader: try maker.make(world))
    func entries(_ ref: RecordRef) throws -> [String] {
      try rules.addressSet(for: ref).entries.map {
        "\($0.address.value): \($0.reasons.joined(separator: "; "))"
      }
    }
    // Custom lookups of each target, in the type's declaration order.
    #expect(try entries(rollout) == [
      "ann@fabrikam.example: lookup client: account a-fab primary contact c-ann; "
        + "lookup sponsor: contact c-ann email; lookup payer: customer contact c-ann email",
      "info@fabrikam.example: lookup client: account a-fab own email",
      "ann.lee@mail.example: lookup sponsor: contact c-ann email; "
        + "lookup payer: customer contact c-ann email",
    ])
    // Contact, stakeholders in order, the linked account's top contacts, the lead's contact.
    #expect(try entries(deal) == [
      "ann@fabrikam.example: opportunity contact c-ann; stakeholder c-ann; "
        + "linked account a-fab top-50 contact c-ann",
      "bo@northwind.example: stakeholder c-bo; linked account a-fab top-50 contact c-bo; "
        + "originating lead l-1 contact",
      "di@fabrikam.example: linked account a-fab top-50 contact c-di",
    ])
    #expect(try entries(RecordRef(type: .case, id: "k-1")) == [
      "ann@fabrikam.example: primary contact c-ann",
      "support-thread@fabrikam.example: own email",
      "info@fabrikam.example: customer account a-fab",
    ])
  }

  static func users(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    #expect(try store.users() == [dana, eli, fay])
    #expect(try store.user(matching: "eli") == eli)
    #expect(try store.user(matching: "D.Reyes@Contoso.example") == dana)
    #expect(try store.user(matching: " mailto:fay@contoso.example") == fay)
    #expect(try store.user(matching: "zoe") == nil)
    #expect(try store.user(matching: "zoe@contoso.example") == nil)
  }

  static func permissionInputs(_ maker: CRMStoreMaker) throws {
    #expect(try maker.make(world).organization() == Organization(name: "Contoso"))
    var closed = world
    closed.organization = Organization(name: "Closed", autoCapture: false,
                                       untrackedAccess: .blocked)
    #expect(try maker.make(closed).organization() == closed.organization)
    // Every sync method and flag is kept, as the permission matrix reads them.
    var mailboxes = world
    mailboxes.users += SyncMethod.allCases.enumerated().map { index, method in
      User(id: "u\(index)", name: method.rawValue, emails: [],
           mailbox: MailboxSettings(syncMethod: method, approved: index % 2 == 0,
                                    testEnabled: index % 3 == 0),
           showUntracked: index % 2 == 1)
    }
    #expect(try maker.make(mailboxes).users() == mailboxes.users)
  }

  static func trackedActivities(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    // Newest first, equal times by id; lists carry no bodies.
    #expect(try store.activities(regarding: fabrikam)
      == [mailActivity, occurrenceActivity, seriesActivity].map(listed))
    #expect(try store.activities(regarding: deal) == [meetingActivity, callActivity].map(listed))
    #expect(try store.activities(regarding: rollout) == [listed(meetingActivity)])
    #expect(try store.activities(regarding: RecordRef(type: .contact, id: "c-eve")).isEmpty)
    #expect(try store.activity(id: "act-mail") == mailActivity)
    #expect(try store.activity(id: "act-call") == callActivity)
    #expect(try store.activity(id: "act-none") == nil)
    #expect(try store.emailActivities(
      messageIds: ["<quote-1@contoso.example>", "<none@contoso.example>",
                   "<quote-1@contoso.example>"]) == [listed(mailActivity)])
    #expect(try store.emailActivities(messageIds: []).isEmpty)
    // Of one UID, the series-level activity first, then occurrences by recurrence id.
    #expect(try store.appointmentActivities(
      uids: ["weekly@contoso.example", "rollout-1@contoso.example", "none"]).map(\.id)
      == ["act-meet", "act-series", "act-occ"])
    #expect(try store.appointmentActivities(uids: ["<quote-1@contoso.example>"]).isEmpty)
  }

  static func trackRequests(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    let first = try store.requestTracking(userId: "dana", record: fabrikam,
                                          itemId: "mail:<m1@fabrikam.example>", at: now)
    #expect(first.state == .pending)
    #expect(first.attempts == 0)
    #expect(first.userId == "dana" && first.record == fabrikam && first.requestedAt == now)
    let again = try store.requestTracking(userId: "dana", record: fabrikam,
                                          itemId: "mail:<m1@fabrikam.example>", at: now + 60)
    #expect(again == first)
    let otherRecord = try store.requestTracking(userId: "dana", record: ann,
                                                itemId: "mail:<m1@fabrikam.example>", at: now + 1)
    let otherUser = try store.requestTracking(userId: "eli", record: fabrikam,
                                              itemId: "mail:<m1@fabrikam.example>", at: now + 2)
    #expect(Set([first.id, otherRecord.id, otherUser.id]).count == 3)
    #expect(try store.trackRequests(userId: "dana", states: ["pending"]) == [first, otherRecord])
    #expect(try store.trackRequests(userId: nil, states: ["pending", "failed"])
      == [first, otherRecord, otherUser])
    #expect(try store.trackRequests(userId: "eli", states: ["done", "failed"]).isEmpty)
    // A sync claims its user's pending requests, oldest first.
    #expect(try store.claimPendingRequests(userId: "dana") == [first, otherRecord])
    #expect(throws: CRMError.unknownUser("zoe")) {
      try store.requestTracking(userId: "zoe", record: fabrikam, itemId: "x", at: now)
    }
    let ghost = RecordRef(type: .lead, id: "l-ghost")
    #expect(throws: CRMError.unknownRecord(ghost)) {
      try store.requestTracking(userId: "dana", record: ghost, itemId: "x", at: now)
    }
    #expect(try store.trackRequests(userId: nil, states: ["pending"]).count == 3)
  }

  static func completeTracking(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    let pdf = AttachmentContent(
      info: AttachmentInfo(name: "terms.pdf", contentType: "application/pdf", size: 4),
      data: Data([0x25, 0x50, 0x44, 0x46]))
    let onAccount = try store.requestTracking(userId: "dana", record: fabrikam,
                                              itemId: "mail:<m1@fabrikam.example>", at: now)
    let id = try store.completeTracking(requestId: onAccount.id,
                                        activity: email("<m1@fabrikam.example>"),
                                        attachments: [pdf])
    var expected = email("<m1@fabrikam.example>")
    expected.id = id
    expected.regarding = [fabrikam]
    expected.attachments = [pdf.info]
    #expect(try store.activity(id: id) == expected)
    #expect(try store.activities(regarding: fabrikam).first == listed(expected))
    let done = try store.trackRequests(userId: "dana", states: ["done"])
    #expect(done.map(\.state) == [.done(activityId: id)])
    #expect(done.first?.attempts == 1)
    #expect(try store.trackRequests(userId: "dana", states: ["pending"]).isEmpty)

    // The same message from another record, by another user: one activity regarding both.
    let onContact = try store.requestTracking(userId: "eli", record: ann,
                                              itemId: "mail:<m1@fabrikam.example>", at: now)
    #expect(try store.completeTracking(requestId: onContact.id,
                                       activity: email("<m1@fabrikam.example>", body: "Other"),
                                       attachments: []) == id)
    #expect(try store.emailActivities(messageIds: ["<m1@fabrikam.example>"]).map(\.regarding)
      == [[fabrikam, ann]])
    #expect(try store.activity(id: id)?.body == "Hello")

    // An email already imported as an activity is linked, not copied.
    let deal = try store.requestTracking(userId: "dana", record: Self.deal,
                                         itemId: "mail:<quote-1@contoso.example>", at: now)
    #expect(try store.completeTracking(requestId: deal.id,
                                       activity: email("<quote-1@contoso.example>"),
                                       attachments: []) == "act-mail")
    #expect(try store.activity(id: "act-mail")?.regarding == [fabrikam, ann, Self.deal])

    // Appointments are one activity per UID and recurrence id.
    func meeting(_ item: String, _ recurrence: Date?) throws -> String {
      let request = try store.requestTracking(userId: "dana", record: fabrikam, itemId: item,
                                              at: now)
      return try store.completeTracking(
        requestId: request.id,
        activity: Activity(id: "", kind: .appointment, regarding: [], subject: "Weekly", at: now,
                           uid: "standup@contoso.example", recurrenceId: recurrence),
        attachments: [])
    }
    let monday = try meeting("cal:a", now), again = try meeting("cal:b", now)
    let nextWeek = try meeting("cal:c", now + 604_800)
    let series = try meeting("cal:d", nil), seriesAgain = try meeting("cal:e", nil)
    #expect(monday == again && series == seriesAgain)
    #expect(Set([monday, nextWeek, series]).count == 3)
    #expect(try store.appointmentActivities(uids: ["standup@contoso.example"]).map(\.id)
      == [series, monday, nextWeek])
    // The imported occurrence is found by its recurrence id, not the series.
    let moved = try store.requestTracking(userId: "dana", record: ann, itemId: "cal:f", at: now)
    #expect(try store.completeTracking(
      requestId: moved.id,
      activity: Activity(id: "", kind: .appointment, regarding: [], subject: "Weekly", at: now,
                         uid: "weekly@contoso.example",
                         recurrenceId: occurrenceActivity.recurrenceId),
      attachments: []) == "act-occ")
  }

  static func syncIdempotence(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    let request = try store.requestTracking(userId: "dana", record: fabrikam, itemId: "call",
                                            at: now)
    let call = Activity(id: "", kind: .phonecall, regarding: [], subject: "Call", at: now)
    let first = try store.completeTracking(requestId: request.id, activity: call, attachments: [])
    let before = try store.activities(regarding: fabrikam)
    var other = call
    other.subject = "Another call"
    #expect(try store.completeTracking(requestId: request.id, activity: other, attachments: [])
      == first)
    #expect(try store.activities(regarding: fabrikam) == before)
    let done = try store.trackRequests(userId: "dana", states: ["done"])
    #expect(done.map(\.attempts) == [1])
    // A request done stays done when a late failure arrives.
    try store.failTracking(requestId: request.id, reason: "too late")
    #expect(try store.trackRequests(userId: "dana", states: ["done"]) == done)
  }

  static func failTracking(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    let request = try store.requestTracking(userId: "dana", record: fabrikam,
                                            itemId: "mail:<m1@fabrikam.example>", at: now)
    try store.failTracking(requestId: request.id, reason: "no longer in your mailbox")
    let failed = try store.trackRequests(userId: "dana", states: ["failed"])
    #expect(failed.map(\.state) == [.failed(reason: "no longer in your mailbox")])
    #expect(failed.map(\.attempts) == [1])
    #expect(try store.trackRequests(userId: "dana", states: ["pending"]).isEmpty)
    let retried = try store.requestTracking(userId: "dana", record: fabrikam,
                                            itemId: "mail:<m1@fabrikam.example>", at: now + 60)
    #expect(retried.id == request.id)
    #expect(retried.state == .pending)
    #expect(retried.requestedAt == now)
    let id = try store.completeTracking(requestId: retried.id,
                                        activity: email("<m1@fabrikam.example>"), attachments: [])
    let done = try store.trackRequests(userId: "dana", states: ["done"])
    #expect(done.map(\.state) == [.done(activityId: id)])
    #expect(done.map(\.attempts) == [2])
    #expect(throws: CRMError.unknownTrackRequest("tr-none")) {
      try store.failTracking(requestId: "tr-none", reason: "x")
    }
    #expect(throws: CRMError.unknownTrackRequest("tr-none")) {
      try store.completeTracking(requestId: "tr-none", activity: email("<m2@x.example>"),
                                 attachments: [])
    }
  }

  static func settings(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    try store.setShowUntracked(userId: "eli", true)
    try store.setShowUntracked(userId: "dana", false)
    #expect(try store.user(matching: "eli")?.showUntracked == true)
    #expect(try store.user(matching: "dana")?.showUntracked == false)
    #expect(try store.user(matching: "fay")?.showUntracked == true)
    #expect(throws: CRMError.unknownUser("zoe")) {
      try store.setShowUntracked(userId: "zoe", true)
    }
  }

  static func trackRepliesOption(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    // Not chosen yet: nil, which the config file's default then decides.
    #expect(try store.users().map(\.trackReplies) == [nil, nil, nil])
    try store.setTrackReplies(userId: "eli", true)
    try store.setTrackReplies(userId: "dana", false)
    #expect(try store.user(matching: "eli@contoso.example")?.trackReplies == true)
    #expect(try store.user(matching: "dana")?.trackReplies == false)
    #expect(try store.user(matching: "fay")?.trackReplies == nil)
    try store.setTrackReplies(userId: "eli", false)
    #expect(try store.user(matching: "eli")?.trackReplies == false)
    // The other personal option is its own.
    #expect(try store.user(matching: "eli")?.showUntracked == false)
    #expect(throws: CRMError.unknownUser("zoe")) {
      try store.setTrackReplies(userId: "zoe", true)
    }
  }

  static func linkedActivityKeepsOwner(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    let first = try store.requestTracking(userId: "dana", record: fabrikam,
                                          itemId: "mail:<m7@fabrikam.example>", at: now)
    let id = try store.completeTracking(requestId: first.id,
                                        activity: email("<m7@fabrikam.example>"), attachments: [])
    var linked = email("<m7@fabrikam.example>")
    linked.owner = "eli"
    let second = try store.requestTracking(userId: "eli", record: ann,
                                           itemId: "mail:<m7@fabrikam.example>", at: now)
    #expect(try store.completeTracking(requestId: second.id, activity: linked,
                                       attachments: []) == id)
    let found = try store.emailActivities(messageIds: ["<m7@fabrikam.example>"])
    #expect(found.map(\.owner) == ["dana"])
    #expect(found.map(\.regarding) == [[fabrikam, ann]])
    #expect(try store.activities(regarding: ann).filter { $0.id == id }.map(\.owner) == ["dana"])
  }

  static func excludedAddresses(_ maker: CRMStoreMaker) throws {
    func exclusions(_ texts: String...) -> [AddressExclusion] {
      texts.map(AddressExclusion.init(normalized:))
    }
    var content = world
    content.organization.excludedAddresses = exclusions("@mail.example", "noreply@fabrikam.example")
    content.users[0].excludedAddresses = exclusions("ann@fabrikam.example", "@bulk.example")
    let store = try maker.make(content)
    // Sorted by their text, the domains (`@...`) first.
    #expect(try store.organization().excludedAddresses
      == exclusions("@mail.example", "noreply@fabrikam.example"))
    #expect(try store.user(matching: "dana")?.excludedAddresses
      == exclusions("@bulk.example", "ann@fabrikam.example"))
    #expect(try store.user(matching: "eli")?.excludedAddresses == [])

    try store.addExcludedAddress(userId: "eli", AddressExclusion.domain("fabrikam.example"))
    try store.addExcludedAddress(userId: "eli", AddressExclusion.domain("fabrikam.example"))
    try store.addExcludedAddress(userId: "eli", .address(address("bo@northwind.example")))
    #expect(try store.user(matching: "eli")?.excludedAddresses
      == exclusions("@fabrikam.example", "bo@northwind.example"))
    // One user's list is not another's, nor the organization's.
    #expect(try store.user(matching: "dana")?.excludedAddresses
      == exclusions("@bulk.example", "ann@fabrikam.example"))
    #expect(try store.users().first { $0.id == "eli" }?.excludedAddresses
      == exclusions("@fabrikam.example", "bo@northwind.example"))

    #expect(try store.removeExcludedAddress(userId: "eli", .domain("fabrikam.example")))
    #expect(try !store.removeExcludedAddress(userId: "eli", .domain("fabrikam.example")))
    #expect(try !store.removeExcludedAddress(userId: "dana", .domain("mail.example")))
    #expect(try store.user(matching: "eli")?.excludedAddresses
      == exclusions("bo@northwind.example"))
    #expect(try store.organization().excludedAddresses
      == exclusions("@mail.example", "noreply@fabrikam.example"))
    #expect(throws: CRMError.unknownUser("zoe")) {
      try store.addExcludedAddress(userId: "zoe", .domain("x.example"))
    }
    #expect(throws: CRMError.unknownUser("zoe")) {
      try store.removeExcludedAddress(userId: "zoe", .domain("x.example"))
    }
  }

  static func untracking(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    let mailItem = "mail:<quote-1@contoso.example>"
    // Moved from Fabrikam to the deal: it regards Ann and the deal.
    let move = TrackingAuditEntry(at: now, userId: "dana", activityId: "act-mail",
                                  itemId: mailItem, from: fabrikam, to: deal)
    #expect(try store.untrack(move, reason: "moved") == false)
    #expect(try store.activity(id: "act-mail")?.regarding == [ann, deal])
    #expect(try store.activities(regarding: fabrikam).map(\.id).contains("act-mail") == false)
    #expect(try store.activities(regarding: deal).map(\.id).contains("act-mail"))
    // Not on Fabrikam any more: nothing is written.
    #expect(throws: CRMError.notTracked(item: "act-mail", record: fabrikam)) {
      try store.untrack(TrackingAuditEntry(at: now + 1, userId: "dana", activityId: "act-mail",
                                           itemId: mailItem, from: fabrikam), reason: "x")
    }
    let ghost = RecordRef(type: .lead, id: "l-ghost")
    #expect(throws: CRMError.unknownRecord(ghost)) {
      try store.untrack(TrackingAuditEntry(at: now + 1, userId: "dana", activityId: "act-mail",
                                           itemId: mailItem, from: ann, to: ghost), reason: "x")
    }
    #expect(try store.activity(id: "act-mail")?.regarding == [ann, deal])
    #expect(throws: CRMError.unknownUser("zoe")) {
      try store.untrack(TrackingAuditEntry(at: now + 1, userId: "zoe", activityId: "act-mail",
                                           itemId: mailItem, from: ann), reason: "x")
    }
    // Taken off its last two records by another user: the activity is gone.
    let offAnn = TrackingAuditEntry(at: now + 60, userId: "eli", activityId: "act-mail",
                                    itemId: mailItem, from: ann)
    let offDeal = TrackingAuditEntry(at: now + 60, userId: "eli", activityId: "act-mail",
                                     itemId: mailItem, from: deal)
    #expect(try store.untrack(offAnn, reason: "untracked") == false)
    #expect(try store.untrack(offDeal, reason: "untracked") == true)
    #expect(try store.activity(id: "act-mail") == nil)
    #expect(try store.emailActivities(messageIds: ["<quote-1@contoso.example>"]).isEmpty)
    #expect(try store.activities(regarding: ann).isEmpty)
    // The trail outlives the activity: oldest first, equal times in the order written.
    let trail = try store.auditEntries(itemIds: [mailItem, "mail:<other@x.example>"])
    #expect(trail == [move, offAnn, offDeal])
    #expect(try store.auditEntries(itemIds: ["mail:<other@x.example>"]).isEmpty)
    // A meeting too; other activities are untouched.
    let meeting = TrackingAuditEntry(at: now, userId: "dana", activityId: "act-meet",
                                     itemId: "cal:rollout-1@contoso.example", from: rollout)
    #expect(try store.untrack(meeting, reason: "untracked") == false)
    #expect(try store.activity(id: "act-meet")?.regarding == [deal])
    #expect(try store.activity(id: "act-call")?.regarding == [deal])
    // A trail read for a tile is bounded: the newest `kept` entries of an item.
    var moves: [TrackingAuditEntry] = []
    for n in 0...TrackingAuditEntry.kept {
      let entry = TrackingAuditEntry(
        at: now + TimeInterval(n), userId: "eli", activityId: "act-call", itemId: "act-call",
        from: n % 2 == 0 ? deal : fabrikam, to: n % 2 == 0 ? fabrikam : deal)
      try store.untrack(entry, reason: "moved")
      moves.append(entry)
    }
    #expect(try store.auditEntries(itemIds: ["act-call"]) == Array(moves.dropFirst()))
    #expect(try store.auditEntries(itemIds: ["act-call", mailItem]).count
      == TrackingAuditEntry.kept + 3)
  }

  static func untrackingResolvesRequests(_ maker: CRMStoreMaker) throws {
    let store = try maker.make(world)
    let item = "mail:<m1@fabrikam.example>"
    let danas = try store.requestTracking(userId: "dana", record: fabrikam, itemId: item, at: now)
    let id = try store.completeTracking(requestId: danas.id, activity: email("<m1@fabrikam.example>"),
                                        attachments: [])
    // Eli asked for it on Fabrikam too, before it was untracked there: his request must not
    // put it back at his next sync. His request for another record stays.
    let elis = try store.requestTracking(userId: "eli", record: fabrikam, itemId: item,
                                         at: now + 1)
    let elisOnAnn = try store.requestTracking(userId: "eli", record: ann, itemId: item,
                                              at: now + 2)
    #expect(try store.untrack(TrackingAuditEntry(at: now + 3, userId: "dana", activityId: id,
                                                 itemId: item, from: fabrikam),
                              reason: "taken off this record by Dana") == true)
    let eliNow = try store.trackRequests(userId: "eli", states: ["pending", "failed"])
    #expect(eliNow.first { $0.id == elis.id }?.state
      == .failed(reason: "taken off this record by Dana"))
    #expect(eliNow.first { $0.id == elisOnAnn.id }?.state == .pending)
    #expect(try store.claimPendingRequests(userId: "eli").map(\.id) == [elisOnAnn.id])
    // Dana's done request is not run again; asking again reopens it, asked for anew.
    #expect(try store.trackRequests(userId: "dana", states: ["pending"]).isEmpty)
    let again = try store.requestTracking(userId: "dana", record: fabrikam, itemId: item,
                                          at: now + 10)
    #expect(again.id == danas.id)
    #expect(again.state == .pending)
    #expect(again.requestedAt == now + 10)
    let back = try store.completeTracking(requestId: again.id,
                                          activity: email("<m1@fabrikam.example>"),
                                          attachments: [])
    #expect(try store.activity(id: back)?.regarding == [fabrikam])
    // Done and still linked: asking again changes nothing.
    let still = try store.requestTracking(userId: "dana", record: fabrikam, itemId: item,
                                          at: now + 20)
    #expect(still.state == .done(activityId: back))
    #expect(still.requestedAt == now + 10)
  }
}
