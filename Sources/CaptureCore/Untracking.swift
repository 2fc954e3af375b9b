import Foundation

/// What untracking or moving did.
public struct UntrackOutcome: Hashable, Sendable {
  /// The activity as it was before (its subject, kind and records, for the words said).
  public var activity: Activity
  /// The audit entry written.
  public var entry: TrackingAuditEntry
  /// True when the activity regarded no record afterwards and was deleted.
  public var deleted: Bool
}

/// Untracking and moving tracked items (issue 22, item 4).
///
/// Who may: the activity's owner (whose mailbox it was tracked from), or a user who linked
/// it to this very record (their own track request from it, or their move to it); for an
/// activity without an owner (imported so), any user whose mailbox allows tracking. Anyone
/// else is refused in words naming who may. Only emails and meetings are untracked or
/// moved: a phone call, task or note has no private copy to fall back to.
extension TimelineService {
  /// Takes the tracked item `itemId` (an activity id, or the captured id `mail:<...>` /
  /// `cal:...` of a tracked item) off `record`, or with `destination` moves it there, and
  /// writes the audit entry. `CRMError.notTracked` when it is not tracked on `record`;
  /// `NotAllowed` when `user` may not.
  @discardableResult
  public func untrack(itemId: String, from record: RecordRef, to destination: RecordRef? = nil,
                      user: User, now: Date) throws -> UntrackOutcome {
    guard let fromSummary = try store.recordSummary(record) else {
      throw CRMError.unknownRecord(record)
    }
    if let destination {
      guard try store.recordSummary(destination) != nil else {
        throw CRMError.unknownRecord(destination)
      }
      if destination == record {
        throw NotAllowed("it is already on \(fromSummary.name): pick another record to move it to")
      }
    }
    let candidates = try trackedActivities(itemId)
    guard let activity = candidates.first(where: { $0.regarding.contains(record) }) else {
      // Shown as tracked here because the user's own mailbox has it, but linked elsewhere.
      if let elsewhere = candidates.first(where: { !$0.regarding.isEmpty }) {
        let names = try elsewhere.regarding.map { try store.recordSummary($0)?.name ?? "\($0)" }
        throw NotAllowed("it is tracked on \(names.joined(separator: ", ")), not on "
          + "\(fromSummary.name): open that record to untrack or move it")
      }
      throw CRMError.notTracked(item: itemId, record: record)
    }
    guard activity.kind == .email || activity.kind == .appointment else {
      throw NotAllowed("a \(activity.kind.displayName.lowercased()) is the CRM's own record, "
        + "not an item tracked from a mailbox: only emails and meetings are untracked or moved")
    }
    if let refusal = try untrackRefusal(activity, on: fromSummary, user: user) {
      throw NotAllowed(refusal)
    }
    let entry = TrackingAuditEntry(at: now, userId: user.id, activityId: activity.id,
                                   itemId: activity.itemId, from: record, to: destination)
    let reason = "taken off this record by \(user.name) after it was requested"
    let deleted = try store.untrack(entry, reason: reason)
    return UntrackOutcome(activity: activity, entry: entry, deleted: deleted)
  }

  /// The tracked activities `itemId` may name: by activity id (an occurrence tile of a
  /// series-level activity, `act-1/20261123T100000Z`, names the series), else by the
  /// Message-ID or UID and recurrence id of a captured id (the occurrence's own first).
  func trackedActivities(_ itemId: String) throws -> [Activity] {
    var candidates: [Activity] = []
    if let activity = try store.activity(id: itemId) {
      candidates = [activity]
    } else if let parsed = ItemID(parsing: itemId) {
      switch parsed {
      case .mail(let messageId):
        candidates = try store.emailActivities(messageIds: [messageId])
      case .meeting(let uid, let recurrenceId):
        let all = try store.appointmentActivities(uids: [uid])
        candidates = all.filter { $0.recurrenceId != nil && $0.recurrenceId == recurrenceId }
          + all.filter { $0.recurrenceId == nil }
      }
    } else if let slash = itemId.firstIndex(of: "/"),
              let series = try store.activity(id: String(itemId[..<slash])) {
      candidates = [series]
    }
    return candidates
  }

  /// Why `user` may not take `activity` off `record`; nil when they may.
  func untrackRefusal(_ activity: Activity, on record: RecordSummary, user: User) throws
    -> String? {
    if activity.owner == user.id { return nil }
    if activity.owner == nil {
      guard let refusal = try permissions(for: user).trackRefusal else { return nil }
      return "it has no owner, so only a user who may track may untrack it (\(refusal))"
    }
    let linkedHere = try store.trackRequests(userId: user.id, states: ["done"]).contains {
      $0.record == record.ref
        && ($0.itemId == activity.itemId || $0.state == .done(activityId: activity.id))
    }
    if linkedHere { return nil }
    let movedHere = try store.auditEntries(itemIds: [activity.itemId]).contains {
      $0.to == record.ref && $0.userId == user.id
    }
    if movedHere { return nil }
    let owner = try activity.owner.flatMap { try store.user(matching: $0)?.name }
      ?? activity.owner ?? ""
    return "only \(owner), who tracked it, or whoever linked it to \(record.name) may "
      + "untrack or move it"
  }

  /// Fills in each item's audit trail, with the names of users and records.
  func attachHistory(_ items: inout [TimelineItem]) throws {
    let ids = items.filter { $0.messageId != nil || $0.uid != nil }.map(capturedId(of:))
    guard !ids.isEmpty else { return }
    let entries = try store.auditEntries(itemIds: ids)
    guard !entries.isEmpty else { return }
    var userNames: [String: String] = [:], recordNames: [RecordRef: String] = [:]
    func userName(_ id: String) throws -> String {
      if let known = userNames[id] { return known }
      let name = try store.user(matching: id)?.name ?? id
      userNames[id] = name
      return name
    }
    func recordName(_ ref: RecordRef) throws -> String {
      if let known = recordNames[ref] { return known }
      let name = try store.recordSummary(ref)?.name ?? ref.description
      recordNames[ref] = name
      return name
    }
    var byItem: [String: [ItemHistory]] = [:]
    for entry in entries {
      byItem[entry.itemId, default: []].append(ItemHistory(
        entry: entry, userName: try userName(entry.userId), fromName: try recordName(entry.from),
        toName: try entry.to.map(recordName)))
    }
    for index in items.indices {
      if let history = byItem[capturedId(of: items[index])] { items[index].history = history }
    }
  }
}
