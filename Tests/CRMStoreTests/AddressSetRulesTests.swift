import CRMStore
import CaptureCore
import Foundation
import Testing

/// docs/capture-rules.md, "The address set of a record", row by row, through the SQLite store.
@Suite struct AddressSetRulesTests {
  /// Contacts `c-<n>` under `account`, each with a primary and a second address, modified on
  /// day `n` of 2026 unless `undated` holds `n`.
  static func childContacts(_ ids: [String], account: String, dates: [String: String])
    -> [[String: Any]]
  {
    ids.map { id in
      var contact: [String: Any] = [
        "id": id, "name": id, "parentAccount": account,
        "emails": ["\(id)@fabrikam.example", "\(id).second@mail.example"],
      ]
      if let date = dates[id] { contact["modifiedOn"] = date }
      return contact
    }
  }

  static func day(_ n: Int) -> String {
    let date = Date(timeIntervalSince1970: 1_767_225_600 + Double(n) * 86_400)
    return ISO8601.format(date)
  }

  // MARK: Account

  @Test func accountTakesOnlyThePrimaryEmailOfItsPrimaryContact() throws {
    let fixture = try StoreFixture(importing: json([
      "accounts": [["id": "a-fab", "name": "Fabrikam", "primaryContact": "c-ann"]],
      "contacts": [["id": "c-ann", "name": "Ann", "emails": ["ann@fabrikam.example",
                                                            "ann.lee@mail.example"]]],
    ]))
    #expect(try fixture.addresses("account:a-fab") == [
      "ann@fabrikam.example": ["primary contact c-ann"],
    ])
  }

  @Test func accountTakesThePrimaryEmailOfEachChildContactAndAllItsOwnEmails() throws {
    let fixture = try StoreFixture(importing: json([
      "accounts": [["id": "a-fab", "name": "Fabrikam",
                    "emails": ["info@fabrikam.example", "Sales@Fabrikam.example"]]],
      "contacts": Self.childContacts(["c-1", "c-2"], account: "a-fab",
                                     dates: ["c-1": Self.day(1), "c-2": Self.day(2)]),
    ]))
    #expect(try fixture.addresses("account:a-fab") == [
      "c-1@fabrikam.example": ["top-50 contact c-1"],
      "c-2@fabrikam.example": ["top-50 contact c-2"],
      "info@fabrikam.example": ["own email"],
      "sales@fabrikam.example": ["own email"],
    ])
  }

  @Test func accountTopContactsStopAtFiftyMostRecentWithTiesBrokenByIdAscending() throws {
    // 48 contacts on distinct recent days, then three on the same older day: of those three
    // the two lowest ids make 50; c-tie-c, the oldest by id order, is left out, and so is
    // c-old, modified before all of them.
    var ids = (1...48).map { String(format: "c-%02d", $0) }
    var dates = Dictionary(uniqueKeysWithValues: ids.enumerated().map { ($1, Self.day(100 + $0)) })
    for id in ["c-tie-c", "c-tie-a", "c-tie-b"] { ids.append(id); dates[id] = Self.day(50) }
    ids.append("c-old"); dates["c-old"] = Self.day(1)
    let fixture = try StoreFixture(importing: json([
      "accounts": [["id": "a-fab", "name": "Fabrikam"]],
      "contacts": Self.childContacts(ids, account: "a-fab", dates: dates),
    ]))
    let addresses = Set(try fixture.addressList("account:a-fab"))
    #expect(addresses.count == 50)
    #expect(addresses.contains("c-tie-a@fabrikam.example"))
    #expect(addresses.contains("c-tie-b@fabrikam.example"))
    #expect(!addresses.contains("c-tie-c@fabrikam.example"))
    #expect(!addresses.contains("c-old@fabrikam.example"))
  }

  @Test func accountTopContactsPutContactsWithoutModifiedOnAfterAllDatedOnes() throws {
    // 49 dated contacts and three undated ones whose ids sort before every dated id: the
    // 50th place goes to the undated contact with the lowest id.
    let dated = (1...49).map { String(format: "c-%02d", $0) }
    let undated = ["b-2", "b-1", "b-3"]
    let dates = Dictionary(uniqueKeysWithValues: dated.map { ($0, Self.day(1)) })
    let fixture = try StoreFixture(importing: json([
      "accounts": [["id": "a-fab", "name": "Fabrikam"]],
      "contacts": Self.childContacts(dated + undated, account: "a-fab", dates: dates),
    ]))
    let addresses = try fixture.addressList("account:a-fab")
    #expect(addresses.count == 50)
    #expect(addresses.last == "b-1@fabrikam.example")
    #expect(!addresses.contains("b-2@fabrikam.example"))
    #expect(!addresses.contains("b-3@fabrikam.example"))
  }

  @Test func topContactsAreOrderedMostRecentFirstThenById() throws {
    let fixture = try StoreFixture(importing: json([
      "accounts": [["id": "a-fab", "name": "Fabrikam"]],
      "contacts": Self.childContacts(
        ["c-a", "c-b", "c-c", "c-d"], account: "a-fab",
        dates: ["c-a": Self.day(1), "c-b": Self.day(5), "c-c": Self.day(5)]),
    ]))
    let top = try fixture.store.topContacts(ofAccount: "a-fab", limit: 50).map(\.id)
    #expect(top == ["c-b", "c-c", "c-a", "c-d"])
    #expect(try fixture.store.topContacts(ofAccount: "a-fab", limit: 2).map(\.id) == ["c-b", "c-c"])
  }

  @Test func accountWithoutPrimaryContactOrContactsHasOnlyItsOwnEmails() throws {
    let fixture = try StoreFixture(importing: json([
      "accounts": [["id": "a-fab", "name": "Fabrikam", "emails": ["info@fabrikam.example"],
                    "primaryContact": "c-mute"]],
      "contacts": [["id": "c-mute", "name": "No Mail", "emails": [], "parentAccount": "a-fab"]],
    ]))
    #expect(try fixture.addresses("account:a-fab") == ["info@fabrikam.example": ["own email"]])
  }

  // MARK: Opportunity

  static var opportunityWorld: [String: Any] { [
    "accounts": [["id": "a-fab", "name": "Fabrikam", "emails": ["info@fabrikam.example"],
                  "primaryContact": "c-boss"]],
    "contacts": [
      ["id": "c-ann", "name": "Ann", "emails": ["ann@fabrikam.example", "ann@mail.example"]],
      ["id": "c-bo", "name": "Bo", "emails": ["bo@northwind.example", "bo@mail.example"]],
      ["id": "c-cy", "name": "Cy", "emails": ["cy@northwind.example"]],
      ["id": "c-boss", "name": "Boss", "emails": ["boss@mail.example"]],
      ["id": "c-f07", "name": "F", "parentAccount": "a-fab", "modifiedOn": "2026-10-01T00:00:00Z",
       "emails": ["f07@fabrikam.example", "f07@mail.example"]],
    ],
    "leads": [["id": "l-1", "name": "Printers", "emails": ["sales@northwind.example"],
               "contact": ["name": "Lee", "email": "lee@northwind.example"]]],
  ] }

  func opportunityFixture(_ opportunity: [String: Any]) throws -> StoreFixture {
    var world = Self.opportunityWorld
    world["opportunities"] = [opportunity]
    return try StoreFixture(importing: json(world))
  }

  @Test func opportunityTakesThePrimaryEmailOfItsContactAndEachStakeholder() throws {
    let fixture = try opportunityFixture(
      ["id": "o-1", "name": "Deal", "contact": "c-ann", "stakeholders": ["c-bo", "c-cy"]])
    #expect(try fixture.addresses("opportunity:o-1") == [
      "ann@fabrikam.example": ["opportunity contact c-ann"],
      "bo@northwind.example": ["stakeholder c-bo"],
      "cy@northwind.example": ["stakeholder c-cy"],
    ])
  }

  @Test func opportunityTakesAllItsOwnEmails() throws {
    let fixture = try opportunityFixture(
      ["id": "o-1", "name": "Deal", "emails": ["deal@contoso.example", "deal2@contoso.example"]])
    #expect(try fixture.addressList("opportunity:o-1")
            == ["deal@contoso.example", "deal2@contoso.example"])
  }

  @Test func opportunityTakesOnlyTheTopContactsOfItsLinkedAccount() throws {
    // Not the linked account's own emails, nor its primary contact (c-boss is no child).
    let fixture = try opportunityFixture(["id": "o-1", "name": "Deal", "account": "a-fab"])
    #expect(try fixture.addresses("opportunity:o-1") == [
      "f07@fabrikam.example": ["linked account a-fab top-50 contact c-f07"],
    ])
  }

  @Test func opportunityTakesTheContactSectionEmailOfItsOriginatingLead() throws {
    let fixture = try opportunityFixture(["id": "o-1", "name": "Deal", "originatingLead": "l-1"])
    #expect(try fixture.addresses("opportunity:o-1") == [
      "lee@northwind.example": ["originating lead l-1 contact"],
    ])
  }

  @Test func opportunityWithoutLinksHasAnEmptySet() throws {
    let fixture = try opportunityFixture(["id": "o-1", "name": "Deal"])
    #expect(try fixture.addressList("opportunity:o-1").isEmpty)
  }

  // MARK: Case

  static var caseWorld: [String: Any] { [
    "accounts": [["id": "a-fab", "name": "Fabrikam",
                  "emails": ["info@fabrikam.example", "billing@fabrikam.example"],
                  "primaryContact": "c-boss"]],
    "contacts": [
      ["id": "c-ann", "name": "Ann", "emails": ["ann@fabrikam.example", "ann@mail.example"]],
      ["id": "c-boss", "name": "Boss", "parentAccount": "a-fab", "emails": ["boss@mail.example"]],
    ],
  ] }

  func caseFixture(_ supportCase: [String: Any]) throws -> StoreFixture {
    var world = Self.caseWorld
    world["cases"] = [supportCase]
    return try StoreFixture(importing: json(world))
  }

  @Test func caseTakesThePrimaryEmailOfItsPrimaryContactAndAllItsOwnEmails() throws {
    let fixture = try caseFixture(["id": "k-1", "title": "Jam", "primaryContact": "c-ann",
                                   "emails": ["t1@fabrikam.example", "t2@fabrikam.example"]])
    #expect(try fixture.addresses("case:k-1") == [
      "ann@fabrikam.example": ["primary contact c-ann"],
      "t1@fabrikam.example": ["own email"],
      "t2@fabrikam.example": ["own email"],
    ])
  }

  @Test func caseWhoseCustomerIsAContactTakesAllThatContactsEmails() throws {
    let fixture = try caseFixture(
      ["id": "k-1", "title": "Jam", "customer": ["type": "contact", "id": "c-ann"]])
    #expect(try fixture.addresses("case:k-1") == [
      "ann@fabrikam.example": ["customer contact c-ann"],
      "ann@mail.example": ["customer contact c-ann"],
    ])
  }

  @Test func caseWhoseCustomerIsAnAccountTakesOnlyThatAccountsOwnEmails() throws {
    let fixture = try caseFixture(
      ["id": "k-1", "title": "Jam", "customer": ["type": "account", "id": "a-fab"]])
    #expect(try fixture.addresses("case:k-1") == [
      "info@fabrikam.example": ["customer account a-fab"],
      "billing@fabrikam.example": ["customer account a-fab"],
    ])
  }

  // MARK: Lead and contact

  @Test func leadTakesItsContactSectionEmailAndAllItsOwnEmails() throws {
    let fixture = try StoreFixture(importing: json([
      "leads": [["id": "l-1", "name": "Printers",
                 "emails": ["sales@northwind.example", "info@northwind.example"],
                 "contact": ["name": "Bo", "email": "bo@northwind.example"]]],
    ]))
    #expect(try fixture.addressList("lead:l-1")
            == ["bo@northwind.example", "sales@northwind.example", "info@northwind.example"])
    #expect(try fixture.addresses("lead:l-1")["bo@northwind.example"] == ["lead contact"])
  }

  @Test func contactTakesAllItsOwnEmailsInOrder() throws {
    let fixture = try StoreFixture(importing: json([
      "contacts": [["id": "c-ann", "name": "Ann",
                    "emails": ["ann@fabrikam.example", "ann.lee@mail.example"]]],
    ]))
    #expect(try fixture.addressList("contact:c-ann")
            == ["ann@fabrikam.example", "ann.lee@mail.example"])
  }

  // MARK: Custom records

  static var customWorld: [String: Any] { [
    "accounts": [["id": "a-fab", "name": "Fabrikam", "emails": ["info@fabrikam.example"],
                  "primaryContact": "c-boss"]],
    "contacts": [
      ["id": "c-ann", "name": "Ann", "emails": ["ann@fabrikam.example", "ann@mail.example"]],
      ["id": "c-boss", "name": "Boss", "emails": ["boss@fabrikam.example", "boss@mail.example"]],
      ["id": "c-kid", "name": "Kid", "parentAccount": "a-fab", "emails": ["kid@fabrikam.example"]],
    ],
    "customEntityTypes": [["name": "project", "displayName": "Project", "lookups": [
      ["field": "client", "target": "account"], ["field": "sponsor", "target": "contact"],
      ["field": "payer", "target": "customer"],
    ]]],
  ] }

  func customFixture(_ lookups: [String: Any]) throws -> StoreFixture {
    var world = Self.customWorld
    world["customRecords"] = [["type": "project", "id": "p-1", "name": "Rollout",
                               "lookups": lookups]]
    return try StoreFixture(importing: json(world))
  }

  @Test func lookupToAnAccountTakesItsPrimaryContactsPrimaryEmailAndItsOwnEmails() throws {
    // Not the account's top contacts (c-kid).
    let fixture = try customFixture(["client": "a-fab"])
    #expect(try fixture.addresses("project:p-1") == [
      "boss@fabrikam.example": ["lookup client: account a-fab primary contact c-boss"],
      "info@fabrikam.example": ["lookup client: account a-fab own email"],
    ])
  }

  @Test func lookupToAContactTakesAllTheContactsEmails() throws {
    let fixture = try customFixture(["sponsor": "c-ann"])
    #expect(try fixture.addresses("project:p-1") == [
      "ann@fabrikam.example": ["lookup sponsor: contact c-ann email"],
      "ann@mail.example": ["lookup sponsor: contact c-ann email"],
    ])
  }

  @Test func customerLookupToAContactTakesAllTheContactsEmails() throws {
    let fixture = try customFixture(["payer": ["type": "contact", "id": "c-ann"]])
    #expect(try fixture.addresses("project:p-1") == [
      "ann@fabrikam.example": ["lookup payer: customer contact c-ann email"],
      "ann@mail.example": ["lookup payer: customer contact c-ann email"],
    ])
  }

  @Test func customerLookupToAnAccountIsReadAsALookupToThatAccount() throws {
    let fixture = try customFixture(["payer": ["type": "account", "id": "a-fab"]])
    #expect(try fixture.addresses("project:p-1") == [
      "boss@fabrikam.example": ["lookup payer: customer account a-fab primary contact c-boss"],
      "info@fabrikam.example": ["lookup payer: customer account a-fab own email"],
    ])
  }

  @Test func customRecordWithoutLookupsHasAnEmptySet() throws {
    let fixture = try customFixture([:])
    #expect(try fixture.addressList("project:p-1").isEmpty)
  }

  // MARK: General sentences

  @Test func anAddressFromTwoSourcesAppearsOnceWithBothReasons() throws {
    let fixture = try StoreFixture(importing: json([
      "accounts": [["id": "a-fab", "name": "Fabrikam", "primaryContact": "c-ann",
                    "emails": ["ann@fabrikam.example"]]],
      "contacts": [["id": "c-ann", "name": "Ann", "parentAccount": "a-fab",
                    "emails": ["ann@fabrikam.example"]]],
    ]))
    #expect(try fixture.addresses("account:a-fab") == [
      "ann@fabrikam.example": ["primary contact c-ann", "top-50 contact c-ann", "own email"],
    ])
  }

  @Test func addressesDifferingOnlyInCaseCollapseIntoOne() throws {
    let fixture = try StoreFixture(importing: json([
      "accounts": [["id": "a-fab", "name": "Fabrikam", "primaryContact": "c-ann",
                    "emails": ["  mailto:ANN@Fabrikam.EXAMPLE "]]],
      "contacts": [["id": "c-ann", "name": "Ann", "emails": ["Ann@fabrikam.example"]]],
    ]))
    #expect(try fixture.addresses("account:a-fab") == [
      "ann@fabrikam.example": ["primary contact c-ann", "own email"],
    ])
  }

  @Test func anUnknownRecordIsAnError() throws {
    let fixture = try StoreFixture(importing: json(Self.customWorld))
    let rules = AddressSetRules(reader: fixture.store)
    for type: RecordType in [.account, .contact, .opportunity, .lead, .case, .custom("project")] {
      let ref = RecordRef(type: type, id: "nope")
      #expect(throws: CRMError.unknownRecord(ref)) { try rules.addressSet(for: ref) }
    }
  }

  @Test func aRecordOfAnUndeclaredCustomTypeIsAnError() throws {
    let fixture = try StoreFixture()
    let ref = RecordRef(type: .custom("widget"), id: "w-1")
    #expect(throws: CRMError.unknownRecordType("widget")) {
      try AddressSetRules(reader: fixture.store).addressSet(for: ref)
    }
  }
}
