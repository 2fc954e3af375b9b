import CRMStore
import CaptureCore
import Foundation
import PostgresNIO

/// The import's reads and upserts in an open PostgreSQL transaction.
struct PostgresImportTarget: CRMImportTarget {
  let session: PostgresSession

  func userExists(id: String) throws -> Bool {
    try session.one("SELECT 1 FROM \"user\" WHERE id = \(id)", as: Int32.self) != nil
  }

  func recordExists(_ ref: RecordRef) throws -> Bool {
    try PostgresCRMStore.recordSummary(session, ref) != nil
  }

  func customEntityType(name: String) throws -> CustomEntityType? {
    try PostgresCRMStore.customEntityType(session, name: name)
  }

  func storedLookups(ofType name: String) throws -> [StoredLookup] {
    try session.query("""
      SELECT recordId, field, target FROM lookupValue WHERE recordType = \(name)
      ORDER BY recordId, field
      """).map {
      let (recordId, field, target) = try $0.decode((String, String, String).self)
      return StoredLookup(recordId: recordId, field: field, target: target)
    }
  }

  func existingActivityId(matching activity: Activity) throws -> String? {
    try PostgresCRMStore.existingActivityId(session, matching: activity)
  }

  func write(_ organization: Organization) throws {
    try session.query("""
      INSERT INTO organization (id, name, autoCapture, untrackedAccess)
      VALUES (1, \(organization.name), \(organization.autoCapture),
        \(organization.untrackedAccess.rawValue))
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, autoCapture = excluded.autoCapture,
        untrackedAccess = excluded.untrackedAccess
      """)
    try session.query("DELETE FROM organizationExclusion")
    try session.query("""
      INSERT INTO organizationExclusion (value)
      SELECT unnest(\(organization.excludedAddresses.map(\.text))::text[])
      """)
  }

  func write(_ user: User, setsShowUntracked: Bool, setsExclusions: Bool) throws {
    try session.query("""
      INSERT INTO "user" (id, name, syncMethod, approved, testEnabled, showUntracked)
      VALUES (\(user.id), \(user.name), \(user.mailbox.syncMethod.rawValue),
        \(user.mailbox.approved), \(user.mailbox.testEnabled), \(user.showUntracked))
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, syncMethod = excluded.syncMethod,
        approved = excluded.approved, testEnabled = excluded.testEnabled,
        showUntracked = CASE WHEN \(setsShowUntracked) THEN excluded.showUntracked
                             ELSE "user".showUntracked END
      """)
    try session.query("DELETE FROM userEmail WHERE userId = \(user.id)")
    try session.query("""
      INSERT INTO userEmail (userId, position, address)
      SELECT \(user.id), t.n - 1, t.address
      FROM unnest(\(user.emails.map(\.value))::text[]) WITH ORDINALITY AS t(address, n)
      """)
    if setsExclusions {
      try session.query("DELETE FROM userExclusion WHERE userId = \(user.id)")
      try session.query("""
        INSERT INTO userExclusion (userId, value)
        SELECT \(user.id), unnest(\(user.excludedAddresses.map(\.text))::text[])
        """)
    }
  }

  func write(_ account: Account) throws {
    try session.query("""
      INSERT INTO account (id, name, primaryContact)
      VALUES (\(account.id), \(account.name), \(account.primaryContact))
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, primaryContact = excluded.primaryContact
      """)
    try replaceEmails("account", account.id, account.emails)
  }

  func write(_ contact: Contact) throws {
    try session.query("""
      INSERT INTO contact (id, name, parentAccount, modifiedOn)
      VALUES (\(contact.id), \(contact.name), \(contact.parentAccount), \(contact.modifiedOn))
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, parentAccount = excluded.parentAccount,
        modifiedOn = excluded.modifiedOn
      """)
    try replaceEmails("contact", contact.id, contact.emails)
  }

  func write(_ lead: Lead) throws {
    try session.query("""
      INSERT INTO lead (id, name, contactName, contactEmail)
      VALUES (\(lead.id), \(lead.name), \(lead.contactName), \(lead.contactEmail?.value))
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, contactName = excluded.contactName,
        contactEmail = excluded.contactEmail
      """)
    try replaceEmails("lead", lead.id, lead.emails)
  }

  func write(_ opportunity: Opportunity) throws {
    try session.query("""
      INSERT INTO opportunity (id, name, contact, account, originatingLead)
      VALUES (\(opportunity.id), \(opportunity.name), \(opportunity.contact),
        \(opportunity.account), \(opportunity.originatingLead))
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, contact = excluded.contact,
        account = excluded.account, originatingLead = excluded.originatingLead
      """)
    try replaceEmails("opportunity", opportunity.id, opportunity.emails)
    try session.query("DELETE FROM stakeholder WHERE opportunityId = \(opportunity.id)")
    try session.query("""
      INSERT INTO stakeholder (opportunityId, position, contactId)
      SELECT \(opportunity.id), t.n - 1, t.contactId
      FROM unnest(\(opportunity.stakeholders)::text[]) WITH ORDINALITY AS t(contactId, n)
      """)
  }

  func write(_ supportCase: SupportCase) throws {
    try session.query("""
      INSERT INTO supportCase (id, title, primaryContact, customerType, customerId)
      VALUES (\(supportCase.id), \(supportCase.title), \(supportCase.primaryContact),
        \(supportCase.customer?.type.rawValue), \(supportCase.customer?.id))
      ON CONFLICT (id) DO UPDATE SET title = excluded.title,
        primaryContact = excluded.primaryContact, customerType = excluded.customerType,
        customerId = excluded.customerId
      """)
    try replaceEmails("case", supportCase.id, supportCase.emails)
  }

  func write(_ type: CustomEntityType) throws {
    try session.query("""
      INSERT INTO customEntityType (name, displayName) VALUES (\(type.name), \(type.displayName))
      ON CONFLICT (name) DO UPDATE SET displayName = excluded.displayName
      """)
    try session.query("DELETE FROM lookupDeclaration WHERE typeName = \(type.name)")
    try session.query("""
      INSERT INTO lookupDeclaration (typeName, position, field, target)
      SELECT \(type.name), t.n - 1, t.field, t.target
      FROM unnest(\(type.lookups.map(\.field))::text[],
                  \(type.lookups.map(\.target.rawValue))::text[])
        WITH ORDINALITY AS t(field, target, n)
      """)
  }

  func write(_ record: CustomRecord) throws {
    try session.query("""
      INSERT INTO customRecord (type, id, name) VALUES (\(record.type), \(record.id), \(record.name))
      ON CONFLICT (type, id) DO UPDATE SET name = excluded.name
      """)
    try session.query("""
      DELETE FROM lookupValue WHERE recordType = \(record.type) AND recordId = \(record.id)
      """)
    let values = record.storedLookups
    try session.query("""
      INSERT INTO lookupValue (recordType, recordId, field, target, refType, refId)
      SELECT \(record.type), \(record.id), t.field, t.target, t.refType, t.refId
      FROM unnest(\(values.map(\.field))::text[], \(values.map(\.target))::text[],
                  \(values.map(\.refType))::text[], \(values.map(\.refId))::text[])
        AS t(field, target, refType, refId)
      """)
  }

  func write(_ activity: Activity) throws {
    try PostgresCRMStore.upsertActivity(session, activity, contents: nil)
  }

  private func replaceEmails(_ type: String, _ id: String, _ emails: [EmailAddress]) throws {
    try session.query("DELETE FROM recordEmail WHERE recordType = \(type) AND recordId = \(id)")
    try session.query("""
      INSERT INTO recordEmail (recordType, recordId, position, address)
      SELECT \(type), \(id), t.n - 1, t.address
      FROM unnest(\(emails.map(\.value))::text[]) WITH ORDINALITY AS t(address, n)
      """)
  }
}
