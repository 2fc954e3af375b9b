import CRMStore
import CaptureCore
import Foundation
import PostgresNIO

/// The shared CRM database in PostgreSQL, for a team on several machines (team mode).
///
/// The same tables as `SQLiteCRMStore`, written and read with one statement per call where
/// possible (a record and its lists come back in one row), so a timeline costs few round
/// trips. Many people may write at once: activities are stored under unique keys with
/// `INSERT … ON CONFLICT`, and the rows a transaction changes are locked first.
public final class PostgresCRMStore: CRMStore, @unchecked Sendable {
  public let url: PostgresURL
  let connections: PostgresConnections

  /// Connects to `url` and checks its schema: an older one is migrated forward, a newer one
  /// refused. With `createsSchema` (`import`) an empty database is given the schema; else a
  /// database without it is refused before anything is written.
  public init(url: PostgresURL, caFile: String? = nil, createsSchema: Bool = false) throws {
    self.url = url
    connections = try PostgresConnections(url: url, caFile: caFile)
    do {
      try prepareSchema(createsSchema: createsSchema)
    } catch {
      connections.shutdown()
      throw error
    }
  }

  /// Closes the connections. The store must not be used afterwards.
  public func close() { connections.shutdown() }

  private func prepareSchema(createsSchema: Bool) throws {
    let found = try connections.read { session -> Int? in
      guard try session.one("SELECT to_regclass('autocaptureSchema') IS NOT NULL", as: Bool.self)
        == true
      else { return nil }
      return try session.one("SELECT max(version) FROM autocaptureSchema", as: Int?.self)
        .flatMap { $0 } ?? 0
    }
    if let found, found > PostgresSchema.version {
      throw CRMError.newerSchema(path: url.description, found: String(found))
    }
    if found == PostgresSchema.version { return }
    if found == nil, !createsSchema {
      let tables = try connections.read { session in
        try session.one("""
          SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()
          """, as: Int.self) ?? 0
      }
      throw CRMError.invalid("\(url) \(tables == 0 ? "is empty" : "holds no AutoCapture tables"), "
        + "not an AutoCapture CRM database (create one with: autocapture import FILE.json --db "
        + "\(url))")
    }
    try migrate()
  }

  /// Applies the migrations the database lacks, under a lock so that two processes opening
  /// an older database at once migrate it once.
  private func migrate() throws {
    try connections.transaction { session in
      try session.execute("SELECT pg_advisory_xact_lock(4242001)")
      try session.execute("CREATE TABLE IF NOT EXISTS autocaptureSchema (version integer NOT NULL)")
      var version = try session.one("SELECT max(version) FROM autocaptureSchema", as: Int?.self)
        .flatMap { $0 } ?? 0
      if version > PostgresSchema.version {
        throw CRMError.newerSchema(path: url.description, found: String(version))
      }
      while version < PostgresSchema.version {
        for statement in PostgresSchema.migrations[version].components(separatedBy: ";\n")
        where !statement.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
          try session.execute(statement)
        }
        version += 1
      }
      try session.execute("DELETE FROM autocaptureSchema")
      try session.query("INSERT INTO autocaptureSchema (version) VALUES (\(version))")
    }
  }

  // MARK: - CRMReader

  /// `recordEmail` addresses of the row's record, as an array column.
  static func emails(_ type: String, _ idColumn: String) -> String {
    "ARRAY(SELECT e.address FROM recordEmail e WHERE e.recordType = '\(type)' AND e.recordId = "
      + "\(idColumn) ORDER BY e.position)"
  }

  static func addresses(_ values: [String]) -> [EmailAddress] {
    values.map(EmailAddress.init(normalized:))
  }

  public func account(id: String) throws -> Account? {
    try connections.read { session in
      try session.query("""
        SELECT name, primaryContact, \(unescaped: Self.emails("account", "a.id"))
        FROM account a WHERE id = \(id)
        """).first.map { row in
        let (name, primaryContact, emails) = try row.decode((String, String?, [String]).self)
        return Account(id: id, name: name, emails: Self.addresses(emails),
                       primaryContact: primaryContact)
      }
    }
  }

  static let contactColumns =
    "c.id, c.name, c.parentAccount, c.modifiedOn, \(emails("contact", "c.id"))"

  static func contact(_ row: PostgresRow) throws -> Contact {
    let (id, name, parentAccount, modifiedOn, emails) =
      try row.decode((String, String, String?, Date?, [String]).self)
    return Contact(id: id, name: name, emails: addresses(emails), parentAccount: parentAccount,
                   modifiedOn: modifiedOn)
  }

  public func contact(id: String) throws -> Contact? {
    try connections.read { session in
      try session.query("""
        SELECT \(unescaped: Self.contactColumns) FROM contact c WHERE c.id = \(id)
        """).first.map(Self.contact)
    }
  }

  public func lead(id: String) throws -> Lead? {
    try connections.read { session in
      try session.query("""
        SELECT name, contactName, contactEmail, \(unescaped: Self.emails("lead", "l.id"))
        FROM lead l WHERE id = \(id)
        """).first.map { row in
        var cells = Cells(row)
        let name: String = try cells.next(), contactName: String? = try cells.next()
        let contactEmail: String? = try cells.next()
        return Lead(id: id, name: name, contactName: contactName,
                    contactEmail: contactEmail.map(EmailAddress.init(normalized:)),
                    emails: Self.addresses(try cells.next()))
      }
    }
  }

  public func opportunity(id: String) throws -> Opportunity? {
    try connections.read { session in
      try session.query("""
        SELECT name, contact, account, originatingLead,
          \(unescaped: Self.emails("opportunity", "o.id")),
          ARRAY(SELECT s.contactId FROM stakeholder s WHERE s.opportunityId = o.id
            ORDER BY s.position)
        FROM opportunity o WHERE id = \(id)
        """).first.map { row in
        var cells = Cells(row)
        let name: String = try cells.next(), contact: String? = try cells.next()
        let account: String? = try cells.next(), lead: String? = try cells.next()
        return Opportunity(
          id: id, name: name, emails: Self.addresses(try cells.next()), contact: contact,
          account: account, stakeholders: try cells.next(), originatingLead: lead)
      }
    }
  }

  public func supportCase(id: String) throws -> SupportCase? {
    try connections.read { session in
      try session.query("""
        SELECT title, primaryContact, customerType, customerId,
          \(unescaped: Self.emails("case", "s.id"))
        FROM supportCase s WHERE id = \(id)
        """).first.map { row in
        var cells = Cells(row)
        let title: String = try cells.next(), primaryContact: String? = try cells.next()
        let type: String? = try cells.next(), customerId: String? = try cells.next()
        var customer: CustomerRef?
        if let type, let kind = CustomerType(rawValue: type), let customerId {
          customer = CustomerRef(type: kind, id: customerId)
        }
        return SupportCase(id: id, title: title, emails: Self.addresses(try cells.next()),
                           primaryContact: primaryContact, customer: customer)
      }
    }
  }

  static func customEntityType(_ session: PostgresSession, name: String) throws
    -> CustomEntityType?
  {
    try session.query("""
      SELECT displayName,
        ARRAY(SELECT d.field FROM lookupDeclaration d WHERE d.typeName = t.name ORDER BY d.position),
        ARRAY(SELECT d.target FROM lookupDeclaration d WHERE d.typeName = t.name ORDER BY d.position)
      FROM customEntityType t WHERE name = \(name)
      """).first.map { row in
      var cells = Cells(row)
      let displayName: String = try cells.next()
      let fields: [String] = try cells.next(), targets: [String] = try cells.next()
      let lookups = zip(fields, targets).compactMap { field, target in
        LookupTarget(rawValue: target).map { LookupDeclaration(field: field, target: $0) }
      }
      return CustomEntityType(name: name, displayName: displayName, lookups: lookups)
    }
  }

  public func customEntityType(name: String) throws -> CustomEntityType? {
    try connections.read { session in try Self.customEntityType(session, name: name) }
  }

  public func customRecord(type: String, id: String) throws -> CustomRecord? {
    try connections.read { session in
      guard let name = try session.one("""
        SELECT name FROM customRecord WHERE type = \(type) AND id = \(id)
        """, as: String.self)
      else { return nil }
      var lookups: [String: LookupValue] = [:]
      for row in try session.query("""
        SELECT field, target, refType, refId FROM lookupValue
        WHERE recordType = \(type) AND recordId = \(id)
        """) {
        let (field, target, refType, refId) = try row.decode((String, String, String, String).self)
        switch target {
        case "account": lookups[field] = .account(refId)
        case "contact": lookups[field] = .contact(refId)
        default:
          if let kind = CustomerType(rawValue: refType) {
            lookups[field] = .customer(CustomerRef(type: kind, id: refId))
          }
        }
      }
      return CustomRecord(type: type, id: id, name: name, lookups: lookups)
    }
  }

  public func topContacts(ofAccount accountId: String, limit: Int) throws -> [Contact] {
    try connections.read { session in
      try session.query("""
        SELECT \(unescaped: Self.contactColumns) FROM contact c WHERE c.parentAccount = \(accountId)
        ORDER BY c.modifiedOn IS NULL, c.modifiedOn DESC, c.id LIMIT \(max(0, limit))
        """).map(Self.contact)
    }
  }

  // MARK: - Organization, users, records

  public func organization() throws -> Organization {
    try connections.read { session in
      guard let row = try session.query("""
        SELECT name, autoCapture, untrackedAccess,
          ARRAY(SELECT value FROM organizationExclusion ORDER BY value)
        FROM organization WHERE id = 1
        """).first
      else { return Organization() }
      let (name, autoCapture, access, excluded) =
        try row.decode((String, Bool, String, [String]).self)
      return Organization(name: name, autoCapture: autoCapture,
                          untrackedAccess: UntrackedAccess(rawValue: access) ?? .allowed,
                          excludedAddresses: excluded.map(AddressExclusion.init(normalized:)))
    }
  }

  static func user(_ session: PostgresSession, id: String) throws -> User? {
    try session.query("""
      SELECT name, syncMethod, approved, testEnabled, showUntracked, trackReplies,
        ARRAY(SELECT e.address FROM userEmail e WHERE e.userId = u.id ORDER BY e.position),
        ARRAY(SELECT x.value FROM userExclusion x WHERE x.userId = u.id ORDER BY x.value)
      FROM "user" u WHERE id = \(id)
      """).first.map { row in
      let (name, syncMethod, approved, testEnabled, showUntracked, trackReplies, emails,
           excluded) =
        try row.decode((String, String, Bool, Bool, Bool, Bool?, [String], [String]).self)
      return User(
        id: id, name: name, emails: addresses(emails),
        mailbox: MailboxSettings(syncMethod: SyncMethod(rawValue: syncMethod) ?? .none,
                                 approved: approved, testEnabled: testEnabled),
        showUntracked: showUntracked,
        excludedAddresses: excluded.map(AddressExclusion.init(normalized:)),
        trackReplies: trackReplies)
    }
  }

  public func user(matching idOrEmail: String) throws -> User? {
    try connections.read { session in
      if let user = try Self.user(session, id: idOrEmail) { return user }
      guard let address = EmailAddress.parse(idOrEmail),
            let id = try session.one("""
              SELECT userId FROM userEmail WHERE address = \(address.value)
              ORDER BY userId LIMIT 1
              """, as: String.self)
      else { return nil }
      return try Self.user(session, id: id)
    }
  }

  public func users() throws -> [User] {
    try connections.read { session in
      try session.query("SELECT id FROM \"user\" ORDER BY id").compactMap {
        try Self.user(session, id: $0.decode(String.self))
      }
    }
  }

  /// Where each built-in type's records are and which column names them, in records-pane order.
  static let builtInTables: [(type: RecordType, table: String, nameColumn: String)] = [
    (.account, "account", "name"), (.contact, "contact", "name"),
    (.opportunity, "opportunity", "name"), (.lead, "lead", "name"),
    (.case, "supportCase", "title"),
  ]

  /// Names sort as SQLite's `COLLATE NOCASE` does: ASCII letters folded, nothing else.
  static func nocase(_ column: String) -> String {
    "translate(\(column), 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"
  }

  public func recordSummaries() throws -> [RecordSummary] {
    try connections.read { session in
      var summaries: [RecordSummary] = []
      for table in Self.builtInTables {
        summaries += try session.query("""
          SELECT id, \(unescaped: table.nameColumn) FROM \(unescaped: table.table)
          ORDER BY \(unescaped: Self.nocase(table.nameColumn)), id
          """).map {
          let (id, name) = try $0.decode((String, String).self)
          return RecordSummary(ref: RecordRef(type: table.type, id: id), name: name)
        }
      }
      summaries += try session.query("""
        SELECT r.type, r.id, r.name, t.displayName FROM customRecord r
        JOIN customEntityType t ON t.name = r.type
        ORDER BY r.type, \(unescaped: Self.nocase("r.name")), r.id
        """).map {
        let (type, id, name, displayName) = try $0.decode((String, String, String, String).self)
        return RecordSummary(ref: RecordRef(type: .custom(type), id: id), name: name,
                             typeDisplayName: displayName)
      }
      return summaries
    }
  }

  public func recordSummary(_ ref: RecordRef) throws -> RecordSummary? {
    try connections.read { session in try Self.recordSummary(session, ref) }
  }

  static func recordSummary(_ session: PostgresSession, _ ref: RecordRef) throws
    -> RecordSummary?
  {
    if case .custom(let typeName) = ref.type {
      return try session.query("""
        SELECT r.name, t.displayName FROM customRecord r
        JOIN customEntityType t ON t.name = r.type WHERE r.type = \(typeName) AND r.id = \(ref.id)
        """).first.map {
        let (name, displayName) = try $0.decode((String, String).self)
        return RecordSummary(ref: ref, name: name, typeDisplayName: displayName)
      }
    }
    guard let entry = builtInTables.first(where: { $0.type == ref.type }) else { return nil }
    return try session.one("""
      SELECT \(unescaped: entry.nameColumn) FROM \(unescaped: entry.table) WHERE id = \(ref.id)
      """, as: String.self).map { RecordSummary(ref: ref, name: $0) }
  }

  public func customEntityTypes() throws -> [CustomEntityType] {
    try connections.read { session in
      try session.query("SELECT name FROM customEntityType ORDER BY name").compactMap {
        try Self.customEntityType(session, name: $0.decode(String.self))
      }
    }
  }

  public func addExcludedAddress(userId: String, _ exclusion: AddressExclusion) throws {
    try connections.withConnection { session in
      guard try Self.user(session, id: userId) != nil else { throw CRMError.unknownUser(userId) }
      try session.query("""
        INSERT INTO userExclusion (userId, value) VALUES (\(userId), \(exclusion.text))
        ON CONFLICT DO NOTHING
        """)
    }
  }

  @discardableResult
  public func removeExcludedAddress(userId: String, _ exclusion: AddressExclusion) throws -> Bool {
    try connections.withConnection { session in
      guard try Self.user(session, id: userId) != nil else { throw CRMError.unknownUser(userId) }
      return try session.update("""
        DELETE FROM userExclusion WHERE userId = \(userId) AND value = \(exclusion.text)
        """) > 0
    }
  }

  public func setShowUntracked(userId: String, _ value: Bool) throws {
    let changed = try connections.withConnection { session in
      try session.update("UPDATE \"user\" SET showUntracked = \(value) WHERE id = \(userId)")
    }
    if changed == 0 { throw CRMError.unknownUser(userId) }
  }

  public func setTrackReplies(userId: String, _ value: Bool) throws {
    let changed = try connections.withConnection { session in
      try session.update("UPDATE \"user\" SET trackReplies = \(value) WHERE id = \(userId)")
    }
    if changed == 0 { throw CRMError.unknownUser(userId) }
  }
}
