import Foundation

/// Builds the address set of a record exactly as docs/capture-rules.md's table says.
///
/// Each address carries every reason it is in the set, so a user (and `autocapture
/// addresses`) can see why mail from someone shows up. A reason names the path from the
/// record to the address: the link followed, the id of the record reached, and which of that
/// record's addresses was taken when the table takes only some.
///
/// | Source | Reason |
/// |---|---|
/// | the record's own emails | `own email` |
/// | Primary Contact (account, case) | `primary contact c-ann` |
/// | an account's top 50 contacts | `top-50 contact c-f07` |
/// | Opportunity Contact | `opportunity contact c-ann` |
/// | Stakeholder | `stakeholder c-bo` |
/// | linked account's top 50 (opportunity) | `linked account a-fab top-50 contact c-f07` |
/// | originating lead's Contact section | `originating lead l-1 contact` |
/// | a lead's Contact section | `lead contact` |
/// | case customer that is a contact | `customer contact c-ann` |
/// | case customer that is an account | `customer account a-fab` |
/// | lookup to an account | `lookup client: account a-fab primary contact c-ann` |
/// | | `lookup client: account a-fab own email` |
/// | lookup to a contact | `lookup sponsor: contact c-ann email` |
/// | customer lookup | `lookup payer: customer contact c-ann email` |
/// | | `lookup payer: customer account a-fab own email` (and its primary contact) |
///
/// A link to a record that does not exist, or to one without emails, adds nothing. Lookups
/// are visited in the type's declaration order.
public struct AddressSetRules: Sendable {
  /// How many of an account's contacts count (docs/capture-rules.md: the top 50).
  public static let topContactCount = 50

  public let reader: any CRMReader

  public init(reader: any CRMReader) { self.reader = reader }

  /// The address set of `record`; `CRMError.unknownRecord` when there is no such record and
  /// `CRMError.unknownRecordType` for a custom type that is not declared.
  public func addressSet(for record: RecordRef) throws -> AddressSet {
    var set = AddressSet()
    switch record.type {
    case .account:
      guard let account = try reader.account(id: record.id) else { throw unknown(record) }
      try addPrimary(ofContact: account.primaryContact, reason: "primary contact", to: &set)
      try addTopContacts(ofAccount: account.id, prefix: "", to: &set)
      add(account.emails, reason: "own email", to: &set)
    case .opportunity:
      guard let opportunity = try reader.opportunity(id: record.id) else { throw unknown(record) }
      try addPrimary(ofContact: opportunity.contact, reason: "opportunity contact", to: &set)
      for stakeholder in opportunity.stakeholders {
        try addPrimary(ofContact: stakeholder, reason: "stakeholder", to: &set)
      }
      add(opportunity.emails, reason: "own email", to: &set)
      if let accountId = opportunity.account {
        try addTopContacts(ofAccount: accountId, prefix: "linked account \(accountId) ", to: &set)
      }
      if let leadId = opportunity.originatingLead, let lead = try reader.lead(id: leadId),
         let address = lead.contactEmail {
        set.add(address, reason: "originating lead \(leadId) contact")
      }
    case .case:
      guard let supportCase = try reader.supportCase(id: record.id) else { throw unknown(record) }
      try addPrimary(ofContact: supportCase.primaryContact, reason: "primary contact", to: &set)
      add(supportCase.emails, reason: "own email", to: &set)
      switch supportCase.customer {
      case let customer? where customer.type == .contact:
        if let contact = try reader.contact(id: customer.id) {
          add(contact.emails, reason: "customer contact \(contact.id)", to: &set)
        }
      case let customer?:
        if let account = try reader.account(id: customer.id) {
          add(account.emails, reason: "customer account \(account.id)", to: &set)
        }
      case nil:
        break
      }
    case .lead:
      guard let lead = try reader.lead(id: record.id) else { throw unknown(record) }
      if let address = lead.contactEmail { set.add(address, reason: "lead contact") }
      add(lead.emails, reason: "own email", to: &set)
    case .contact:
      guard let contact = try reader.contact(id: record.id) else { throw unknown(record) }
      add(contact.emails, reason: "own email", to: &set)
    case .custom(let typeName):
      guard let type = try reader.customEntityType(name: typeName) else {
        throw CRMError.unknownRecordType(typeName)
      }
      guard let custom = try reader.customRecord(type: typeName, id: record.id) else {
        throw unknown(record)
      }
      let declared = type.lookups.map(\.field)
      let fields = declared.filter { custom.lookups[$0] != nil }
        + custom.lookups.keys.filter { !declared.contains($0) }.sorted()
      for field in fields {
        guard let value = custom.lookups[field] else { continue }
        let prefix = "lookup \(field): "
        switch value {
        case .account(let id):
          try addLookupAccount(id, prefix: prefix, to: &set)
        case .contact(let id):
          try addLookupContact(id, prefix: prefix, to: &set)
        case .customer(let customer) where customer.type == .contact:
          try addLookupContact(customer.id, prefix: prefix + "customer ", to: &set)
        case .customer(let customer):
          try addLookupAccount(customer.id, prefix: prefix + "customer ", to: &set)
        }
      }
    }
    return set
  }

  private func unknown(_ record: RecordRef) -> CRMError { .unknownRecord(record) }

  private func add(_ addresses: [EmailAddress], reason: String, to set: inout AddressSet) {
    for address in addresses { set.add(address, reason: reason) }
  }

  /// The primary email of contact `id` with reason `"<role> <id>"`; nothing when absent.
  private func addPrimary(ofContact id: String?, reason role: String, to set: inout AddressSet)
    throws
  {
    guard let id, let address = try reader.contact(id: id)?.primaryEmail else { return }
    set.add(address, reason: "\(role) \(id)")
  }

  private func addTopContacts(ofAccount accountId: String, prefix: String,
                              to set: inout AddressSet) throws {
    for contact in try reader.topContacts(ofAccount: accountId, limit: Self.topContactCount) {
      if let address = contact.primaryEmail {
        set.add(address, reason: "\(prefix)top-50 contact \(contact.id)")
      }
    }
  }

  /// Lookup target account: its Primary Contact's primary email and all its own emails.
  private func addLookupAccount(_ id: String, prefix: String, to set: inout AddressSet) throws {
    guard let account = try reader.account(id: id) else { return }
    try addPrimary(
      ofContact: account.primaryContact, reason: "\(prefix)account \(id) primary contact",
      to: &set)
    add(account.emails, reason: "\(prefix)account \(id) own email", to: &set)
  }

  /// Lookup target contact: all the contact's emails.
  private func addLookupContact(_ id: String, prefix: String, to set: inout AddressSet) throws {
    guard let contact = try reader.contact(id: id) else { return }
    add(contact.emails, reason: "\(prefix)contact \(id) email", to: &set)
  }
}
