import CRMStore
import CaptureCore
import Foundation
import Testing
import TestSupport

/// docs/import-format.md: the import file's rules, errors with JSON paths, all-or-nothing,
/// upsert.
@Suite struct ImportTests {
  /// The example of docs/import-format.md, read from the page itself: its one ```json block,
  /// so the example users copy is the one these tests import.
  static func example() throws -> String {
    let page = Fixtures.packageRoot.appendingPathComponent("docs/import-format.md")
    let text = try String(contentsOf: page, encoding: .utf8)
    let blocks = text.components(separatedBy: "```json\n").dropFirst()
    try #require(blocks.count == 1, "docs/import-format.md has \(blocks.count) ```json blocks")
    let block = try #require(blocks.first)
    let end = try #require(block.range(of: "```"))
    return String(block[..<end.lowerBound])
  }

  /// The example without the contact `c-bo`, which its opportunity names as a stakeholder.
  static func exampleWithoutBo() throws -> String {
    let data = Data(try example().utf8)
    var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    let contacts = try #require(object["contacts"] as? [[String: Any]])
    let kept = contacts.filter { $0["id"] as? String != "c-bo" }
    try #require(kept.count == contacts.count - 1)
    object["contacts"] = kept
    return json(object)
  }

  /// Imports `bad` into a database already holding the example and expects it to
  /// be refused with `description`, the database unchanged.
  func expectRefused(_ bad: String, _ description: String,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
    let fixture = try StoreFixture(importing: try Self.example())
    let before = try fixture.store.dump()
    do {
      try fixture.importJSON(bad)
      Issue.record("import was accepted", sourceLocation: sourceLocation)
    } catch let error as ImportError {
      #expect(error.description == description, sourceLocation: sourceLocation)
    }
    #expect(try fixture.store.dump() == before, "the refused file wrote something",
            sourceLocation: sourceLocation)
  }

  // MARK: The example of docs/import-format.md

  @Test func theExampleWithoutItsStakeholderIsRefusedNamingThePath() throws {
    let fixture = try StoreFixture()
    let empty = try fixture.store.dump()
    #expect(throws: ImportError(path: "opportunities[0].stakeholders[0]",
                                message: "no contact with id 'c-bo'")) {
      try fixture.importJSON(try Self.exampleWithoutBo())
    }
    #expect(try fixture.store.dump() == empty)
  }

  @Test func theExampleImportsEverySection() throws {
    let fixture = try StoreFixture()
    let summary = try fixture.importJSON(try Self.example())
    #expect(summary.description == "1 organization, 2 users, 1 account, 2 contacts, 1 lead, "
      + "1 opportunity, 1 case, 1 custom entity type, 1 custom record, 5 activities")
    let store = fixture.store
    #expect(try store.organization() == Organization(
      name: "Contoso", autoCapture: true, untrackedAccess: .allowed,
      excludedAddresses: [.domain("notifications.example"),
                          .address(EmailAddress(normalized: "noreply@fabrikam.example"))]))
    let dana = try #require(try store.user(matching: "DANA@contoso.example"))
    #expect(dana.id == "dana" && dana.name == "Dana Reyes")
    #expect(dana.mailbox == MailboxSettings(syncMethod: .serverSideSync, approved: true,
                                            testEnabled: true))
    #expect(dana.showUntracked)
    #expect(dana.excludedAddresses == [.domain("mail.example")])
    let sam = try #require(try store.user(matching: "s.ortiz@contoso.example"))
    #expect(sam.id == "sam")
    #expect(sam.emails.map(\.value) == ["sam@contoso.example", "s.ortiz@contoso.example"])
    #expect(sam.mailbox == MailboxSettings(syncMethod: .outlook, approved: false,
                                           testEnabled: false))
    #expect(sam.showUntracked)
    #expect(sam.excludedAddresses.isEmpty)
    // What the page says of the two: Dana may track, Sam (Outlook client) may not.
    let organization = try store.organization()
    #expect(CapturePermissions.decide(organization: organization, user: dana).trackRefusal == nil)
    #expect(CapturePermissions.decide(organization: organization, user: sam).trackRefusal
            == "tracking requires server-side sync")

    let fabrikam = try #require(try store.account(id: "a-fab"))
    #expect(fabrikam.name == "Fabrikam")
    #expect(fabrikam.emails.map(\.value) == ["info@fabrikam.example"])
    #expect(fabrikam.primaryContact == "c-ann")
    let ann = try #require(try store.contact(id: "c-ann"))
    #expect(ann.emails.map(\.value) == ["ann@fabrikam.example", "ann.lee@mail.example"])
    #expect(ann.parentAccount == "a-fab")
    #expect(ann.modifiedOn == ISO8601.parse("2026-10-01T12:00:00Z"))
    let bo = try #require(try store.contact(id: "c-bo"))
    #expect(bo.emails.map(\.value) == ["bo@northwind.example"])
    #expect(bo.parentAccount == nil && bo.modifiedOn == nil)
    let lead = try #require(try store.lead(id: "l-1"))
    #expect(lead.contactName == "Bo Chen")
    #expect(lead.contactEmail?.value == "bo@northwind.example")
    #expect(lead.emails.map(\.value) == ["sales@northwind.example"])
    let deal = try #require(try store.opportunity(id: "o-1"))
    #expect(deal.emails.isEmpty)
    #expect(deal.contact == "c-ann" && deal.account == "a-fab")
    #expect(deal.stakeholders == ["c-bo"])
    #expect(deal.originatingLead == "l-1")
    let jams = try #require(try store.supportCase(id: "k-1"))
    #expect(jams.title == "Printer jams")
    #expect(jams.emails.map(\.value) == ["support-thread@fabrikam.example"])
    #expect(jams.primaryContact == "c-ann")
    #expect(jams.customer == CustomerRef(type: .account, id: "a-fab"))
    #expect(try store.customEntityType(name: "project") == CustomEntityType(
      name: "project", displayName: "Project",
      lookups: [LookupDeclaration(field: "client", target: .account),
                LookupDeclaration(field: "sponsor", target: .contact),
                LookupDeclaration(field: "payer", target: .customer)]))
    #expect(try store.customRecord(type: "project", id: "p-1")?.lookups == [
      "client": .account("a-fab"), "sponsor": .contact("c-ann"),
      "payer": .customer(CustomerRef(type: .contact, id: "c-ann")),
    ])
    #expect(try store.recordSummaries().map { "\($0.ref) \($0.name)" } == [
      "account:a-fab Fabrikam", "contact:c-ann Ann Lee", "contact:c-bo Bo Chen",
      "opportunity:o-1 50 printers", "lead:l-1 Printers for Northwind", "case:k-1 Printer jams",
      "project:p-1 Rollout",
    ])
    #expect(try store.recordSummary(RecordRef(type: .custom("project"), id: "p-1"))?
      .typeDisplayName == "Project")
  }

  @Test func recordSummariesListBuiltInTypesThenCustomTypesEachByNameIgnoringCase() throws {
    let fixture = try StoreFixture(importing: json([
      "contacts": [["id": "c-1", "name": "bo"], ["id": "c-2", "name": "Ann"],
                   ["id": "c-3", "name": "Cy"]],
      "cases": [["id": "k-1", "title": "Jam"]],
      "customEntityTypes": [["name": "zone", "displayName": "Zone"],
                            ["name": "area", "displayName": "Area"]],
      "customRecords": [["type": "zone", "id": "z-1", "name": "Z"],
                        ["type": "area", "id": "r-1", "name": "R"]],
    ]))
    #expect(try fixture.store.recordSummaries().map(\.ref.description) == [
      "contact:c-2", "contact:c-1", "contact:c-3", "case:k-1", "area:r-1", "zone:z-1",
    ])
  }

  @Test func importedActivitiesKeepEveryField() throws {
    let fixture = try StoreFixture(importing: try Self.example())
    let store = fixture.store
    let call = try #require(try store.activity(id: "act-1"))
    #expect(call.kind == .phonecall)
    #expect(call.regarding == [RecordRef(type: .opportunity, id: "o-1")])
    #expect(call.subject == "Intro call")
    #expect(call.at == ISO8601.parse("2026-11-18T15:00:00Z"))
    #expect(call.end == ISO8601.parse("2026-11-18T15:20:00Z"))
    #expect(call.owner == "dana")
    #expect(call.body == "Bo wants 50 printers by March.")

    let quote = try #require(try store.activity(id: "act-2"))
    #expect(quote.kind == .email)
    #expect(quote.regarding == [RecordRef(type: .account, id: "a-fab")])
    #expect(quote.subject == "Quote")
    #expect(quote.messageId == "<quote-1@contoso.example>")
    #expect(quote.direction == .outgoing)
    #expect(quote.from?.value == "dana@contoso.example")
    #expect(quote.fromName == "Dana Reyes")
    #expect(quote.to.map(\.value) == ["ann@fabrikam.example"])
    #expect(quote.cc.map(\.value) == ["bo@northwind.example"])
    #expect(quote.attachments == [AttachmentInfo(name: "quote.pdf",
                                                 contentType: "application/pdf", size: 48213)])
    #expect(quote.at == ISO8601.parse("2026-11-19T08:00:00Z"))
    #expect(quote.owner == "dana")
    #expect(quote.body == "Ann, the quote is attached.")

    let meeting = try #require(try store.activity(id: "act-3"))
    #expect(meeting.kind == .appointment)
    #expect(meeting.regarding == [RecordRef(type: .opportunity, id: "o-1"),
                                  RecordRef(type: .custom("project"), id: "p-1")])
    #expect(meeting.subject == "Rollout planning")
    #expect(meeting.at == ISO8601.parse("2026-11-24T09:00:00Z"))
    #expect(meeting.end == ISO8601.parse("2026-11-24T10:00:00Z"))
    #expect(meeting.uid == "rollout-1@contoso.example")
    #expect(meeting.recurrenceId == nil)
    #expect(meeting.organizer?.value == "dana@contoso.example")
    #expect(meeting.attendees.map(\.value) == ["ann@fabrikam.example", "bo@northwind.example"])
    #expect(meeting.location == "Teams")

    let task = try #require(try store.activity(id: "act-4"))
    #expect(task.kind == .task && task.owner == "sam")
    #expect(task.regarding == [RecordRef(type: .case, id: "k-1")])
    let note = try #require(try store.activity(id: "act-5"))
    #expect(note.kind == .note && note.owner == nil)
    #expect(note.regarding == [RecordRef(type: .lead, id: "l-1")])

    #expect(try store.activities(regarding: RecordRef(type: .opportunity, id: "o-1"))
      .map(\.id) == ["act-3", "act-1"])
    #expect(try store.activities(regarding: RecordRef(type: .custom("project"), id: "p-1"))
      .map(\.id) == ["act-3"])
    #expect(try store.emailActivities(messageIds: ["<quote-1@contoso.example>"])
      .map(\.id) == ["act-2"])
    #expect(try store.appointmentActivities(uids: ["rollout-1@contoso.example"])
      .map(\.id) == ["act-3"])
  }

  // MARK: Idempotence and upsert

  @Test func importingTheSameFileTwiceLeavesTheSameDatabase() throws {
    let fixture = try StoreFixture(importing: try Self.example())
    let once = try fixture.store.dump()
    try fixture.importJSON(try Self.example())
    #expect(try fixture.store.dump() == once)
    #expect(once.contains("# contact (2)"))
    #expect(once.contains("# activity (5)"))
  }

  @Test func reimportReplacesListsInsteadOfAppending() throws {
    let fixture = try StoreFixture(importing: try Self.example())
    try fixture.importJSON(json([
      "contacts": [["id": "c-ann", "name": "Ann Lee", "emails": ["ann@new.example"]]],
      "opportunities": [["id": "o-1", "name": "60 printers", "stakeholders": ["c-ann"]]],
    ]))
    let ann = try #require(try fixture.store.contact(id: "c-ann"))
    #expect(ann.emails.map(\.value) == ["ann@new.example"])
    #expect(ann.parentAccount == nil)
    let deal = try #require(try fixture.store.opportunity(id: "o-1"))
    #expect(deal.stakeholders == ["c-ann"])
    #expect(deal.name == "60 printers")
    #expect(deal.account == nil)
  }

  @Test func reimportKeepsAUsersPersonalOptionUnlessTheFileSetsIt() throws {
    let fixture = try StoreFixture(importing: try Self.example())
    try fixture.store.setShowUntracked(userId: "dana", false)
    try fixture.importJSON(try Self.example())
    #expect(try fixture.store.user(matching: "dana")?.showUntracked == false)
    try fixture.importJSON(json(["users": [["id": "dana", "showUntracked": true]]]))
    #expect(try fixture.store.user(matching: "dana")?.showUntracked == true)
  }

  @Test func reimportKeepsAUsersExclusionsUnlessTheFileSetsThemAndReplacesTheOrganizations()
    throws {
    let fixture = try StoreFixture(importing: try Self.example())
    try fixture.store.addExcludedAddress(userId: "dana", .domain("bulk.example"))
    try fixture.importJSON(json(["users": [["id": "dana", "name": "Dana Reyes"]],
                                 "organization": ["name": "Contoso"]]))
    #expect(try fixture.store.user(matching: "dana")?.excludedAddresses
      == [.domain("bulk.example"), .domain("mail.example")])
    #expect(try fixture.store.organization().excludedAddresses.isEmpty)
    try fixture.importJSON(json(["users": [["id": "dana", "excludedAddresses": [
      "@Mail.Example", "NoReply@fabrikam.example", "@mail.example"]]]]))
    #expect(try fixture.store.user(matching: "dana")?.excludedAddresses
      == [.domain("mail.example"), .address(EmailAddress(normalized: "noreply@fabrikam.example"))])
  }

  @Test func anExcludedAddressThatIsNeitherAnAddressNorADomainIsRefusedNamingThePath() throws {
    try expectRefused(#"{"organization": {"excludedAddresses": ["@"]}}"#,
                  "organization.excludedAddresses[0]: invalid excluded address (an "
                    + "address or @domain): '@' has an empty domain")
    try expectRefused(#"{"users": [{"id": "u", "excludedAddresses": ["ok@x.example", "a b@x"]}]}"#,
                  "users[0].excludedAddresses[1]: invalid excluded address (an "
                    + "address or @domain): 'a b@x' contains spaces")
  }

  @Test func referencesMayPointToRecordsAlreadyInTheDatabase() throws {
    let fixture = try StoreFixture(importing: try Self.example())
    try fixture.importJSON(json([
      "contacts": [["id": "c-new", "name": "New", "parentAccount": "a-fab",
                    "emails": ["new@fabrikam.example"]]],
      "customRecords": [["type": "project", "id": "p-2", "name": "Phase 2",
                         "lookups": ["client": "a-fab"]]],
    ]))
    #expect(try fixture.store.contact(id: "c-new")?.parentAccount == "a-fab")
    #expect(try fixture.store.customRecord(type: "project", id: "p-2")?.lookups
            == ["client": .account("a-fab")])
  }

  // MARK: Errors name their path and write nothing

  @Test func aBadAddressIsRefusedNamingItsPath() throws {
    try expectRefused(
      json(["contacts": [["id": "c-x", "name": "X", "emails": ["x@ok.example", "x at bad"]]]]),
      "contacts[0].emails[1]: invalid email address: 'x at bad' contains spaces")
    try expectRefused(
      json(["accounts": [["id": "a-x", "name": "X", "emails": ["@nolocal.example"]]]]),
      "accounts[0].emails[0]: invalid email address: '@nolocal.example' has an empty local part")
  }

  @Test func anUnknownKeyIsRefusedNamingItsPath() throws {
    try expectRefused(
      json(["contacts": [["id": "c-1", "name": "A"], ["id": "c-2", "name": "B"],
                         ["id": "c-3", "name": "C", "emial": "c@x.example"]]]),
      "contacts[2].emial: unknown key 'emial' "
        + "(known keys: id, name, emails, parentAccount, modifiedOn)")
  }

  @Test func anUnknownTopLevelKeyIsRefused() throws {
    let fixture = try StoreFixture()
    #expect(throws: ImportError.self) { try fixture.importJSON(#"{"contactz": []}"#) }
    do { try fixture.importJSON(#"{"contactz": []}"#) } catch let error as ImportError {
      #expect(error.path == "contactz")
    }
  }

  @Test func aDanglingReferenceIsRefusedNamingItsPath() throws {
    let opportunities: [[String: Any]] = (0..<4).map { i in
      ["id": "o-\(i)", "name": "Deal \(i)", "stakeholders": i == 3 ? ["c-ann", "c-ghost"] : []]
    }
    try expectRefused(json(["opportunities": opportunities]),
                      "opportunities[3].stakeholders[1]: no contact with id 'c-ghost'")
    try expectRefused(json(["contacts": [["id": "c-x", "name": "X", "parentAccount": "a-none"]]]),
                      "contacts[0].parentAccount: no account with id 'a-none'")
    try expectRefused(
      json(["activities": [["id": "act-9", "kind": "note", "at": "2026-11-18T15:00:00Z",
                            "regarding": ["type": "lead", "id": "l-none"]]]]),
      "activities[0].regarding: no lead with id 'l-none'")
  }

  @Test func anActivityOwnerMustBeAKnownUser() throws {
    try expectRefused(
      json(["activities": [["id": "act-9", "kind": "note", "at": "2026-11-18T15:00:00Z",
                            "owner": "nobody"]]]),
      "activities[0].owner: no user with id 'nobody'")
  }

  @Test func aCustomerWithoutATypeIsRefused() throws {
    try expectRefused(
      json(["customRecords": [["type": "project", "id": "p-9", "name": "P",
                               "lookups": ["payer": ["id": "c-ann"]]]]]),
      "customRecords[0].lookups.payer.type: missing: a customer is an account or a contact")
    try expectRefused(
      json(["cases": [["id": "k-9", "title": "T", "customer": ["id": "a-fab"]]]]),
      "cases[0].customer.type: missing: a customer is an account or a contact")
  }

  @Test func aLookupNameTheTypeDoesNotDeclareIsRefused() throws {
    try expectRefused(
      json(["customRecords": [["type": "project", "id": "p-9", "name": "P",
                               "lookups": ["budget": "a-fab"]]]]),
      "customRecords[0].lookups.budget: 'budget' is not a lookup of project "
        + "(declared: client, sponsor, payer)")
  }

  @Test func aLookupValueOfTheWrongShapeIsRefused() throws {
    try expectRefused(
      json(["customRecords": [["type": "project", "id": "p-9", "name": "P",
                               "lookups": ["payer": "c-ann"]]]]),
      #"customRecords[0].lookups.payer: a customer lookup takes {"type", "id"}"#)
    try expectRefused(
      json(["customRecords": [["type": "project", "id": "p-9", "name": "P",
                               "lookups": ["client": ["type": "account", "id": "a-fab"]]]]]),
      "customRecords[0].lookups.client: a account lookup takes an id string")
    try expectRefused(
      json(["customRecords": [["type": "project", "id": "p-9", "name": "P",
                               "lookups": ["sponsor": "a-fab"]]]]),
      "customRecords[0].lookups.sponsor: no contact with id 'a-fab'")
  }

  @Test func aTimeWithoutAZoneIsRefused() throws {
    try expectRefused(
      json(["contacts": [["id": "c-x", "name": "X", "modifiedOn": "2026-10-01T12:00:00"]]]),
      "contacts[0].modifiedOn: '2026-10-01T12:00:00' is not an ISO 8601 time with a zone "
        + "(e.g. 2026-11-20T09:30:00Z)")
  }

  @Test func aCustomTypeNamedLikeABuiltInTypeIsRefused() throws {
    try expectRefused(
      json(["customEntityTypes": [["name": "Contact", "displayName": "People"]]]),
      "customEntityTypes[0].name: 'Contact' is a built-in record type")
  }

  @Test func redeclaringATypeWithoutALookupItsStoredRecordsUseIsRefused() throws {
    try expectRefused(
      json(["customEntityTypes": [["name": "project", "displayName": "Project",
                                   "lookups": [["field": "client", "target": "contact"]]]]]),
      "customEntityTypes[0].lookups: project:p-1 uses lookup 'client' (account), which this "
        + "declaration drops or retypes; import that record again with the file")
  }

  @Test func redeclaringATypeTogetherWithItsRecordsIsAccepted() throws {
    let fixture = try StoreFixture(importing: try Self.example())
    try fixture.importJSON(json([
      "customEntityTypes": [["name": "project", "displayName": "Project",
                             "lookups": [["field": "client", "target": "contact"]]]],
      "customRecords": [["type": "project", "id": "p-1", "name": "Rollout",
                         "lookups": ["client": "c-ann"]]],
    ]))
    #expect(try fixture.store.customRecord(type: "project", id: "p-1")?.lookups
            == ["client": .contact("c-ann")])
  }

  /// `{"contacts": [...], "contacts": []}` is refused, not imported with one list
  /// dropped without a word.
  @Test func aKeyWrittenTwiceInOneObjectIsRefusedWithItsPath() throws {
    let twice = ": written twice in the same object (which one is meant?)"
    try expectRefused(#"{"contacts": [], "contacts": []}"#, "contacts" + twice)
    try expectRefused(
      #"{"contacts": [{"id": "c-1", "name": "A"}, {"id": "c-2", "name": "B", "name": "C"}]}"#,
      "contacts[1].name" + twice)
    // Escapes are decoded before keys are compared, as the decoder compares them.
    try expectRefused(#"{"leads": [{"id": "l-1", "name": "A", "name": "B"}]}"#,
                      "leads[0].name" + twice)
    try expectRefused(
      #"{"accounts": [{"id": "a-1", "name": "A", "lookups": {"x": [1, {"k": 1, "k": 2}]}}]}"#,
      "accounts[0].lookups.x[1].k" + twice)
  }

  /// The repeated-key scan reads a UTF-16 file (which the decoder reads) without crashing,
  /// not taking its bytes for UTF-8: "≝" is 5D 22 in UTF-16LE, a `]` and a `"`.
  @Test func utf16AndUtf32FilesAreScannedAsTheDecoderReadsThem() throws {
    let tricky = #"{"organization": {"name": "≝}}}}]]"}}"#
    let twice = #"{"organization": {"name": "A", "name": "B"}}"#
    // (UTF-32 with a byte-order mark the decoder itself refuses.)
    for encoding: String.Encoding in [.utf16, .utf16LittleEndian, .utf16BigEndian,
                                       .utf32LittleEndian, .utf32BigEndian] {
      let fixture = try StoreFixture()
      let data = try #require(tricky.data(using: encoding))
      #expect(throws: Never.self, "\(encoding)") { try fixture.store.importData(data) }
      let repeated = try #require(twice.data(using: encoding))
      #expect("\(encoding)", performing: { try fixture.store.importData(repeated) }, throws: {
        ($0 as? ImportError)?.description
          == "organization.name: written twice in the same object (which one is meant?)"
      })
    }
  }

  @Test func theSameKeyInTwoObjectsAndEscapedQuotesInStringsAreFine() throws {
    let fixture = try StoreFixture(importing: json([
      "contacts": [["id": "c-1", "name": #"Ann "the "boss"" Lee"#],
                   ["id": "c-2", "name": "name"]],
    ]))
    #expect(try fixture.store.contact(id: "c-1")?.name == #"Ann "the "boss"" Lee"#)
    #expect(try fixture.store.contact(id: "c-2")?.name == "name")
  }

  @Test func aDuplicateIdWithinATypeIsRefused() throws {
    try expectRefused(
      json(["leads": [["id": "l-7", "name": "A"], ["id": "l-7", "name": "B"]]]),
      "leads[1].id: duplicate lead id 'l-7'")
  }

  @Test func theSameIdInTwoTypesIsAllowed() throws {
    let fixture = try StoreFixture(importing: json([
      "accounts": [["id": "x-1", "name": "Account"]], "contacts": [["id": "x-1", "name": "C"]],
    ]))
    #expect(try fixture.store.account(id: "x-1")?.name == "Account")
    #expect(try fixture.store.contact(id: "x-1")?.name == "C")
  }

  /// `" <cc@x> "` and a bare `cc@x` are stored as `<cc@x>`, so the tracked email and its
  /// copy in the mailbox are one item.
  @Test func aMessageIdIsStoredAsTheMailParserGivesIt() throws {
    for (written, stored) in [(" <cc@x> ", "<cc@x>"), ("abc@fabrikam.example", "<abc@fabrikam.example>")] {
      let fixture = try StoreFixture(importing: json([
        "activities": [["id": "act-n", "kind": "email", "at": "2026-11-18T15:00:00Z",
                        "messageId": written]]]))
      #expect(try fixture.store.activity(id: "act-n")?.messageId == stored)
    }
    for bad in ["   ", "a b@c", "<a@b> <c@d>"] {
      try expectRefused(
        json(["activities": [["id": "act-n", "kind": "email", "at": "2026-11-18T15:00:00Z",
                              "messageId": bad]]]),
        "activities[0].messageId: '\(bad)' is not one Message-ID (<id@host>)")
    }
  }

  @Test func aMessageIdAlreadyTrackedByAnotherActivityIsRefused() throws {
    try expectRefused(
      json(["activities": [["id": "act-other", "kind": "email", "at": "2026-11-18T15:00:00Z",
                            "messageId": "<quote-1@contoso.example>"]]]),
      "activities[0].messageId: already tracked as activity 'act-2'")
  }

  @Test func invalidJSONIsRefusedAsAWhole() throws {
    let fixture = try StoreFixture()
    do {
      try fixture.importJSON(#"{"contacts": [ }"#)
      Issue.record("import was accepted")
    } catch let error as ImportError {
      #expect(error.path == "")
      #expect(error.description.hasPrefix("not valid JSON"))
    }
  }

  @Test func aMissingFileIsRefusedNamingIt() throws {
    let fixture = try StoreFixture()
    let missing = fixture.directory.appendingPathComponent("nope.json")
    do {
      _ = try fixture.store.importFile(at: missing)
      Issue.record("import was accepted")
    } catch let error as ImportError {
      #expect(error.description.contains("nope.json"))
    }
  }

  /// An error quotes an excerpt of what it names, so a huge key or value in a file gives one
  /// short line, not the key twice over.
  @Test func anErrorQuotesAnExcerptOfAHugeKeyOrValue() throws {
    let hugeKey = String(repeating: "k", count: 2_000_000)
    for file in [#"{"leads": [{"id": "l-1", "\#(hugeKey)": 1}]}"#,
                 #"{"\#(hugeKey)": []}"#,
                 #"{"activities": [{"id": "a", "kind": "email", "at": "\#(hugeKey)"}]}"#] {
      let fixture = try StoreFixture()
      do {
        try fixture.importJSON(file)
        Issue.record("accepted")
      } catch let error as ImportError {
        #expect(error.description.utf8.count < 1_000, "\(error.description.prefix(120))")
        #expect(error.description.contains("more bytes"))
      }
    }
  }
}
