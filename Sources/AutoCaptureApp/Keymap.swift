import TerminalUI

/// Where the keyboard is: each context has its own table of bindings.
public enum KeyContext: String, Hashable, Sendable, CaseIterable {
  case records, timeline, filter, help, settings, problems
  /// The why overlay (`w`), which scrolls like help.
  case why
  /// Typing an address to exclude in the settings overlay (`a`).
  case exclusionInput
  /// A y/n question (untrack, move).
  case confirm
}

/// One key binding: the keys, the command they run, and the words for hints and help.
public struct KeyBinding: Hashable, Sendable {
  public var keys: [KeyEvent]
  public var command: Command
  /// Short label for the status line ("track"); nil keeps it out of the hints.
  public var hint: String?
  /// A sentence for the help overlay.
  public var help: String

  public init(_ keys: [KeyEvent], _ command: Command, hint: String? = nil, help: String) {
    self.keys = keys; self.command = command; self.hint = hint; self.help = help
  }

  /// The keys as shown to people: `j/↓`.
  public var keyNames: String { keys.map(\.displayName).joined(separator: "/") }
}

/// The one keymap table: every key the app understands, per context.
///
/// The same table drives input, the help overlay and the status-line hints, so they cannot
/// disagree (lazygit's bindings carry their description).
public enum Keymap {
  static let movement: [KeyBinding] = [
    KeyBinding([.character("j"), .down], .moveDown, help: "Move down"),
    KeyBinding([.character("k"), .up], .moveUp, help: "Move up"),
    KeyBinding([.character("g"), .home], .top, help: "Top/open tile top"),
    KeyBinding([.character("G"), .end], .bottom, help: "Bottom/open tile end"),
    KeyBinding([.pageDown, .ctrl("d")], .pageDown, help: "Page down/scroll tile"),
    KeyBinding([.pageUp, .ctrl("u")], .pageUp, help: "Page up"),
  ]

  static let global: [KeyBinding] = [
    KeyBinding([.tab, .backTab], .switchPane, hint: "pane", help: "Switch pane"),
    KeyBinding([.character("/")], .startFilter, hint: "filter",
               help: "Filter records"),
    KeyBinding([.character("o")], .openSettings, hint: "settings", help: "Settings"),
    KeyBinding([.character("r"), .function(5)], .refresh, help: "Refresh, sync now"),
    KeyBinding([.character("!")], .problems, help: "Unreadable files"),
    KeyBinding([.character("?")], .help, hint: "help", help: "This help"),
    KeyBinding([.character("q"), .ctrl("c")], .quit, hint: "quit", help: "Quit"),
    suspend,
    KeyBinding([.escape], .close, help: "Close/collapse/clear"),
  ]

  /// Ctrl-Z works in every context, overlays and filter typing included, as in a shell.
  static let suspend = KeyBinding([.ctrl("z")], .suspend, help: "Suspend (fg resumes)")

  static let filtering: [KeyBinding] = [
    KeyBinding([.enter], .acceptFilter, hint: "keep", help: "Keep the filter"),
    KeyBinding([.escape], .cancelFilter, hint: "clear", help: "Clear the filter"),
    KeyBinding([.backspace], .deleteFilterCharacter, help: "Delete (empty: close)"),
    KeyBinding([.ctrl("w")], .deleteFilterWord, help: "Delete a word"),
    KeyBinding([.ctrl("u")], .clearFilterText, help: "Delete all text"),
    KeyBinding([.down], .moveDown, help: "Next match"),
    KeyBinding([.up], .moveUp, help: "Previous match"),
  ]

  /// The only keys that work while the terminal is too small to draw the app: what they
  /// would act on is not shown (a `t` would track an email unseen, a `q` typed into a hidden
  /// filter), and the notice promises that q quits.
  static let tooSmall: [KeyBinding] = [
    KeyBinding([.character("q"), .ctrl("c")], .quit, help: "Quit"),
    suspend,
  ]

  /// The records pane's own keys (help lists these under "Records pane").
  static let recordsPane: [KeyBinding] = [
    KeyBinding([.character("l"), .right, .enter], .focusTimeline, hint: "timeline",
               help: "Open the timeline"),
  ]

  /// The timeline pane's own keys.
  static let timelinePane: [KeyBinding] = [
    KeyBinding([.enter, .character(" ")], .toggleExpand, hint: "open",
               help: "Expand/collapse tile"),
    KeyBinding([.character("t")], .track, hint: "track", help: "Track (share it)"),
    // No hint: the status line has no room left at 80 columns; help lists it.
    KeyBinding([.character("w")], .explain, help: "Why is this here?"),
    KeyBinding([.character("h"), .left], .focusRecords, hint: "records",
               help: "Back to records"),
    KeyBinding([.character("m")], .toggleMark, help: "Mark for tracking"),
    KeyBinding([.character("v")], .toggleCompactTimeline, help: "One line/tiles"),
    KeyBinding([.character("u")], .untrack, help: "Untrack (asks first)"),
    KeyBinding([.character("M")], .startMove, help: "Move to a record"),
    KeyBinding([.character("+")], .loadMoreEmails, help: "50 more emails"),
  ]

  /// The settings overlay's own keys.
  static let settingsOverlay: [KeyBinding] = [
    KeyBinding([.character(" "), .enter], .toggleOption, hint: "toggle",
               help: "Toggle, saved at once"),
    KeyBinding([.character("a")], .addExclusion, hint: "exclude",
               help: "Exclude an address"),
    KeyBinding([.character("d"), .delete], .removeExclusion, hint: "remove",
               help: "Remove an exclusion"),
    KeyBinding([.escape, .character("o")], .close, hint: "close", help: "Close settings"),
  ]

  /// Typing an address to exclude (settings, `a`). Left out of help, which has no room at
  /// 80×24: the status line shows these keys while the prompt is open.
  static let exclusionTyping: [KeyBinding] = [
    KeyBinding([.enter], .acceptExclusion, hint: "exclude", help: "Exclude it, saved at once"),
    KeyBinding([.escape], .cancelExclusion, hint: "cancel", help: "Cancel"),
    KeyBinding([.backspace], .deleteExclusionCharacter, help: "Delete"),
  ]

  /// A y/n question: only these keys (and quitting) answer it.
  static let confirming: [KeyBinding] = [
    KeyBinding([.character("y")], .confirmYes, hint: "yes", help: "Yes, do it"),
    KeyBinding([.character("n"), .escape], .confirmNo, hint: "no", help: "No, leave it"),
  ]

  /// The bindings of a context, in the order help lists them.
  public static func bindings(for context: KeyContext) -> [KeyBinding] {
    switch context {
    case .records:
      // t in the records pane says where tracking happens rather than doing nothing.
      return recordsPane + [KeyBinding([.character("t")], .track, help: "Track (in the timeline)")]
        + movement + global
    case .timeline:
      return timelinePane + movement + global
    case .filter:
      // q is text here; Ctrl-C still quits, as help says it does anywhere.
      return filtering + [KeyBinding([.ctrl("c")], .quit, help: "Quit"), suspend]
    case .help:
      return scrollingOverlay(closedBy: .character("?"), help: "Close help")
    case .problems:
      return scrollingOverlay(closedBy: .character("!"), help: "Close the list")
    case .why:
      return scrollingOverlay(closedBy: .character("w"), help: "Close")
    case .exclusionInput:
      // Letters are text here; Ctrl-C still quits.
      return exclusionTyping + [KeyBinding([.ctrl("c")], .quit, help: "Quit"), suspend]
    case .confirm:
      return confirming + [KeyBinding([.ctrl("c")], .quit, help: "Quit"), suspend]
    case .settings:
      // The movement keys go from row to row (the option, then each excluded address).
      return settingsOverlay + movement + [
        KeyBinding([.character("q"), .ctrl("c")], .quit, help: "Quit"),
        suspend,
      ]
    }
  }

  /// An overlay that scrolls with the movement keys: Esc or the key that opened it closes
  /// it, and q quits as everywhere.
  static func scrollingOverlay(closedBy key: KeyEvent, help: String) -> [KeyBinding] {
    [
      KeyBinding([.escape, key], .close, hint: "close", help: help),
      KeyBinding([.character("j"), .down], .moveDown, hint: "scroll", help: "Scroll"),
      KeyBinding([.character("q"), .ctrl("c")], .quit, hint: "quit", help: "Quit"),
    ] + movement + [suspend]
  }

  /// The help overlay's sections: each key once, under where it works.
  public static var helpSections: [(title: String, bindings: [KeyBinding])] {
    // In two columns of about the same height (`Screens.drawHelp` splits after the third),
    // so every key shows at once from 80×28.
    [
      ("Move (panes, lists, overlays)", movement),
      ("Settings (o)", settingsOverlay),
      ("While filtering (/)", filtering),
      // One section for both panes keeps every key on one 80×24 screen.
      ("Records pane, then timeline pane", recordsPane + timelinePane),
      ("Anywhere", global),
    ]
  }

  /// The context the state is in.
  public static func context(of state: AppState) -> KeyContext {
    switch state.overlay {
    case .help?: return .help
    case .settings? where state.exclusionInput != nil: return .exclusionInput
    case .settings?: return .settings
    case .problems?: return .problems
    case .why?: return .why
    case .confirm?: return .confirm
    case nil: break
    }
    if state.isEditingFilter { return .filter }
    return state.focus == .records ? .records : .timeline
  }

  /// The action a key asks for in the state's context; typing in the filter becomes text.
  public static func action(for key: KeyEvent, in state: AppState) -> Action? {
    if case .resize(let size) = key { return .resized(width: size.width, height: size.height) }
    if key == .hangup { return .command(.quit) }
    guard Screens.fits(state) else {
      return tooSmall.first { $0.keys.contains(key) }.map { .command($0.command) }
    }
    let context = context(of: state)
    if let binding = bindings(for: context).first(where: { $0.keys.contains(key) }) {
      return .command(binding.command)
    }
    if context == .filter, case .character(let c) = key { return .filterInput(String(c)) }
    if context == .exclusionInput, case .character(let c) = key {
      return .exclusionInput(String(c))
    }
    return nil
  }

  /// Hints for the status line in the state's context, leaving out `t` when tracking is
  /// not allowed (pressing it still says why) and Enter and `t` when no tile is selected;
  /// on the open tile, Enter says it closes.
  public static func hints(for state: AppState) -> [KeyHint] {
    let context = context(of: state)
    let noTile = context == .timeline && state.currentItem == nil
    let canTrack = state.permissions.trackRefusal == nil && !noTile
    let onExclusion = state.settingsRow >= AppState.firstExclusionRow
    let onOpenTile = context == .timeline && state.expandedItem != nil
      && state.expandedItem == state.currentItem?.id
    return bindings(for: context).compactMap { b in
      guard canTrack || b.command != .track else { return nil }
      guard !noTile || b.command != .toggleExpand else { return nil }
      guard onExclusion || b.command != .removeExclusion else { return nil }
      var label = b.command == .toggleExpand && onOpenTile ? "close" : b.hint
      // Picking the record to move to: Enter moves there, Esc leaves it where it is.
      if state.moving != nil, b.command == .acceptFilter { label = "move here" }
      if state.moving != nil, b.command == .cancelFilter { label = "cancel move" }
      return label.map { KeyHint(key: b.keys[0].displayName, label: $0) }
    }
  }
}
