import CaptureCore
import Foundation
import TerminalUI

/// A named thing the user can ask for; keys map to these through the `Keymap`.
public enum Command: String, Hashable, Sendable, CaseIterable {
  case moveDown, moveUp, top, bottom, pageDown, pageUp
  case switchPane, focusRecords, focusTimeline
  case toggleExpand, track, openSettings, startFilter, refresh, help, problems, quit, close
  case suspend
  case toggleOption
  case toggleCompactTimeline
  case toggleMark
  case acceptFilter, cancelFilter, deleteFilterCharacter, deleteFilterWord, clearFilterText
  /// Why the selected tile is, or a captured item is, on the timeline (`w`).
  case explain
  /// Settings: start typing an address to exclude; exclude it; cancel; delete a character;
  /// take the highlighted excluded address off the list.
  case addExclusion, acceptExclusion, cancelExclusion, deleteExclusionCharacter
  case removeExclusion
  /// Take the selected tracked item off this record (asks first); move it to another record
  /// (picks the record, then asks); answer the question.
  case untrack
  case startMove
  case confirmYes, confirmNo
  /// Show `AppState.emailPage` more of the newest emails (`+`).
  case loadMoreEmails

  /// The commands that move a cursor or scroll.
  var isMovement: Bool {
    [.moveDown, .moveUp, .top, .bottom, .pageDown, .pageUp].contains(self)
  }
}

/// Everything that can happen to the app: a command, filter typing, or a service's answer.
public enum Action: Hashable, Sendable {
  case command(Command)
  /// Text typed into the records filter.
  case filterInput(String)
  /// Text typed into the settings' exclusion prompt.
  case exclusionInput(String)
  case resized(width: Int, height: Int)
  case timelineLoaded(RecordRef, Timeline)
  case timelineFailed(RecordRef, String)
  case bodyLoaded(itemId: String, String)
  case bodyFailed(itemId: String, String)
  case trackRequested(itemId: String)
  case trackRefused(itemId: String, String)
  /// Several marked items asked for at once: how many were requested, and why the others
  /// were refused.
  case batchTrackAnswered(requested: Int, refusals: [String])
  /// Sync finished; the timeline is reloaded to show new states. `detail` is the first
  /// failure's details (which file, why), shown to this user only: the tile shows the
  /// reason stored for everyone.
  case syncFinished(tracked: Int, failed: Int, detail: String? = nil)
  case settingsSaved(User, CapturePermissions)
  case settingsFailed(String)
  /// "Track replies to tracked email automatically" was stored and the user read back.
  case trackRepliesSaved(User)
  /// The user's excluded addresses were changed (`saved` says how) and read back.
  case exclusionsSaved(User, saved: String)
  case explained(itemId: String, lines: [String])
  case explainFailed(itemId: String, String)
  /// The screens scrolled to keep the selection visible; remembered for the next frame.
  case viewport(recordsOffset: Int, timelineOffset: Int, bodyScroll: Int, overlayScroll: Int)
  case syncFailed(String)
  /// `r` could not read the records, user or permissions again.
  case reloadFailed(String)
  /// Someone (this user included) stored or linked a tracked activity for these records.
  case activityStored([RecordRef])
  /// The shared database's live feed lost its connection (why), or got it back (nil).
  case feedConnection(String?)
  /// The mailbox index's catch-up before a timeline: new messages read, of how many.
  case indexing(done: Int, total: Int)
  /// An untrack or move was done (the words say what), or refused or failed (why).
  case untrackDone(String)
  case untrackFailed(String)
  /// Records, the user and what they may do, read again (`r`).
  case recordsLoaded([RecordSummary], User, CapturePermissions)
}

/// Work the run loop performs against the services, off the input path where slow.
public enum Effect: Hashable, Sendable {
  case loadTimeline(RecordRef)
  case loadBody(TimelineItem)
  /// Ask to track these items to the record (one, or the marked ones).
  case track([TimelineItem], RecordRef)
  case saveShowUntracked(Bool)
  /// Store "Track replies to tracked email automatically".
  case saveTrackReplies(Bool)
  /// Remember the timeline's view for the next start.
  case saveCompactTimeline(Bool)
  case addExcludedAddress(AddressExclusion)
  case removeExcludedAddress(AddressExclusion)
  /// Works out why the item (by its captured id) is on the record's timeline.
  case explain(itemId: String, RecordRef)
  case syncNow
  case reloadRecords
  /// Give the terminal back and stop the process (Ctrl-Z); the shell's `fg` resumes it.
  case suspendToShell
  /// Take the tracked item off the record, or move it to `to`.
  case untrack(TimelineItem, from: RecordRef, to: RecordRef?)
}

/// The app's only state transition: pure, so tests send actions and compare whole states.
public func reduce(_ state: inout AppState, _ action: Action) -> [Effect] {
  switch action {
  case .command(let command):
    return perform(command, &state)
  case .filterInput(let text):
    state.filter += text
    return filterChanged(&state)
  case .exclusionInput(let text):
    state.exclusionInput = (state.exclusionInput ?? "") + text
    return []
  case .resized(let w, let h):
    state.width = w
    state.height = h
    return []
  case .indexing(let done, let total):
    state.indexing = IndexingProgress(done: done, total: total)
    return []
  case .untrackDone(let words):
    state.message = .info(words)
    if let ref = state.currentRecord?.ref { return [.loadTimeline(ref)] }
    return []
  case .untrackFailed(let words):
    state.message = .warning(words)
    return []
  case .timelineLoaded(let ref, let timeline):
    state.indexing = nil
    guard state.currentRecord?.ref == ref else { return [] }
    let previous = state.currentItem
    let expanded = state.items.first { $0.id == state.expandedItem }
    if case .loaded(let old) = state.timeline, old.record.ref != ref { state.markedItems = [] }
    state.timeline = .loaded(timeline)
    // Marks stay on the items still there (and not yet shared).
    state.markedItems = state.markedItems.filter { id in
      timeline.items.contains { $0.id == id && $0.state.isPrivate }
    }
    // Keep the cursor on the same item across reloads: by id, else (a tile that turned
    // tracked has a new id) by Message-ID or UID and recurrence id, else by position.
    if let previous, let i = sameItem(previous, in: timeline.items) {
      state.selectedItem = i
    } else {
      state.selectedItem = min(state.selectedItem, max(0, timeline.items.count - 1))
    }
    // The open tile stays open under its new id, with the body already read; gone, closed.
    state.expandedItem = expanded.flatMap { old in
      sameItem(old, in: timeline.items).map { timeline.items[$0].id }
    }
    if let old = expanded, let id = state.expandedItem, id != old.id {
      state.bodies[id] = state.bodies[old.id]
    }
    if state.overlay == .problems && timeline.problems.isEmpty { state.overlay = nil }
    return []
  case .timelineFailed(let ref, let message):
    state.indexing = nil
    guard state.currentRecord?.ref == ref else { return [] }
    state.timeline = .failed(ref, message)
    return []
  case .bodyLoaded(let id, let text):
    state.bodies[id] = .loaded(text)
    return []
  case .bodyFailed(let id, let message):
    state.bodies[id] = .failed(message)
    return []
  case .trackRequested(let id):
    // A tile already tracked (from another record) is linked to this one, not copied.
    let item = state.items.first { $0.id == id }
    let linking = item?.state == .tracked
    state.message = .info(linking
      ? "Link requested: this record is added to the tracked item once sync has run"
      : "Tracking requested for this record: shared once sync has copied it")
    if let note = item.flatMap({ TrackedElsewhere.linkingNote($0.trackedElsewhere) }) {
      state.message = .info(note)
    }
    if let ref = state.currentRecord?.ref { return [.loadTimeline(ref), .syncNow] }
    return []
  case .trackRefused(_, let reason):
    state.message = .warning("Cannot track: \(reason)")
    return []
  case .batchTrackAnswered(let requested, let refusals):
    let asked = "Tracking requested for \(requested) item\(requested == 1 ? "" : "s") on this "
      + "record"
    state.message = refusals.isEmpty ? .info(asked + ": shared once sync has copied them")
      : .warning(asked + "; \(refusals.count) refused: \(refusals[0])")
    if requested > 0, let ref = state.currentRecord?.ref { return [.loadTimeline(ref), .syncNow] }
    return []
  case .syncFinished(let tracked, let failed, let detail):
    if tracked + failed == 0 { return [] }
    state.message = failed == 0 ? .info("Tracked \(tracked) item\(tracked == 1 ? "" : "s")")
      : .warning("Tracked \(tracked), failed \(failed): \(detail ?? "see the tile for the reason")")
    if let ref = state.currentRecord?.ref { return [.loadTimeline(ref)] }
    return []
  case .settingsSaved(let user, let permissions):
    state.user = user
    state.permissions = permissions
    state.message = .info("Saved: show untracked email \(user.showUntracked ? "Yes" : "No")")
    if let ref = state.currentRecord?.ref { return [.loadTimeline(ref)] }
    return []
  case .settingsFailed(let message):
    state.message = .error("Could not save the setting: \(message)")
    return []
  case .trackRepliesSaved(let user):
    state.user = user
    state.message = .info("Saved: track replies to tracked email automatically "
      + (state.tracksReplies ? "Yes: each sync tracks them on the records of the email they answer"
        : "No"))
    return state.tracksReplies ? [.syncNow] : []
  case .exclusionsSaved(let user, let saved):
    state.user = user
    state.settingsRow = min(state.settingsRow,
                            user.excludedAddresses.count + AppState.firstExclusionRow - 1)
    state.message = .info(saved)
    if let ref = state.currentRecord?.ref { return [.loadTimeline(ref)] }
    return []
  case .explained(let id, let lines):
    guard state.overlay == .why, state.currentItem.map(explainedId) == id else { return [] }
    state.explanation = lines
    return []
  case .explainFailed(let id, let message):
    guard state.overlay == .why, state.currentItem.map(explainedId) == id else { return [] }
    state.explanation = ["Cannot say: \(message)"]
    return []
  case .viewport(let records, let timeline, let body, let overlay):
    state.recordsOffset = records
    state.timelineOffset = timeline
    state.bodyScroll = body
    state.overlayScroll = overlay
    return []
  case .syncFailed(let message):
    state.message = .error("Could not sync: \(message)")
    return []
  case .activityStored(let records):
    guard let ref = state.currentRecord?.ref, records.contains(ref) else { return [] }
    return [.loadTimeline(ref)]
  case .feedConnection(let problem):
    state.message = problem.map { .warning("\($0); reconnecting") }
      ?? .info("Reconnected to the team database")
    if let ref = state.currentRecord?.ref, problem == nil { return [.loadTimeline(ref)] }
    return []
  case .reloadFailed(let message):
    state.message = .error("Could not refresh: \(message)")
    return []
  case .recordsLoaded(let records, let user, let permissions):
    // Said even when nothing changed, else `r` reads as a key that does nothing.
    if state.message == nil {
      let plural = records.count == 1 ? "" : "s"
      state.message = .info("Refreshed: \(records.count.groupedDigits) record\(plural)")
    }
    let current = state.currentRecord?.ref
    state.allRecords = records
    state.user = user
    state.permissions = permissions
    let visible = state.visibleRecords
    if let current, let i = visible.firstIndex(where: { $0.ref == current }) {
      // Same record still there: keep its timeline cursor and open tile.
      state.selectedRecord = i
      return []
    }
    state.selectedRecord = min(state.selectedRecord, max(0, visible.count - 1))
    return followSelection(&state)
  }
}

/// The filter's text changed: the first match is selected.
private func filterChanged(_ state: inout AppState) -> [Effect] {
  state.selectedRecord = 0
  state.recordsOffset = 0
  return followSelection(&state)
}

private func acceptFilter(_ state: inout AppState) -> [Effect] {
  if state.moving != nil { return pickDestination(&state) }
  // The match the cursor is on (↓/↑ move through matches while typing) stays selected.
  state.isEditingFilter = false
  state.selectedRecord = min(state.selectedRecord, max(0, state.visibleRecords.count - 1))
  if state.visibleRecords.isEmpty { state.message = .warning("no record matches '\(state.filter)'") }
  return followSelection(&state)
}

private func cancelFilter(_ state: inout AppState) -> [Effect] {
  if let plan = state.moving {
    endPicking(plan, &state)
    state.message = .info("Not moved")
    return []
  }
  state.isEditingFilter = false
  let current = state.currentRecord
  state.filter = ""
  state.selectedRecord = current.flatMap { c in
    state.allRecords.firstIndex(where: { $0.ref == c.ref }) } ?? 0
  return followSelection(&state)
}

private func perform(_ command: Command, _ state: inout AppState) -> [Effect] {
  state.message = nil
  switch command {
  case .toggleCompactTimeline:
    state.compactTimeline.toggle()
    state.message = .info(state.compactTimeline
      ? "Compact view: one line per item (v for tiles)" : "Tile view (v for one line per item)")
    return [.saveCompactTimeline(state.compactTimeline)]
  case .suspend: return [.suspendToShell]
  case .acceptFilter: return acceptFilter(&state)
  case .cancelFilter: return cancelFilter(&state)
  case .deleteFilterCharacter:
    // Nothing left to delete: Backspace closes the prompt, as in a shell or mutt.
    if state.filter.isEmpty { return cancelFilter(&state) }
    state.filter.removeLast()
    return filterChanged(&state)
  case .deleteFilterWord:
    // Ctrl-W as in a shell: the spaces before the cursor, then the word before them.
    while state.filter.last == " " { state.filter.removeLast() }
    while let last = state.filter.last, last != " " { state.filter.removeLast() }
    return filterChanged(&state)
  case .clearFilterText:
    state.filter = ""
    return filterChanged(&state)
  default: break
  }
  if state.exclusionInput != nil {
    return performInExclusionInput(command, &state)
  }
  if let overlay = state.overlay {
    return performInOverlay(overlay, command, &state)
  }
  switch command {
  case .quit:
    state.isRunning = false
    return []
  case .help:
    state.overlay = .help
    state.overlayScroll = 0
    return []
  case .problems:
    guard !state.problems.isEmpty else {
      state.message = .info("Nothing to report: every mail and calendar file was read")
      return []
    }
    state.overlay = .problems
    state.overlayScroll = 0
    return []
  case .openSettings:
    state.overlay = .settings
    state.settingsRow = 0
    return []
  case .startFilter:
    state.isEditingFilter = true
    state.focus = .records
    return []
  case .close:
    // One thing per press, nearest the focus first: in the timeline the open tile, then
    // the filter; in the records pane the filter first.
    if state.expandedItem != nil && (state.focus == .timeline || state.filter.isEmpty) {
      state.expandedItem = nil
      return []
    }
    if !state.filter.isEmpty { return cancelFilter(&state) }
    return []
  case .switchPane:
    state.focus = state.focus == .records ? .timeline : .records
    return []
  case .focusRecords:
    state.focus = .records
    return []
  case .focusTimeline:
    state.focus = .timeline
    return []
  case .refresh:
    var effects: [Effect] = [.reloadRecords, .syncNow]
    if let ref = state.currentRecord?.ref { effects.insert(.loadTimeline(ref), at: 0) }
    return effects
  case .moveDown, .moveUp, .top, .bottom, .pageDown, .pageUp:
    return move(command, &state)
  case .toggleExpand:
    guard state.focus == .timeline, let item = state.currentItem else {
      if state.focus == .records { state.focus = .timeline }
      return []
    }
    if state.expandedItem == item.id {
      state.expandedItem = nil
      return []
    }
    state.expandedItem = item.id
    state.bodyScroll = 0
    if item.isPrivate, let refusal = state.permissions.openRefusal {
      state.bodies[item.id] = .failed(refusal)
      return []
    }
    switch state.bodies[item.id] {
    case .loaded?, .loading?: return []
    default:
      state.bodies[item.id] = .loading
      return [.loadBody(item)]
    }
  case .track:
    guard let item = state.currentItem, state.focus == .timeline,
          let ref = state.currentRecord?.ref else {
      state.message = .info("Select an item in the timeline (Tab) to track it")
      return []
    }
    // A tile tracked from another record may still be tracked here (it links this record
    // too); the service says "already tracked" when it is linked already.
    if item.state == .pending {
      state.message = .info("Tracking is already pending for this item")
      return []
    }
    if let refusal = state.permissions.trackRefusal {
      state.message = .warning("Cannot track: \(refusal)")
      return []
    }
    if !state.markedItems.isEmpty {
      let marked = state.items.filter { state.markedItems.contains($0.id) }
      state.markedItems = []
      return [.track(marked, ref)]
    }
    return [.track([item], ref)]
  case .toggleMark:
    guard let item = state.currentItem, state.focus == .timeline else { return [] }
    guard item.state.isPrivate else {
      state.message = .info("Only private items are marked for tracking")
      return []
    }
    if state.markedItems.remove(item.id) == nil { state.markedItems.insert(item.id) }
    let n = state.markedItems.count
    state.message = .info(n == 0 ? "No item marked"
      : "\(n) item\(n == 1 ? "" : "s") marked: t tracks \(n == 1 ? "it" : "them")")
    // On to the next item, as a mail client's tag key does, so a run is marked key by key.
    if state.selectedItem + 1 < state.items.count { state.selectedItem += 1 }
    return []
  case .explain:
    guard let item = state.currentItem, state.focus == .timeline,
          let ref = state.currentRecord?.ref else {
      state.message = .info("Select an item in the timeline (Tab) to see why it is there")
      return []
    }
    guard item.messageId != nil || item.uid != nil else {
      // A call, task or note comes from no mailbox: only tracking puts it here.
      state.message = .info("This \(item.kind.displayName.lowercased()) is here because it "
        + "is tracked on this record")
      return []
    }
    state.overlay = .why
    state.overlayScroll = 0
    state.explanation = nil
    return [.explain(itemId: explainedId(item), ref)]
  case .untrack, .startMove:
    return startUntrack(command, &state)
  case .loadMoreEmails:
    guard case .loaded(let timeline) = state.timeline,
          let ref = state.currentRecord?.ref, timeline.record.ref == ref else { return [] }
    guard timeline.hasMoreEmails else {
      state.message = .info(timeline.emailsShown == 0
        ? "No email of your mailbox is on this timeline"
        : "All \(timeline.emailsShown.groupedDigits) matching emails are shown")
      return []
    }
    state.moreEmailPages += 1
    state.message = .info("Showing up to \(AppState.emailPage) more emails…")
    return [.loadTimeline(ref)]
  case .toggleOption, .acceptFilter, .cancelFilter, .deleteFilterCharacter, .deleteFilterWord,
       .clearFilterText, .suspend, .addExclusion, .acceptExclusion, .cancelExclusion,
       .deleteExclusionCharacter, .removeExclusion, .toggleCompactTimeline,
       .confirmYes, .confirmNo:
    return []
  }
}

/// The id `why` takes for a tile: its Message-ID, or UID and occurrence, as captured.
private func explainedId(_ item: TimelineItem) -> String {
  if let messageId = item.messageId { return ItemID.mail(messageId: messageId).text }
  if let uid = item.uid { return ItemID.meeting(uid: uid, recurrenceId: item.recurrenceId).text }
  return item.id
}

/// `u` and `M` on the selected tile: only a tracked email or meeting can be taken off a record
/// or moved (the service decides whether this user may).
private func startUntrack(_ command: Command, _ state: inout AppState) -> [Effect] {
  let verb = command == .untrack ? "untrack" : "move"
  guard let item = state.currentItem, state.focus == .timeline,
        let record = state.currentRecord else {
    state.message = .info("Select a tracked item in the timeline (Tab) to \(verb) it")
    return []
  }
  guard item.state == .tracked else {
    state.message = .info("Only tracked items can be \(verb)ed; this one is private to you")
    return []
  }
  guard item.kind == .email || item.kind == .appointment else {
    state.message = .info("Only tracked emails and meetings can be \(verb)ed; a "
      + "\(item.kind.displayName.lowercased()) is the CRM's own")
    return []
  }
  if command == .untrack {
    state.confirmation = .untrack(item, from: record)
    state.overlay = .confirm
    return []
  }
  state.moving = MovePlan(item: item, from: record, filter: state.filter,
                          selectedRecord: state.selectedRecord)
  state.filter = ""
  state.selectedRecord = state.visibleRecords.firstIndex { $0.ref == record.ref } ?? 0
  state.isEditingFilter = true
  state.focus = .records
  state.message = .info("Move to which record? Type to filter, ↑/↓, Enter picks, Esc cancels")
  return []
}

/// Enter while picking: the record under the cursor is where the item moves, once confirmed.
private func pickDestination(_ state: inout AppState) -> [Effect] {
  guard let plan = state.moving else { return [] }
  let target = state.currentRecord
  endPicking(plan, &state)
  guard let target else {
    state.message = .warning("No record matches: not moved")
    return []
  }
  guard target.ref != plan.from.ref else {
    state.message = .info("It is already on \(plan.from.name): pick another record")
    return []
  }
  state.confirmation = .move(plan.item, from: plan.from, to: target)
  state.overlay = .confirm
  return []
}

/// The records pane as it was before picking, with the timeline focused again.
private func endPicking(_ plan: MovePlan, _ state: inout AppState) {
  state.moving = nil
  state.isEditingFilter = false
  state.filter = plan.filter
  state.selectedRecord = plan.selectedRecord
  state.focus = .timeline
}

/// Keys while an address to exclude is typed in the settings overlay.
private func performInExclusionInput(_ command: Command, _ state: inout AppState) -> [Effect] {
  switch command {
  case .quit:
    state.isRunning = false
    return []
  case .cancelExclusion:
    state.exclusionInput = nil
    return []
  case .deleteExclusionCharacter:
    if state.exclusionInput?.isEmpty ?? true {
      state.exclusionInput = nil
    } else {
      state.exclusionInput?.removeLast()
    }
    return []
  case .acceptExclusion:
    let text = state.exclusionInput ?? ""
    do {
      let exclusion = try AddressExclusion(text)
      state.exclusionInput = nil
      return [.addExcludedAddress(exclusion)]
    } catch {
      // The prompt stays open with the text, so a typo is fixed rather than typed again.
      state.message = .warning("Not an address or @domain: \(error.description)")
      return []
    }
  default:
    return []
  }
}

private func performInOverlay(_ overlay: Overlay, _ command: Command, _ state: inout AppState)
  -> [Effect] {
  switch (overlay, command) {
  case (.confirm, .confirmYes):
    state.overlay = nil
    defer { state.confirmation = nil }
    switch state.confirmation {
    case .untrack(let item, let from)?:
      state.message = .info("Untracking…")
      return [.untrack(item, from: from.ref, to: nil)]
    case .move(let item, let from, let to)?:
      state.message = .info("Moving…")
      return [.untrack(item, from: from.ref, to: to.ref)]
    case nil:
      return []
    }
  case (.confirm, .confirmNo), (.confirm, .close):
    state.overlay = nil
    state.confirmation = nil
    state.message = .info("Nothing changed")
    return []
  case (_, .close), (.help, .help), (.settings, .openSettings), (.problems, .problems),
       (.why, .explain):
    state.overlay = nil
    return []
  case (_, .quit):
    state.isRunning = false
    return []
  case (.help, let move) where move.isMovement, (.problems, let move) where move.isMovement,
       (.why, let move) where move.isMovement:
    // Clamped by the screen, which knows how many lines there are (`Frame`).
    let page = Screens.Layout(state).overlayPage
    switch command {
    case .moveDown: state.overlayScroll += 1
    case .moveUp: state.overlayScroll -= 1
    case .pageDown: state.overlayScroll += page
    case .pageUp: state.overlayScroll -= page
    case .top: state.overlayScroll = 0
    default: state.overlayScroll = Int.max / 2
    }
    state.overlayScroll = max(0, state.overlayScroll)
    return []
  case (.settings, let move) where move.isMovement:
    let rows = state.user.excludedAddresses.count + AppState.firstExclusionRow
    state.settingsRow = step(state.settingsRow, move, count: rows, page: rows)
    return []
  case (.settings, .addExclusion):
    state.exclusionInput = ""
    return []
  case (.settings, .removeExclusion):
    let list = state.user.excludedAddresses
    let index = state.settingsRow - AppState.firstExclusionRow
    guard list.indices.contains(index) else {
      state.message = .info("Select an excluded address (j/k) to remove it")
      return []
    }
    return [.removeExcludedAddress(list[index])]
  case (.settings, .toggleOption), (.settings, .toggleExpand):
    guard state.settingsRow == 0 || state.settingsRow == 1 else { return [] }
    guard state.permissions.personalOptionOffered else {
      state.message = .warning("Not offered: auto capture is turned off for the organization")
      return []
    }
    if state.settingsRow == 1 { return [.saveTrackReplies(!state.tracksReplies)] }
    return [.saveShowUntracked(!state.user.showUntracked)]
  default:
    return []
  }
}

/// Moves the cursor of the focused pane; moving through records loads the new timeline.
private func move(_ command: Command, _ state: inout AppState) -> [Effect] {
  let layout = Screens.Layout(state)
  switch state.focus {
  case .records:
    let count = state.visibleRecords.count
    guard count > 0 else { return [] }
    let before = state.selectedRecord
    state.selectedRecord = step(state.selectedRecord, command, count: count,
                                page: layout.recordsPage)
    return state.selectedRecord == before ? [] : followSelection(&state)
  case .timeline:
    if let id = state.expandedItem, state.currentItem?.id == id {
      switch command {
      case .pageDown, .pageUp:
        // By the rows the body shows, so no line is skipped.
        let rows = layout.bodyRows
        state.bodyScroll = max(0, state.bodyScroll + (command == .pageDown ? rows : -rows))
        return []
      case .top, .bottom:
        // The open message's top or end, as in a pager; the frame clamps the end.
        state.bodyScroll = command == .top ? 0 : Int.max / 2
        return []
      default:
        break
      }
    }
    let count = state.items.count
    guard count > 0 else { return [] }
    state.selectedItem = step(state.selectedItem, command, count: count, page: layout.tilesPage)
    state.bodyScroll = 0
    return []
  }
}

private func step(_ index: Int, _ command: Command, count: Int, page: Int) -> Int {
  switch command {
  case .moveDown: return min(count - 1, index + 1)
  case .moveUp: return max(0, index - 1)
  case .top: return 0
  case .bottom: return count - 1
  case .pageDown: return min(count - 1, index + max(1, page))
  case .pageUp: return max(0, index - max(1, page))
  default: return index
  }
}

/// Where `item` is in `items` after a reload: by id, else (a tile that turned tracked has a
/// new id) by Message-ID, or UID and recurrence id.
private func sameItem(_ item: TimelineItem, in items: [TimelineItem]) -> Int? {
  items.firstIndex { $0.id == item.id } ?? items.firstIndex { other in
    (item.messageId != nil && other.messageId == item.messageId)
      || (item.uid != nil && other.uid == item.uid && other.recurrenceId == item.recurrenceId)
  }
}

/// After the record selection may have changed: for another record, reset the timeline
/// cursor and ask for its timeline. The same record (a filter cleared or kept around it)
/// keeps its cursor and open tile, so the next `t` tracks what the user was looking at.
private func followSelection(_ state: inout AppState) -> [Effect] {
  let ref = state.currentRecord?.ref
  switch state.timeline {
  case .loaded(let t) where t.record.ref == ref: return []
  case .loading(let loading) where loading == ref: return []
  default: break
  }
  // Picking a record to move to: the timeline stays on the item being moved.
  if state.moving != nil { return [] }
  state.moreEmailPages = 0
  state.selectedItem = 0
  state.timelineOffset = 0
  state.expandedItem = nil
  guard let ref else {
    state.timeline = .empty
    return []
  }
  state.timeline = .loading(ref)
  return [.loadTimeline(ref)]
}

/// The effects to run when the app opens: load the first record's timeline.
public func start(_ state: inout AppState) -> [Effect] {
  followSelection(&state)
}
