import CaptureCore
import Foundation
import GRDB
import SQLiteSupport

/// The shared CRM database in one SQLite file, through GRDB.
///
/// Several processes may use the file at once (a CLI `sync` beside the TUI), so it runs in WAL
/// mode through a `DatabasePool`, waits up to five seconds for a lock, and writes that read
/// before they write take the write lock first (`BEGIN IMMEDIATE`). A lock held longer is
/// reported as `CRMError.busy` naming the file; a file written by a newer build is refused
/// with `CRMError.newerSchema`; an empty or new file is given the current schema only when
/// the caller creates databases (`import`), else it is refused as `CRMError.notACRMDatabase`.
public final class SQLiteCRMStore: CRMStore {
  /// The file, as given; errors name it.
  public let path: String
  /// A pool for the TUI, one queue for a one-shot command (`SQLiteFiles.Connections`).
  let database: any DatabaseWriter

  /// How long a call waits for another process's lock before reporting `CRMError.busy`.
  public let busyTimeout: TimeInterval

  /// Opens the database at `path`, migrating an older AutoCapture schema forward;
  /// `connections` is `.single` for a one-shot command and `.pool` for a process that reads
  /// while it writes. With `createsSchema` false, a file without AutoCapture's schema (an
  /// empty file, another program's database) is refused before anything is written to it.
  public init(path: String, busyTimeout: TimeInterval = 5,
              connections: SQLiteFiles.Connections = .pool, createsSchema: Bool = true) throws {
    self.path = path
    self.busyTimeout = busyTimeout
    if !createsSchema {
      // An empty file would be given SQLite's header and WAL mode by the open itself.
      let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
      if size == 0 { throw CRMError.notACRMDatabase(path: path, isEmpty: true) }
    }
    do {
      database = try SQLiteFiles.open(
        path: path, connections: connections, busyTimeout: busyTimeout, foreignKeys: true)
      // Every migration ends by setting `user_version`, so one pragma tells a current file
      // (the usual case, and the only one a one-shot command should pay for) from one to
      // migrate or refuse; GRDB's migrator is consulted only for the latter.
      let userVersion = try database.read { db in try Int.fetchOne(db, sql: "PRAGMA user_version") }
      if (userVersion ?? 0) > Schema.version {
        throw CRMError.newerSchema(path: path, found: String(userVersion ?? 0))
      }
      if userVersion == 0, !createsSchema {
        // No migration ever ran here: not ours, whatever tables it may hold.
        let tables = try database.read { db in
          try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master WHERE type = 'table'")
        }
        throw CRMError.notACRMDatabase(path: path, isEmpty: (tables ?? 0) == 0)
      }
      if userVersion != Schema.version {
        let migrator = Schema.migrator
        let current = try database.read { db in
          let unknown = try migrator.appliedIdentifiers(db).subtracting(migrator.migrations)
          if !unknown.isEmpty {
            throw CRMError.newerSchema(
              path: path, found: unknown.sorted().joined(separator: ", "))
          }
          return try migrator.hasCompletedMigrations(db)
        }
        // Migrating commits a write (and fsyncs) even when nothing is to do: only when needed.
        if !current { try migrator.migrate(database) }
      }
    } catch {
      throw Self.translate(error, path: path, timeout: busyTimeout)
    }
  }

  /// Closes the database file (the WAL is checkpointed when this was its last connection).
  /// The store must not be used afterwards.
  public func close() throws {
    do { try database.close() } catch {
      throw Self.translate(error, path: path, timeout: busyTimeout)
    }
  }

  // MARK: - Access and errors

  /// Runs a read, turning SQLite errors into `CRMError`s that name the file.
  func read<T>(_ body: (Database) throws -> T) throws -> T {
    do { return try database.read(body) } catch {
      throw Self.translate(error, path: path, timeout: busyTimeout)
    }
  }

  /// Runs `body` in one `BEGIN IMMEDIATE` transaction: all of it is written or none.
  func write<T>(_ body: (Database) throws -> T) throws -> T {
    do {
      return try database.writeWithoutTransaction { db in
        var result: T?
        try db.inTransaction(.immediate) {
          result = try body(db)
          return .commit
        }
        guard let result else { throw CRMError.invalid("\(path): transaction produced nothing") }
        return result
      }
    } catch {
      throw Self.translate(error, path: path, timeout: busyTimeout)
    }
  }

  static func translate(_ error: any Error, path: String, timeout: TimeInterval) -> any Error {
    guard let dbError = error as? DatabaseError else { return error }
    switch dbError.resultCode {
    case .SQLITE_BUSY, .SQLITE_LOCKED:
      return CRMError.busy("\(path) is locked by another process (waited \(timeout) s)")
    case .SQLITE_NOTADB:
      return CRMError.invalid("\(path) is not an AutoCapture database (not SQLite)")
    case .SQLITE_CANTOPEN:
      return CRMError.invalid("cannot open \(path): \(dbError.message ?? "unknown reason")")
    default:
      return CRMError.invalid("\(path): \(dbError.message ?? dbError.description)")
    }
  }

  // MARK: - Shared row readers

  static func emails(_ db: Database, type: String, id: String) throws -> [EmailAddress] {
    let statement = try db.cachedStatement(sql: """
      SELECT address FROM recordEmail WHERE recordType = ? AND recordId = ? ORDER BY position
      """)
    return try String.fetchAll(statement, arguments: [type, id]).map(EmailAddress.init(normalized:))
  }

  static func contact(_ db: Database, row: Row) throws -> Contact {
    let id: String = row["id"]
    return Contact(
      id: id, name: row["name"], emails: try emails(db, type: "contact", id: id),
      parentAccount: row["parentAccount"], modifiedOn: row["modifiedOn"])
  }

  // MARK: - CRMReader

  public func account(id: String) throws -> Account? {
    try read { db in
      guard let row = try Row.fetchOne(
        db, sql: "SELECT id, name, primaryContact FROM account WHERE id = ?", arguments: [id])
      else { return nil }
      return Account(
        id: id, name: row["name"], emails: try Self.emails(db, type: "account", id: id),
        primaryContact: row["primaryContact"])
    }
  }

  public func contact(id: String) throws -> Contact? {
    try read { db in
      try Row.fetchOne(
        db, sql: "SELECT id, name, parentAccount, modifiedOn FROM contact WHERE id = ?",
        arguments: [id]
      ).map { try Self.contact(db, row: $0) }
    }
  }

  public func lead(id: String) throws -> Lead? {
    try read { db in
      guard let row = try Row.fetchOne(
        db, sql: "SELECT name, contactName, contactEmail FROM lead WHERE id = ?", arguments: [id])
      else { return nil }
      let contactEmail: String? = row["contactEmail"]
      return Lead(id: id, name: row["name"], contactName: row["contactName"],
                  contactEmail: contactEmail.map(EmailAddress.init(normalized:)),
                  emails: try Self.emails(db, type: "lead", id: id))
    }
  }

  public func opportunity(id: String) throws -> Opportunity? {
    try read { db in
      guard let row = try Row.fetchOne(
        db, sql: "SELECT name, contact, account, originatingLead FROM opportunity WHERE id = ?",
        arguments: [id])
      else { return nil }
      let stakeholders = try String.fetchAll(
        db, sql: "SELECT contactId FROM stakeholder WHERE opportunityId = ? ORDER BY position",
        arguments: [id])
      return Opportunity(
        id: id, name: row["name"], emails: try Self.emails(db, type: "opportunity", id: id),
        contact: row["contact"], account: row["account"], stakeholders: stakeholders,
        originatingLead: row["originatingLead"])
    }
  }

  public func supportCase(id: String) throws -> SupportCase? {
    try read { db in
      guard let row = try Row.fetchOne(
        db,
        sql: "SELECT title, primaryContact, customerType, customerId FROM supportCase WHERE id = ?",
        arguments: [id])
      else { return nil }
      var customer: CustomerRef?
      if let type: String = row["customerType"], let kind = CustomerType(rawValue: type),
         let customerId: String = row["customerId"] {
        customer = CustomerRef(type: kind, id: customerId)
      }
      return SupportCase(
        id: id, title: row["title"], emails: try Self.emails(db, type: "case", id: id),
        primaryContact: row["primaryContact"], customer: customer)
    }
  }

  static func customEntityType(_ db: Database, name: String) throws -> CustomEntityType? {
    guard let displayName = try String.fetchOne(
      db, sql: "SELECT displayName FROM customEntityType WHERE name = ?", arguments: [name])
    else { return nil }
    let lookups = try Row.fetchAll(
      db, sql: "SELECT field, target FROM lookupDeclaration WHERE typeName = ? ORDER BY position",
      arguments: [name]
    ).compactMap { row -> LookupDeclaration? in
      guard let target = LookupTarget(rawValue: row["target"]) else { return nil }
      return LookupDeclaration(field: row["field"], target: target)
    }
    return CustomEntityType(name: name, displayName: displayName, lookups: lookups)
  }

  public func customEntityType(name: String) throws -> CustomEntityType? {
    try read { db in try Self.customEntityType(db, name: name) }
  }

  public func customRecord(type: String, id: String) throws -> CustomRecord? {
    try read { db in
      guard let name = try String.fetchOne(
        db, sql: "SELECT name FROM customRecord WHERE type = ? AND id = ?", arguments: [type, id])
      else { return nil }
      var lookups: [String: LookupValue] = [:]
      let rows = try Row.fetchAll(db, sql: """
        SELECT field, target, refType, refId FROM lookupValue
        WHERE recordType = ? AND recordId = ?
        """, arguments: [type, id])
      for row in rows {
        let refId: String = row["refId"]
        switch row["target"] as String {
        case "account": lookups[row["field"]] = .account(refId)
        case "contact": lookups[row["field"]] = .contact(refId)
        default:
          if let kind = CustomerType(rawValue: row["refType"]) {
            lookups[row["field"]] = .customer(CustomerRef(type: kind, id: refId))
          }
        }
      }
      return CustomRecord(type: type, id: id, name: name, lookups: lookups)
    }
  }

  public func topContacts(ofAccount accountId: String, limit: Int) throws -> [Contact] {
    try read { db in
      try Row.fetchAll(db, sql: """
        SELECT id, name, parentAccount, modifiedOn FROM contact WHERE parentAccount = ?
        ORDER BY modifiedOn IS NULL, modifiedOn DESC, id LIMIT ?
        """, arguments: [accountId, max(0, limit)]
      ).map { try Self.contact(db, row: $0) }
    }
  }

  // MARK: - Organization, users, records

  public func organization() throws -> Organization {
    try read { db in
      guard let row = try Row.fetchOne(
        db, sql: "SELECT name, autoCapture, untrackedAccess FROM organization WHERE id = 1")
      else { return Organization() }
      let excluded = try String.fetchAll(
        db, sql: "SELECT value FROM organizationExclusion ORDER BY value")
      return Organization(
        name: row["name"], autoCapture: row["autoCapture"],
        untrackedAccess: UntrackedAccess(rawValue: row["untrackedAccess"]) ?? .allowed,
        excludedAddresses: excluded.map(AddressExclusion.init(normalized:)))
    }
  }

  static func user(_ db: Database, id: String) throws -> User? {
    guard let row = try Row.fetchOne(db, sql: """
      SELECT name, syncMethod, approved, testEnabled, showUntracked, trackReplies
      FROM user WHERE id = ?
      """, arguments: [id])
    else { return nil }
    let emails = try String.fetchAll(
      db, sql: "SELECT address FROM userEmail WHERE userId = ? ORDER BY position", arguments: [id])
    let mailbox = MailboxSettings(
      syncMethod: SyncMethod(rawValue: row["syncMethod"]) ?? .none,
      approved: row["approved"], testEnabled: row["testEnabled"])
    let excluded = try String.fetchAll(
      db, sql: "SELECT value FROM userExclusion WHERE userId = ? ORDER BY value", arguments: [id])
    return User(id: id, name: row["name"], emails: emails.map(EmailAddress.init(normalized:)),
                mailbox: mailbox, showUntracked: row["showUntracked"],
                excludedAddresses: excluded.map(AddressExclusion.init(normalized:)),
                trackReplies: row["trackReplies"])
  }

  public func user(matching idOrEmail: String) throws -> User? {
    try read { db in
      if let user = try Self.user(db, id: idOrEmail) { return user }
      guard let address = EmailAddress.parse(idOrEmail) else { return nil }
      guard let id = try String.fetchOne(
        db, sql: "SELECT userId FROM userEmail WHERE address = ? ORDER BY userId LIMIT 1",
        arguments: [address.value])
      else { return nil }
      return try Self.user(db, id: id)
    }
  }

  public func users() throws -> [User] {
    try read { db in
      try String.fetchAll(db, sql: "SELECT id FROM user ORDER BY id").compactMap {
        try Self.user(db, id: $0)
      }
    }
  }

  /// The table and name column of each built-in type, in records-pane order.
  /// Where a built-in record type's records are, and which column names them.
  struct RecordTable {
    var type: RecordType
    var table: String
    var nameColumn: String
  }

  static let builtInTables = [
    RecordTable(type: .account, table: "account", nameColumn: "name"),
    RecordTable(type: .contact, table: "contact", nameColumn: "name"),
    RecordTable(type: .opportunity, table: "opportunity", nameColumn: "name"),
    RecordTable(type: .lead, table: "lead", nameColumn: "name"),
    RecordTable(type: .case, table: "supportCase", nameColumn: "title"),
  ]

  public func recordSummaries() throws -> [RecordSummary] {
    try read { db in
      var summaries: [RecordSummary] = []
      for table in Self.builtInTables {
        let rows = try Row.fetchAll(db, sql: """
          SELECT id, \(table.nameColumn) AS name FROM \(table.table)
          ORDER BY name COLLATE NOCASE, id
          """)
        summaries += rows.map {
          RecordSummary(ref: RecordRef(type: table.type, id: $0["id"]), name: $0["name"])
        }
      }
      let rows = try Row.fetchAll(db, sql: """
        SELECT r.type, r.id, r.name, t.displayName FROM customRecord r
        JOIN customEntityType t ON t.name = r.type ORDER BY r.type, r.name COLLATE NOCASE, r.id
        """)
      summaries += rows.map {
        RecordSummary(ref: RecordRef(type: .custom($0["type"]), id: $0["id"]), name: $0["name"],
                      typeDisplayName: $0["displayName"])
      }
      return summaries
    }
  }

  public func recordSummary(_ ref: RecordRef) throws -> RecordSummary? {
    try read { db in try Self.recordSummary(db, ref) }
  }

  static func recordSummary(_ db: Database, _ ref: RecordRef) throws -> RecordSummary? {
    if case .custom(let typeName) = ref.type {
      guard let row = try Row.fetchOne(db, sql: """
        SELECT r.name, t.displayName FROM customRecord r
        JOIN customEntityType t ON t.name = r.type WHERE r.type = ? AND r.id = ?
        """, arguments: [typeName, ref.id])
      else { return nil }
      return RecordSummary(ref: ref, name: row["name"], typeDisplayName: row["displayName"])
    }
    guard let entry = builtInTables.first(where: { $0.type == ref.type }) else { return nil }
    return try String.fetchOne(
      db, sql: "SELECT \(entry.nameColumn) FROM \(entry.table) WHERE id = ?", arguments: [ref.id]
    ).map { RecordSummary(ref: ref, name: $0) }
  }

  public func customEntityTypes() throws -> [CustomEntityType] {
    try read { db in
      try String.fetchAll(db, sql: "SELECT name FROM customEntityType ORDER BY name").compactMap {
        try Self.customEntityType(db, name: $0)
      }
    }
  }

  public func setShowUntracked(userId: String, _ value: Bool) throws {
    try write { db in
      try db.execute(
        sql: "UPDATE user SET showUntracked = ? WHERE id = ?", arguments: [value, userId])
      if db.changesCount == 0 { throw CRMError.unknownUser(userId) }
    }
  }

  public func setTrackReplies(userId: String, _ value: Bool) throws {
    try write { db in
      try db.execute(
        sql: "UPDATE user SET trackReplies = ? WHERE id = ?", arguments: [value, userId])
      if db.changesCount == 0 { throw CRMError.unknownUser(userId) }
    }
  }

  public func addExcludedAddress(userId: String, _ exclusion: AddressExclusion) throws {
    try write { db in
      guard try Self.userExists(db, userId) else { throw CRMError.unknownUser(userId) }
      try db.execute(
        sql: "INSERT OR IGNORE INTO userExclusion (userId, value) VALUES (?, ?)",
        arguments: [userId, exclusion.text])
    }
  }

  @discardableResult
  public func removeExcludedAddress(userId: String, _ exclusion: AddressExclusion) throws -> Bool {
    try write { db in
      guard try Self.userExists(db, userId) else { throw CRMError.unknownUser(userId) }
      try db.execute(
        sql: "DELETE FROM userExclusion WHERE userId = ? AND value = ?",
        arguments: [userId, exclusion.text])
      return db.changesCount > 0
    }
  }

  static func userExists(_ db: Database, _ id: String) throws -> Bool {
    try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM user WHERE id = ?)", arguments: [id])
      ?? false
  }

  // MARK: - Dump

  /// Every row of every table as text, in a stable order: for comparing two databases.
  public func dump() throws -> String {
    try read { db in
      var lines: [String] = []
      for table in Schema.tables {
        let columns = try db.columns(in: table).map { "\"\($0.name)\"" }
        let order = columns.indices.map { String($0 + 1) }.joined(separator: ", ")
        let rows = try Row.fetchAll(
          db, sql: "SELECT \(columns.joined(separator: ", ")) FROM \(table) ORDER BY \(order)")
        lines.append("# \(table) (\(rows.count))")
        lines += rows.map { $0.description }
      }
      return lines.joined(separator: "\n")
    }
  }
}
