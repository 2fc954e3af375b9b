import Foundation

/// Errors a CRM store reports; each names the thing it is about.
public enum CRMError: Error, Equatable, Sendable, CustomStringConvertible {
  case unknownRecord(RecordRef)
  case unknownRecordType(String)
  case unknownUser(String)
  case unknownItem(String)
  case unknownTrackRequest(String)
  /// The item (an activity id or captured-item id) is not tracked on the record (untrack).
  case notTracked(item: String, record: RecordRef)
  /// The database file was written by a newer AutoCapture (schema version found, known).
  case newerSchema(path: String, found: String)
  /// A file given as the CRM database that holds no AutoCapture schema: empty, or another
  /// program's SQLite database. Only `import` writes a schema into such a file.
  case notACRMDatabase(path: String, isEmpty: Bool)
  case busy(String)
  /// The database server cannot be reached or dropped the connection; naming the server.
  /// Nothing was half-written, and trying again later may succeed.
  case unavailable(String)
  case invalid(String)

  public var description: String {
    switch self {
    case .unknownRecord(let r): return "unknown record \(r)"
    case .unknownRecordType(let t): return "unknown record type '\(t)'"
    case .unknownUser(let u): return "unknown user '\(u)'"
    case .unknownItem(let i):
      return "unknown item '\(i)': not on this record's timeline (mistyped, or no longer in "
        + "your mailbox or calendar)"
    case .unknownTrackRequest(let i): return "unknown track request '\(i)'"
    case .notTracked(let item, let record):
      return "'\(item)' is not tracked on \(record) (untracked already, or never tracked there)"
    case .newerSchema(let p, let f):
      return "\(p) was written by a newer AutoCapture (schema \(f)); upgrade to open it"
    case .notACRMDatabase(let p, let isEmpty):
      return "\(p) is \(isEmpty ? "empty" : "an SQLite file without AutoCapture's tables"), "
        + "not an AutoCapture CRM database (create one with: autocapture import FILE.json --db "
        + "\(p))"
    case .busy(let s): return "database is busy: \(s)"
    case .unavailable(let s), .invalid(let s): return s
    }
  }
}

extension CRMError {
  /// Busy or unreachable: about the database rather than the request, so a sync stops and
  /// leaves its requests pending instead of failing them.
  public var isTransient: Bool {
    switch self {
    case .busy, .unavailable: return true
    default: return false
    }
  }
}

/// Read access to CRM records, as the address-set rules need it.
public protocol CRMReader: Sendable {
  func account(id: String) throws -> Account?
  func contact(id: String) throws -> Contact?
  func lead(id: String) throws -> Lead?
  func opportunity(id: String) throws -> Opportunity?
  func supportCase(id: String) throws -> SupportCase?
  func customEntityType(name: String) throws -> CustomEntityType?
  func customRecord(type: String, id: String) throws -> CustomRecord?
  /// Contacts whose parentAccount is `accountId`: modifiedOn descending, id ascending, those
  /// without modifiedOn last; at most `limit`.
  func topContacts(ofAccount accountId: String, limit: Int) throws -> [Contact]
}

/// The state of a request to track a captured item.
public enum TrackState: Hashable, Sendable {
  case pending
  case done(activityId: String)
  case failed(reason: String)

  public var name: String {
    switch self {
    case .pending: return "pending"
    case .done: return "done"
    case .failed: return "failed"
    }
  }
}

/// A durable request, written when the user presses `t`, that the sync step carries out.
///
/// It holds only what identifies the item (its timeline id and where it lives in the
/// user's mailbox): the user chose to share the item, so this much may enter the CRM
/// database before the copy is made.
public struct TrackRequest: Hashable, Sendable {
  public var id: String
  public var userId: String
  public var record: RecordRef
  /// The timeline item id (`mail:<id>` or `cal:<uid>/<recurrence>`).
  public var itemId: String
  public var requestedAt: Date
  public var state: TrackState
  public var attempts: Int
  public init(id: String, userId: String, record: RecordRef, itemId: String, requestedAt: Date,
              state: TrackState = .pending, attempts: Int = 0) {
    self.id = id; self.userId = userId; self.record = record; self.itemId = itemId
    self.requestedAt = requestedAt; self.state = state; self.attempts = attempts
  }
}

/// One entry of the tracking audit trail, which the whole team reads: a tracked item taken
/// off a record (`to` nil) or moved from one record to another, by whom and when. It names
/// the item as its track requests do and holds nothing else of it (no subject, no address).
public struct TrackingAuditEntry: Hashable, Sendable {
  public var id: String
  public var at: Date
  /// Who untracked or moved it.
  public var userId: String
  public var activityId: String
  /// The captured-item id of the activity (`Activity.itemId`): it still names the item once
  /// the activity is deleted.
  public var itemId: String
  public var from: RecordRef
  /// The record it was moved to; nil when it was only taken off `from`.
  public var to: RecordRef?

  /// The most entries of one item a timeline reads: anyone on the team can append to the
  /// trail, so what a tile reads of it is bounded.
  public static let kept = 100

  public init(id: String = "au-" + UUID().uuidString.lowercased(), at: Date, userId: String,
              activityId: String, itemId: String, from: RecordRef, to: RecordRef? = nil) {
    self.id = id; self.at = at; self.userId = userId; self.activityId = activityId
    self.itemId = itemId; self.from = from; self.to = to
  }
}

/// An attachment copied into the CRM database with its content.
public struct AttachmentContent: Hashable, Sendable {
  public var info: AttachmentInfo
  public var data: Data
  public init(info: AttachmentInfo, data: Data) { self.info = info; self.data = data }
}

extension Activity {
  /// The activity as a store keeps it when a track request for `record` completes: a new
  /// id, `record` first among the records it regards, and the attachments that came with
  /// their contents.
  public func stored(for record: RecordRef, attachments: [AttachmentContent]) -> Activity {
    var stored = self
    stored.id = "act-" + UUID().uuidString.lowercased()
    var regarding = [record]
    for other in self.regarding where !regarding.contains(other) { regarding.append(other) }
    stored.regarding = regarding
    if !attachments.isEmpty { stored.attachments = attachments.map(\.info) }
    return stored
  }
}

/// The shared CRM database as the timeline, tracking and the TUI use it.
public protocol CRMStore: CRMReader {
  func organization() throws -> Organization
  /// A user by id or by one of the user's email addresses (case-insensitive).
  func user(matching idOrEmail: String) throws -> User?
  func users() throws -> [User]
  /// Every record, grouped by type (built-in types first, then custom types by name),
  /// ordered by name within a type.
  func recordSummaries() throws -> [RecordSummary]
  func recordSummary(_ ref: RecordRef) throws -> RecordSummary?
  func customEntityTypes() throws -> [CustomEntityType]

  /// Activities regarding `record`, any kind, without bodies and attachment contents.
  func activities(regarding record: RecordRef) throws -> [Activity]
  /// Email activities with any of these Message-IDs, whatever record they regard.
  func emailActivities(messageIds: [String]) throws -> [Activity]
  /// Appointment activities with any of these iCalendar UIDs, whatever record they regard.
  func appointmentActivities(uids: [String]) throws -> [Activity]
  /// One activity with its body, or nil.
  func activity(id: String) throws -> Activity?

  func setShowUntracked(userId: String, _ value: Bool) throws
  /// Stores the personal option "Track replies to tracked email automatically".
  /// `CRMError.unknownUser` when there is no such user.
  func setTrackReplies(userId: String, _ value: Bool) throws
  /// Adds `exclusion` to the user's own excluded addresses; adding one already there does
  /// nothing. `CRMError.unknownUser` when there is no such user.
  func addExcludedAddress(userId: String, _ exclusion: AddressExclusion) throws
  /// Takes `exclusion` out of the user's own excluded addresses; false when it was not there.
  @discardableResult
  func removeExcludedAddress(userId: String, _ exclusion: AddressExclusion) throws -> Bool

  /// Records a track request durably and returns it (pending). Asking again for the same
  /// user, record and item returns the existing request; a failed one becomes pending again,
  /// and so does a done one whose activity no longer regards the record (untracked since),
  /// asked for anew at `at`.
  func requestTracking(userId: String, record: RecordRef, itemId: String, at: Date) throws
    -> TrackRequest
  /// Requests of `userId` (all users when nil) in these states' names ("pending"...).
  func trackRequests(userId: String?, states: Set<String>) throws -> [TrackRequest]
  /// The pending requests of `userId` that a sync is to carry out now, oldest first. A store
  /// that many processes share hands each request to one sync at a time (a lease that ends
  /// when the request is done or failed, or after a while if that sync dies).
  func claimPendingRequests(userId: String) throws -> [TrackRequest]
  /// In one transaction: stores `activity` (or, when an activity with the same Message-ID,
  /// or UID and recurrence id, exists, links `request.record` to it), stores the attachment
  /// contents, and marks the request done. Returns the activity id.
  @discardableResult
  func completeTracking(requestId: String, activity: Activity, attachments: [AttachmentContent])
    throws -> String
  /// Marks the request failed with a reason; it stays retryable.
  func failTracking(requestId: String, reason: String) throws

  /// In one transaction: takes `entry.from` off the records activity `entry.activityId`
  /// regards and, for a move, makes it regard `entry.to` too; deletes the activity with its
  /// parts when it then regards no record; fails every user's pending track request for
  /// `entry.itemId` on `entry.from` with `reason` (a sync must not put it back); and appends
  /// `entry` to the audit trail. Returns true when the activity was deleted.
  /// `CRMError.notTracked` when the activity does not regard `entry.from`,
  /// `CRMError.unknownRecord` when `entry.to` does not exist.
  @discardableResult
  func untrack(_ entry: TrackingAuditEntry, reason: String) throws -> Bool
  /// The audit entries about any of these captured-item ids, oldest first: for each item at
  /// most the `TrackingAuditEntry.kept` newest (teammates write the trail; a tile reads it).
  func auditEntries(itemIds: [String]) throws -> [TrackingAuditEntry]
}

extension CRMStore {
  /// Every pending request: one process at a time writes a file database, and finishing a
  /// request twice changes nothing.
  public func claimPendingRequests(userId: String) throws -> [TrackRequest] {
    try trackRequests(userId: userId, states: ["pending"])
  }
}

/// A store shared over a network that says when anyone stores or links a tracked
/// activity (team mode), so an open timeline shows a teammate's item without polling.
public protocol CRMActivityFeed: Sendable {
  /// Starts watching. `changed` hears the records each newly tracked or linked activity
  /// regards; `connection` hears a sentence when the feed's connection is lost (it keeps
  /// trying) and nil when it is back. Both are called on a background thread. Returns the
  /// function that stops watching.
  func watchActivities(changed: @escaping @Sendable ([RecordRef]) -> Void,
                       connection: @escaping @Sendable (String?) -> Void)
    -> @Sendable () -> Void
}

// MARK: - The user's mailbox and calendar

/// Header facts of one message from the private index: what a tile needs.
public struct CapturedEmail: Hashable, Sendable {
  /// With angle brackets, as in the header: `<abc@fabrikam.example>`.
  public var messageId: String
  public var date: Date
  /// True when the Date header was missing or unusable and `date` is that of the newest
  /// Received header, or else the file's mtime.
  public var dateIsFallback: Bool
  public var subject: String
  public var from: EmailAddress?
  /// The From display name when there is one, for the tile's counterpart.
  public var fromName: String?
  public var to: [EmailAddress]
  public var cc: [EmailAddress]
  /// The folder it was found in (`INBOX`, `.Sent`...), for display.
  public var folder: String
  /// For a message without Message-ID, the synthetic id older versions gave it (a hash of
  /// its header block rather than of the whole message), which an activity tracked then
  /// still carries; nil otherwise.
  public var formerMessageId: String?
  /// The Message-IDs its In-Reply-To and References name (In-Reply-To's first, then
  /// References' from the nearest ancestor back), at most `MessageReferences.maximumCount`.
  public var references: [String]
  public init(messageId: String, date: Date, dateIsFallback: Bool = false, subject: String,
              from: EmailAddress?, fromName: String? = nil, to: [EmailAddress], cc: [EmailAddress],
              folder: String, formerMessageId: String? = nil, references: [String] = []) {
    self.messageId = messageId; self.date = date; self.dateIsFallback = dateIsFallback
    self.subject = subject; self.from = from; self.fromName = fromName; self.to = to; self.cc = cc
    self.folder = folder; self.formerMessageId = formerMessageId; self.references = references
  }
}

/// A whole message read from the mailbox: for expanding a tile and for tracking.
public struct MessageContent: Hashable, Sendable {
  public var header: CapturedEmail
  public var plainText: String
  public var attachments: [AttachmentContent]
  public init(header: CapturedEmail, plainText: String, attachments: [AttachmentContent]) {
    self.header = header; self.plainText = plainText; self.attachments = attachments
  }
}

/// Errors from the user's mailbox or calendar; each names the file or folder.
public enum MailSourceError: Error, Equatable, Sendable, CustomStringConvertible {
  case messageNotFound(String)
  case unreadable(path: String, reason: String)
  case malformed(path: String, reason: String)
  /// A file or folder AutoCapture needed to make (the private index) could not be made.
  case cannotCreate(path: String, reason: String)
  /// A message of `size` bytes, over the `limit` read of one message.
  case tooLarge(path: String, size: Int64, limit: Int64)
  /// A mail server refused the login of `account` (`dana@imap.example`).
  case authenticationFailed(account: String)
  /// A mail server (`imaps://dana@imap.example:993`) has not answered since `since`: the
  /// index keeps what it had of it.
  case unreachable(source: String, reason: String, since: Date)
  /// A mail server (`imaps://dana@imap.example:993`) whose first sync is still being read
  /// (by this process in the background, or by another): until it is done, a record's mail
  /// from it is what a search on the server finds. `indexed`: the messages the index holds
  /// so far, which the user watches grow.
  case firstSyncUnderWay(source: String, indexed: Int)
  /// A message at `path` without a readable Date header, dated instead by its newest
  /// Received header (`byReceived`) or else by its file's modification time.
  case dateFallback(path: String, byReceived: Bool)
  /// The private index file could not be read (`reason`, in SQLite's words); being derived
  /// data, it was renamed to `movedTo` and the index is made anew from the mailbox.
  case setAside(path: String, reason: String, movedTo: String)

  public var description: String {
    switch self {
    case .cannotCreate(let p, let r): return "cannot create \(p): \(r)"
    case .messageNotFound(let id): return "message \(id) is no longer in the mailbox"
    case .unreadable(let p, let r): return "cannot read \(p): \(r)"
    case .malformed(let p, let r): return "\(p) is malformed: \(r)"
    case .authenticationFailed(let account): return "authentication failed for \(account)"
    case .unreachable(let source, let reason, let since):
      return "\(source) unreachable since \(ISO8601.format(since)) (\(reason)); showing the "
        + "mail indexed before then"
    case .firstSyncUnderWay(let source, let indexed):
      return "\(source) is still being indexed for the first time (\(indexed) messages in "
        + "the index so far); until then its mail on this timeline is what a search on the "
        + "server finds"
    case .dateFallback(let p, let byReceived):
      return "\(p) has no readable Date header: dated by "
        + (byReceived ? "its Received header" : "the file's modification time")
    case .setAside(let p, let r, let movedTo):
      return "cannot read \(p) (\(r)): set it aside as \(movedTo) and made the index anew"
    case .tooLarge(let p, let size, let limit):
      return "\(p) is larger than \(MailSourceError.megabytes(limit)) (\(size) bytes), the "
        + "most AutoCapture reads of one message"
    }
  }

  /// A mail server that cannot be reached now: about the server rather than the message,
  /// so a track request needing it stays pending for a later sync instead of failing.
  public var isTransient: Bool {
    if case .unreachable = self { return true }
    return false
  }

  /// A size limit in whole megabytes of 2^20 bytes: `50 MB`.
  public static func megabytes(_ limit: Int64) -> String { "\(limit >> 20) MB" }
}

/// The user's mail, through the private index.
public protocol MailSource: Sendable {
  /// Brings the index up to date with the mailbox (cheap when nothing changed). `reporting`
  /// hears how many new messages have been read of how many, so a long catch-up (a first
  /// index) can show how far it has got; it is called from the refreshing thread.
  func refresh(reporting: (@Sendable (_ done: Int, _ total: Int) -> Void)?) throws
  /// The `limit` newest messages with any of `addresses` in From, To or Cc; newest first,
  /// equal dates by Message-ID ascending; one item per Message-ID.
  func newestMessages(matching addresses: Set<EmailAddress>, limit: Int) throws -> [CapturedEmail]
  /// The `limit` newest messages whose In-Reply-To or References (as kept in
  /// `CapturedEmail.references`) names any of `messageIds`; newest first, equal dates by
  /// Message-ID ascending; one item per Message-ID.
  func replies(to messageIds: Set<String>, limit: Int) throws -> [CapturedEmail]
  /// The `limit` newest messages that name any Message-ID in In-Reply-To or References, in
  /// the same order: what automatic reply tracking looks through.
  func newestReplies(limit: Int) throws -> [CapturedEmail]
  /// How many messages have any of `addresses` in From, To or Cc (one per Message-ID),
  /// counting no further than `bound`: the "of 312" beside the newest shown.
  func countMessages(matching addresses: Set<EmailAddress>, bound: Int) throws -> Int
  /// The whole message with this Message-ID, body and attachments decoded.
  func message(messageId: String) throws -> MessageContent
  /// The header facts held for this Message-ID whatever its addresses, without reading the
  /// message; nil when no captured folder holds it.
  func indexedMessage(messageId: String) throws -> CapturedEmail?
  /// The drafts, trash or junk folder (docs/capture-rules.md) holding a message with this
  /// Message-ID, which capture never reads; nil when none does. Reads those folders now.
  func excludedFolder(holding messageId: String) throws -> String?
  /// Files and folders the latest refresh could not read (path and reason), not fatal.
  var problems: [MailSourceError] { get }
}

extension MailSource {
  /// Brings the index up to date with the mailbox, quietly.
  public func refresh() throws { try refresh(reporting: nil) }
}

/// One occurrence of a meeting from the user's calendar files.
public struct CapturedMeeting: Hashable, Sendable {
  public var uid: String
  /// The occurrence's original start for recurring events; nil for a single event.
  public var recurrenceId: Date?
  public var start: Date
  public var end: Date?
  public var isAllDay: Bool
  public var summary: String
  public var organizer: EmailAddress?
  public var organizerName: String?
  public var attendees: [EmailAddress]
  public var location: String?
  public var description: String?
  /// The file it came from, for messages.
  public var source: String
  public init(uid: String, recurrenceId: Date?, start: Date, end: Date?, isAllDay: Bool = false,
              summary: String, organizer: EmailAddress?, organizerName: String? = nil,
              attendees: [EmailAddress], location: String? = nil, description: String? = nil,
              source: String) {
    self.uid = uid; self.recurrenceId = recurrenceId; self.start = start; self.end = end
    self.isAllDay = isAllDay; self.summary = summary; self.organizer = organizer
    self.organizerName = organizerName; self.attendees = attendees; self.location = location
    self.description = description; self.source = source
  }
}

/// The user's calendars.
public protocol CalendarSource: Sendable {
  /// Occurrences with ORGANIZER or an ATTENDEE in `addresses` whose start lies in
  /// `window` (both ends included); cancelled ones left out; one per UID + recurrence id.
  func meetings(matching addresses: Set<EmailAddress>, startingIn window: ClosedRange<Date>,
                timeZone: TimeZone) throws -> [CapturedMeeting]
  /// The occurrences of the meeting `uid` whose start lies in `window`, whatever their
  /// addresses, by the same rules otherwise (cancelled ones left out, one per recurrence id).
  func meetings(uid: String, startingIn window: ClosedRange<Date>, timeZone: TimeZone) throws
    -> [CapturedMeeting]
  /// Problems met while reading (file and reason), reported rather than fatal.
  var problems: [MailSourceError] { get }
}
