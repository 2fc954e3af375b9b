import CRMStore
import CaptureCore
import Foundation
import PostgresNIO

/// Tracked activities, track requests and the import.
extension PostgresCRMStore {
  // MARK: - Reading activities

  /// An activity's row with its links, addresses and attachment infos as array columns, so
  /// a timeline's activities come in one query.
  static let activityColumns = """
    a.id, a.kind, a.subject, a.at, a."end", a.owner, a.messageId, a.direction, a.fromAddress,
    a.fromName, a.uid, a.recurrenceId, a.organizer, a.location,
    ARRAY(SELECT r.recordType FROM activityRegarding r WHERE r.activityId = a.id
      ORDER BY r.position),
    ARRAY(SELECT r.recordId FROM activityRegarding r WHERE r.activityId = a.id
      ORDER BY r.position),
    ARRAY(SELECT d.role FROM activityAddress d WHERE d.activityId = a.id
      ORDER BY d.role, d.position),
    ARRAY(SELECT d.address FROM activityAddress d WHERE d.activityId = a.id
      ORDER BY d.role, d.position),
    (SELECT coalesce(json_agg(json_build_object('name', t.name, 'contentType', t.contentType,
       'size', t.size) ORDER BY t.position), '[]')::text
     FROM attachment t WHERE t.activityId = a.id)
    """

  private struct AttachmentRow: Decodable {
    var name: String
    var contentType: String?
    var size: Int
  }

  static func activity(_ row: PostgresRow, withBody: Bool) throws -> Activity {
    var cells = Cells(row)
    let id: String = try cells.next(), kind: String = try cells.next()
    let subject: String = try cells.next(), at: Date = try cells.next()
    let end: Date? = try cells.next(), owner: String? = try cells.next()
    let messageId: String? = try cells.next(), direction: String? = try cells.next()
    let from: String? = try cells.next(), fromName: String? = try cells.next()
    let uid: String? = try cells.next(), recurrenceId: Date? = try cells.next()
    let organizer: String? = try cells.next(), location: String? = try cells.next()
    let regardingTypes: [String] = try cells.next(), regardingIds: [String] = try cells.next()
    let roles: [String] = try cells.next(), addresses: [String] = try cells.next()
    let attachmentJSON: String = try cells.next()
    let body: String? = withBody ? try cells.next() : nil
    var to: [EmailAddress] = [], cc: [EmailAddress] = [], attendees: [EmailAddress] = []
    for (role, address) in zip(roles, addresses) {
      let address = EmailAddress(normalized: address)
      switch role {
      case "to": to.append(address)
      case "cc": cc.append(address)
      default: attendees.append(address)
      }
    }
    let attachments = try JSONDecoder().decode(
      [AttachmentRow].self, from: Data(attachmentJSON.utf8)
    ).map { AttachmentInfo(name: $0.name, contentType: $0.contentType, size: $0.size) }
    return Activity(
      id: id, kind: ActivityKind(rawValue: kind) ?? .note,
      regarding: zip(regardingTypes, regardingIds).map {
        RecordRef(type: RecordType(name: $0), id: $1)
      },
      subject: subject, at: at, end: end, owner: owner, messageId: messageId,
      direction: direction.flatMap(Direction.init(rawValue:)),
      from: from.map(EmailAddress.init(normalized:)), fromName: fromName, to: to, cc: cc,
      attachments: attachments, body: body, uid: uid, recurrenceId: recurrenceId,
      organizer: organizer.map(EmailAddress.init(normalized:)), attendees: attendees,
      location: location)
  }

  public func activities(regarding record: RecordRef) throws -> [Activity] {
    try connections.read { session in
      try session.query("""
        SELECT \(unescaped: Self.activityColumns) FROM activity a
        JOIN activityRegarding r0 ON r0.activityId = a.id
        WHERE r0.recordType = \(record.type.name) AND r0.recordId = \(record.id)
        ORDER BY a.at DESC, a.id
        """).map { try Self.activity($0, withBody: false) }
    }
  }

  public func emailActivities(messageIds: [String]) throws -> [Activity] {
    let ids = Set(messageIds).sorted()
    if ids.isEmpty { return [] }
    return try connections.read { session in
      try session.query("""
        SELECT \(unescaped: Self.activityColumns) FROM activity a
        WHERE a.kind = 'email' AND a.messageId = ANY(\(ids)) ORDER BY a.messageId
        """).map { try Self.activity($0, withBody: false) }
    }
  }

  public func appointmentActivities(uids: [String]) throws -> [Activity] {
    let ids = Set(uids).sorted()
    if ids.isEmpty { return [] }
    return try connections.read { session in
      try session.query("""
        SELECT \(unescaped: Self.activityColumns) FROM activity a
        WHERE a.kind = 'appointment' AND a.uid = ANY(\(ids))
        ORDER BY a.uid, a.recurrenceId NULLS FIRST, a.id
        """).map { try Self.activity($0, withBody: false) }
    }
  }

  public func activity(id: String) throws -> Activity? {
    try connections.read { session in
      try session.query("""
        SELECT \(unescaped: Self.activityColumns), a.body FROM activity a WHERE a.id = \(id)
        """).first.map { try Self.activity($0, withBody: true) }
    }
  }

  /// The stored content of an attachment (by its position in the activity), or nil.
  public func attachmentContent(activityId: String, index: Int) throws -> Data? {
    try connections.read { session in
      try session.one("""
        SELECT content FROM attachment WHERE activityId = \(activityId) AND position = \(index)
        """, as: Data?.self) ?? nil
    }
  }

  // MARK: - Writing activities

  /// Inserts or replaces `activity` under its id with its addresses, links and attachments
  /// (`contents` when given, else attachment infos without content).
  static func upsertActivity(_ session: PostgresSession, _ activity: Activity,
                             contents: [AttachmentContent]?) throws {
    try session.query("""
      INSERT INTO activity (id, kind, subject, at, "end", owner, messageId, direction, fromAddress,
        fromName, body, uid, recurrenceId, organizer, location)
      VALUES (\(activity.id), \(activity.kind.rawValue), \(activity.subject), \(activity.at),
        \(activity.end), \(activity.owner), \(activity.messageId), \(activity.direction?.rawValue),
        \(activity.from?.value), \(activity.fromName), \(activity.body), \(activity.uid),
        \(activity.recurrenceId), \(activity.organizer?.value), \(activity.location))
      ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, subject = excluded.subject,
        at = excluded.at, "end" = excluded."end", owner = excluded.owner,
        messageId = excluded.messageId, direction = excluded.direction,
        fromAddress = excluded.fromAddress, fromName = excluded.fromName, body = excluded.body,
        uid = excluded.uid, recurrenceId = excluded.recurrenceId,
        organizer = excluded.organizer, location = excluded.location
      """)
    for table in ["activityRegarding", "activityAddress", "attachment"] {
      try session.query("DELETE FROM \(unescaped: table) WHERE activityId = \(activity.id)")
    }
    try storeParts(session, activity, contents: contents)
  }

  /// The links, addresses and attachments of an activity that has none yet.
  static func storeParts(_ session: PostgresSession, _ activity: Activity,
                         contents: [AttachmentContent]?) throws {
    if !activity.regarding.isEmpty {
      try session.query("""
        INSERT INTO activityRegarding (activityId, position, recordType, recordId)
        SELECT \(activity.id), t.n - 1, t.type, t.id
        FROM unnest(\(activity.regarding.map(\.type.name))::text[],
                    \(activity.regarding.map(\.id))::text[]) WITH ORDINALITY AS t(type, id, n)
        """)
    }
    var roles: [String] = [], positions: [Int] = [], addresses: [String] = []
    for (role, list) in [("to", activity.to), ("cc", activity.cc),
                         ("attendee", activity.attendees)] {
      for (position, address) in list.enumerated() {
        roles.append(role); positions.append(position); addresses.append(address.value)
      }
    }
    if !roles.isEmpty {
      try session.query("""
        INSERT INTO activityAddress (activityId, role, position, address)
        SELECT \(activity.id), t.role, t.position, t.address
        FROM unnest(\(roles)::text[], \(positions)::bigint[], \(addresses)::text[])
          AS t(role, position, address)
        """)
    }
    let attachments: [(AttachmentInfo, Data?)] =
      contents.map { $0.map { ($0.info, $0.data) } } ?? activity.attachments.map { ($0, nil) }
    for (position, (info, data)) in attachments.enumerated() {
      try session.query("""
        INSERT INTO attachment (activityId, position, name, contentType, size, content)
        VALUES (\(activity.id), \(position), \(info.name), \(info.contentType), \(info.size),
          \(data))
        """)
    }
  }

  /// Makes `activityId` regard `record` too (no-op when it already does). The activity's row
  /// is locked first, so two people linking records to it at once take turns for positions.
  static func link(_ session: PostgresSession, activityId: String, to record: RecordRef) throws {
    try session.query("SELECT 1 FROM activity WHERE id = \(activityId) FOR UPDATE")
    try session.query("""
      INSERT INTO activityRegarding (activityId, position, recordType, recordId)
      SELECT \(activityId), coalesce(max(position) + 1, 0), \(record.type.name), \(record.id)
      FROM activityRegarding WHERE activityId = \(activityId)
      ON CONFLICT (activityId, recordType, recordId) DO NOTHING
      """)
  }

  /// The id of the activity that is the same item as `activity`: an email with its
  /// Message-ID, or an appointment with its UID and recurrence id.
  static func existingActivityId(_ session: PostgresSession, matching activity: Activity) throws
    -> String?
  {
    switch activity.kind {
    case .email:
      guard let messageId = activity.messageId else { return nil }
      return try session.one("""
        SELECT id FROM activity WHERE kind = 'email' AND messageId = \(messageId)
        """, as: String.self)
    case .appointment:
      guard let uid = activity.uid else { return nil }
      return try session.one("""
        SELECT id FROM activity WHERE kind = 'appointment' AND uid = \(uid)
          AND coalesce(recurrenceId, '-infinity') = coalesce(\(activity.recurrenceId)::timestamptz,
            '-infinity')
        """, as: String.self)
    default:
      return nil
    }
  }

  /// Inserts a tracked copy unless the same item is already stored (another sync, another
  /// person, at this very moment): the unique indices decide, `ON CONFLICT DO NOTHING` waits
  /// for a concurrent insert to commit, and the stored activity's id comes back either way.
  static func insertOnce(_ session: PostgresSession, _ activity: Activity) throws -> String? {
    let conflict: String
    switch activity.kind {
    case .email where activity.messageId != nil:
      conflict = "(messageId) WHERE kind = 'email' AND messageId IS NOT NULL"
    case .appointment where activity.uid != nil:
      conflict = "(uid, coalesce(recurrenceId, '-infinity')) "
        + "WHERE kind = 'appointment' AND uid IS NOT NULL"
    default:
      conflict = "(id)"
    }
    return try session.one("""
      INSERT INTO activity (id, kind, subject, at, "end", owner, messageId, direction, fromAddress,
        fromName, body, uid, recurrenceId, organizer, location)
      VALUES (\(activity.id), \(activity.kind.rawValue), \(activity.subject), \(activity.at),
        \(activity.end), \(activity.owner), \(activity.messageId), \(activity.direction?.rawValue),
        \(activity.from?.value), \(activity.fromName), \(activity.body), \(activity.uid),
        \(activity.recurrenceId), \(activity.organizer?.value), \(activity.location))
      ON CONFLICT \(unescaped: conflict) DO NOTHING RETURNING id
      """, as: String.self)
  }

  // MARK: - Tracking

  static let trackRequestColumns = """
    id, userId, recordType, recordId, itemId, requestedAt, state, reason, attempts, activityId
    """

  static func trackRequest(_ row: PostgresRow) throws -> TrackRequest {
    var cells = Cells(row)
    let id: String = try cells.next(), userId: String = try cells.next()
    let recordType: String = try cells.next(), recordId: String = try cells.next()
    let itemId: String = try cells.next(), requestedAt: Date = try cells.next()
    let stateName: String = try cells.next(), reason: String? = try cells.next()
    let attempts: Int = try cells.next(), activityId: String? = try cells.next()
    let state: TrackState
    switch stateName {
    case "done": state = .done(activityId: activityId ?? "")
    case "failed": state = .failed(reason: reason ?? "")
    default: state = .pending
    }
    return TrackRequest(
      id: id, userId: userId, record: RecordRef(type: RecordType(name: recordType), id: recordId),
      itemId: itemId, requestedAt: requestedAt, state: state, attempts: attempts)
  }

  /// The request, locked for this transaction (`FOR UPDATE`): a second sync finishing the
  /// same request waits here and then finds it done.
  static func lockedTrackRequest(_ session: PostgresSession, id: String) throws -> TrackRequest {
    guard let row = try session.query("""
      SELECT \(unescaped: trackRequestColumns) FROM trackRequest WHERE id = \(id) FOR UPDATE
      """).first
    else { throw CRMError.unknownTrackRequest(id) }
    return try trackRequest(row)
  }

  public func requestTracking(userId: String, record: RecordRef, itemId: String, at: Date) throws
    -> TrackRequest
  {
    try connections.transaction { session in
      guard try Self.user(session, id: userId) != nil else { throw CRMError.unknownUser(userId) }
      guard try Self.recordSummary(session, record) != nil else {
        throw CRMError.unknownRecord(record)
      }
      // Done, but untracked from this record since: asked for anew.
      try session.query("""
        UPDATE trackRequest t SET state = 'pending', reason = NULL, requestedAt = \(at),
          activityId = NULL, claimedUntil = NULL
        WHERE t.userId = \(userId) AND t.recordType = \(record.type.name)
          AND t.recordId = \(record.id) AND t.itemId = \(itemId) AND t.state = 'done'
          AND NOT EXISTS (SELECT 1 FROM activityRegarding r WHERE r.activityId = t.activityId
            AND r.recordType = t.recordType AND r.recordId = t.recordId)
        """)
      let newId = "tr-" + UUID().uuidString.lowercased()
      let row = try session.query("""
        INSERT INTO trackRequest (id, userId, recordType, recordId, itemId, requestedAt, state)
        VALUES (\(newId), \(userId), \(record.type.name), \(record.id), \(itemId), \(at), 'pending')
        ON CONFLICT (userId, recordType, recordId, itemId) DO UPDATE
          SET state = CASE WHEN trackRequest.state = 'failed' THEN 'pending'
                           ELSE trackRequest.state END,
              reason = CASE WHEN trackRequest.state = 'failed' THEN NULL
                            ELSE trackRequest.reason END,
              claimedUntil = CASE WHEN trackRequest.state = 'failed' THEN NULL
                                  ELSE trackRequest.claimedUntil END
        RETURNING \(unescaped: Self.trackRequestColumns)
        """).first
      guard let row else { throw CRMError.unknownTrackRequest(newId) }
      return try Self.trackRequest(row)
    }
  }

  public func trackRequests(userId: String?, states: Set<String>) throws -> [TrackRequest] {
    try connections.read { session in
      try session.query("""
        SELECT \(unescaped: Self.trackRequestColumns) FROM trackRequest
        WHERE state = ANY(\(states.sorted())) AND (\(userId)::text IS NULL OR userId = \(userId))
        ORDER BY requestedAt, id
        """).map(Self.trackRequest)
    }
  }

  /// How long a sync holds the requests it claimed before another may take them over.
  static let claimLease = "2 minutes"

  /// Claims `userId`'s pending requests that no other sync holds: rows another sync is
  /// claiming this instant are skipped (`FOR UPDATE SKIP LOCKED`) rather than waited for,
  /// and a claimed row carries a lease, so two syncs of one user (the TUI and a `sync`)
  /// never copy the same item at once, while a sync that died leaves its requests to the
  /// next one when the lease ends.
  public func claimPendingRequests(userId: String) throws -> [TrackRequest] {
    try connections.transaction { session in
      try session.query("""
        UPDATE trackRequest SET claimedUntil = now() + interval '\(unescaped: Self.claimLease)'
        WHERE id IN (
          SELECT id FROM trackRequest
          WHERE userId = \(userId) AND state = 'pending'
            AND (claimedUntil IS NULL OR claimedUntil < now())
          FOR UPDATE SKIP LOCKED)
        RETURNING \(unescaped: Self.trackRequestColumns)
        """).map(Self.trackRequest).sorted {
        ($0.requestedAt, $0.id) < ($1.requestedAt, $1.id)
      }
    }
  }

  /// Like the SQLite store's, in one transaction; concurrency is settled by the request's
  /// row lock and by `insertOnce`, so two people tracking one message, or five syncs at
  /// once, store it once and link every record.
  @discardableResult
  public func completeTracking(requestId: String, activity: Activity,
                               attachments: [AttachmentContent]) throws -> String {
    try connections.transaction { session in
      let request = try Self.lockedTrackRequest(session, id: requestId)
      if case .done(let doneId) = request.state, !doneId.isEmpty { return doneId }
      let stored = activity.stored(for: request.record, attachments: attachments)
      let activityId: String
      if let inserted = try Self.insertOnce(session, stored) {
        activityId = inserted
        try Self.storeParts(session, stored, contents: attachments.isEmpty ? nil : attachments)
      } else {
        guard let existing = try Self.existingActivityId(session, matching: stored) else {
          throw CRMError.invalid("\(url): the tracked copy of \(request.itemId) vanished")
        }
        activityId = existing
        for record in stored.regarding {
          try Self.link(session, activityId: existing, to: record)
        }
        for (position, attachment) in attachments.enumerated() {
          try session.query("""
            UPDATE attachment SET content = \(attachment.data)
            WHERE activityId = \(existing) AND position = \(position)
              AND name = \(attachment.info.name) AND content IS NULL
            """)
        }
      }
      try session.query("""
        UPDATE trackRequest SET state = 'done', reason = NULL, activityId = \(activityId),
          attempts = attempts + 1, claimedUntil = NULL WHERE id = \(requestId)
        """)
      // Delivered to every listening TUI when this transaction commits.
      try session.query("""
        SELECT pg_notify(\(Self.activityChannel), \(Self.notificationPayload(stored.regarding)))
        """)
      return activityId
    }
  }

  public func failTracking(requestId: String, reason: String) throws {
    try connections.transaction { session in
      _ = try Self.lockedTrackRequest(session, id: requestId)
      try session.query("""
        UPDATE trackRequest SET state = 'failed', reason = \(reason), attempts = attempts + 1,
          claimedUntil = NULL
        WHERE id = \(requestId) AND state != 'done'
        """)
    }
  }

  // MARK: - Untracking

  @discardableResult
  public func untrack(_ entry: TrackingAuditEntry, reason: String) throws -> Bool {
    try connections.transaction { session in
      guard try Self.user(session, id: entry.userId) != nil else {
        throw CRMError.unknownUser(entry.userId)
      }
      // Locked first, as `link` does, so two people changing its records take turns.
      try session.query("SELECT 1 FROM activity WHERE id = \(entry.activityId) FOR UPDATE")
      let removed = try session.update("""
        DELETE FROM activityRegarding WHERE activityId = \(entry.activityId)
          AND recordType = \(entry.from.type.name) AND recordId = \(entry.from.id)
        """)
      guard removed > 0 else {
        throw CRMError.notTracked(item: entry.activityId, record: entry.from)
      }
      if let to = entry.to {
        guard try Self.recordSummary(session, to) != nil else { throw CRMError.unknownRecord(to) }
        try Self.link(session, activityId: entry.activityId, to: to)
      }
      let linked = try session.one("""
        SELECT EXISTS (SELECT 1 FROM activityRegarding WHERE activityId = \(entry.activityId))
        """, as: Bool.self) ?? false
      if !linked {
        try session.query("DELETE FROM activity WHERE id = \(entry.activityId)")
      }
      try session.query("""
        SELECT autocapture_fail_untracked(\(entry.from.type.name), \(entry.from.id),
          \(entry.itemId), \(reason))
        """)
      try session.query("""
        INSERT INTO trackingAudit (id, at, userId, activityId, itemId, fromRecordType,
          fromRecordId, toRecordType, toRecordId)
        VALUES (\(entry.id), \(entry.at), \(entry.userId), \(entry.activityId), \(entry.itemId),
          \(entry.from.type.name), \(entry.from.id), \(entry.to?.type.name), \(entry.to?.id))
        """)
      // Open timelines of both records reload when this transaction commits.
      let records = [entry.from] + (entry.to.map { [$0] } ?? [])
      try session.query("""
        SELECT pg_notify(\(Self.activityChannel), \(Self.notificationPayload(records)))
        """)
      return !linked
    }
  }

  public func auditEntries(itemIds: [String]) throws -> [TrackingAuditEntry] {
    let ids = Set(itemIds).sorted()
    if ids.isEmpty { return [] }
    return try connections.read { session in
      try session.query("""
        SELECT t.id, t.at, t.userId, t.activityId, t.itemId, t.fromRecordType, t.fromRecordId,
          t.toRecordType, t.toRecordId
        FROM unnest(\(ids)::text[]) AS i(itemId) CROSS JOIN LATERAL (
          SELECT * FROM trackingAudit a WHERE a.itemId = i.itemId
          ORDER BY a.at DESC, a.seq DESC LIMIT \(TrackingAuditEntry.kept)) t
        ORDER BY t.at, t.seq
        """).map { row in
        var cells = Cells(row)
        let id: String = try cells.next(), at: Date = try cells.next()
        let userId: String = try cells.next(), activityId: String = try cells.next()
        let itemId: String = try cells.next()
        let fromType: String = try cells.next(), fromId: String = try cells.next()
        let toType: String? = try cells.next(), toId: String? = try cells.next()
        var to: RecordRef?
        if let toType, let toId { to = RecordRef(type: RecordType(name: toType), id: toId) }
        return TrackingAuditEntry(
          id: id, at: at, userId: userId, activityId: activityId, itemId: itemId,
          from: RecordRef(type: RecordType(name: fromType), id: fromId), to: to)
      }
    }
  }

  // MARK: - Import

  /// Imports a CRM import file; see `CRMImporter`.
  public func importFile(at url: URL) throws -> ImportSummary {
    try importPlan(CRMImporter.plan(fileAt: url))
  }

  /// Imports CRM import JSON; see `CRMImporter`.
  public func importData(_ data: Data) throws -> ImportSummary {
    try importPlan(CRMImporter.plan(data))
  }

  /// Writes a checked import file in one transaction: all of it or nothing.
  public func importPlan(_ plan: ImportPlan) throws -> ImportSummary {
    try connections.transaction { session in
      try plan.write(to: PostgresImportTarget(session: session))
    }
  }
}
