import CaptureCore
import Foundation

/// What a CRM database holds before any tracking, as CaptureCore values: the input every
/// ``CRMStore`` implementation is filled from in tests.
///
/// ``InMemoryCRMStore`` takes it as it is; a database store imports ``importJSON()``
/// (docs/import-format.md), so both start from the same records. Addresses are expected
/// in normalized form and times in whole seconds, as the import stores them.
public struct CRMContent: Sendable {
  public var organization: Organization
  public var users: [User]
  public var accounts: [Account]
  public var contacts: [Contact]
  public var leads: [Lead]
  public var opportunities: [Opportunity]
  public var cases: [SupportCase]
  public var customEntityTypes: [CustomEntityType]
  public var customRecords: [CustomRecord]
  /// Activities already shared; each needs an id, as in the import file.
  public var activities: [Activity]

  public init(organization: Organization = Organization(), users: [User] = [],
              accounts: [Account] = [], contacts: [Contact] = [], leads: [Lead] = [],
              opportunities: [Opportunity] = [], cases: [SupportCase] = [],
              customEntityTypes: [CustomEntityType] = [], customRecords: [CustomRecord] = [],
              activities: [Activity] = []) {
    self.organization = organization; self.users = users; self.accounts = accounts
    self.contacts = contacts; self.leads = leads; self.opportunities = opportunities
    self.cases = cases; self.customEntityTypes = customEntityTypes
    self.customRecords = customRecords; self.activities = activities
  }

  /// The import file (docs/import-format.md) that gives a database store this content.
  public func importJSON() -> Data {
    func addresses(_ list: [EmailAddress]) -> [String] { list.map(\.value) }
    func time(_ date: Date) -> String { ISO8601.format(date) }
    func ref(_ r: RecordRef) -> [String: Any] { ["type": r.type.name, "id": r.id] }
    func optional(_ object: inout [String: Any], _ key: String, _ value: Any?) {
      if let value { object[key] = value }
    }
    var root: [String: Any] = [
      "organization": [
        "name": organization.name, "autoCapture": organization.autoCapture,
        "untrackedAccess": organization.untrackedAccess.rawValue,
        "excludedAddresses": organization.excludedAddresses.map(\.text),
      ],
    ]
    root["users"] = users.map { u -> [String: Any] in
      ["id": u.id, "name": u.name, "emails": addresses(u.emails), "showUntracked": u.showUntracked,
       "mailbox": ["syncMethod": u.mailbox.syncMethod.rawValue, "approved": u.mailbox.approved,
                   "testEnabled": u.mailbox.testEnabled],
       "excludedAddresses": u.excludedAddresses.map(\.text)]
    }
    root["accounts"] = accounts.map { a -> [String: Any] in
      var o: [String: Any] = ["id": a.id, "name": a.name, "emails": addresses(a.emails)]
      optional(&o, "primaryContact", a.primaryContact)
      return o
    }
    root["contacts"] = contacts.map { c -> [String: Any] in
      var o: [String: Any] = ["id": c.id, "name": c.name, "emails": addresses(c.emails)]
      optional(&o, "parentAccount", c.parentAccount)
      optional(&o, "modifiedOn", c.modifiedOn.map(time))
      return o
    }
    root["leads"] = leads.map { l -> [String: Any] in
      var o: [String: Any] = ["id": l.id, "name": l.name, "emails": addresses(l.emails)]
      var contact: [String: Any] = [:]
      optional(&contact, "name", l.contactName)
      optional(&contact, "email", l.contactEmail?.value)
      if !contact.isEmpty { o["contact"] = contact }
      return o
    }
    root["opportunities"] = opportunities.map { p -> [String: Any] in
      var o: [String: Any] = ["id": p.id, "name": p.name, "emails": addresses(p.emails),
                              "stakeholders": p.stakeholders]
      optional(&o, "contact", p.contact)
      optional(&o, "account", p.account)
      optional(&o, "originatingLead", p.originatingLead)
      return o
    }
    root["cases"] = cases.map { k -> [String: Any] in
      var o: [String: Any] = ["id": k.id, "title": k.title, "emails": addresses(k.emails)]
      optional(&o, "primaryContact", k.primaryContact)
      optional(&o, "customer", k.customer.map { ["type": $0.type.rawValue, "id": $0.id] })
      return o
    }
    root["customEntityTypes"] = customEntityTypes.map { t -> [String: Any] in
      ["name": t.name, "displayName": t.displayName,
       "lookups": t.lookups.map { ["field": $0.field, "target": $0.target.rawValue] }]
    }
    root["customRecords"] = customRecords.map { r -> [String: Any] in
      var lookups: [String: Any] = [:]
      for (field, value) in r.lookups {
        switch value {
        case .account(let id), .contact(let id): lookups[field] = id
        case .customer(let c): lookups[field] = ["type": c.type.rawValue, "id": c.id]
        }
      }
      return ["type": r.type, "id": r.id, "name": r.name, "lookups": lookups]
    }
    root["activities"] = activities.map { a -> [String: Any] in
      var o: [String: Any] = ["id": a.id, "kind": a.kind.rawValue, "subject": a.subject,
                              "at": time(a.at), "regarding": a.regarding.map(ref)]
      optional(&o, "end", a.end.map(time))
      optional(&o, "owner", a.owner)
      optional(&o, "body", a.body)
      optional(&o, "messageId", a.messageId)
      optional(&o, "direction", a.direction?.rawValue)
      optional(&o, "from", a.from?.value)
      optional(&o, "fromName", a.fromName)
      if !a.to.isEmpty { o["to"] = addresses(a.to) }
      if !a.cc.isEmpty { o["cc"] = addresses(a.cc) }
      if !a.attachments.isEmpty {
        o["attachments"] = a.attachments.map { info -> [String: Any] in
          var x: [String: Any] = ["name": info.name, "size": info.size]
          optional(&x, "contentType", info.contentType)
          return x
        }
      }
      optional(&o, "uid", a.uid)
      optional(&o, "recurrenceId", a.recurrenceId.map(time))
      optional(&o, "organizer", a.organizer?.value)
      if !a.attendees.isEmpty { o["attendees"] = addresses(a.attendees) }
      optional(&o, "location", a.location)
      return o
    }
    return (try? JSONSerialization.data(withJSONObject: root, options: [.sortedKeys])) ?? Data()
  }
}
