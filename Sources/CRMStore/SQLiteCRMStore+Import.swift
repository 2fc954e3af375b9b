import CaptureCore
import Foundation
import GRDB

extension SQLiteCRMStore {
  /// Imports a CRM import file; see `CRMImporter`.
  public func importFile(at url: URL) throws -> ImportSummary {
    try importPlan(CRMImporter.plan(fileAt: url))
  }

  /// Imports CRM import JSON; see `CRMImporter`.
  public func importData(_ data: Data) throws -> ImportSummary {
    try importPlan(CRMImporter.plan(data))
  }

  /// Writes a checked import file in one immediate transaction: all of it or nothing.
  public func importPlan(_ plan: ImportPlan) throws -> ImportSummary {
    try write { db in try plan.write(to: SQLiteImportTarget(db)) }
  }
}

/// The import's reads and upserts in an open SQLite transaction, with prepared statements
/// for the rows a large import writes most.
struct SQLiteImportTarget: CRMImportTarget {
  let db: Database

  init(_ db: Database) { self.db = db }

  func userExists(id: String) throws -> Bool { try SQLiteCRMStore.user(db, id: id) != nil }

  func recordExists(_ ref: RecordRef) throws -> Bool { try SQLiteCRMStore.recordExists(db, ref) }

  func customEntityType(name: String) throws -> CustomEntityType? {
    try SQLiteCRMStore.customEntityType(db, name: name)
  }

  func storedLookups(ofType name: String) throws -> [StoredLookup] {
    try Row.fetchAll(db, sql: """
      SELECT recordId, field, target FROM lookupValue WHERE recordType = ?
      ORDER BY recordId, field
      """, arguments: [name]
    ).map { StoredLookup(recordId: $0["recordId"], field: $0["field"], target: $0["target"]) }
  }

  func existingActivityId(matching activity: Activity) throws -> String? {
    try SQLiteCRMStore.existingActivityId(db, matching: activity)
  }

  func write(_ organization: Organization) throws {
    try db.execute(sql: """
      INSERT INTO organization (id, name, autoCapture, untrackedAccess) VALUES (1, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, autoCapture = excluded.autoCapture,
        untrackedAccess = excluded.untrackedAccess
      """, arguments: [organization.name, organization.autoCapture,
                       organization.untrackedAccess.rawValue])
    try db.execute(sql: "DELETE FROM organizationExclusion")
    for exclusion in organization.excludedAddresses {
      try db.execute(
        sql: "INSERT INTO organizationExclusion (value) VALUES (?)", arguments: [exclusion.text])
    }
  }

  func write(_ user: User, setsShowUntracked: Bool, setsExclusions: Bool) throws {
    try db.execute(sql: """
      INSERT INTO user (id, name, syncMethod, approved, testEnabled, showUntracked)
      VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, syncMethod = excluded.syncMethod,
        approved = excluded.approved, testEnabled = excluded.testEnabled,
        showUntracked = CASE WHEN ? THEN excluded.showUntracked ELSE showUntracked END
      """, arguments: [user.id, user.name, user.mailbox.syncMethod.rawValue, user.mailbox.approved,
                       user.mailbox.testEnabled, user.showUntracked, setsShowUntracked])
    try db.execute(sql: "DELETE FROM userEmail WHERE userId = ?", arguments: [user.id])
    for (position, address) in user.emails.enumerated() {
      try db.execute(
        sql: "INSERT INTO userEmail (userId, position, address) VALUES (?, ?, ?)",
        arguments: [user.id, position, address.value])
    }
    if setsExclusions {
      try db.execute(sql: "DELETE FROM userExclusion WHERE userId = ?", arguments: [user.id])
      for exclusion in user.excludedAddresses {
        try db.execute(
          sql: "INSERT INTO userExclusion (userId, value) VALUES (?, ?)",
          arguments: [user.id, exclusion.text])
      }
    }
  }

  func write(_ account: Account) throws {
    try db.cachedStatement(sql: """
      INSERT INTO account (id, name, primaryContact) VALUES (?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, primaryContact = excluded.primaryContact
      """).execute(arguments: [account.id, account.name, account.primaryContact])
    try replaceEmails("account", account.id, account.emails)
  }

  func write(_ contact: Contact) throws {
    try db.cachedStatement(sql: """
      INSERT INTO contact (id, name, parentAccount, modifiedOn) VALUES (?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, parentAccount = excluded.parentAccount,
        modifiedOn = excluded.modifiedOn
      """).execute(
        arguments: [contact.id, contact.name, contact.parentAccount, contact.modifiedOn])
    try replaceEmails("contact", contact.id, contact.emails)
  }

  func write(_ lead: Lead) throws {
    try db.execute(sql: """
      INSERT INTO lead (id, name, contactName, contactEmail) VALUES (?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, contactName = excluded.contactName,
        contactEmail = excluded.contactEmail
      """, arguments: [lead.id, lead.name, lead.contactName, lead.contactEmail?.value])
    try replaceEmails("lead", lead.id, lead.emails)
  }

  func write(_ opportunity: Opportunity) throws {
    try db.execute(sql: """
      INSERT INTO opportunity (id, name, contact, account, originatingLead) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, contact = excluded.contact,
        account = excluded.account, originatingLead = excluded.originatingLead
      """, arguments: [opportunity.id, opportunity.name, opportunity.contact, opportunity.account,
                       opportunity.originatingLead])
    try replaceEmails("opportunity", opportunity.id, opportunity.emails)
    try db.execute(
      sql: "DELETE FROM stakeholder WHERE opportunityId = ?", arguments: [opportunity.id])
    for (position, contactId) in opportunity.stakeholders.enumerated() {
      try db.execute(
        sql: "INSERT INTO stakeholder (opportunityId, position, contactId) VALUES (?, ?, ?)",
        arguments: [opportunity.id, position, contactId])
    }
  }

  func write(_ supportCase: SupportCase) throws {
    try db.execute(sql: """
      INSERT INTO supportCase (id, title, primaryContact, customerType, customerId)
      VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET title = excluded.title,
        primaryContact = excluded.primaryContact, customerType = excluded.customerType,
        customerId = excluded.customerId
      """, arguments: [supportCase.id, supportCase.title, supportCase.primaryContact,
                       supportCase.customer?.type.rawValue, supportCase.customer?.id])
    try replaceEmails("case", supportCase.id, supportCase.emails)
  }

  func write(_ type: CustomEntityType) throws {
    try db.execute(sql: """
      INSERT INTO customEntityType (name, displayName) VALUES (?, ?)
      ON CONFLICT (name) DO UPDATE SET displayName = excluded.displayName
      """, arguments: [type.name, type.displayName])
    try db.execute(sql: "DELETE FROM lookupDeclaration WHERE typeName = ?", arguments: [type.name])
    for (position, lookup) in type.lookups.enumerated() {
      try db.execute(sql: """
        INSERT INTO lookupDeclaration (typeName, position, field, target) VALUES (?, ?, ?, ?)
        """, arguments: [type.name, position, lookup.field, lookup.target.rawValue])
    }
  }

  func write(_ record: CustomRecord) throws {
    try db.execute(sql: """
      INSERT INTO customRecord (type, id, name) VALUES (?, ?, ?)
      ON CONFLICT (type, id) DO UPDATE SET name = excluded.name
      """, arguments: [record.type, record.id, record.name])
    try db.execute(
      sql: "DELETE FROM lookupValue WHERE recordType = ? AND recordId = ?",
      arguments: [record.type, record.id])
    for value in record.storedLookups {
      try db.execute(sql: """
        INSERT INTO lookupValue (recordType, recordId, field, target, refType, refId)
        VALUES (?, ?, ?, ?, ?, ?)
        """, arguments: [record.type, record.id, value.field, value.target, value.refType,
                         value.refId])
    }
  }

  func write(_ activity: Activity) throws {
    try SQLiteCRMStore.upsertActivity(db, activity, contents: nil)
  }

  private func replaceEmails(_ type: String, _ id: String, _ emails: [EmailAddress]) throws {
    try db.cachedStatement(sql: "DELETE FROM recordEmail WHERE recordType = ? AND recordId = ?")
      .execute(arguments: [type, id])
    let insert = try db.cachedStatement(sql: """
      INSERT INTO recordEmail (recordType, recordId, position, address) VALUES (?, ?, ?, ?)
      """)
    for (position, address) in emails.enumerated() {
      try insert.execute(arguments: [type, id, position, address.value])
    }
  }
}

extension CustomRecord {
  /// The lookups as the lookupValue rows of both stores hold them, by field name.
  public var storedLookups: [(field: String, target: String, refType: String, refId: String)] {
    lookups.sorted(by: { $0.key < $1.key }).map { field, value in
      switch value {
      case .account(let id): return (field, "account", "account", id)
      case .contact(let id): return (field, "contact", "contact", id)
      case .customer(let c): return (field, "customer", c.type.rawValue, c.id)
      }
    }
  }
}
