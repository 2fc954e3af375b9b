import CaptureCore
import Foundation
import TestSupport
import Testing

/// `TimelineService.explain` and the exclusions, over the in-memory store, mailbox and
/// calendar: which addresses matched in which field and why each is in the record's set,
/// why an item of the user's own mailbox or calendar is not shown, and that an item
/// matching only through excluded addresses leaves the timeline.
@Suite struct CaptureExplanationTests {
  static let now = CRMStoreContract.at("2026-11-23T12:00:00Z")
  static let hour: TimeInterval = 3600, day: TimeInterval = 86400

  static func address(_ text: String) -> EmailAddress { EmailAddress(normalized: text) }

  static let dana = User(
    id: "dana", name: "Dana", emails: [address("dana@contoso.example")],
    mailbox: MailboxSettings(syncMethod: .serverSideSync, approved: true, testEnabled: true))
  static let deal = RecordRef(type: .opportunity, id: "o-1")
  static let ann = RecordRef(type: .contact, id: "c-ann")

  static let content = CRMContent(
    users: [dana],
    accounts: [Account(id: "a-fab", name: "Fabrikam", emails: [], primaryContact: "c-ann")],
    contacts: [
      Contact(id: "c-ann", name: "Ann Lee",
              emails: [address("ann@fabrikam.example"), address("ann.lee@mail.example")],
              parentAccount: "a-fab"),
      Contact(id: "c-bo", name: "Bo", emails: [address("bo@northwind.example")]),
    ],
    leads: [Lead(id: "l-1", name: "Printers", contactEmail: address("lee@lead.example"))],
    opportunities: [
      Opportunity(id: "o-1", name: "50 printers", contact: "c-ann", account: "a-fab",
                  stakeholders: ["c-bo"], originatingLead: "l-1"),
    ],
    activities: [
      Activity(id: "act-quote", kind: .email, regarding: [deal], subject: "Quote",
               at: now - 6 * day, owner: "dana", messageId: "<quote@contoso.example>",
               direction: .outgoing, from: address("dana@contoso.example"),
               to: [address("ann@fabrikam.example")]),
    ])

  static func messages() -> [MessageContent] {
    [
      .email("<thread@fabrikam.example>", at: now - day, subject: "Re: printers",
             from: "ann@fabrikam.example", to: ["dana@contoso.example"],
             cc: ["bo@northwind.example"]),
      .email("<private@mail.example>", at: now - 2 * day, subject: "From home",
             from: "ann.lee@mail.example", to: ["dana@contoso.example"]),
      .email("<both@mail.example>", at: now - 3 * day, subject: "Both",
             from: "ann.lee@mail.example", to: ["dana@contoso.example"],
             cc: ["ann@fabrikam.example"]),
      .email("<other@elsewhere.example>", at: now - 4 * day, subject: "Unrelated",
             from: "zed@elsewhere.example", to: ["dana@contoso.example"]),
      .email("<binned@fabrikam.example>", at: now - 5 * day, subject: "Binned",
             from: "ann@fabrikam.example", to: ["dana@contoso.example"], folder: "Trash"),
      .email("<quote@contoso.example>", at: now - 6 * day, subject: "Quote",
             from: "dana@contoso.example", to: ["ann@fabrikam.example"]),
      .email("<old@fabrikam.example>", at: now - 30 * day, subject: "Old",
             from: "ann@fabrikam.example", to: ["dana@contoso.example"]),
    ]
  }

  static func meetings() -> [CapturedMeeting] {
    [
      CapturedMeeting(uid: "kickoff@lead.example", recurrenceId: nil, start: now + day,
                      end: nil, summary: "Kick-off", organizer: address("lee@lead.example"),
                      attendees: [address("dana@contoso.example"),
                                  address("ann@fabrikam.example")], source: "work.ics"),
      CapturedMeeting(uid: "later@fabrikam.example", recurrenceId: nil, start: now + 10 * day,
                      end: nil, summary: "Later", organizer: address("dana@contoso.example"),
                      attendees: [address("ann@fabrikam.example")], source: "work.ics"),
    ]
  }

  struct World {
    var store = InMemoryCRMStore(CaptureExplanationTests.content)
    var mailbox = InMemoryMailbox(CaptureExplanationTests.messages())
    var calendar = InMemoryCalendar(CaptureExplanationTests.meetings())
    var limits = CaptureLimits()

    var service: TimelineService {
      TimelineService(store: store, mail: mailbox, calendar: calendar, limits: limits,
                      timeZone: .gmt)
    }

    func why(_ itemId: String, on record: RecordRef = deal, user: User = dana) throws
      -> CaptureExplanation {
      try service.explain(itemId: itemId, record: record, user: user, now: now)
    }

    func shownIds(_ record: RecordRef, user: User = dana) throws -> [String] {
      try service.timeline(for: record, user: user, now: now).items.map(\.id)
    }

    /// The user as the store has them now (their exclusions included).
    var storedDana: User { get throws { try #require(try store.user(matching: "dana")) } }
  }

  static func match(_ address: String, _ field: CaptureExplanation.Field, _ reason: String)
    -> CaptureExplanation.Match {
    CaptureExplanation.Match(address: self.address(address), field: field, reason: reason)
  }

  // MARK: - Shown

  @Test func aShownEmailNamesEachMatchedAddressItsFieldAndTheRuleThatAddedIt() throws {
    let why = try World().why("mail:<thread@fabrikam.example>")
    #expect(why.shown)
    #expect(why.notShown == nil)
    #expect(why.trackedActivityId == nil)
    #expect(why.matches == [
      Self.match("ann@fabrikam.example", .from,
                 "opportunity contact c-ann; linked account a-fab top-50 contact c-ann"),
      Self.match("bo@northwind.example", .cc, "stakeholder c-bo"),
    ])
  }

  @Test func aShownMeetingNamesOrganizerAndAttendees() throws {
    let why = try World().why("cal:kickoff@lead.example")
    #expect(why.shown)
    #expect(why.matches == [
      Self.match("lee@lead.example", .organizer, "originating lead l-1 contact"),
      Self.match("ann@fabrikam.example", .attendee,
                 "opportunity contact c-ann; linked account a-fab top-50 contact c-ann"),
    ])
  }

  @Test func aTrackedEmailIsShownAsItsActivity() throws {
    let why = try World().why("mail:<quote@contoso.example>")
    #expect(why.shown)
    #expect(why.trackedActivityId == "act-quote")
    #expect(why.matches.map(\.field) == [.to])
    #expect(why.lines.first == "shown: tracked on this record as act-quote")
  }

  // MARK: - Not shown

  @Test func anItemWithNoAddressOfTheRecordSaysSo() throws {
    let why = try World().why("mail:<other@elsewhere.example>")
    #expect(!why.shown)
    #expect(why.matches.isEmpty)
    #expect(why.notShown == "no address of the record")
    // Ann's second address is not in the opportunity's set (only primary emails are).
    #expect(try World().why("mail:<private@mail.example>").notShown == "no address of the record")
  }

  @Test func aMessageInTheTrashNamesTheFolder() throws {
    let why = try World().why("mail:<binned@fabrikam.example>")
    #expect(!why.shown)
    #expect(why.notShown == "excluded folder Trash")
    #expect(why.matches.isEmpty)
  }

  @Test func anEmailBeyondTheNewestLimitSaysHowManyAreShown() throws {
    var world = World()
    world.limits = CaptureLimits(maxEmails: 2)
    #expect(try world.shownIds(Self.deal).contains("mail:<thread@fabrikam.example>"))
    let why = try world.why("mail:<old@fabrikam.example>")
    #expect(!why.shown)
    #expect(why.notShown == "older than the 2 newest")
    #expect(why.matches == [
      Self.match("ann@fabrikam.example", .from,
                 "opportunity contact c-ann; linked account a-fab top-50 contact c-ann"),
    ])
  }

  @Test func aMeetingOutsideTheWindowSaysWhenItStarts() throws {
    let why = try World().why("cal:later@fabrikam.example")
    #expect(!why.shown)
    #expect(why.notShown
      == "outside the meeting window (starts 2026-12-03T12:00:00Z, more than 72 hours from now)")
    #expect(why.matches.map(\.field) == [.attendee])
  }

  @Test func untrackedItemsWithheldFromTheUserGiveThatReasonAndReadNothing() throws {
    var hidden = Self.dana
    hidden.showUntracked = false
    let world = World()
    let why = try world.why("mail:<thread@fabrikam.example>", user: hidden)
    #expect(!why.shown)
    #expect(why.matches.isEmpty)
    #expect(why.notShown
      == "untracked email is hidden: \"Show email not tracked in the Activities list\" is No")
    // The tracked activity is still shown, from the CRM alone.
    #expect(try world.why("mail:<quote@contoso.example>", user: hidden).shown)
  }

  @Test func anIdInNeitherTheMailboxNorTheCalendarIsUnknown() throws {
    #expect(throws: CRMError.unknownItem("mail:<nowhere@example>")) {
      try World().why("mail:<nowhere@example>")
    }
    #expect(throws: CRMError.unknownItem("cal:nowhere@example")) {
      try World().why("cal:nowhere@example")
    }
    #expect(throws: CRMError.self) { try World().why("act-quote") }
  }

  // MARK: - Exclusions

  @Test func anOrganizationDomainExclusionDropsItemsMatchingOnlyThroughIt() throws {
    let world = World()
    #expect(try world.shownIds(Self.ann).contains("mail:<private@mail.example>"))
    world.store.edit { $0.organization.excludedAddresses = [try! AddressExclusion("@MAIL.example")] }
    let shown = try world.shownIds(Self.ann)
    #expect(!shown.contains("mail:<private@mail.example>"))
    // Also from a non-excluded address of the record: stays.
    #expect(shown.contains("mail:<both@mail.example>"))
    #expect(shown.contains("mail:<thread@fabrikam.example>"))

    let dropped = try world.why("mail:<private@mail.example>", on: Self.ann)
    #expect(!dropped.shown)
    #expect(dropped.matches.isEmpty)
    #expect(dropped.notShown
      == "an excluded address: ann.lee@mail.example (excluded by the organization as @mail.example)")
    let kept = try world.why("mail:<both@mail.example>", on: Self.ann)
    #expect(kept.shown)
    #expect(kept.matches == [Self.match("ann@fabrikam.example", .cc, "own email")])
  }

  @Test func aUsersOwnExclusionAppliesToTheirTimelineAndIsNamed() throws {
    let world = World()
    try world.store.addExcludedAddress(userId: "dana", AddressExclusion("Bo@Northwind.example"))
    let dana = try world.storedDana
    // The thread still matches through Ann; a message only from Bo would not.
    world.mailbox.add(.email("<bo@northwind.example>", at: Self.now - 2 * Self.hour,
                             subject: "Bo only", from: "bo@northwind.example",
                             to: ["dana@contoso.example"]))
    #expect(try !world.shownIds(Self.deal, user: dana).contains("mail:<bo@northwind.example>"))
    #expect(try World().shownIds(Self.deal).contains("mail:<thread@fabrikam.example>"))
    let why = try world.why("mail:<bo@northwind.example>", user: dana)
    #expect(why.notShown == "an excluded address: bo@northwind.example (excluded by you)")
    let thread = try world.why("mail:<thread@fabrikam.example>", user: dana)
    #expect(thread.shown)
    #expect(thread.matches.map(\.address) == [Self.address("ann@fabrikam.example")])
  }

  @Test func anExcludedItemCannotBeTrackedAndItsPendingRequestFails() throws {
    let world = World()
    try world.service.track(itemId: "mail:<private@mail.example>", record: Self.ann,
                            user: Self.dana, now: Self.now)
    try world.store.addExcludedAddress(userId: "dana", AddressExclusion("@mail.example"))
    let dana = try world.storedDana
    let results = try world.service.syncPending(user: dana, now: Self.now)
    #expect(results.map(\.state) == [.failed(reason: "not on this record's timeline in your mailbox")])
    #expect(throws: CRMError.unknownItem("mail:<private@mail.example>")) {
      try world.service.track(itemId: "mail:<private@mail.example>", record: Self.ann,
                              user: dana, now: Self.now)
    }
  }

  @Test func exclusionsParseAddressesAndDomainsAsEmailAddressDoes() throws {
    #expect(try AddressExclusion(" mailto:NoReply@Fabrikam.Example ")
      == .address(Self.address("noreply@fabrikam.example")))
    #expect(try AddressExclusion("@Fabrikam.EXAMPLE") == .domain("fabrikam.example"))
    #expect(try AddressExclusion("@xn--bcher-kva.example") == .domain("bücher.example"))
    #expect(try AddressExclusion("@bücher.example").excludes(
      try EmailAddress("kim@XN--BCHER-KVA.example")))
    // A domain is that domain only, not its subdomains.
    #expect(try !AddressExclusion("@fabrikam.example").excludes(
      Self.address("ann@eu.fabrikam.example")))
    #expect(throws: EmailAddressError.self) { try AddressExclusion("@") }
    #expect(throws: EmailAddressError.self) { try AddressExclusion("@a@b.example") }
    #expect(throws: EmailAddressError.self) { try AddressExclusion("no-at-sign") }
    #expect(throws: EmailAddressError.self) { try AddressExclusion("@bad domain.example") }
  }

  // MARK: - JSON

  @Test func theJSONHasTheContractsShape() throws {
    let shown = try World().why("mail:<thread@fabrikam.example>")
    #expect(shown.json.serialized() == """
      {"shown":true,"matches":[{"address":"ann@fabrikam.example","field":"from","reason":\
      "opportunity contact c-ann; linked account a-fab top-50 contact c-ann"},\
      {"address":"bo@northwind.example","field":"cc","reason":"stakeholder c-bo"}],\
      "notShown":null,"capturedAs":"address","repliesTo":[],"trackedElsewhere":[]}
      """)
    let hidden = try World().why("mail:<other@elsewhere.example>")
    #expect(hidden.json.serialized()
      == #"{"shown":false,"matches":[],"notShown":"no address of the record","capturedAs":null,"#
      + #""repliesTo":[],"trackedElsewhere":[]}"#)
  }
}
