import CaptureCore
import Foundation

/// A ``CRMStore`` in memory, for testing what sits above the store (`TimelineService`, the
/// app) without a database file. It answers as `SQLiteCRMStore` does: the store contract
/// suite (``CRMStoreContract``) runs against both.
public final class InMemoryCRMStore: CRMStore, @unchecked Sendable {
  private let lock = NSLock()
  private var content: CRMContent
  private var requests: [TrackRequest] = []
  private var audit: [TrackingAuditEntry] = []
  /// Attachment contents by activity id, in attachment order.
  private var attachmentContents: [String: [AttachmentContent]] = [:]

  public init(_ content: CRMContent = CRMContent()) {
    self.content = content
  }

  /// Changes the records in place, as an administrator's import would (a switch turned
  /// off, a mailbox approved).
  public func edit(_ change: (inout CRMContent) -> Void) {
    locked { change(&content) }
  }

  /// The next `count` calls to `completeTracking` throw `error` and store nothing, as a
  /// database locked by another writer does (`CRMError.busy`).
  public func failCompletions(_ count: Int, with error: CRMError) {
    locked { completionFailures = Array(repeating: error, count: count) }
  }

  private var completionFailures: [CRMError] = []

  /// The stored content of an attachment (by its position in the activity), or nil.
  public func attachmentContent(activityId: String, index: Int) -> Data? {
    locked {
      let list = attachmentContents[activityId] ?? []
      return list.indices.contains(index) ? list[index].data : nil
    }
  }

  private func locked<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock(); defer { lock.unlock() }
    return try body()
  }

  // MARK: - CRMReader

  public func account(id: String) throws -> Account? {
    locked { content.accounts.first { $0.id == id } }
  }

  public func contact(id: String) throws -> Contact? {
    locked { content.contacts.first { $0.id == id } }
  }

  public func lead(id: String) throws -> Lead? {
    locked { content.leads.first { $0.id == id } }
  }

  public func opportunity(id: String) throws -> Opportunity? {
    locked { content.opportunities.first { $0.id == id } }
  }

  public func supportCase(id: String) throws -> SupportCase? {
    locked { content.cases.first { $0.id == id } }
  }

  public func customEntityType(name: String) throws -> CustomEntityType? {
    locked { content.customEntityTypes.first { $0.name == name } }
  }

  public func customRecord(type: String, id: String) throws -> CustomRecord? {
    locked { content.customRecords.first { $0.type == type && $0.id == id } }
  }

  public func topContacts(ofAccount accountId: String, limit: Int) throws -> [Contact] {
    locked {
      let children = content.contacts.filter { $0.parentAccount == accountId }.sorted { a, b in
        switch (a.modifiedOn, b.modifiedOn) {
        case let (x?, y?) where x != y: return x > y
        case (.some, nil): return true
        case (nil, .some): return false
        default: return a.id < b.id
        }
      }
      return Array(children.prefix(max(0, limit)))
    }
  }

  // MARK: - Organization, users, records

  // Exclusions come back sorted and once each, as a database store keeps them.
  public func organization() throws -> Organization {
    locked {
      var organization = content.organization
      organization.excludedAddresses = Set(organization.excludedAddresses).sorted()
      return organization
    }
  }

  private static func stored(_ user: User) -> User {
    var user = user
    user.excludedAddresses = Set(user.excludedAddresses).sorted()
    return user
  }

  public func user(matching idOrEmail: String) throws -> User? {
    locked {
      if let user = content.users.first(where: { $0.id == idOrEmail }) {
        return Self.stored(user)
      }
      guard let address = EmailAddress.parse(idOrEmail) else { return nil }
      return content.users.filter { $0.emails.contains(address) }.min { $0.id < $1.id }
        .map(Self.stored)
    }
  }

  public func users() throws -> [User] {
    locked { content.users.sorted { $0.id < $1.id }.map(Self.stored) }
  }

  public func recordSummaries() throws -> [RecordSummary] {
    locked {
      var summaries: [RecordSummary] = []
      for type in RecordType.builtIn {
        summaries += builtInSummaries(of: type).sorted(by: Self.listOrder)
      }
      let typeNames = Set(content.customEntityTypes.map(\.name))
      for typeName in typeNames.sorted() {
        summaries += content.customRecords.filter { $0.type == typeName }
          .compactMap { customSummary($0) }.sorted(by: Self.listOrder)
      }
      return summaries
    }
  }

  public func recordSummary(_ ref: RecordRef) throws -> RecordSummary? {
    locked { summary(ref) }
  }

  public func customEntityTypes() throws -> [CustomEntityType] {
    locked { content.customEntityTypes.sorted { $0.name < $1.name } }
  }

  public func setShowUntracked(userId: String, _ value: Bool) throws {
    try locked {
      guard let index = content.users.firstIndex(where: { $0.id == userId }) else {
        throw CRMError.unknownUser(userId)
      }
      content.users[index].showUntracked = value
    }
  }

  public func setTrackReplies(userId: String, _ value: Bool) throws {
    try locked {
      guard let index = content.users.firstIndex(where: { $0.id == userId }) else {
        throw CRMError.unknownUser(userId)
      }
      content.users[index].trackReplies = value
    }
  }

  public func addExcludedAddress(userId: String, _ exclusion: AddressExclusion) throws {
    try locked {
      guard let index = content.users.firstIndex(where: { $0.id == userId }) else {
        throw CRMError.unknownUser(userId)
      }
      var list = Set(content.users[index].excludedAddresses)
      list.insert(exclusion)
      content.users[index].excludedAddresses = list.sorted()
    }
  }

  @discardableResult
  public func removeExcludedAddress(userId: String, _ exclusion: AddressExclusion) throws -> Bool {
    try locked {
      guard let index = content.users.firstIndex(where: { $0.id == userId }) else {
        throw CRMError.unknownUser(userId)
      }
      let before = content.users[index].excludedAddresses
      content.users[index].excludedAddresses = before.filter { $0 != exclusion }
      return content.users[index].excludedAddresses.count != before.count
    }
  }

  /// By name ignoring ASCII case (SQLite's NOCASE), then by id.
  private static func listOrder(_ a: RecordSummary, _ b: RecordSummary) -> Bool {
    func folded(_ s: String) -> [UInt8] {
      s.utf8.map { (65...90).contains($0) ? $0 + 32 : $0 }
    }
    let fa = folded(a.name), fb = folded(b.name)
    return fa != fb ? fa.lexicographicallyPrecedes(fb) : a.ref.id < b.ref.id
  }

  private func builtInSummaries(of type: RecordType) -> [RecordSummary] {
    func make(_ id: String, _ name: String) -> RecordSummary {
      RecordSummary(ref: RecordRef(type: type, id: id), name: name)
    }
    switch type {
    case .account: return content.accounts.map { make($0.id, $0.name) }
    case .contact: return content.contacts.map { make($0.id, $0.name) }
    case .opportunity: return content.opportunities.map { make($0.id, $0.name) }
    case .lead: return content.leads.map { make($0.id, $0.name) }
    case .case: return content.cases.map { make($0.id, $0.title) }
    case .custom: return []
    }
  }

  private func customSummary(_ record: CustomRecord) -> RecordSummary? {
    guard let type = content.customEntityTypes.first(where: { $0.name == record.type }) else {
      return nil
    }
    return RecordSummary(ref: RecordRef(type: .custom(record.type), id: record.id),
                         name: record.name, typeDisplayName: type.displayName)
  }

  private func summary(_ ref: RecordRef) -> RecordSummary? {
    if case .custom(let typeName) = ref.type {
      return content.customRecords.first { $0.type == typeName && $0.id == ref.id }
        .flatMap(customSummary)
    }
    return builtInSummaries(of: ref.type).first { $0.ref == ref }
  }

  // MARK: - Activities

  /// An activity as lists return it: without its body.
  private static func listed(_ activity: Activity) -> Activity {
    var copy = activity
    copy.body = nil
    return copy
  }

  public func activities(regarding record: RecordRef) throws -> [Activity] {
    locked {
      content.activities.filter { $0.regarding.contains(record) }
        .sorted { $0.at != $1.at ? $0.at > $1.at : $0.id < $1.id }.map(Self.listed)
    }
  }

  public func emailActivities(messageIds: [String]) throws -> [Activity] {
    locked {
      Set(messageIds).sorted().flatMap { messageId in
        content.activities.filter { $0.kind == .email && $0.messageId == messageId }
          .map(Self.listed)
      }
    }
  }

  public func appointmentActivities(uids: [String]) throws -> [Activity] {
    locked {
      Set(uids).sorted().flatMap { uid in
        // A series-level activity (no recurrence id) first, as SQL orders NULL first.
        content.activities.filter { $0.kind == .appointment && $0.uid == uid }.sorted { a, b in
          switch (a.recurrenceId, b.recurrenceId) {
          case let (x?, y?) where x != y: return x < y
          case (nil, .some): return true
          case (.some, nil): return false
          default: return a.id < b.id
          }
        }.map(Self.listed)
      }
    }
  }

  public func activity(id: String) throws -> Activity? {
    locked { content.activities.first { $0.id == id } }
  }

  // MARK: - Tracking

  public func requestTracking(userId: String, record: RecordRef, itemId: String, at: Date) throws
    -> TrackRequest {
    try locked {
      guard content.users.contains(where: { $0.id == userId }) else {
        throw CRMError.unknownUser(userId)
      }
      guard summary(record) != nil else { throw CRMError.unknownRecord(record) }
      if let index = requests.firstIndex(where: {
        $0.userId == userId && $0.record == record && $0.itemId == itemId
      }) {
        switch requests[index].state {
        case .failed:
          requests[index].state = .pending
        case .done(let activityId)
        where !(content.activities.first { $0.id == activityId }?.regarding.contains(record)
          ?? false):
          // Untracked since: asked for anew.
          requests[index].state = .pending
          requests[index].requestedAt = at
        default:
          break
        }
        return requests[index]
      }
      let request = TrackRequest(id: "tr-" + UUID().uuidString.lowercased(), userId: userId,
                                 record: record, itemId: itemId, requestedAt: at)
      requests.append(request)
      return request
    }
  }

  public func trackRequests(userId: String?, states: Set<String>) throws -> [TrackRequest] {
    locked {
      requests.filter { states.contains($0.state.name) && (userId == nil || $0.userId == userId) }
        .sorted { a, b in
          a.requestedAt != b.requestedAt ? a.requestedAt < b.requestedAt : a.id < b.id
        }
    }
  }

  @discardableResult
  public func completeTracking(requestId: String, activity: Activity,
                               attachments: [AttachmentContent]) throws -> String {
    try locked {
      if !completionFailures.isEmpty { throw completionFailures.removeFirst() }
      guard let index = requests.firstIndex(where: { $0.id == requestId }) else {
        throw CRMError.unknownTrackRequest(requestId)
      }
      let request = requests[index]
      if case .done(let doneId) = request.state, !doneId.isEmpty { return doneId }
      let activityId: String
      if let existing = content.activities.firstIndex(where: { Self.sameItem($0, activity) }) {
        activityId = content.activities[existing].id
        if !content.activities[existing].regarding.contains(request.record) {
          content.activities[existing].regarding.append(request.record)
        }
        // Contents arrive for attachments that were listed without them (an import).
        if attachmentContents[activityId] == nil, !attachments.isEmpty,
           attachments.map(\.info.name) == content.activities[existing].attachments.map(\.name) {
          attachmentContents[activityId] = attachments
        }
      } else {
        let stored = activity.stored(for: request.record, attachments: attachments)
        if !attachments.isEmpty { attachmentContents[stored.id] = attachments }
        content.activities.append(stored)
        activityId = stored.id
      }
      requests[index].state = .done(activityId: activityId)
      requests[index].attempts += 1
      return activityId
    }
  }

  @discardableResult
  public func untrack(_ entry: TrackingAuditEntry, reason: String) throws -> Bool {
    try locked {
      guard content.users.contains(where: { $0.id == entry.userId }) else {
        throw CRMError.unknownUser(entry.userId)
      }
      guard let index = content.activities.firstIndex(where: {
        $0.id == entry.activityId && $0.regarding.contains(entry.from)
      }) else {
        throw CRMError.notTracked(item: entry.activityId, record: entry.from)
      }
      if let to = entry.to, summary(to) == nil { throw CRMError.unknownRecord(to) }
      content.activities[index].regarding.removeAll { $0 == entry.from }
      if let to = entry.to, !content.activities[index].regarding.contains(to) {
        content.activities[index].regarding.append(to)
      }
      let deleted = content.activities[index].regarding.isEmpty
      if deleted {
        content.activities.remove(at: index)
        attachmentContents[entry.activityId] = nil
      }
      for n in requests.indices
      where requests[n].record == entry.from && requests[n].itemId == entry.itemId
        && requests[n].state == .pending {
        requests[n].state = .failed(reason: reason)
      }
      audit.append(entry)
      return deleted
    }
  }

  public func auditEntries(itemIds: [String]) throws -> [TrackingAuditEntry] {
    locked {
      let wanted = Set(itemIds)
      // Equal times in the order written; the newest `kept` of each item.
      let sorted = audit.enumerated().filter { wanted.contains($0.element.itemId) }
        .sorted { a, b in
          a.element.at != b.element.at ? a.element.at < b.element.at : a.offset < b.offset
        }.map(\.element)
      var left: [String: Int] = [:]
      return Array(sorted.reversed().filter { entry in
        left[entry.itemId, default: TrackingAuditEntry.kept] -= 1
        return left[entry.itemId, default: 0] >= 0
      }.reversed())
    }
  }

  /// The same tracked item: an email by Message-ID, an appointment by UID and recurrence id.
  private static func sameItem(_ stored: Activity, _ new: Activity) -> Bool {
    guard stored.kind == new.kind else { return false }
    switch new.kind {
    case .email: return new.messageId != nil && stored.messageId == new.messageId
    case .appointment:
      return new.uid != nil && stored.uid == new.uid && stored.recurrenceId == new.recurrenceId
    default: return false
    }
  }

  public func failTracking(requestId: String, reason: String) throws {
    try locked {
      guard let index = requests.firstIndex(where: { $0.id == requestId }) else {
        throw CRMError.unknownTrackRequest(requestId)
      }
      if case .done = requests[index].state { return }
      requests[index].state = .failed(reason: reason)
      requests[index].attempts += 1
    }
  }
}
