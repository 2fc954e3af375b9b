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
  /// Why the user's mailbox or calendar captured it, when it is shown from there.
  public var capturedAs: CaptureReason?
  /// The emails tracked on this record that the item answers (its In-Reply-To or
  /// References names them): why a reply is shown with no address of the record.
  public var repliesTo: [RepliedTo] = []
  /// The other records a tracked item is on, and who tracked it, when it is not on this one.
  public var trackedElsewhere: [TrackedElsewhere] = []

  /// An email tracked on the record that a reply names.
  public struct RepliedTo: Hashable, Sendable {
    public var messageId: String
    /// The activity that tracks it.
    public var activityId: String
    public init(messageId: String, activityId: String) {
      self.messageId = messageId; self.activityId = activityId
    }
  }

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
      ("capturedAs", .optional(capturedAs?.rawValue)),
      ("repliesTo", .array(repliesTo.map { reply in
        .object([("messageId", .string(reply.messageId)), ("activity", .string(reply.activityId))])
      })),
      ("trackedElsewhere", TimelineJSON.trackedElsewhere(trackedElsewhere)),
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
    for reply in repliesTo {
      out.append("reply to tracked email \(reply.messageId) (tracked on this record as "
        + "\(reply.activityId))")
    }
    for elsewhere in trackedElsewhere {
      out.append("\(elsewhere.sentence), not on this record: t links it here too")
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

    // The emails tracked on this record that the item's In-Reply-To or References names.
    var repliesTo: [CaptureExplanation.RepliedTo] = []
    if case .mail(let messageId) = itemId {
      var named = captured.emails[itemId]?.references ?? []
      if captured.emails[itemId] == nil, permissions.viewRefusal == nil {
        named = try mail?.indexedMessage(messageId: messageId)?.references ?? []
      }
      if !named.isEmpty {
        let here = try store.activities(regarding: record)
        for id in named {
          if let activity = here.first(where: { $0.kind == .email && $0.messageId == id }) {
            repliesTo.append(.init(messageId: id, activityId: activity.id))
          }
        }
      }
    }
    if let onTimeline {
      var shown = CaptureExplanation(itemId: text, shown: true, matches: matches, notShown: nil,
                                     trackedActivityId: onTimeline.state == .tracked
                                       && onTimeline.trackedElsewhere.isEmpty
                                       ? onTimeline.activityId : nil)
      shown.capturedAs = onTimeline.capturedAs
      shown.trackedElsewhere = onTimeline.trackedElsewhere
      if onTimeline.capturedAs == .reply { shown.repliesTo = repliesTo }
      return shown
    }
    if let refusal = permissions.viewRefusal {
      notShown = refusal
    } else if notShown == nil, !repliesTo.isEmpty, matches.isEmpty {
      // A reply to mail tracked here needs no address of the record.
      if let from = fields.first(where: { $0.1 == .from })?.0,
         let (entry, isOrganization) = exclusions.exclusion(of: from) {
        notShown = "a reply to tracked email, from an excluded address: \(from.value) "
          + "(excluded by \(isOrganization ? "the organization" : "you")"
          + (entry.text == from.value ? ")" : " as \(entry.text))")
      } else {
        notShown = "older than the \(emailLimit ?? limits.maxEmails) newest"
      }
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
    var hidden = CaptureExplanation(itemId: text, shown: false, matches: matches,
                                    notShown: notShown)
    hidden.repliesTo = repliesTo
    return hidden
  }
}
