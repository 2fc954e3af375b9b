import Foundation

/// Builds timelines and carries out tracking for one user, over the CRM store and the
/// user's own mailbox and calendar.
///
/// Privacy rests here: captured items are read from the user's sources and returned to the
/// caller; the only things written to the shared store are a track request (what the user
/// chose to share) and, at sync, the copy of that one item.
public final class TimelineService: Sendable {
  public let store: any CRMStore
  public let mail: (any MailSource)?
  public let calendar: (any CalendarSource)?
  public let limits: CaptureLimits
  private let fixedTimeZone: TimeZone?

  /// The zone floating and all-day calendar times are read in: the one given, else the
  /// system's, looked up only when a calendar needs it (finding the current zone costs
  /// ~0.7 ms, a tenth of a whole `timeline --json` process).
  public var timeZone: TimeZone { fixedTimeZone ?? .current }

  public init(store: any CRMStore, mail: (any MailSource)?, calendar: (any CalendarSource)?,
              limits: CaptureLimits = .init(), timeZone: TimeZone? = nil) {
    self.store = store; self.mail = mail; self.calendar = calendar; self.limits = limits
    self.fixedTimeZone = timeZone
  }

  /// What `user` may do with untracked items (organization switch, access policy,
  /// personal option, sync-method matrix).
  public func permissions(for user: User) throws -> CapturePermissions {
    CapturePermissions.decide(organization: try store.organization(), user: user)
  }

  /// The timeline of `record` for `user` at `now`: tracked activities regarding it merged
  /// with the items captured from the user's mailbox and calendar, newest first.
  /// `indexing` hears the progress of the mailbox index's catch-up first (`MailSource`).
  public func timeline(for record: RecordRef, user: User, now: Date,
                       indexing: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil)
    throws -> Timeline {
    try timelineAndCapture(for: record, user: user, now: now, indexing: indexing).timeline
  }

  /// The timeline and what the user's own sources put on it (which `explain` also reads).
  func timelineAndCapture(for record: RecordRef, user: User, now: Date,
                          indexing: (@Sendable (_ done: Int, _ total: Int) -> Void)?)
    throws -> (timeline: Timeline, captured: Captured, permissions: CapturePermissions) {
    guard let summary = try store.recordSummary(record) else {
      throw CRMError.unknownRecord(record)
    }
    let permissions = try permissions(for: user)
    let captured = permissions.viewRefusal == nil
      ? try capturedItems(for: record, user: user, now: now, indexing: indexing) : Captured()
    var items = captured.items
    for activity in try store.activities(regarding: record)
    where !captured.activities.contains(activity.id) {
      items.append(TimelineService.trackedItem(activity, id: activity.id))
    }
    try inferMissingDirections(&items)
    // Newest first; equal times by Message-ID (docs/capture-rules.md), then UID, then id.
    items.sort { a, b in
      if a.at != b.at { return a.at > b.at }
      let ka = a.messageId ?? a.uid ?? a.id, kb = b.messageId ?? b.uid ?? b.id
      return ka != kb ? ka < kb : a.id < b.id
    }
    let timeline = Timeline(record: summary, notice: permissions.viewRefusal, items: items,
                            problems: captured.problems)
    return (timeline, captured, permissions)
  }

  /// A tracked email imported without a direction is outgoing when its From is one of its
  /// owner's addresses (docs/capture-rules.md), else incoming.
  private func inferMissingDirections(_ items: inout [TimelineItem]) throws {
    let undirected = items.indices.filter {
      items[$0].state == .tracked && items[$0].kind == .email && items[$0].direction == nil
    }
    guard !undirected.isEmpty else { return }
    var owners: [String: Set<EmailAddress>] = [:]
    for index in undirected {
      guard let activityId = items[index].activityId,
            let activity = try store.activity(id: activityId) else { continue }
      var outgoing = false
      if let owner = activity.owner, let from = activity.from {
        if owners[owner] == nil {
          owners[owner] = Set(try store.user(matching: owner)?.emails ?? [])
        }
        outgoing = owners[owner]?.contains(from) ?? false
      }
      items[index].direction = outgoing ? .outgoing : .incoming
    }
  }

  /// The body text of an item: a tracked activity's stored body, or a captured email read
  /// from the mailbox; throws `NotAllowed` when the user may not open untracked items.
  public func body(of item: TimelineItem, user: User) throws -> String {
    if item.state == .tracked, let activityId = item.activityId {
      return try store.activity(id: activityId)?.body ?? item.details ?? ""
    }
    if let refusal = try permissions(for: user).openRefusal { throw NotAllowed(refusal) }
    switch item.kind {
    case .email:
      guard let messageId = item.messageId, let mail else { return "" }
      return try mail.message(messageId: messageId).plainText
    default:
      return item.details ?? ""
    }
  }

  /// Records a request to track `itemId` from `record`; returns at once (the copy happens
  /// at the next sync). Throws `NotAllowed` with the reason when the user may not track,
  /// and `CRMError.unknownItem` when the item is not on the record's timeline.
  public func track(itemId: String, record: RecordRef, user: User, now: Date) throws
    -> TrackRequest {
    if let refusal = try permissions(for: user).trackRefusal { throw NotAllowed(refusal) }
    let timeline = try timeline(for: record, user: user, now: now)
    // An item keeps answering to its captured id after it is tracked (ids are stable).
    guard let item = timeline.items.first(where: { $0.id == itemId })
      ?? timeline.items.first(where: { capturedId(of: $0) == itemId }) else {
      throw CRMError.unknownItem(itemId)
    }
    if item.state == .tracked {
      if let activityId = item.activityId,
         try store.activity(id: activityId)?.regarding.contains(record) ?? false {
        throw NotAllowed("this \(item.kind.displayName.lowercased()) is already tracked on "
          + "this record")
      }
    }
    let trackId = item.state == .tracked ? capturedId(of: item) : item.id
    return try store.requestTracking(userId: user.id, record: record, itemId: trackId, at: now)
  }

  /// Carries out `user`'s pending requests once: each captured item is copied whole into
  /// the CRM store in one transaction, or its request is marked failed with a reason that
  /// names nothing of the user's mailbox or calendar (the whole team reads it).
  ///
  /// A request names a user, but anyone who can write the CRM database can file one in that
  /// user's name, and Message-IDs leak through References headers. So the item is copied only
  /// if the request is `user`'s and `user`'s own mailbox or calendar puts the item on the
  /// record's timeline now, by the capture rules and permissions the timeline applies.
  ///
  /// `onEach` hears of each request as soon as it is done or failed (progress output), with
  /// the failure's details for `user` alone when they say more than the stored reason.
  public func syncPending(user: User, now: Date,
                          onEach: ((TrackRequest, _ detail: String?) -> Void)? = nil) throws
    -> [TrackRequest] {
    let pending = try store.claimPendingRequests(userId: user.id)
    var results: [TrackRequest] = []
    // What was allowed when asked may not be now (switch off, approval revoked).
    if let refusal = try permissions(for: user).trackRefusal {
      for var request in pending {
        try store.failTracking(requestId: request.id, reason: refusal)
        request.state = .failed(reason: refusal)
        results.append(request)
        onEach?(request, nil)
      }
      return results
    }
    // Capturing refreshes the index first: a message moved, or a mailbox dropped from the
    // index by a run with other sources, is found where it is.
    var timelines: [RecordRef: Captured] = [:]
    for var request in pending {
      var detail: String? = nil
      do {
        guard request.userId == user.id else { throw SyncRefusal.notYours }
        let captured = try timelines[request.record]
          ?? capturedItems(for: request.record, user: user, now: now, indexing: nil)
        timelines[request.record] = captured
        let (activity, attachments) = try copy(of: request, from: captured, user: user)
        let activityId = try store.completeTracking(requestId: request.id, activity: activity,
                                                    attachments: attachments)
        request.state = .done(activityId: activityId)
      } catch let error as CRMError where error.isTransient {
        // The database, not the item: the request stays pending for the next sync.
        throw error
      } catch {
        let failure = SyncFailure(error)
        try store.failTracking(requestId: request.id, reason: failure.reason)
        request.state = .failed(reason: failure.reason)
        detail = failure.detail
      }
      results.append(request)
      onEach?(request, detail)
    }
    return results
  }

  // MARK: - Capture

  /// What `user`'s own mailbox and calendar put on `record`'s timeline: the items, the
  /// emails and meetings they come from (by item id), the tracked activities among them,
  /// and the problems met reading the sources.
  struct Captured {
    var items: [TimelineItem] = []
    var emails: [ItemID: CapturedEmail] = [:]
    var meetings: [ItemID: CapturedMeeting] = [:]
    var activities = Set<String>()
    var problems: [String] = []
  }

  /// The items `user`'s mailbox and calendar put on `record`'s timeline at `now` by the
  /// capture rules; the caller has checked that the user may see untracked items. The
  /// timeline shows them, and the sync copies nothing else.
  private func capturedItems(for record: RecordRef, user: User, now: Date,
                             indexing: (@Sendable (Int, Int) -> Void)?) throws -> Captured {
    var captured = Captured()
    // An address the organization or the user excludes makes nothing match, so an item
    // matching the record only through excluded addresses is not captured for it.
    let exclusions = CaptureExclusions(organization: try store.organization(), user: user)
    let addresses = exclusions.applied(
      to: try AddressSetRules(reader: store).addressSet(for: record).addresses)
    guard !addresses.isEmpty else { return captured }
    let requests = try requestsByItem(user: user, record: record)
    if let mail {
      try captureEmails(mail, addresses: addresses, requests: requests, indexing: indexing,
                        into: &captured)
      captured.problems += mail.problems.map(\.description)
    }
    if let calendar {
      try captureMeetings(calendar, addresses: addresses, requests: requests, now: now,
                          into: &captured)
      captured.problems += calendar.problems.map(\.description)
    }
    return captured
  }

  /// The user's open requests made from this record: a request from another record does
  /// not make the item pending here (tracking it here too links this record as well).
  private func requestsByItem(user: User, record: RecordRef) throws -> [String: TrackRequest] {
    var byItem: [String: TrackRequest] = [:]
    for request in try store.trackRequests(userId: user.id, states: ["pending", "failed"])
    where request.record == record {
      byItem[request.itemId] = request
    }
    return byItem
  }

  private func captureEmails(_ mail: any MailSource, addresses: Set<EmailAddress>,
                             requests: [String: TrackRequest],
                             indexing: (@Sendable (Int, Int) -> Void)?,
                             into captured: inout Captured) throws {
    try mail.refresh(reporting: indexing)
    let emails = try mail.newestMessages(matching: addresses, limit: limits.maxEmails)
    let tracked = try store.emailActivities(
      messageIds: emails.map(\.messageId) + emails.compactMap(\.formerMessageId))
    var byMessageId: [String: Activity] = [:]
    for activity in tracked { if let m = activity.messageId { byMessageId[m] = activity } }
    for email in emails {
      let itemId = ItemID.mail(messageId: email.messageId)
      captured.emails[itemId] = email
      if let activity = byMessageId[email.messageId] {
        captured.items.append(TimelineService.trackedItem(activity, id: activity.id))
        captured.activities.insert(activity.id)
        continue
      }
      // Tracked under the synthetic id an older index gave it: the item answers to that id
      // (`capturedId`), so tracking it from another record links the same activity.
      if let former = email.formerMessageId, let activity = byMessageId[former] {
        captured.emails[ItemID.mail(messageId: former)] = email
        captured.items.append(TimelineService.trackedItem(activity, id: activity.id))
        captured.activities.insert(activity.id)
        continue
      }
      let id = itemId.text
      captured.items.append(TimelineItem(
        id: id, kind: .email, state: TimelineService.state(of: requests[id]),
        subject: email.subject, at: email.date, messageId: email.messageId, from: email.from,
        fromName: email.fromName, to: email.to, cc: email.cc))
    }
    // A pending request's message stays within the sync's reach when newer mail has pushed
    // it out of the newest `maxEmails` since it was asked for (a sync that failed or was
    // killed, a claim held until its lease ends): it must still be in a captured folder and
    // still match the record's addresses, but it is not shown again.
    for (id, request) in requests where request.state == .pending {
      guard case .mail(let messageId)? = ItemID(parsing: id),
            captured.emails[.mail(messageId: messageId)] == nil,
            let email = try mail.indexedMessage(messageId: messageId),
            ([email.from].compactMap { $0 } + email.to + email.cc).contains(where: addresses.contains)
      else { continue }
      captured.emails[.mail(messageId: messageId)] = email
    }
  }

  private func captureMeetings(_ calendar: any CalendarSource, addresses: Set<EmailAddress>,
                               requests: [String: TrackRequest], now: Date,
                               into captured: inout Captured) throws {
    let window = meetingWindow(around: now)
    let meetings = try calendar.meetings(matching: addresses, startingIn: window,
                                         timeZone: timeZone)
    let appointments = try store.appointmentActivities(uids: Array(Set(meetings.map(\.uid))))
    for meeting in meetings {
      let itemId = ItemID.meeting(uid: meeting.uid, recurrenceId: meeting.recurrenceId)
      captured.meetings[itemId] = meeting
      let id = itemId.text
      if let activity = TimelineService.appointment(covering: meeting, in: appointments) {
        // A series-level activity covers every occurrence; each keeps its own start and end.
        let coversSeries = activity.recurrenceId == nil && meeting.recurrenceId != nil
        var item = TimelineService.trackedItem(
          activity, id: coversSeries
            ? "\(activity.id)/\(ItemID.basicUTC(meeting.recurrenceId ?? meeting.start))"
            : activity.id)
        item.at = meeting.start
        item.end = meeting.end
        item.recurrenceId = meeting.recurrenceId
        item.isAllDay = meeting.isAllDay
        // What the activity leaves out, the user's own calendar still knows.
        if item.organizer == nil { item.organizer = meeting.organizer }
        if item.from == nil { item.from = meeting.organizer }
        if item.fromName == nil { item.fromName = meeting.organizerName }
        if item.attendees.isEmpty { item.attendees = meeting.attendees }
        if item.location == nil { item.location = meeting.location }
        if item.details == nil { item.details = meeting.description }
        captured.items.append(item)
        captured.activities.insert(activity.id)
        continue
      }
      captured.items.append(TimelineItem(
        id: id, kind: .appointment, state: TimelineService.state(of: requests[id]),
        subject: meeting.summary, at: meeting.start, end: meeting.end, uid: meeting.uid,
        recurrenceId: meeting.recurrenceId, from: meeting.organizer,
        fromName: meeting.organizerName, organizer: meeting.organizer,
        attendees: meeting.attendees, location: meeting.location, details: meeting.description,
        isAllDay: meeting.isAllDay))
    }
  }

  /// The starts of the meetings a timeline at `now` shows (both ends included).
  func meetingWindow(around now: Date) -> ClosedRange<Date> {
    now.addingTimeInterval(-limits.meetingWindow)...now.addingTimeInterval(limits.meetingWindow)
  }

  /// The appointment activity that tracks this occurrence: same UID and recurrence id, or
  /// same UID with no recurrence id (the single event, or the whole series).
  static func appointment(covering meeting: CapturedMeeting, in activities: [Activity])
    -> Activity? {
    let sameUID = activities.filter { $0.uid == meeting.uid }
    if let exact = sameUID.first(where: { $0.recurrenceId != nil
      && $0.recurrenceId == meeting.recurrenceId }) {
      return exact
    }
    return sameUID.first(where: { $0.recurrenceId == nil })
  }

  static func state(of request: TrackRequest?) -> ItemState {
    switch request?.state {
    case .pending?: return .pending
    case .failed(let reason)?: return .failed(reason: reason)
    case .done?, nil: return .untracked
    }
  }

  static func trackedItem(_ a: Activity, id: String) -> TimelineItem {
    TimelineItem(
      id: id, kind: a.kind, state: .tracked, subject: a.subject, at: a.at, end: a.end,
      messageId: a.messageId, uid: a.uid, recurrenceId: a.recurrenceId,
      from: a.kind == .appointment ? (a.organizer ?? a.from) : a.from,
      fromName: a.kind == .appointment ? nil : a.fromName, to: a.to, cc: a.cc,
      direction: a.direction,
      hasAttachments: a.kind == .email ? !a.attachments.isEmpty : nil,
      attachments: a.attachments, organizer: a.organizer, attendees: a.attendees,
      location: a.location, details: a.kind == .appointment ? a.body : nil, activityId: a.id)
  }

  /// The captured-item id of a tracked item, for linking it to a second record.
  func capturedId(of item: TimelineItem) -> String {
    if let messageId = item.messageId { return ItemID.mail(messageId: messageId).text }
    if let uid = item.uid { return ItemID.meeting(uid: uid, recurrenceId: item.recurrenceId).text }
    return item.id
  }

  // MARK: - Sync

  /// The activity and attachment contents to store for `request`: the item as `captured`
  /// (the record's timeline in the user's own mailbox and calendar) has it, else
  /// `SyncRefusal.notOnTimeline`.
  private func copy(of request: TrackRequest, from captured: Captured, user: User) throws
    -> (Activity, [AttachmentContent]) {
    guard let itemId = ItemID(parsing: request.itemId) else {
      throw CRMError.unknownItem(request.itemId)
    }
    switch itemId {
    case .mail(let messageId):
      guard let mail, let email = captured.emails[itemId] else {
        throw SyncRefusal.notOnTimeline(source: "mailbox", "\(request.itemId) is not among "
          + "the messages your mailbox puts on the timeline of \(request.record)")
      }
      // Read by the id the mailbox gives it now; the activity keeps the id the request
      // names, an older synthetic one when the message was tracked under it.
      let content = try mail.message(messageId: email.messageId)
      let h = content.header
      // Two files may carry one Message-ID, and the one read may not be the one the timeline
      // matched (deleted since, or unreadable). Another From, To or Cc means another message,
      // which the capture rules did not put on this record.
      guard h.from == email.from, h.to == email.to, h.cc == email.cc else {
        throw SyncRefusal.notOnTimeline(source: "mailbox", "the copy of \(messageId) in your "
          + "mailbox has other "
          + "From, To or Cc than the message the timeline shows (two messages share this "
          + "Message-ID)")
      }
      let outgoing = h.from.map { user.emails.contains($0) } ?? false
      let activity = Activity(
        id: TimelineService.newActivityId(), kind: .email, regarding: [request.record],
        subject: h.subject, at: h.date, owner: user.id, messageId: messageId,
        direction: outgoing ? .outgoing : .incoming, from: h.from, fromName: h.fromName,
        to: h.to, cc: h.cc, attachments: content.attachments.map(\.info),
        body: content.plainText)
      return (activity, content.attachments)
    case .meeting(let uid, _):
      guard let meeting = captured.meetings[itemId] else {
        throw SyncRefusal.notOnTimeline(source: "calendar", "\(request.itemId) is not among "
          + "the meetings your calendar puts on the timeline of \(request.record)")
      }
      // An occurrence of a series already tracked as a whole links to that activity.
      let series = try store.appointmentActivities(uids: [uid])
        .contains { $0.recurrenceId == nil }
      let activity = Activity(
        id: TimelineService.newActivityId(), kind: .appointment, regarding: [request.record],
        subject: meeting.summary, at: meeting.start, end: meeting.end, owner: user.id,
        body: meeting.description, uid: meeting.uid,
        recurrenceId: series ? nil : meeting.recurrenceId,
        organizer: meeting.organizer, attendees: meeting.attendees, location: meeting.location)
      return (activity, [])
    }
  }

  static func newActivityId() -> String {
    "act-" + UUID().uuidString.lowercased().prefix(13).replacingOccurrences(of: "-", with: "")
  }
}

/// Why the sync refused a request whose item it could read.
enum SyncRefusal: Error, CustomStringConvertible {
  /// The request names another user (the store gave it to the wrong sync).
  case notYours
  /// The item is not on the record's timeline in the syncing user's own `source`
  /// ("mailbox" or "calendar"); `why` says which item and why, for that user alone.
  case notOnTimeline(source: String, _ why: String)

  var description: String {
    switch self {
    case .notYours: return "the request is another user's"
    case .notOnTimeline(_, let why): return why
    }
  }
}

/// A failed request in two forms. `reason` is stored with the request in the CRM database,
/// which the whole team reads, so it names nothing of the user's mailbox or calendar: no
/// path, folder, header or address, only what went wrong in general words. `detail` says
/// everything, for the syncing user alone; nil when it would only repeat `reason`.
struct SyncFailure {
  var reason: String
  var detail: String?

  init(_ error: any Error) {
    switch error {
    case let refusal as NotAllowed:
      reason = refusal.reason
    case SyncRefusal.notYours:
      reason = "filed for another user"
    case SyncRefusal.notOnTimeline(let source, _):
      reason = "not on this record's timeline in your \(source)"
    case CRMError.unknownItem, CRMError.unknownRecord, CRMError.unknownRecordType:
      // Name only the item or record, which the request row holds anyway.
      reason = "\(error)"
    case MailSourceError.messageNotFound:
      reason = "no longer in your mailbox"
    case MailSourceError.tooLarge(_, _, let limit):
      reason = "larger than \(MailSourceError.megabytes(limit)), the most AutoCapture reads "
        + "of one message"
    case is MailSourceError:
      reason = "could not be read from your mailbox"
    default:
      reason = "could not be copied"
    }
    let whole = "\(error)"
    detail = whole == reason ? nil : whole
  }
}
