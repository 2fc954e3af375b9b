import CaptureCore
import Foundation
import GRDB

/// Tracked activities and track requests.
extension SQLiteCRMStore {
  // MARK: - Reading activities

  static let activityColumns = """
    a.id, a.kind, a.subject, a.at, a."end", a.owner, a.messageId, a.direction, a.fromAddress,
    a.fromName, a.uid, a.recurrenceId, a.organizer, a.location
    """

  /// Reads one activity row with its links, addresses and attachment infos.
  static func activity(_ db: Database, row: Row, body: String?) throws -> Activity {
    let id: String = row["id"]
    let regarding = try Row.fetchAll(
      db.cachedStatement(sql: """
        SELECT recordType, recordId FROM activityRegarding WHERE activityId = ? ORDER BY position
        """), arguments: [id]
    ).map { RecordRef(type: RecordType(name: $0["recordType"]), id: $0["recordId"]) }
    var to: [EmailAddress] = [], cc: [EmailAddress] = [], attendees: [EmailAddress] = []
    let addressRows = try Row.fetchAll(
      db.cachedStatement(sql: """
        SELECT role, address FROM activityAddress WHERE activityId = ? ORDER BY role, position
        """), arguments: [id])
    for addressRow in addressRows {
      let address = EmailAddress(normalized: addressRow["address"])
      switch addressRow["role"] as String {
      case "to": to.append(address)
      case "cc": cc.append(address)
      default: attendees.append(address)
      }
    }
    let attachments = try Row.fetchAll(
      db.cachedStatement(sql: """
        SELECT name, contentType, size FROM attachment WHERE activityId = ? ORDER BY position
        """), arguments: [id]
    ).map { AttachmentInfo(name: $0["name"], contentType: $0["contentType"], size: $0["size"]) }
    let from: String? = row["fromAddress"], organizer: String? = row["organizer"]
    let direction: String? = row["direction"]
    return Activity(
      id: id, kind: ActivityKind(rawValue: row["kind"]) ?? .note, regarding: regarding,
      subject: row["subject"], at: row["at"], end: row["end"], owner: row["owner"],
      messageId: row["messageId"], direction: direction.flatMap(Direction.init(rawValue:)),
      from: from.map(EmailAddress.init(normalized:)), fromName: row["fromName"], to: to, cc: cc,
      attachments: attachments,
      body: body, uid: row["uid"], recurrenceId: row["recurrenceId"],
      organizer: organizer.map(EmailAddress.init(normalized:)), attendees: attendees,
      location: row["location"])
  }

  public func activities(regarding record: RecordRef) throws -> [Activity] {
    try read { db in
      try Row.fetchAll(db, sql: """
        SELECT \(Self.activityColumns) FROM activity a
        JOIN activityRegarding r ON r.activityId = a.id
        WHERE r.recordType = ? AND r.recordId = ? ORDER BY a.at DESC, a.id
        """, arguments: [record.type.name, record.id]
      ).map { try Self.activity(db, row: $0, body: nil) }
    }
  }

  public func emailActivities(messageIds: [String]) throws -> [Activity] {
    try read { db in
      var found: [Activity] = []
      for messageId in Set(messageIds).sorted() {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
          SELECT \(Self.activityColumns) FROM activity a WHERE a.kind = 'email' AND a.messageId = ?
          """), arguments: [messageId])
        found += try rows.map { try Self.activity(db, row: $0, body: nil) }
      }
      return found
    }
  }

  public func appointmentActivities(uids: [String]) throws -> [Activity] {
    try read { db in
      var found: [Activity] = []
      for uid in Set(uids).sorted() {
        let rows = try Row.fetchAll(db.cachedStatement(sql: """
          SELECT \(Self.activityColumns) FROM activity a WHERE a.kind = 'appointment' AND a.uid = ?
          ORDER BY a.recurrenceId, a.id
          """), arguments: [uid])
        found += try rows.map { try Self.activity(db, row: $0, body: nil) }
      }
      return found
    }
  }

  public func activity(id: String) throws -> Activity? {
    try read { db in
      guard let row = try Row.fetchOne(
        db, sql: "SELECT \(Self.activityColumns), a.body FROM activity a WHERE a.id = ?",
        arguments: [id])
      else { return nil }
      return try Self.activity(db, row: row, body: row["body"])
    }
  }

  /// The stored content of an attachment (by its position in the activity), or nil.
  public func attachmentContent(activityId: String, index: Int) throws -> Data? {
    try read { db in
      try Data.fetchOne(
        db, sql: "SELECT content FROM attachment WHERE activityId = ? AND position = ?",
        arguments: [activityId, index])
    }
  }

  // MARK: - Writing activities

  /// Inserts or replaces `activity` under its id: its row, addresses, regarding links and
  /// attachments (with `contents` when given, else attachment infos without content).
  static func upsertActivity(_ db: Database, _ activity: Activity, contents: [AttachmentContent]?)
    throws
  {
    try db.cachedStatement(sql: """
      INSERT INTO activity (id, kind, subject, at, "end", owner, messageId, direction, fromAddress,
        fromName, body, uid, recurrenceId, organizer, location)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, subject = excluded.subject,
        at = excluded.at, "end" = excluded."end", owner = excluded.owner,
        messageId = excluded.messageId, direction = excluded.direction,
        fromAddress = excluded.fromAddress, fromName = excluded.fromName,
        body = excluded.body, uid = excluded.uid,
        recurrenceId = excluded.recurrenceId, organizer = excluded.organizer,
        location = excluded.location
      """).execute(arguments: [
        activity.id, activity.kind.rawValue, activity.subject, activity.at, activity.end,
        activity.owner, activity.messageId, activity.direction?.rawValue, activity.from?.value,
        activity.fromName, activity.body, activity.uid, activity.recurrenceId, activity.organizer?.value,
        activity.location,
      ])
    for table in ["activityRegarding", "activityAddress", "attachment"] {
      try db.cachedStatement(sql: "DELETE FROM \(table) WHERE activityId = ?")
        .execute(arguments: [activity.id])
    }
    for record in activity.regarding { try link(db, activityId: activity.id, to: record) }
    let insertAddress = try db.cachedStatement(sql: """
      INSERT INTO activityAddress (activityId, role, position, address) VALUES (?, ?, ?, ?)
      """)
    let lists = [("to", activity.to), ("cc", activity.cc), ("attendee", activity.attendees)]
    for (role, list) in lists {
      for (position, address) in list.enumerated() {
        try insertAddress.execute(arguments: [activity.id, role, position, address.value])
      }
    }
    let insertAttachment = try db.cachedStatement(sql: """
      INSERT INTO attachment (activityId, position, name, contentType, size, content)
      VALUES (?, ?, ?, ?, ?, ?)
      """)
    let attachments: [(AttachmentInfo, Data?)] =
      contents.map { $0.map { ($0.info, $0.data) } } ?? activity.attachments.map { ($0, nil) }
    for (position, (info, data)) in attachments.enumerated() {
      try insertAttachment.execute(
        arguments: [activity.id, position, info.name, info.contentType, info.size, data])
    }
  }

  /// Makes `activityId` regard `record` too (no-op when it already does).
  static func link(_ db: Database, activityId: String, to record: RecordRef) throws {
    try db.cachedStatement(sql: """
      INSERT OR IGNORE INTO activityRegarding (activityId, position, recordType, recordId)
      SELECT ?, ifnull(max(position) + 1, 0), ?, ? FROM activityRegarding WHERE activityId = ?
      """).execute(arguments: [activityId, record.type.name, record.id, activityId])
  }

  static func recordExists(_ db: Database, _ ref: RecordRef) throws -> Bool {
    try recordSummary(db, ref) != nil
  }

  // MARK: - Tracking

  static func trackRequest(_ row: Row) -> TrackRequest {
    let state: TrackState
    switch row["state"] as String {
    case "done": state = .done(activityId: row["activityId"] ?? "")
    case "failed": state = .failed(reason: row["reason"] ?? "")
    default: state = .pending
    }
    return TrackRequest(
      id: row["id"], userId: row["userId"],
      record: RecordRef(type: RecordType(name: row["recordType"]), id: row["recordId"]),
      itemId: row["itemId"], requestedAt: row["requestedAt"], state: state,
      attempts: row["attempts"])
  }

  static let trackRequestColumns = """
    id, userId, recordType, recordId, itemId, requestedAt, state, reason, attempts, activityId
    """

  static func trackRequest(_ db: Database, id: String) throws -> TrackRequest {
    guard let row = try Row.fetchOne(
      db, sql: "SELECT \(trackRequestColumns) FROM trackRequest WHERE id = ?", arguments: [id])
    else { throw CRMError.unknownTrackRequest(id) }
    return trackRequest(row)
  }

  public func requestTracking(userId: String, record: RecordRef, itemId: String, at: Date) throws
    -> TrackRequest
  {
    try write { db in
      guard try Self.user(db, id: userId) != nil else { throw CRMError.unknownUser(userId) }
      guard try Self.recordExists(db, record) else { throw CRMError.unknownRecord(record) }
      let existing = try String.fetchOne(db, sql: """
        SELECT id FROM trackRequest
        WHERE userId = ? AND recordType = ? AND recordId = ? AND itemId = ?
        """, arguments: [userId, record.type.name, record.id, itemId])
      if let existing {
        try db.execute(sql: """
          UPDATE trackRequest SET state = 'pending', reason = NULL
          WHERE id = ? AND state = 'failed'
          """, arguments: [existing])
        // Done, but untracked from this record since: asked for anew.
        try db.execute(sql: """
          UPDATE trackRequest SET state = 'pending', reason = NULL, requestedAt = ?,
            activityId = NULL
          WHERE id = ? AND state = 'done' AND NOT EXISTS (
            SELECT 1 FROM activityRegarding r WHERE r.activityId = trackRequest.activityId
              AND r.recordType = trackRequest.recordType AND r.recordId = trackRequest.recordId)
          """, arguments: [at, existing])
        return try Self.trackRequest(db, id: existing)
      }
      let id = "tr-" + UUID().uuidString.lowercased()
      try db.execute(sql: """
        INSERT INTO trackRequest (id, userId, recordType, recordId, itemId, requestedAt, state)
        VALUES (?, ?, ?, ?, ?, ?, 'pending')
        """, arguments: [id, userId, record.type.name, record.id, itemId, at])
      return try Self.trackRequest(db, id: id)
    }
  }

  public func trackRequests(userId: String?, states: Set<String>) throws -> [TrackRequest] {
    try read { db in
      let stateList = states.sorted()
      let marks = Array(repeating: "?", count: stateList.count).joined(separator: ", ")
      var sql = "SELECT \(Self.trackRequestColumns) FROM trackRequest WHERE state IN (\(marks))"
      var arguments = StatementArguments(stateList)
      if let userId {
        sql += " AND userId = ?"
        arguments += [userId]
      }
      sql += " ORDER BY requestedAt, id"
      return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.trackRequest)
    }
  }

  /// The one place a captured item becomes shared: it runs in a single immediate
  /// transaction and relies on the unique indices on an email's Message-ID and an
  /// appointment's UID + recurrence id, so two processes finishing the same item at once store
  /// one activity regarding both records.
  @discardableResult
  public func completeTracking(requestId: String, activity: Activity,
                               attachments: [AttachmentContent]) throws -> String {
    try write { db in
      let request = try Self.trackRequest(db, id: requestId)
      if case .done(let doneId) = request.state, !doneId.isEmpty { return doneId }
      let activityId: String
      if let existing = try Self.existingActivityId(db, matching: activity) {
        activityId = existing
        try Self.link(db, activityId: existing, to: request.record)
        try Self.fillMissingContents(db, activityId: existing, attachments)
      } else {
        let stored = activity.stored(for: request.record, attachments: attachments)
        try Self.upsertActivity(db, stored, contents: attachments.isEmpty ? nil : attachments)
        activityId = stored.id
      }
      try db.execute(sql: """
        UPDATE trackRequest SET state = 'done', reason = NULL, activityId = ?,
          attempts = attempts + 1 WHERE id = ?
        """, arguments: [activityId, requestId])
      return activityId
    }
  }

  /// The id of the tracked activity that is the same item as `activity`: an email with its
  /// Message-ID, or an appointment with its UID and recurrence id.
  static func existingActivityId(_ db: Database, matching activity: Activity) throws -> String? {
    switch activity.kind {
    case .email:
      guard let messageId = activity.messageId else { return nil }
      return try String.fetchOne(
        db, sql: "SELECT id FROM activity WHERE kind = 'email' AND messageId = ?",
        arguments: [messageId])
    case .appointment:
      guard let uid = activity.uid else { return nil }
      let recurrence = activity.recurrenceId.map { $0.databaseValue } ?? .null
      return try String.fetchOne(db, sql: """
        SELECT id FROM activity WHERE kind = 'appointment' AND uid = ?
          AND ifnull(recurrenceId, '') = ifnull(?, '')
        """, arguments: [uid, recurrence])
    default:
      return nil
    }
  }

  /// Stores attachment contents on an existing activity whose attachments have none yet.
  static func fillMissingContents(_ db: Database, activityId: String,
                                  _ attachments: [AttachmentContent]) throws {
    for (position, attachment) in attachments.enumerated() {
      try db.execute(sql: """
        UPDATE attachment SET content = ?
        WHERE activityId = ? AND position = ? AND name = ? AND content IS NULL
        """, arguments: [attachment.data, activityId, position, attachment.info.name])
    }
  }

  public func failTracking(requestId: String, reason: String) throws {
    try write { db in
      _ = try Self.trackRequest(db, id: requestId)
      try db.execute(sql: """
        UPDATE trackRequest SET state = 'failed', reason = ?, attempts = attempts + 1
        WHERE id = ? AND state != 'done'
        """, arguments: [reason, requestId])
    }
  }
}

/// Untracking and moving, and their audit trail.
extension SQLiteCRMStore {
  @discardableResult
  public func untrack(_ entry: TrackingAuditEntry, reason: String) throws -> Bool {
    try write { db in
      guard try Self.userExists(db, entry.userId) else { throw CRMError.unknownUser(entry.userId) }
      let removed = try db.cachedStatement(sql: """
        DELETE FROM activityRegarding WHERE activityId = ? AND recordType = ? AND recordId = ?
        """)
      try removed.execute(arguments: [entry.activityId, entry.from.type.name, entry.from.id])
      guard db.changesCount > 0 else {
        throw CRMError.notTracked(item: entry.activityId, record: entry.from)
      }
      if let to = entry.to {
        guard try Self.recordExists(db, to) else { throw CRMError.unknownRecord(to) }
        try Self.link(db, activityId: entry.activityId, to: to)
      }
      let linked = try Bool.fetchOne(db, sql: """
        SELECT EXISTS (SELECT 1 FROM activityRegarding WHERE activityId = ?)
        """, arguments: [entry.activityId]) ?? false
      if !linked {
        // Done requests keep their row (the item's history) without the activity.
        try db.execute(sql: "UPDATE trackRequest SET activityId = NULL WHERE activityId = ?",
                       arguments: [entry.activityId])
        try db.execute(sql: "DELETE FROM activity WHERE id = ?", arguments: [entry.activityId])
      }
      try db.execute(sql: """
        UPDATE trackRequest SET state = 'failed', reason = ?
        WHERE recordType = ? AND recordId = ? AND itemId = ? AND state = 'pending'
        """, arguments: [reason, entry.from.type.name, entry.from.id, entry.itemId])
      try db.execute(sql: """
        INSERT INTO trackingAudit (id, at, userId, activityId, itemId, fromRecordType,
          fromRecordId, toRecordType, toRecordId)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
        """, arguments: [entry.id, entry.at, entry.userId, entry.activityId, entry.itemId,
                         entry.from.type.name, entry.from.id, entry.to?.type.name, entry.to?.id])
      return !linked
    }
  }

  public func auditEntries(itemIds: [String]) throws -> [TrackingAuditEntry] {
    try read { db in
      var found: [(Int64, TrackingAuditEntry)] = []
      let statement = try db.cachedStatement(sql: """
        SELECT rowid, id, at, userId, activityId, itemId, fromRecordType, fromRecordId,
          toRecordType, toRecordId
        FROM trackingAudit WHERE itemId = ? ORDER BY at DESC, rowid DESC LIMIT ?
        """)
      for itemId in Set(itemIds) {
        for row in try Row.fetchAll(statement, arguments: [itemId, TrackingAuditEntry.kept]) {
          let toType: String? = row["toRecordType"], toId: String? = row["toRecordId"]
          var to: RecordRef?
          if let toType, let toId { to = RecordRef(type: RecordType(name: toType), id: toId) }
          found.append((row["rowid"], TrackingAuditEntry(
            id: row["id"], at: row["at"], userId: row["userId"], activityId: row["activityId"],
            itemId: row["itemId"],
            from: RecordRef(type: RecordType(name: row["fromRecordType"]), id: row["fromRecordId"]),
            to: to)))
        }
      }
      // Oldest first; equal times in the order written.
      return found.sorted { a, b in a.1.at != b.1.at ? a.1.at < b.1.at : a.0 < b.0 }.map(\.1)
    }
  }
}
