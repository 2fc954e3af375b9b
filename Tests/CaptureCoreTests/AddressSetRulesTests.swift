import CaptureCore
import Foundation
import Testing

/// The address-set rules against an in-memory reader: links the SQLite store would never
/// hold (dangling ids) and what the rules ask of the reader.
@Suite struct AddressSetRulesInMemoryTests {
  /// A CRM held in dictionaries; `topContacts` sorts as the CRMReader contract says.
  struct MemoryReader: CRMReader {
    var accounts: [String: Account] = [:]
    var contacts: [String: Contact] = [:]
    var leads: [String: Lead] = [:]
    var opportunities: [String: Opportunity] = [:]
    var cases: [String: SupportCase] = [:]
    var types: [String: CustomEntityType] = [:]
    var customs: [String: CustomRecord] = [:]

    func account(id: String) -> Account? { accounts[id] }
    func contact(id: String) -> Contact? { contacts[id] }
    func lead(id: String) -> Lead? { leads[id] }
    func opportunity(id: String) -> Opportunity? { opportunities[id] }
    func supportCase(id: String) -> SupportCase? { cases[id] }
    func customEntityType(name: String) -> CustomEntityType? { types[name] }
    func customRecord(type: String, id: String) -> CustomRecord? { customs["\(type):\(id)"] }
    func topContacts(ofAccount accountId: String, limit: Int) -> [Contact] {
      let children = contacts.values.filter { $0.parentAccount == accountId }.sorted { a, b in
        switch (a.modifiedOn, b.modifiedOn) {
        case let (x?, y?) where x != y: return x > y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return a.id < b.id
        }
      }
      return Array(children.prefix(limit))
    }
  }

  static func address(_ text: String) -> EmailAddress { EmailAddress(normalized: text) }

  static func entries(_ reader: MemoryReader, _ record: RecordRef) throws -> [String: [String]] {
    let set = try AddressSetRules(reader: reader).addressSet(for: record)
    return Dictionary(uniqueKeysWithValues: set.entries.map { ($0.address.value, $0.reasons) })
  }

  @Test func linksToRecordsThatDoNotExistAddNothing() throws {
    var reader = MemoryReader()
    reader.accounts["a-1"] = Account(id: "a-1", name: "A", emails: [], primaryContact: "c-gone")
    reader.opportunities["o-1"] = Opportunity(
      id: "o-1", name: "O", emails: [Self.address("o@x.example")], contact: "c-gone",
      account: "a-gone", stakeholders: ["c-gone"], originatingLead: "l-gone")
    reader.cases["k-1"] = SupportCase(
      id: "k-1", title: "K", primaryContact: "c-gone",
      customer: CustomerRef(type: .account, id: "a-gone"))
    reader.types["project"] = CustomEntityType(
      name: "project", displayName: "Project",
      lookups: [LookupDeclaration(field: "client", target: .account)])
    reader.customs["project:p-1"] = CustomRecord(
      type: "project", id: "p-1", name: "P", lookups: ["client": .account("a-gone")])
    #expect(try Self.entries(reader, RecordRef(type: .account, id: "a-1")).isEmpty)
    #expect(try Self.entries(reader, RecordRef(type: .opportunity, id: "o-1"))
            == ["o@x.example": ["own email"]])
    #expect(try Self.entries(reader, RecordRef(type: .case, id: "k-1")).isEmpty)
    #expect(try Self.entries(reader, RecordRef(type: .custom("project"), id: "p-1")).isEmpty)
  }

  @Test func aLeadWithoutAContactSectionEmailAddsOnlyItsOwnEmails() throws {
    var reader = MemoryReader()
    reader.leads["l-1"] = Lead(id: "l-1", name: "L", contactName: "Bo", contactEmail: nil,
                               emails: [Self.address("l@x.example")])
    reader.opportunities["o-1"] = Opportunity(id: "o-1", name: "O", originatingLead: "l-1")
    #expect(try Self.entries(reader, RecordRef(type: .lead, id: "l-1"))
            == ["l@x.example": ["own email"]])
    #expect(try Self.entries(reader, RecordRef(type: .opportunity, id: "o-1")).isEmpty)
  }

  @Test func lookupsAreVisitedInTheTypesDeclarationOrder() throws {
    var reader = MemoryReader()
    for (id, text) in [("c-1", "one@x.example"), ("c-2", "two@x.example")] {
      reader.contacts[id] = Contact(id: id, name: id, emails: [Self.address(text)])
    }
    reader.types["project"] = CustomEntityType(name: "project", displayName: "Project", lookups: [
      LookupDeclaration(field: "zeta", target: .contact),
      LookupDeclaration(field: "alpha", target: .contact),
    ])
    reader.customs["project:p-1"] = CustomRecord(
      type: "project", id: "p-1", name: "P", lookups: ["alpha": .contact("c-2"),
                                                       "zeta": .contact("c-1")])
    let record = RecordRef(type: .custom("project"), id: "p-1")
    let set = try AddressSetRules(reader: reader).addressSet(for: record)
    #expect(set.entries.map(\.address.value) == ["one@x.example", "two@x.example"])
    #expect(set.entries.map(\.reasons) == [["lookup zeta: contact c-1 email"],
                                          ["lookup alpha: contact c-2 email"]])
  }

  @Test func anAccountAsksForExactlyFiftyTopContacts() throws {
    var reader = MemoryReader()
    reader.accounts["a-1"] = Account(id: "a-1", name: "A", emails: [])
    for n in 0..<60 {
      let id = String(format: "c-%02d", n)
      reader.contacts[id] = Contact(
        id: id, name: id, emails: [Self.address("\(id)@x.example")], parentAccount: "a-1",
        modifiedOn: Date(timeIntervalSince1970: Double(n)))
    }
    let addresses = try AddressSetRules(reader: reader)
      .addressSet(for: RecordRef(type: .account, id: "a-1")).entries.map(\.address.value)
    #expect(AddressSetRules.topContactCount == 50)
    #expect(addresses.count == 50)
    #expect(addresses.first == "c-59@x.example")
    #expect(addresses.last == "c-10@x.example")
  }
}
