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
  /// "Track replies to tracked email automatically" for a user who has not chosen (the
  /// config file's `track-replies`).
  public let trackRepliesByDefault: Bool

  /// The zone floating and all-day calendar times are read in: the one given, else the
  /// system's, looked up only when a calendar needs it (finding the current zone costs
  /// ~0.7 ms, a tenth of a whole `timeline --json` process).
  public var timeZone: TimeZone { fixedTimeZone ?? .current }

  public init(store: any CRMStore, mail: (any MailSource)?, calendar: (any CalendarSource)?,
              limits: CaptureLimits = .init(), timeZone: TimeZone? = nil,
              trackRepliesByDefault: Bool = false) {
    self.store = store; self.mail = mail; self.calendar = calendar; self.limits = limits
    self.fixedTimeZone = timeZone
    self.trackRepliesByDefault = trackRepliesByDefault
  }

  /// Whether sync tracks `user`'s replies to tracked email by itself: the user's choice,
  /// else the default this service was given.
  public func tracksReplies(_ user: User) -> Bool {
    user.trackReplies ?? trackRepliesByDefault
  }

  /// What `user` may do with untracked items (organization switch, access policy,
  /// personal option, sync-method matrix).
  public func permissions(for user: User) throws -> CapturePermissions {
    CapturePermissions.decide(organization: try store.organization(), user: user)
  }

  /// The timeline of `record` for `user` at `now`: tracked activities regarding it merged
  /// with the items captured from the user's mailbox and calendar, newest first.
  /// `indexing` hears the progress of the mailbox index's catch-up first (`MailSource`).
  /// `emailLimit` shows that many of the newest emails instead of `limits.maxEmails` (the
  /// TUI's "50 more").
  public func timeline(for record: RecordRef, user: User, now: Date, emailLimit: Int? = nil,
                       indexing: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil)
    throws -> Timeline {
    try timelineAndCapture(for: record, user: user, now: now, emailLimit: emailLimit,
                           indexing: indexing).timeline
  }

  /// Matching emails are counted for "50 newest of 312" up to the next multiple of this
  /// above the number shown ("50 newest of 1,000+"): counting 1,000 distinct messages of
  /// the private index takes ~0.2 ms, 10,000 ~8 ms (Decisions.md, "More than 50").
  public static let emailCountStep = 1_000

  /// How far to count when `limit` emails are shown: the next multiple of
  /// `emailCountStep` above it.
  static func emailCountBound(forLimit limit: Int) -> Int {
    let (bound, overflow) = (max(0, limit) / emailCountStep + 1)
      .multipliedReportingOverflow(by: emailCountStep)
    return overflow ? Int.max : bound
  }

  /// The timeline and what the user's own sources put on it (which `explain` also reads).
  func timelineAndCapture(for record: RecordRef, user: User, now: Date, emailLimit: Int? = nil,
                          indexing: (@Sendable (_ done: Int, _ total: Int) -> Void)?)
    throws -> (timeline: Timeline, captured: Captured, permissions: CapturePermissions) {
    guard let summary = try store.recordSummary(record) else {
      throw CRMError.unknownRecord(record)
    }
    let permissions = try permissions(for: user)
    let captured = permissions.viewRefusal == nil
      ? try capturedItems(for: record, user: user, now: now, emailLimit: emailLimit,
                          indexing: indexing) : Captured()
    var items = captured.items
    for activity in try store.activities(regarding: record)
    where !captured.activities.contains(activity.id) {
      items.append(TimelineService.trackedItem(activity, id: activity.id))
    }
    try inferMissingDirections(&items)
    try attachHistory(&items)
    // Newest first; equal times by Message-ID (docs/capture-rules.md), then UID, then id.
    items.sort { a, b in
      if a.at != b.at { return a.at > b.at }
      let ka = a.messageId ?? a.uid ?? a.id, kb = b.messageId ?? b.uid ?? b.id
      return ka != kb ? ka < kb : a.id < b.id
    }
    var timeline = Timeline(record: summary, notice: permissions.viewRefusal, items: items,
                            problems: captured.problems)
    timeline.emailsShown = captured.emails.count - captured.formerIds
    timeline.emailsMatched = max(captured.emailsMatched, timeline.emailsShown)
    timeline.emailsMatchedIsLowerBound = captured.emailsMatchedIsLowerBound
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
  /// `emailLimit` is the timeline's, when it shows more than `limits.maxEmails`.
  public func track(itemId: String, record: RecordRef, user: User, now: Date,
                    emailLimit: Int? = nil) throws -> TrackRequest {
    try trackItem(itemId: itemId, record: record, user: user, now: now,
                  emailLimit: emailLimit).request
  }

  /// `track`, with the item as the timeline showed it (its `trackedElsewhere` says where an
  /// item tracked on other records already is, which the request links to this one).
  public func trackItem(itemId: String, record: RecordRef, user: User, now: Date,
                        emailLimit: Int? = nil) throws
    -> (request: TrackRequest, item: TimelineItem) {
    if let refusal = try permissions(for: user).trackRefusal { throw NotAllowed(refusal) }
    let timeline = try timeline(for: record, user: user, now: now, emailLimit: emailLimit)
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
    return (try store.requestTracking(userId: user.id, record: record, itemId: trackId, at: now),
            item)
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
  /// A request whose item needs a mail server that cannot be reached now stays pending (its
  /// state in the result), and the next sync tries it again.
  ///
  /// `onEach` hears of each request as soon as it is done, failed or left pending (progress
  /// output), with the details for `user` alone when they say more than the stored reason.
  public func syncPending(user: User, now: Date,
                          onEach: ((TrackRequest, _ detail: String?) -> Void)? = nil) throws
    -> [TrackRequest] {
    if tracksReplies(user), try permissions(for: user).trackRefusal == nil {
      try requestReplyTracking(user: user, now: now)
    }
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
      } catch let error as MailSourceError where error.isTransient {
        // The mail server, not the item: this request stays pending, the others go on.
        detail = "\(error)"
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
    /// The emails captured only as replies to mail tracked on the record (by item id), with
    /// the tracked Message-IDs each names.
    var replies: [ItemID: [String]] = [:]
    /// The record's address set, exclusions applied (empty without a mailbox).
    var addresses = Set<EmailAddress>()
    /// How many emails of the mailbox match the address set (bounded), and how many entries
    /// of `emails` are a second key (a former synthetic id) for an email already there.
    var emailsMatched = 0
    var emailsMatchedIsLowerBound = false
    var formerIds = 0
  }

  /// The items `user`'s mailbox and calendar put on `record`'s timeline at `now` by the
  /// capture rules; the caller has checked that the user may see untracked items. The
  /// timeline shows them, and the sync copies nothing else.
  private func capturedItems(for record: RecordRef, user: User, now: Date,
                             emailLimit: Int? = nil,
                             indexing: (@Sendable (Int, Int) -> Void)?) throws -> Captured {
    var captured = Captured()
    // An address the organization or the user excludes makes nothing match, so an item
    // matching the record only through excluded addresses is not captured for it.
    let exclusions = CaptureExclusions(organization: try store.organization(), user: user)
    let addresses = exclusions.applied(
      to: try AddressSetRules(reader: store).addressSet(for: record).addresses)
    // Replies follow the emails tracked on the record, whatever their addresses.
    let trackedHere = mail == nil ? [] : Set(try store.activities(regarding: record)
      .filter { $0.kind == .email }.compactMap(\.messageId))
    guard !addresses.isEmpty || !trackedHere.isEmpty else { return captured }
    let requests = try requestsByItem(user: user, record: record)
    var names = ElsewhereNames(store: store)
    if let mail {
      try captureEmails(mail, addresses: addresses, trackedHere: trackedHere,
                        exclusions: exclusions, record: record, requests: requests,
                        limit: max(0, emailLimit ?? limits.maxEmails), indexing: indexing,
                        names: &names, into: &captured)
      captured.problems += mail.problems.map(\.description)
    }
    if let calendar, !addresses.isEmpty {
      try captureMeetings(calendar, addresses: addresses, record: record, requests: requests,
                          now: now, names: &names, into: &captured)
      captured.problems += calendar.problems.map(\.description)
    }
    return captured
  }

  /// The names a tile of an item tracked elsewhere shows, each record and owner read once.
  struct ElsewhereNames {
    let store: any CRMStore
    var records: [RecordRef: RecordSummary?] = [:]
    var owners: [String: String] = [:]

    /// The records other than `record` that `activity` regards, with its owner's name.
    mutating func elsewhere(_ activity: Activity, record: RecordRef) throws
      -> [TrackedElsewhere] {
      guard !activity.regarding.contains(record) else { return [] }
      var by: String? = nil
      if let owner = activity.owner {
        if owners[owner] == nil { owners[owner] = try store.user(matching: owner)?.name ?? owner }
        by = owners[owner]
      }
      var out: [TrackedElsewhere] = []
      for ref in activity.regarding {
        if records[ref] == nil { records[ref] = .some(try store.recordSummary(ref)) }
        guard let summary = records[ref] ?? nil else { continue }
        out.append(TrackedElsewhere(record: summary, by: by))
      }
      return out
    }
  }

  /// Files a track request for each reply in `user`'s mailbox to an email tracked on a
  /// record, for that record, unless the reply is tracked there already or the user has
  /// asked for it there before (done, pending or failed: a failure is not retried by itself,
  /// and a reply the user took off a record stays off). The sync then carries the requests
  /// out as it does the user's own, through the same capture check.
  ///
  /// Bounded: the `autoTrackScan` newest replies of the mailbox are looked at, each with at
  /// most `MessageReferences.maximumCount` ids.
  func requestReplyTracking(user: User, now: Date) throws {
    guard let mail else { return }
    try mail.refresh()
    let replies = try mail.newestReplies(limit: TimelineService.autoTrackScan)
    let named = Array(Set(replies.flatMap(\.references)))
    guard !named.isEmpty else { return }
    var answered: [String: [Activity]] = [:]
    for activity in try store.emailActivities(messageIds: named) {
      if let messageId = activity.messageId { answered[messageId, default: []].append(activity) }
    }
    guard !answered.isEmpty else { return }
    var trackedAlready: [String: Set<RecordRef>] = [:]
    for activity in try store.emailActivities(messageIds: replies.map(\.messageId)) {
      if let messageId = activity.messageId {
        trackedAlready[messageId, default: []].formUnion(activity.regarding)
      }
    }
    var asked = Set<String>()
    for request in try store.trackRequests(userId: user.id,
                                           states: ["pending", "done", "failed"]) {
      asked.insert("\(request.record) \(request.itemId)")
    }
    let exclusions = CaptureExclusions(organization: try store.organization(), user: user)
    // Oldest first, as a user reading the thread would track them.
    for reply in replies.reversed() {
      if let from = reply.from, exclusions.exclusion(of: from) != nil { continue }
      let itemId = ItemID.mail(messageId: reply.messageId).text
      var records: [RecordRef] = []
      for messageId in reply.references {
        for activity in answered[messageId] ?? [] {
          for ref in activity.regarding where !records.contains(ref) { records.append(ref) }
        }
      }
      for ref in records where !(trackedAlready[reply.messageId]?.contains(ref) ?? false)
        && !asked.contains("\(ref) \(itemId)") {
        _ = try store.requestTracking(userId: user.id, record: ref, itemId: itemId, at: now)
        asked.insert("\(ref) \(itemId)")
      }
    }
  }

  /// How many of the newest replies in the mailbox automatic reply tracking looks at.
  static let autoTrackScan = 200

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
                             trackedHere: Set<String>, exclusions: CaptureExclusions,
                             record: RecordRef, requests: [String: TrackRequest], limit: Int,
                             indexing: (@Sendable (Int, Int) -> Void)?,
                             names: inout ElsewhereNames,
                             into captured: inout Captured) throws {
    try mail.refresh(reporting: indexing)
    var emails = try mail.newestMessages(matching: addresses, limit: limit)
    captured.addresses = addresses
    let byAddressCount = emails.count
    // Replies to mail tracked here count among the newest emails like any other; one that
    // also carries an address of the record is captured by that address. A reply from an
    // excluded address is not captured as a reply.
    var replyTo: [String: [String]] = [:]
    var repliesReachedLimit = false
    if !trackedHere.isEmpty {
      let byAddress = Set(emails.map(\.messageId))
      let replies = try mail.replies(to: trackedHere, limit: limit)
      repliesReachedLimit = replies.count >= limit
      for reply in replies where !byAddress.contains(reply.messageId) {
        if let from = reply.from, exclusions.exclusion(of: from) != nil { continue }
        replyTo[reply.messageId] = reply.references.filter(trackedHere.contains)
        emails.append(reply)
      }
      emails.sort { a, b in a.date != b.date ? a.date > b.date : a.messageId < b.messageId }
    }
    let replyCount = emails.count - byAddressCount
    // Counted only when a limit was reached: fewer found are all there are.
    if byAddressCount < limit && !repliesReachedLimit {
      captured.emailsMatched = emails.count
    } else {
      let bound = TimelineService.emailCountBound(forLimit: limit)
      let byAddress = byAddressCount < limit
        ? byAddressCount : try mail.countMessages(matching: addresses, bound: bound)
      captured.emailsMatched = byAddress + replyCount
      captured.emailsMatchedIsLowerBound = byAddress >= bound || repliesReachedLimit
    }
    if emails.count > limit {
      for dropped in emails[limit...] { replyTo[dropped.messageId] = nil }
      emails.removeLast(emails.count - limit)
    }
    let tracked = try store.emailActivities(
      messageIds: emails.map(\.messageId) + emails.compactMap(\.formerMessageId))
    var byMessageId: [String: Activity] = [:]
    for activity in tracked { if let m = activity.messageId { byMessageId[m] = activity } }
    for email in emails {
      let itemId = ItemID.mail(messageId: email.messageId)
      captured.emails[itemId] = email
      let reason: CaptureReason = replyTo[email.messageId] == nil ? .address : .reply
      if let answered = replyTo[email.messageId] { captured.replies[itemId] = answered }
      if let activity = byMessageId[email.messageId] {
        var item = TimelineService.trackedItem(activity, id: activity.id)
        item.capturedAs = reason
        item.trackedElsewhere = try names.elsewhere(activity, record: record)
        captured.items.append(item)
        captured.activities.insert(activity.id)
        continue
      }
      // Tracked under the synthetic id an older index gave it: the item answers to that id
      // (`capturedId`), so tracking it from another record links the same activity.
      if let former = email.formerMessageId, let activity = byMessageId[former] {
        captured.emails[ItemID.mail(messageId: former)] = email
        captured.formerIds += 1
        var item = TimelineService.trackedItem(activity, id: activity.id)
        item.capturedAs = reason
        item.trackedElsewhere = try names.elsewhere(activity, record: record)
        captured.items.append(item)
        captured.activities.insert(activity.id)
        continue
      }
      let id = itemId.text
      var item = TimelineItem(
        id: id, kind: .email, state: TimelineService.state(of: requests[id]),
        subject: email.subject, at: email.date, messageId: email.messageId, from: email.from,
        fromName: email.fromName, to: email.to, cc: email.cc)
      item.capturedAs = reason
      captured.items.append(item)
    }
  }

  private func captureMeetings(_ calendar: any CalendarSource, addresses: Set<EmailAddress>,
                               record: RecordRef, requests: [String: TrackRequest], now: Date,
                               names: inout ElsewhereNames,
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
        item.capturedAs = .address
        item.trackedElsewhere = try names.elsewhere(activity, record: record)
        captured.items.append(item)
        captured.activities.insert(activity.id)
        continue
      }
      var item = TimelineItem(
        id: id, kind: .appointment, state: TimelineService.state(of: requests[id]),
        subject: meeting.summary, at: meeting.start, end: meeting.end, uid: meeting.uid,
        recurrenceId: meeting.recurrenceId, from: meeting.organizer,
        fromName: meeting.organizerName, organizer: meeting.organizer,
        attendees: meeting.attendees, location: meeting.location, details: meeting.description,
        isAllDay: meeting.isAllDay)
      item.capturedAs = .address
      captured.items.append(item)
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
      guard let mail,
            let email = try captured.emails[itemId]
              ?? olderThanShown(messageId, in: mail, matching: captured.addresses) else {
        // A server that could not be asked may hold it: not known to be off the timeline.
        if let down = mail?.problems.first(where: \.isTransient) { throw down }
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

  /// A message beyond the newest shown that the record's addresses still capture (From, To
  /// or Cc in `addresses`, in a folder that counts): the email limit does not apply at sync
  /// (docs/capture-rules.md), so an item shown by "50 more", or one that aged out of view
  /// while pending, is still copied.
  private func olderThanShown(_ messageId: String, in mail: any MailSource,
                              matching addresses: Set<EmailAddress>) throws -> CapturedEmail? {
    guard let email = try mail.indexedMessage(messageId: messageId) else { return nil }
    let fields = [email.from].compactMap { $0 } + email.to + email.cc
    return fields.contains(where: addresses.contains) ? email : nil
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
