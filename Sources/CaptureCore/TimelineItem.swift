import Foundation

/// Whether an item on the timeline is shared, private, or on its way to being shared.
public enum ItemState: Hashable, Sendable {
  case tracked
  case untracked
  case pending
  case failed(reason: String)

  /// The contract name (docs/commands.md): `tracked`, `untracked`, `pending`, `failed`.
  public var name: String {
    switch self {
    case .tracked: return "tracked"
    case .untracked: return "untracked"
    case .pending: return "pending"
    case .failed: return "failed"
    }
  }

  /// Private to its owner: not yet asked for, or asked for and failed (`t` retries).
  public var isPrivate: Bool {
    switch self {
    case .untracked, .failed: return true
    case .tracked, .pending: return false
    }
  }
}

/// Why the user's own mailbox or calendar put an item on a record's timeline.
public enum CaptureReason: String, Hashable, Sendable {
  /// An address of the record's set is on it (From, To, Cc, organizer, attendee).
  case address
  /// No address of the record need be on it: it answers an email tracked on the record
  /// (its In-Reply-To or References names that email's Message-ID).
  case reply
}

/// Another record a tracked activity regards, and who tracked it: what a tile of an item
/// tracked elsewhere says ("Tracked by Eli Park on Contoso"). That an activity exists in
/// the CRM and which records it regards is visible to the whole team already.
public struct TrackedElsewhere: Hashable, Sendable {
  public var record: RecordSummary
  /// The owner's name (their id when the user is gone); nil for an activity without owner.
  public var by: String?
  public init(record: RecordSummary, by: String?) { self.record = record; self.by = by }

  /// "Tracked by Eli Park on Contoso", "Tracked on Contoso".
  public var sentence: String {
    "Tracked " + (by.map { "by \($0) " } ?? "") + "on \(record.name)"
  }

  /// The first of `list` as a sentence, with how many more: "Tracked by Eli Park on
  /// Contoso (+1 more)"; nil for none.
  public static func summary(_ list: [TrackedElsewhere]) -> String? {
    guard let first = list.first else { return nil }
    return first.sentence + (list.count > 1 ? " (+\(list.count - 1) more)" : "")
  }

  /// What tracking such an item does, said on the status line and by `track`: "Linking to
  /// this record; already tracked by Eli Park on Contoso"; nil for none.
  public static func linkingNote(_ list: [TrackedElsewhere]) -> String? {
    guard let summary = summary(list) else { return nil }
    return "Linking to this record; already " + summary.prefix(1).lowercased()
      + summary.dropFirst()
  }
}

/// One tile of a record's timeline: a tracked activity or a captured mailbox item.
public struct TimelineItem: Hashable, Sendable, Identifiable {
  /// Stable across runs: the activity id for tracked items, `mail:<message-id>` for
  /// captured emails, `cal:<uid>/<recurrence-id as yyyyMMdd'T'HHmmss'Z'>` for meetings
  /// (`cal:<uid>` for a single event).
  public var id: String
  public var kind: ActivityKind
  public var state: ItemState
  public var subject: String
  /// When it happened (email date, meeting start, activity time).
  public var at: Date
  public var end: Date?
  public var messageId: String?
  public var uid: String?
  public var recurrenceId: Date?
  public var from: EmailAddress?
  /// The display name of the sender or organizer, for the tile's counterpart.
  public var fromName: String?
  public var to: [EmailAddress]
  public var cc: [EmailAddress]
  /// Nil unless tracked (untracked tiles show neither direction nor attachments).
  public var direction: Direction?
  public var hasAttachments: Bool?
  public var attachments: [AttachmentInfo]
  public var organizer: EmailAddress?
  public var attendees: [EmailAddress]
  public var location: String?
  /// A meeting's description, for the expanded tile (bodies of emails load on demand).
  public var details: String?
  /// The tracked activity behind this item, when there is one.
  public var activityId: String?
  public var isAllDay: Bool
  /// Why the user's own mailbox or calendar captured it for this record; nil when only the
  /// CRM puts it here (a tracked activity this user's sources do not capture).
  public var capturedAs: CaptureReason?
  /// For a tracked item that does not regard this record: the records it does regard, and
  /// who tracked it; empty otherwise. `t` links it to this record too.
  public var trackedElsewhere: [TrackedElsewhere] = []
  /// The item's audit trail, oldest first: who took it off or moved it between records.
  public var history: [ItemHistory] = []

  public init(id: String, kind: ActivityKind, state: ItemState, subject: String, at: Date,
              end: Date? = nil, messageId: String? = nil, uid: String? = nil,
              recurrenceId: Date? = nil, from: EmailAddress? = nil, fromName: String? = nil,
              to: [EmailAddress] = [], cc: [EmailAddress] = [], direction: Direction? = nil,
              hasAttachments: Bool? = nil, attachments: [AttachmentInfo] = [],
              organizer: EmailAddress? = nil, attendees: [EmailAddress] = [],
              location: String? = nil, details: String? = nil, activityId: String? = nil,
              isAllDay: Bool = false) {
    self.id = id; self.kind = kind; self.state = state; self.subject = subject; self.at = at
    self.end = end; self.messageId = messageId; self.uid = uid; self.recurrenceId = recurrenceId
    self.from = from; self.fromName = fromName; self.to = to; self.cc = cc
    self.direction = direction; self.hasAttachments = hasAttachments
    self.attachments = attachments; self.organizer = organizer; self.attendees = attendees
    self.location = location; self.details = details; self.activityId = activityId; self.isAllDay = isAllDay
  }

  /// Untracked, pending and failed items are still private to their owner.
  public var isPrivate: Bool { state != .tracked }
}

/// A record's timeline for one user at one moment.
public struct Timeline: Hashable, Sendable {
  public var record: RecordSummary
  /// Why untracked items are withheld, in words; nil when nothing is withheld.
  public var notice: String?
  /// Newest first.
  public var items: [TimelineItem]
  /// Problems met while reading the mailbox or calendar (file and reason), not fatal.
  public var problems: [String]
  /// The emails of the user's mailbox on this timeline, and how many match the record in
  /// all ("50 newest of 312"); both 0 without a mailbox or when untracked mail is withheld.
  public var emailsShown = 0
  public var emailsMatched = 0
  /// True when counting stopped at its bound (`TimelineService.emailCountStep`): at least
  /// that many.
  public var emailsMatchedIsLowerBound = false
  public init(record: RecordSummary, notice: String?, items: [TimelineItem], problems: [String] = []) {
    self.record = record; self.notice = notice; self.items = items; self.problems = problems
  }

  /// Whether the mailbox holds more matching emails than the timeline shows.
  public var hasMoreEmails: Bool { emailsMatched > emailsShown }
}

/// An audit entry as a tile shows it: the names of the user and records, not their ids.
public struct ItemHistory: Hashable, Sendable {
  public var entry: TrackingAuditEntry
  public var userName: String
  public var fromName: String
  /// The destination's name for a move.
  public var toName: String?
  public init(entry: TrackingAuditEntry, userName: String, fromName: String, toName: String?) {
    self.entry = entry; self.userName = userName; self.fromName = fromName; self.toName = toName
  }

  /// "moved from Fabrikam to 50 printers by Dana Reyes", "untracked from Fabrikam by Eli".
  public var text: String {
    if let toName { return "moved from \(fromName) to \(toName) by \(userName)" }
    return "untracked from \(fromName) by \(userName)"
  }
}

/// The two capture limits (docs/capture-rules.md "Limits"); settings with these defaults.
public struct CaptureLimits: Hashable, Sendable {
  public var maxEmails: Int
  public var meetingWindow: TimeInterval
  public init(maxEmails: Int = 50, meetingWindow: TimeInterval = 72 * 3600) {
    self.maxEmails = maxEmails; self.meetingWindow = meetingWindow
  }
}

/// What the current user may do with untracked items, and why not when not.
public struct CapturePermissions: Hashable, Sendable {
  /// Nil when untracked items may be shown; else the notice that says why not.
  public var viewRefusal: String?
  /// Nil when the user may open untracked items; else why not.
  public var openRefusal: String?
  /// Nil when the user may track; else why not.
  public var trackRefusal: String?
  /// Whether the personal option is offered at all (the organization switch is on).
  public var personalOptionOffered: Bool

  public init(viewRefusal: String?, openRefusal: String?, trackRefusal: String?,
              personalOptionOffered: Bool) {
    self.viewRefusal = viewRefusal; self.openRefusal = openRefusal
    self.trackRefusal = trackRefusal; self.personalOptionOffered = personalOptionOffered
  }
}
