import CaptureCore
import Foundation

/// Which pane has the keyboard.
public enum Pane: Hashable, Sendable { case records, timeline }

/// A screen drawn over the main view; Esc closes it.
public enum Overlay: Hashable, Sendable {
  case help, settings
  /// The files the timeline could not read, in full (the pane has room for one line).
  case problems
  /// Why the selected tile is on the timeline (`w`): `AppState.explanation`.
  case why
  /// A question answered y or n: `AppState.confirmation`.
  case confirm
}

/// A change to shared data that waits for the user's y or n (untrack, move).
public enum Confirmation: Hashable, Sendable {
  case untrack(TimelineItem, from: RecordSummary)
  case move(TimelineItem, from: RecordSummary, to: RecordSummary)

  /// The question the overlay asks.
  public var question: String {
    switch self {
    case .untrack(let item, let from):
      return "Untrack \(Confirmation.describe(item)) from \(from.name)? It leaves this "
        + "record's timeline; if it is on no other record, its owner sees it private again."
    case .move(let item, let from, let to):
      return "Move \(Confirmation.describe(item)) from \(from.name) to \(to.name)?"
    }
  }

  static func describe(_ item: TimelineItem) -> String {
    let subject = item.subject.isEmpty ? "(no subject)" : item.subject
    return "the \(item.kind.displayName.lowercased()) '\(subject)'"
  }
}

/// Picking the record a tracked item moves to (`M`): the records pane and its filter are the
/// picker; what they showed before comes back when the pick is made or cancelled.
public struct MovePlan: Hashable, Sendable {
  public var item: TimelineItem
  public var from: RecordSummary
  public var filter: String
  public var selectedRecord: Int
}

/// A tile's body, loaded lazily from the mailbox when the tile is first expanded.
public enum BodyState: Hashable, Sendable {
  case loading
  case loaded(String)
  case failed(String)
}

/// New messages the mailbox index has read, of those it found.
public struct IndexingProgress: Hashable, Sendable {
  public var done: Int
  public var total: Int
  public init(done: Int, total: Int) { self.done = done; self.total = total }
}

/// A timeline as the app holds it: what was asked for and what came back.
public enum TimelineState: Hashable, Sendable {
  case empty
  case loading(RecordRef)
  case loaded(Timeline)
  case failed(RecordRef, String)
}

/// Everything the screens draw, and nothing they do not: the whole app is a function of it.
public struct AppState: Hashable, Sendable {
  public var user: User
  public var permissions: CapturePermissions
  public var allRecords: [RecordSummary] {
    didSet {
      foldedNames = FoldedNames()
      updateVisibleRecords()
    }
  }
  /// The records-pane filter (`/`): applied as typed, case- and accent-insensitive.
  public var filter: String = "" {
    didSet { if filter != oldValue { updateVisibleRecords() } }
  }
  /// Records that pass the filter, in the store's order (grouped by type). Kept in step with
  /// `allRecords` and `filter` rather than computed when read: every key and frame reads it,
  /// and filtering 100,000 records on each read made a key take 0.8 s.
  public private(set) var visibleRecords: [RecordSummary] = []
  /// `visibleRecords` in runs of one record type (the store lists records type by type):
  /// the records pane's groups.
  public private(set) var visibleGroups: [Range<Int>] = []
  /// `allRecords`' names as `fold` has them, made at the first filter after a load.
  private var foldedNames = FoldedNames()
  public var isEditingFilter = false
  /// Index into `visibleRecords`.
  public var selectedRecord = 0
  public var recordsOffset = 0
  public var focus: Pane = .records
  public var timeline: TimelineState = .empty
  /// Index into the loaded timeline's items.
  public var selectedItem = 0
  public var timelineOffset = 0
  public var expandedItem: String?
  /// Lines scrolled within an expanded body.
  public var bodyScroll = 0
  public var bodies: [String: BodyState] = [:]
  public var overlay: Overlay?
  /// Lines scrolled in the help or problems overlay.
  public var overlayScroll = 0
  /// The settings screen's highlighted row: 0 the personal option, 1 automatic reply
  /// tracking, then (from `firstExclusionRow`) the user's excluded addresses in order.
  public var settingsRow = 0
  /// The settings row of the first excluded address.
  public static let firstExclusionRow = 2
  /// "Track replies to tracked email automatically" while the user has not chosen (the
  /// config file's `track-replies`): `TimelineService.trackRepliesByDefault`.
  public var trackRepliesByDefault = false
  /// The reply-tracking option as it applies to the user now.
  public var tracksReplies: Bool { user.trackReplies ?? trackRepliesByDefault }
  /// Items marked (`m`) to be tracked together by the next `t`, by id.
  public var markedItems: Set<String> = []
  /// One line per timeline item instead of tiles (`v`), as a mail client's index.
  public var compactTimeline = false
  /// The untrack or move waiting for y or n (overlay `.confirm`).
  public var confirmation: Confirmation?
  /// Picking the record to move a tracked item to; nil otherwise.
  public var moving: MovePlan?
  /// Pages of `AppState.emailPage` more emails the open timeline shows than the limit (`+`).
  public var moreEmailPages = 0
  /// How many more emails `+` shows.
  public static let emailPage = 50
  /// The organization's excluded addresses, shown in settings (only an import changes them).
  public var organizationExclusions: [AddressExclusion] = []
  /// The address being typed to exclude (settings, `a`); nil when not typing.
  public var exclusionInput: String?
  /// What the why overlay shows, a line each (`CaptureExplanation.lines`); nil while the
  /// explanation is worked out.
  public var explanation: [String]?
  /// A transient message for the status line (why `t` did nothing, "Tracking requested"...).
  public var message: StatusMessage?
  /// How far the mailbox index's catch-up has got while a timeline loads (the first index
  /// of a large mailbox takes seconds): new messages read, of how many.
  public var indexing: IndexingProgress?
  public var isRunning = true
  /// Terminal size; the screens lay out from it.
  public var width = 80
  public var height = 24

  public init(user: User, permissions: CapturePermissions, records: [RecordSummary]) {
    self.user = user; self.permissions = permissions; self.allRecords = records
    updateVisibleRecords()
  }

  private mutating func updateVisibleRecords() {
    let query = AppState.fold(filter.trimmingCharacters(in: .whitespaces))
    if query.isEmpty {
      visibleRecords = allRecords
    } else {
      if foldedNames.count != allRecords.count {
        foldedNames = FoldedNames(allRecords.lazy.map(\.name))
      }
      // On bytes: both sides are folded, and String.contains is far slower.
      let needle = Array(query.utf8)
      // By index: a record is copied only when it matches.
      let names = foldedNames
      visibleRecords = names.bytes.withUnsafeBufferPointer { bytes in
        (0..<names.count).compactMap { n in
          let range = (n == 0 ? 0 : names.ends[n - 1])..<names.ends[n]
          return AppState.bytes(UnsafeBufferPointer(rebasing: bytes[range]), contain: needle)
            ? allRecords[n] : nil
        }
      }
    }
    visibleGroups = []
    var start = 0
    for index in visibleRecords.indices.dropFirst()
    where !visibleRecords[index].isSameType(as: visibleRecords[index - 1]) {
      visibleGroups.append(start..<index)
      start = index
    }
    if !visibleRecords.isEmpty { visibleGroups.append(start..<visibleRecords.count) }
  }

  public var currentRecord: RecordSummary? {
    let visible = visibleRecords
    return visible.indices.contains(selectedRecord) ? visible[selectedRecord] : nil
  }

  public var items: [TimelineItem] {
    if case .loaded(let t) = timeline { return t.items }
    return []
  }

  /// The files the loaded timeline could not read (unreadable mail, malformed calendars).
  public var problems: [String] {
    if case .loaded(let t) = timeline { return t.problems }
    return []
  }

  public var currentItem: TimelineItem? {
    let items = items
    return items.indices.contains(selectedItem) ? items[selectedItem] : nil
  }

  /// Whether `needle` occurs in `haystack`: a plain scan, as names are short.
  static func bytes(_ haystack: UnsafeBufferPointer<UInt8>, contain needle: [UInt8]) -> Bool {
    guard let first = needle.first, haystack.count >= needle.count else { return needle.isEmpty }
    var start = 0
    while start <= haystack.count - needle.count {
      if haystack[start] == first {
        var n = 1
        while n < needle.count && haystack[start + n] == needle[n] { n += 1 }
        if n == needle.count { return true }
      }
      start += 1
    }
    return false
  }

  /// Case- and accent-insensitive form for matching ("Müller" matches "muller"). Letters
  /// that are not a base letter with a mark, and so keep their form under diacritic
  /// folding, are spelled as a keyboard without them types them: "Ødegaard" matches
  /// "odegaard", "Łódź" "lodz", "Ærø" "aero".
  static func fold(_ s: String) -> String {
    // ASCII has no marks or widths to fold: lowercase is all.
    if s.utf8.allSatisfy({ $0 < 0x80 }) { return s.lowercased() }
    let folded = s.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive],
                           locale: nil)
    guard folded.unicodeScalars.contains(where: { $0.value >= 0xC0 }) else { return folded }
    var out = ""
    for scalar in folded.unicodeScalars {
      if let plain = plainLetters[scalar] {
        out += plain
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// Lowercase letters with no decomposition, as typed without them.
  static let plainLetters: [Unicode.Scalar: String] = [
    "ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i",
    "ß": "ss", "ħ": "h", "ŧ": "t", "ŀ": "l",
  ]
}

extension RecordSummary {
  /// Same record type, custom types by name: one group in the records pane.
  func isSameType(as other: RecordSummary) -> Bool {
    ref.type == other.ref.type && typeDisplayName == other.typeDisplayName
  }
}

/// Names folded for the records filter (`AppState.fold`), as UTF-8 one after another.
///
/// Folding every name at the first filter key went through Foundation, a String per name,
/// and took that key 150 ms on a 100,000-record CRM (release build). Here ASCII is
/// lowercased byte by byte and each other scalar is folded once and remembered, into one
/// buffer: names share few distinct letters. Case, marks and widths fold without context
/// across scalars, so the result is the same; accents written as combining marks (U+0300
/// and the like) go, as they do from a name folded whole, while other marks (a Devanagari
/// vowel sign) are letters of their script and stay.
struct FoldedNames: Hashable, Sendable {
  /// Every folded name's UTF-8, in order.
  private(set) var bytes: [UInt8] = []
  /// Where each name ends in `bytes`.
  private(set) var ends: [Int] = []

  var count: Int { ends.count }

  init() {}

  init(_ names: some Sequence<String>) {
    var memo: [Unicode.Scalar: [UInt8]] = [:]
    for name in names {
      let start = bytes.count
      var isASCII = true
      for byte in name.utf8 {
        if byte >= 0x80 { isASCII = false; break }
        bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
      }
      if !isASCII {
        bytes.removeSubrange(start...)
        for scalar in name.unicodeScalars {
          if scalar.isASCII {
            let byte = UInt8(scalar.value)
            bytes.append(byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte)
          } else if let folded = memo[scalar] {
            bytes += folded
          } else {
            let folded = FoldedNames.fold(scalar)
            memo[scalar] = folded
            bytes += folded
          }
        }
      }
      ends.append(bytes.count)
    }
  }

  /// The `n`th folded name, as a String (for tests).
  func name(_ n: Int) -> String {
    String(decoding: bytes[(n == 0 ? 0 : ends[n - 1])..<ends[n]], as: UTF8.self)
  }

  static func fold(_ scalar: Unicode.Scalar) -> [UInt8] {
    let isAccent = [0x300...0x36F, 0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x20D0...0x20FF,
                    0xFE20...0xFE2F].contains { $0.contains(scalar.value) }
    return isAccent ? [] : Array(AppState.fold(String(scalar)).utf8)
  }
}

/// A line for the status line, with how it should read: the severity picks its style, so the
/// wording is free (aerc's PushStatus, PushWarning and PushError).
public struct StatusMessage: Hashable, Sendable {
  public enum Severity: Hashable, Sendable {
    /// What happened, as asked: "Tracked 1 item".
    case info
    /// What was asked is not allowed or found nothing: "Cannot track: …".
    case warning
    /// Something failed: "Could not sync: …".
    case error
  }

  public var text: String
  public var severity: Severity

  public static func info(_ text: String) -> StatusMessage { .init(text: text, severity: .info) }
  public static func warning(_ text: String) -> StatusMessage {
    .init(text: text, severity: .warning)
  }
  public static func error(_ text: String) -> StatusMessage { .init(text: text, severity: .error) }
}
