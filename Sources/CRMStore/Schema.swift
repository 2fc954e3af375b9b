import Foundation
import GRDB

/// The CRM database schema, as versioned GRDB migrations.
///
/// Every change to the schema is a new migration appended here, never an edit of an old one:
/// a database remembers which migrations it has applied, and one that names a migration this
/// build does not know (or carries a higher `user_version`) was written by a newer AutoCapture
/// and is refused rather than misread.
enum Schema {
  /// The `PRAGMA user_version` the last migration sets. Each new migration must raise it:
  /// opening a file whose `user_version` equals this skips the migrator altogether.
  static let version = 5

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1-crm") { db in
      try db.execute(sql: v1)
      try db.execute(sql: "PRAGMA user_version = 1")
    }
    // The sender's display name of a tracked email.
    migrator.registerMigration("v2-activity-fromName") { db in
      try db.execute(sql: "ALTER TABLE activity ADD COLUMN fromName TEXT")
      try db.execute(sql: "PRAGMA user_version = 2")
    }
    // Excluded addresses (`@domain` for a whole domain): the organization's, set only by an
    // import, and each user's own.
    migrator.registerMigration("v3-excludedAddresses") { db in
      try db.execute(sql: """
        CREATE TABLE organizationExclusion (value TEXT PRIMARY KEY NOT NULL) WITHOUT ROWID;
        CREATE TABLE userExclusion (
          userId TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
          value TEXT NOT NULL,
          PRIMARY KEY (userId, value)
        ) WITHOUT ROWID;
        PRAGMA user_version = 3;
        """)
    }
    // The personal option "Track replies to tracked email automatically"; NULL until the
    // user chooses.
    migrator.registerMigration("v4-user-trackReplies") { db in
      try db.execute(sql: "ALTER TABLE user ADD COLUMN trackReplies INTEGER")
      try db.execute(sql: "PRAGMA user_version = 4")
    }
    // The audit trail of untracking and moving: no foreign key to the activity,
    // which an untrack may delete; the entry outlives it.
    migrator.registerMigration("v5-trackingAudit") { db in
      try db.execute(sql: """
        CREATE TABLE trackingAudit (
          id TEXT PRIMARY KEY NOT NULL,
          at TEXT NOT NULL,
          userId TEXT NOT NULL REFERENCES user(id),
          activityId TEXT NOT NULL,
          itemId TEXT NOT NULL,
          fromRecordType TEXT NOT NULL,
          fromRecordId TEXT NOT NULL,
          toRecordType TEXT,
          toRecordId TEXT,
          CHECK ((toRecordType IS NULL) = (toRecordId IS NULL))
        );
        CREATE INDEX trackingAudit_item ON trackingAudit(itemId, at);
        PRAGMA user_version = 5;
        """)
    }
    return migrator
  }

  /// The tables, in the order a full dump lists them.
  static let tables = [
    "organization", "user", "userEmail", "account", "contact", "lead", "opportunity",
    "stakeholder", "supportCase", "recordEmail", "customEntityType", "lookupDeclaration",
    "customRecord", "lookupValue", "activity", "activityRegarding", "activityAddress",
    "attachment", "trackRequest", "organizationExclusion", "userExclusion",
    "trackingAudit",
  ]

  /// Record emails live in one table keyed by record type and id (`account`, `contact`,
  /// `lead`, `opportunity`, `case`), `position` 0 being the primary email. Dates are GRDB's
  /// UTC text (`2026-11-20 09:30:00.000`), which sorts in time order. Links between records
  /// are deferred foreign keys so that a file may name a record before defining it.
  private static let v1 = """
    CREATE TABLE organization (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      name TEXT NOT NULL,
      autoCapture INTEGER NOT NULL,
      untrackedAccess TEXT NOT NULL CHECK (untrackedAccess IN ('allowed', 'blocked'))
    );
    CREATE TABLE user (
      id TEXT PRIMARY KEY NOT NULL,
      name TEXT NOT NULL,
      syncMethod TEXT NOT NULL,
      approved INTEGER NOT NULL,
      testEnabled INTEGER NOT NULL,
      showUntracked INTEGER NOT NULL DEFAULT 1
    );
    CREATE TABLE userEmail (
      userId TEXT NOT NULL REFERENCES user(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      address TEXT NOT NULL,
      PRIMARY KEY (userId, position)
    );
    CREATE INDEX userEmail_address ON userEmail(address);
    CREATE TABLE account (
      id TEXT PRIMARY KEY NOT NULL,
      name TEXT NOT NULL,
      primaryContact TEXT REFERENCES contact(id) DEFERRABLE INITIALLY DEFERRED
    );
    CREATE TABLE contact (
      id TEXT PRIMARY KEY NOT NULL,
      name TEXT NOT NULL,
      parentAccount TEXT REFERENCES account(id) DEFERRABLE INITIALLY DEFERRED,
      modifiedOn TEXT
    );
    CREATE INDEX contact_topContacts
      ON contact(parentAccount, modifiedOn IS NULL, modifiedOn DESC, id);
    CREATE TABLE lead (
      id TEXT PRIMARY KEY NOT NULL,
      name TEXT NOT NULL,
      contactName TEXT,
      contactEmail TEXT
    );
    CREATE TABLE opportunity (
      id TEXT PRIMARY KEY NOT NULL,
      name TEXT NOT NULL,
      contact TEXT REFERENCES contact(id) DEFERRABLE INITIALLY DEFERRED,
      account TEXT REFERENCES account(id) DEFERRABLE INITIALLY DEFERRED,
      originatingLead TEXT REFERENCES lead(id) DEFERRABLE INITIALLY DEFERRED
    );
    CREATE TABLE stakeholder (
      opportunityId TEXT NOT NULL REFERENCES opportunity(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      contactId TEXT NOT NULL REFERENCES contact(id) DEFERRABLE INITIALLY DEFERRED,
      PRIMARY KEY (opportunityId, position)
    );
    CREATE TABLE supportCase (
      id TEXT PRIMARY KEY NOT NULL,
      title TEXT NOT NULL,
      primaryContact TEXT REFERENCES contact(id) DEFERRABLE INITIALLY DEFERRED,
      customerType TEXT CHECK (customerType IN ('account', 'contact')),
      customerId TEXT,
      CHECK ((customerType IS NULL) = (customerId IS NULL))
    );
    CREATE TABLE recordEmail (
      recordType TEXT NOT NULL,
      recordId TEXT NOT NULL,
      position INTEGER NOT NULL,
      address TEXT NOT NULL,
      PRIMARY KEY (recordType, recordId, position)
    ) WITHOUT ROWID;
    CREATE INDEX recordEmail_address ON recordEmail(address);
    CREATE TABLE customEntityType (
      name TEXT PRIMARY KEY NOT NULL,
      displayName TEXT NOT NULL
    );
    CREATE TABLE lookupDeclaration (
      typeName TEXT NOT NULL REFERENCES customEntityType(name) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      field TEXT NOT NULL,
      target TEXT NOT NULL CHECK (target IN ('account', 'contact', 'customer')),
      PRIMARY KEY (typeName, position),
      UNIQUE (typeName, field)
    );
    CREATE TABLE customRecord (
      type TEXT NOT NULL REFERENCES customEntityType(name) DEFERRABLE INITIALLY DEFERRED,
      id TEXT NOT NULL,
      name TEXT NOT NULL,
      PRIMARY KEY (type, id)
    );
    CREATE TABLE lookupValue (
      recordType TEXT NOT NULL,
      recordId TEXT NOT NULL,
      field TEXT NOT NULL,
      target TEXT NOT NULL CHECK (target IN ('account', 'contact', 'customer')),
      refType TEXT NOT NULL CHECK (refType IN ('account', 'contact')),
      refId TEXT NOT NULL,
      PRIMARY KEY (recordType, recordId, field),
      FOREIGN KEY (recordType, recordId) REFERENCES customRecord(type, id) ON DELETE CASCADE
    );
    CREATE TABLE activity (
      id TEXT PRIMARY KEY NOT NULL,
      kind TEXT NOT NULL
        CHECK (kind IN ('email', 'appointment', 'phonecall', 'task', 'note')),
      subject TEXT NOT NULL,
      at TEXT NOT NULL,
      "end" TEXT,
      owner TEXT REFERENCES user(id) DEFERRABLE INITIALLY DEFERRED,
      messageId TEXT,
      direction TEXT CHECK (direction IN ('incoming', 'outgoing')),
      fromAddress TEXT,
      body TEXT,
      uid TEXT,
      recurrenceId TEXT,
      organizer TEXT,
      location TEXT
    );
    CREATE UNIQUE INDEX activity_emailMessageId
      ON activity(messageId) WHERE kind = 'email' AND messageId IS NOT NULL;
    CREATE UNIQUE INDEX activity_appointmentOccurrence
      ON activity(uid, ifnull(recurrenceId, '')) WHERE kind = 'appointment' AND uid IS NOT NULL;
    CREATE TABLE activityRegarding (
      activityId TEXT NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      recordType TEXT NOT NULL,
      recordId TEXT NOT NULL,
      PRIMARY KEY (activityId, position),
      UNIQUE (activityId, recordType, recordId)
    );
    CREATE INDEX activityRegarding_record ON activityRegarding(recordType, recordId);
    CREATE TABLE activityAddress (
      activityId TEXT NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
      role TEXT NOT NULL CHECK (role IN ('to', 'cc', 'attendee')),
      position INTEGER NOT NULL,
      address TEXT NOT NULL,
      PRIMARY KEY (activityId, role, position)
    );
    CREATE TABLE attachment (
      activityId TEXT NOT NULL REFERENCES activity(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      name TEXT NOT NULL,
      contentType TEXT,
      size INTEGER NOT NULL,
      content BLOB,
      PRIMARY KEY (activityId, position)
    );
    CREATE TABLE trackRequest (
      id TEXT PRIMARY KEY NOT NULL,
      userId TEXT NOT NULL REFERENCES user(id),
      recordType TEXT NOT NULL,
      recordId TEXT NOT NULL,
      itemId TEXT NOT NULL,
      requestedAt TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
      reason TEXT,
      attempts INTEGER NOT NULL DEFAULT 0,
      activityId TEXT REFERENCES activity(id),
      UNIQUE (userId, recordType, recordId, itemId)
    );
    CREATE INDEX trackRequest_state ON trackRequest(state, userId);
    """
}
