import CaptureCore
import Foundation

/// Which pane has the keyboard.
public enum Pane: Hashable, Sendable { case records, timeline }

/// A screen drawn over the main view; Esc closes it.
public enum Overlay: Hashable, Sendable {
  case help, settings
  /// The files the timeline could not read, in full (the pane has room for one line).
  case problems
}

/// A tile's body, loaded lazily from the mailbox when the tile is first expanded.
public enum BodyState: Hashable, Sendable {
  case loading
  case loaded(String)
  case failed(String)
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
  public var allRecords: [RecordSummary]
  /// The records-pane filter (`/`): applied as typed, case- and accent-insensitive.
  public var filter: String = ""
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
  /// The settings screen's highlighted row (one option today).
  public var settingsRow = 0
  /// A transient message for the status line (why `t` did nothing, "Tracking requested"...).
  public var message: String?
  public var isRunning = true
  /// Terminal size; the screens lay out from it.
  public var width = 80
  public var height = 24

  public init(user: User, permissions: CapturePermissions, records: [RecordSummary]) {
    self.user = user; self.permissions = permissions; self.allRecords = records
  }

  /// Records that pass the filter, in the store's order (grouped by type).
  public var visibleRecords: [RecordSummary] {
    let query = AppState.fold(filter.trimmingCharacters(in: .whitespaces))
    guard !query.isEmpty else { return allRecords }
    return allRecords.filter { AppState.fold($0.name).contains(query) }
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

  /// Case- and accent-insensitive form for matching ("Müller" matches "muller"). Letters
  /// that are not a base letter with a mark, and so keep their form under diacritic
  /// folding, are spelled as a keyboard without them types them: "Ødegaard" matches
  /// "odegaard", "Łódź" "lodz", "Ærø" "aero".
  static func fold(_ s: String) -> String {
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
