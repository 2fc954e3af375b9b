import Foundation

/// Why an item of the user's own mailbox or calendar is, or is not, on a record's timeline
/// (`autocapture why`, the TUI's `w`).
public struct CaptureExplanation: Hashable, Sendable {
  /// Where on the item an address was found.
  public enum Field: String, Hashable, Sendable {
    case from, to, cc, organizer, attendee
  }

  /// An address of the item that is in the record's address set and not excluded: one the
  /// capture rules match on.
  public struct Match: Hashable, Sendable {
    public var address: EmailAddress
    public var field: Field
    /// Why the address is in the record's set (`AddressSetRules`' reasons, joined by `; `).
    public var reason: String
    public init(address: EmailAddress, field: Field, reason: String) {
      self.address = address; self.field = field; self.reason = reason
    }
  }

  /// The item id asked about.
  public var itemId: String
  public var shown: Bool
  public var matches: [Match]
  /// Why the item is not on the timeline, in words; nil when it is.
  public var notShown: String?
  /// The activity that puts the item on this record when it is tracked here: a tracked item
  /// is shown whatever its addresses.
  public var trackedActivityId: String?

  public init(itemId: String, shown: Bool, matches: [Match], notShown: String?,
              trackedActivityId: String? = nil) {
    self.itemId = itemId; self.shown = shown; self.matches = matches; self.notShown = notShown
    self.trackedActivityId = trackedActivityId
  }

  /// docs/commands.md's `why --json`.
  public var json: JSONOutput {
    .object([
      ("shown", .bool(shown)),
      ("matches", .array(matches.map { match in
        .object([
          ("address", .string(match.address.value)),
          ("field", .string(match.field.rawValue)),
          ("reason", .string(match.reason)),
        ])
      })),
      ("notShown", .optional(notShown)),
    ])
  }

  /// The explanation as lines for people: what `why` prints and the TUI's overlay shows.
  public var lines: [String] {
    var out: [String] = []
    if shown {
      out.append(trackedActivityId.map { "shown: tracked on this record as \($0)" } ?? "shown")
    } else {
      out.append("not shown: \(notShown ?? "not captured")")
    }
    for match in matches {
      out.append("\(match.field.rawValue) \(match.address.value): \(match.reason)")
    }
    return out
  }
}

extension TimelineService {
  /// Why the item `itemId` (`mail:<message-id>` or `cal:...`) of `user`'s own mailbox or
  /// calendar is or is not on `record`'s timeline at `now`.
  ///
  /// Whether it is shown is the timeline's own answer (the same capture code, limits and
  /// permissions); the rest reads the item's addresses against the record's address set and
  /// the exclusions. An id that is in neither the mailbox nor the calendar, nor tracked on
  /// the timeline, is `CRMError.unknownItem`. `emailLimit` is the timeline's, when it shows
  /// more than `limits.maxEmails` (the TUI's `+`).
  public func explain(itemId text: String, record: RecordRef, user: User, now: Date,
                      emailLimit: Int? = nil) throws -> CaptureExplanation {
    guard let itemId = ItemID(parsing: text) else {
      throw CRMError.invalid(
        "'\(text)' is not an item id (mail:<message-id>, cal:<uid> or cal:<uid>/<time>)")
    }
    let (timeline, captured, permissions) = try timelineAndCapture(
      for: record, user: user, now: now, emailLimit: emailLimit, indexing: nil)
    let onTimeline = timeline.items.first { capturedId(of: $0) == itemId.text }
    let set = try AddressSetRules(reader: store).addressSet(for: record)
    let exclusions = CaptureExclusions(organization: try store.organization(), user: user)

    // The item's addresses by field, as capture read them, else as the index, the calendar
    // or the tracked activity has them. Nothing is looked up when the user may not see
    // untracked items: the refusal is the answer.
    var fields: [(EmailAddress, CaptureExplanation.Field)] = []
    var notShown: String?
    var outsideWindow: String?
    let looksFurther = onTimeline == nil && permissions.viewRefusal == nil
    switch itemId {
    case .mail(let messageId):
      var header = captured.emails[itemId]
      if header == nil, looksFurther {
        header = try mail?.indexedMessage(messageId: messageId)
        if header == nil {
          guard let folder = try mail?.excludedFolder(holding: messageId) else {
            throw CRMError.unknownItem(text)
          }
          notShown = "excluded folder \(folder)"
        }
      }
      if let header {
        fields = (header.from.map { [($0, .from)] } ?? []) + header.to.map { ($0, .to) }
          + header.cc.map { ($0, .cc) }
      } else if let onTimeline {
        fields = (onTimeline.from.map { [($0, .from)] } ?? []) + onTimeline.to.map { ($0, .to) }
          + onTimeline.cc.map { ($0, .cc) }
      }
    case .meeting(let uid, let recurrenceId):
      var meeting = captured.meetings[itemId]
      if meeting == nil, looksFurther {
        // Where the occurrence is, whatever the window: within a year of its original
        // start, or for a single event within ten years of now.
        let year: TimeInterval = 366 * 24 * 3600
        let center = recurrenceId ?? now
        let span = recurrenceId == nil ? 10 * year : year
        let found = try calendar?.meetings(
          uid: uid, startingIn: center.addingTimeInterval(-span)...center.addingTimeInterval(span),
          timeZone: timeZone
        ).first { $0.recurrenceId == recurrenceId }
        guard let found else { throw CRMError.unknownItem(text) }
        if !meetingWindow(around: now).contains(found.start) {
          let hours = Int(limits.meetingWindow / 3600)
          outsideWindow = "outside the meeting window (starts \(ISO8601.format(found.start)), "
            + "more than \(hours) hours from now)"
        }
        meeting = found
      }
      if let meeting {
        fields = (meeting.organizer.map { [($0, .organizer)] } ?? [])
          + meeting.attendees.map { ($0, .attendee) }
      } else if let onTimeline {
        fields = (onTimeline.organizer.map { [($0, .organizer)] } ?? [])
          + onTimeline.attendees.map { ($0, .attendee) }
      }
    }

    let reasons = Dictionary(set.entries.map { ($0.address, $0.reasons) },
                             uniquingKeysWith: { a, _ in a })
    var seen = Set<String>()
    var inSet: [(EmailAddress, CaptureExplanation.Field)] = []
    for (address, field) in fields where reasons[address] != nil
      && seen.insert("\(field.rawValue) \(address.value)").inserted {
      inSet.append((address, field))
    }
    let matches = inSet.filter { exclusions.exclusion(of: $0.0) == nil }.map { address, field in
      CaptureExplanation.Match(address: address, field: field,
                               reason: (reasons[address] ?? []).joined(separator: "; "))
    }

    if let onTimeline {
      return CaptureExplanation(itemId: text, shown: true, matches: matches, notShown: nil,
                                trackedActivityId: onTimeline.state == .tracked
                                  ? onTimeline.activityId : nil)
    }
    if let refusal = permissions.viewRefusal {
      notShown = refusal
    } else if notShown == nil {
      if inSet.isEmpty {
        notShown = "no address of the record"
      } else if matches.isEmpty {
        let named = inSet.map(\.0).reduce(into: [EmailAddress]()) {
          if !$0.contains($1) { $0.append($1) }
        }.map { address -> String in
          guard let (entry, isOrganization) = exclusions.exclusion(of: address) else {
            return address.value
          }
          let whose = isOrganization ? "the organization" : "you"
          return entry.text == address.value ? "\(address.value) (excluded by \(whose))"
            : "\(address.value) (excluded by \(whose) as \(entry.text))"
        }
        notShown = "an excluded address: " + named.joined(separator: ", ")
      } else if let outsideWindow {
        notShown = outsideWindow
      } else if case .mail = itemId {
        notShown = "older than the \(emailLimit ?? limits.maxEmails) newest"
      } else {
        notShown = "not captured"
      }
    }
    return CaptureExplanation(itemId: text, shown: false, matches: matches, notShown: notShown)
  }
}
