@testable import AutoCaptureApp
import CaptureCore
import Foundation
import Testing
import TerminalUI

@Suite struct ReducerTests {
  static let dana = AppFixture.dana
  static let records = [
    RecordSummary(ref: RecordRef(type: .account, id: "a-fab"), name: "Fabrikam"),
    RecordSummary(ref: RecordRef(type: .account, id: "a-mul"), name: "Müller GmbH"),
    RecordSummary(ref: RecordRef(type: .contact, id: "c-ann"), name: "Ann Lee"),
  ]

  func makeState(permissions: CapturePermissions? = nil) -> AppState {
    AppState(user: Self.dana,
             permissions: permissions ?? .decide(organization: Organization(), user: Self.dana),
             records: Self.records)
  }

  func timeline(_ ref: RecordRef, items: [TimelineItem]) -> Timeline {
    Timeline(record: RecordSummary(ref: ref, name: "x"), notice: nil, items: items)
  }

  let email = TimelineItem(id: "mail:<q@x>", kind: .email, state: .untracked, subject: "Quote",
                           at: Date(timeIntervalSince1970: 1_000), messageId: "<q@x>")

  @Test func movingDownTheRecordsLoadsTheNextTimeline() {
    var state = makeState()
    let effects = reduce(&state, .command(.moveDown))
    var expected = makeState()
    expected.selectedRecord = 1
    expected.timeline = .loading(Self.records[1].ref)
    #expect(state == expected)
    #expect(effects == [.loadTimeline(Self.records[1].ref)])
  }

  @Test func filterMatchesWithoutCaseOrAccentsAndEnterKeepsIt() {
    var state = makeState()
    _ = reduce(&state, .command(.startFilter))
    #expect(state.isEditingFilter)
    let typed = reduce(&state, .filterInput("MULL"))
    #expect(state.visibleRecords.map(\.name) == ["Müller GmbH"])
    #expect(typed == [.loadTimeline(RecordRef(type: .account, id: "a-mul"))])
    // The match's timeline is already on its way: Enter does not ask for it again.
    #expect(reduce(&state, .command(.acceptFilter)) == [])
    #expect(!state.isEditingFilter)
    #expect(state.filter == "MULL")
    #expect(state.currentRecord?.ref.id == "a-mul")
  }

  /// `/odeg` finds Sven Ødegaard, as `/muller` finds Müller.
  @Test func filterMatchesLettersThatHaveNoAccentToDropAsTheyAreTyped() {
    let names = ["Sven Ødegaard", "Łódź Logistics", "Ærø Færge", "Weiß AG", "Müller GmbH"]
    var state = AppState(user: Self.dana,
                         permissions: .decide(organization: Organization(), user: Self.dana),
                         records: names.enumerated().map {
                           RecordSummary(ref: RecordRef(type: .account, id: "a\($0.offset)"),
                                         name: $0.element)
                         })
    for (typed, expected) in [("odeg", "Sven Ødegaard"), ("LODZ", "Łódź Logistics"),
                              ("aero", "Ærø Færge"), ("weiss", "Weiß AG"),
                              ("ødeg", "Sven Ødegaard"), ("muller", "Müller GmbH")] {
      state.filter = typed
      #expect(state.visibleRecords.map(\.name) == [expected], "\(typed)")
    }
  }

  @Test func ctrlZSuspendsFromEveryContextAndChangesNothingElse() {
    var states: [AppState] = []
    var plain = makeState()
    states.append(plain)
    plain.focus = .timeline
    states.append(plain)
    var filtering = makeState()
    _ = reduce(&filtering, .command(.startFilter))
    _ = reduce(&filtering, .filterInput("mu"))
    states.append(filtering)
    for overlay in [Overlay.help, .settings] {
      var withOverlay = makeState()
      withOverlay.overlay = overlay
      states.append(withOverlay)
    }
    for before in states {
      var state = before
      let action = Keymap.action(for: .ctrl("z"), in: state)
      #expect(action == .command(.suspend))
      let effects = action.map { reduce(&state, $0) } ?? []
      #expect(effects == [.suspendToShell])
      #expect(state == before)
    }
  }

  /// Typing "mu", ↓ to the second match and Enter keeps the second match, not the first.
  @Test func enterKeepsTheMatchMovedToWhileFiltering() {
    var state = makeState()
    _ = reduce(&state, .command(.startFilter))
    _ = reduce(&state, .filterInput("e"))
    #expect(state.visibleRecords.map(\.name) == ["Müller GmbH", "Ann Lee"])
    _ = reduce(&state, .command(.moveDown))
    #expect(state.currentRecord?.name == "Ann Lee")
    let effects = reduce(&state, .command(.acceptFilter))
    #expect(state.currentRecord?.name == "Ann Lee")
    #expect(!state.isEditingFilter)
    #expect(effects.isEmpty, "the timeline shown is already Ann's")
  }

  /// Backspace on an empty filter closes the prompt, as in a shell, mutt or vim's `/`,
  /// rather than leave it open with nothing to delete.
  @Test func backspaceOnAnEmptyFilterClosesThePrompt() {
    var state = makeState()
    _ = reduce(&state, .command(.moveDown))
    _ = reduce(&state, .command(.startFilter))
    _ = reduce(&state, .filterInput("m"))
    _ = reduce(&state, .command(.deleteFilterCharacter))
    #expect(state.isEditingFilter, "the first Backspace deletes the m")
    _ = reduce(&state, .command(.deleteFilterCharacter))
    #expect(!state.isEditingFilter)
    #expect(state.filter.isEmpty)
  }

  /// Sends keys as the terminal would, through the keymap.
  func press(_ keys: [KeyEvent], _ state: inout AppState) {
    for key in keys {
      if let action = Keymap.action(for: key, in: state) { _ = reduce(&state, action) }
    }
  }

  @Test func ctrlWDeletesAWordAndCtrlUTheWholeFilterAsInAShell() {
    var state = makeState()
    press([.character("/")] + "ann lee  ".map { .character($0) }, &state)
    #expect(state.filter == "ann lee  ")
    press([.ctrl("w")], &state)
    #expect(state.filter == "ann ")
    press([.ctrl("w")], &state)
    #expect(state.filter == "")
    #expect(state.isEditingFilter, "Ctrl-W on text leaves the prompt open")
    press("mül".map { .character($0) } + [.ctrl("u")], &state)
    #expect(state.filter == "")
    #expect(state.isEditingFilter)
    #expect(state.selectedRecord == 0)
  }

  @Test func upAndDownMoveThroughMatchesWhileFiltering() {
    var state = makeState()
    press([.character("/"), .character("e")], &state)
    #expect(state.visibleRecords.map(\.name) == ["Müller GmbH", "Ann Lee"])
    press([.down], &state)
    #expect(state.currentRecord?.name == "Ann Lee")
    press([.up], &state)
    #expect(state.currentRecord?.name == "Müller GmbH")
    #expect(state.filter == "e", "arrows are not typed into the filter")
  }

  /// Help lists Ctrl-C under "Anywhere": it quits while a filter is typed too.
  @Test func ctrlCQuitsWhileTypingAFilterAsEverywhereElse() {
    var state = makeState()
    _ = reduce(&state, .command(.startFilter))
    _ = reduce(&state, .filterInput("mu"))
    let action = Keymap.action(for: .ctrl("c"), in: state)
    #expect(action == .command(.quit))
    _ = action.map { reduce(&state, $0) }
    #expect(!state.isRunning)
  }

  @Test func escapeClearsTheFilterAndKeepsTheSelectedRecord() {
    var state = makeState()
    _ = reduce(&state, .command(.startFilter))
    _ = reduce(&state, .filterInput("ann"))
    _ = reduce(&state, .command(.acceptFilter))
    _ = reduce(&state, .command(.close))
    #expect(state.filter == "")
    #expect(state.currentRecord?.ref.id == "c-ann")
  }

  /// Ann Lee found by the filter `ann` (kept), her timeline of `items` loaded and focused.
  func filteredToAnn(items: [TimelineItem]) -> AppState {
    var state = makeState()
    _ = reduce(&state, .command(.startFilter))
    _ = reduce(&state, .filterInput("ann"))
    _ = reduce(&state, .command(.acceptFilter))
    let ref = Self.records[2].ref
    _ = reduce(&state, .timelineLoaded(ref, timeline(ref, items: items)))
    _ = reduce(&state, .command(.focusTimeline))
    return state
  }

  /// Esc in the timeline leaves the cursor on its item, so the next `t` tracks the
  /// email selected, not the first one.
  @Test func escapeClosesTheOpenTileFirstThenTheFilterAndTheCursorStays() {
    let other = TimelineItem(id: "mail:<o@x>", kind: .email, state: .untracked, subject: "Other",
                             at: Date(timeIntervalSince1970: 500), messageId: "<o@x>")
    var state = filteredToAnn(items: [email, other])
    let ref = Self.records[2].ref
    _ = reduce(&state, .command(.moveDown))
    _ = reduce(&state, .command(.toggleExpand))
    #expect(reduce(&state, .command(.close)) == [])
    #expect(state.expandedItem == nil)
    #expect(state.filter == "ann")
    #expect(reduce(&state, .command(.close)) == [])
    #expect(state.filter == "")
    #expect(state.currentRecord?.ref == ref)
    #expect(state.currentItem?.id == "mail:<o@x>")
    #expect(reduce(&state, .command(.track)) == [.track([other], ref)])
  }

  @Test func escapeInTheRecordsPaneClearsTheFilterBeforeClosingATile() {
    var state = filteredToAnn(items: [email])
    _ = reduce(&state, .command(.toggleExpand))
    _ = reduce(&state, .command(.focusRecords))
    _ = reduce(&state, .command(.close))
    #expect(state.filter == "")
    #expect(state.expandedItem == email.id)
    _ = reduce(&state, .command(.close))
    #expect(state.expandedItem == nil)
  }

  @Test func aTimelineForARecordNoLongerSelectedIsIgnored() {
    var state = makeState()
    let stale = timeline(Self.records[2].ref, items: [email])
    _ = reduce(&state, .timelineLoaded(Self.records[2].ref, stale))
    #expect(state.timeline == .empty)
  }

  @Test func expandingATileLoadsItsBodyOnceAndCollapsesAgain() {
    var state = makeState()
    let ref = Self.records[0].ref
    _ = reduce(&state, .timelineLoaded(ref, timeline(ref, items: [email])))
    _ = reduce(&state, .command(.switchPane))
    #expect(reduce(&state, .command(.toggleExpand)) == [.loadBody(email)])
    #expect(state.bodies[email.id] == .loading)
    _ = reduce(&state, .bodyLoaded(itemId: email.id, "Hello"))
    #expect(reduce(&state, .command(.toggleExpand)) == [])
    #expect(state.expandedItem == nil)
    #expect(reduce(&state, .command(.toggleExpand)) == [])
    #expect(state.expandedItem == email.id)
  }

  @Test func trackAsksForTheTrackEffectWhenAllowed() {
    var state = makeState()
    let ref = Self.records[0].ref
    _ = reduce(&state, .timelineLoaded(ref, timeline(ref, items: [email])))
    _ = reduce(&state, .command(.focusTimeline))
    #expect(reduce(&state, .command(.track)) == [.track([email], ref)])
  }

  @Test func trackRefusedShowsTheReasonInTheStatusLine() {
    var user = Self.dana
    user.mailbox.syncMethod = .outlook
    var state = makeState(permissions: .decide(organization: Organization(), user: user))
    let ref = Self.records[0].ref
    _ = reduce(&state, .timelineLoaded(ref, timeline(ref, items: [email])))
    _ = reduce(&state, .command(.focusTimeline))
    #expect(reduce(&state, .command(.track)) == [])
    #expect(state.message == .warning("Cannot track: tracking requires server-side sync"))
  }

  @Test func settingsToggleSavesTheOppositeValue() {
    var state = makeState()
    _ = reduce(&state, .command(.openSettings))
    #expect(state.overlay == .settings)
    #expect(reduce(&state, .command(.toggleOption)) == [.saveShowUntracked(false)])
    _ = reduce(&state, .command(.close))
    #expect(state.overlay == nil)
  }

  @Test func settingsAreNotOfferedWhenTheOrganizationSwitchIsOff() {
    var state = makeState(
      permissions: .decide(organization: Organization(autoCapture: false), user: Self.dana))
    _ = reduce(&state, .command(.openSettings))
    #expect(reduce(&state, .command(.toggleOption)) == [])
    #expect(state.message?.text.contains("turned off") == true)
  }

  @Test func quitStopsTheApp() {
    var state = makeState()
    _ = reduce(&state, .command(.quit))
    #expect(!state.isRunning)
  }

  @Test func trackingATileTrackedElsewhereSaysItLinksThisRecord() {
    var state = makeState()
    let ref = Self.records[0].ref
    let tracked = TimelineItem(id: "act-9", kind: .email, state: .tracked, subject: "Plan",
                               at: Date(timeIntervalSince1970: 900), messageId: "<p@x>",
                               activityId: "act-9")
    _ = reduce(&state, .timelineLoaded(ref, timeline(ref, items: [email, tracked])))
    _ = reduce(&state, .trackRequested(itemId: "act-9"))
    #expect(state.message?.text.hasPrefix("Link requested") == true)
    _ = reduce(&state, .trackRequested(itemId: email.id))
    #expect(state.message?.text.hasPrefix("Tracking requested") == true)
    _ = reduce(&state, .syncFinished(tracked: 1, failed: 0))
    #expect(state.message == .info("Tracked 1 item"))
    _ = reduce(&state, .syncFinished(tracked: 2, failed: 0))
    #expect(state.message == .info("Tracked 2 items"))
  }

  /// An open tile that is tracked gets a new id: `expandedItem` follows it, so the next
  /// Esc closes the tile rather than clearing the old id to no visible effect.
  @Test func anOpenTileThatTurnedTrackedStaysOpenUnderItsNewId() {
    var state = makeState()
    let ref = Self.records[0].ref
    _ = reduce(&state, .timelineLoaded(ref, timeline(ref, items: [email])))
    _ = reduce(&state, .command(.focusTimeline))
    _ = reduce(&state, .command(.toggleExpand))
    _ = reduce(&state, .bodyLoaded(itemId: email.id, "Hello"))
    var tracked = email
    tracked.id = "act-9"
    tracked.state = .tracked
    _ = reduce(&state, .timelineLoaded(ref, timeline(ref, items: [tracked])))
    #expect(state.expandedItem == "act-9")
    #expect(state.bodies["act-9"] == .loaded("Hello"))
    _ = reduce(&state, .command(.close))
    #expect(state.expandedItem == nil)
    // Gone from the timeline: nothing stays open.
    _ = reduce(&state, .command(.toggleExpand))
    _ = reduce(&state, .timelineLoaded(ref, timeline(ref, items: [])))
    #expect(state.expandedItem == nil)
  }

  @Test func theCursorStaysOnAnItemThatTurnedTrackedAndChangedItsId() {
    var state = makeState()
    let ref = Self.records[0].ref
    let other = TimelineItem(id: "mail:<o@x>", kind: .email, state: .untracked, subject: "Other",
                             at: Date(timeIntervalSince1970: 2_000), messageId: "<o@x>")
    _ = reduce(&state, .timelineLoaded(ref, timeline(ref, items: [other, email])))
    _ = reduce(&state, .command(.focusTimeline))
    _ = reduce(&state, .command(.moveDown))
    #expect(state.currentItem?.id == email.id)
    var tracked = email
    tracked.id = "act-9"
    tracked.state = .tracked
    tracked.at = Date(timeIntervalSince1970: 3_000)  // now sorts first
    _ = reduce(&state, .timelineLoaded(ref, timeline(ref, items: [tracked, other])))
    #expect(state.currentItem?.id == "act-9")
  }

  @Test func aSyncFailureIsToldInTheStatusLine() {
    var state = makeState()
    _ = reduce(&state, .syncFailed("database is busy"))
    #expect(state.message == .error("Could not sync: database is busy"))
  }

  /// A failed `r` says the refresh failed, in the error style, not that a sync did.
  @Test func aFailedRefreshSaysSo() {
    var state = makeState()
    _ = reduce(&state, .command(.refresh))
    _ = reduce(&state, .reloadFailed("database is locked"))
    #expect(state.message == .error("Could not refresh: database is locked"))
  }

  /// The status line's style follows the message's severity, not its first word.
  @Test func theStatusLineStyleFollowsTheSeverity() {
    var state = makeState()
    func statusRoles() -> String {
      Screens.render(state, RenderContext(now: Date(), timeZone: .gmt)).buffer.styleMap().last ?? ""
    }
    state.message = .info("Cannot believe how well that went")
    #expect(!statusRoles().contains("E") && !statusRoles().contains("n"))
    state.message = .warning("Not offered: auto capture is turned off")
    #expect(statusRoles().contains("n"))
    state.message = .error("Disk full")
    #expect(statusRoles().contains("E"))
  }

  /// `r` says it is done even when nothing changed, so it does not read as a dead key.
  @Test func refreshSaysItIsDoneAndHowManyRecordsThereAre() {
    var state = makeState()
    _ = reduce(&state, .command(.refresh))
    _ = reduce(&state, .recordsLoaded(Self.records, Self.dana, state.permissions))
    #expect(state.message == .info("Refreshed: 3 records"))
  }

  @Test func refreshKeepsTheTimelineCursorWhenTheRecordIsStillThere() {
    var state = makeState()
    let ref = Self.records[0].ref
    let other = TimelineItem(id: "mail:<o@x>", kind: .email, state: .untracked, subject: "Other",
                             at: Date(timeIntervalSince1970: 500), messageId: "<o@x>")
    _ = reduce(&state, .timelineLoaded(ref, timeline(ref, items: [email, other])))
    _ = reduce(&state, .command(.focusTimeline))
    _ = reduce(&state, .command(.moveDown))
    let effects = reduce(&state, .recordsLoaded(Self.records, Self.dana, state.permissions))
    #expect(effects == [])
    #expect(state.currentItem?.id == "mail:<o@x>")
  }
}

@Suite struct TooSmallTerminalTests {
  /// A state at 50×12, below the minimum, where only the "too small" notice is drawn.
  func tooSmall(_ configure: (inout AppState) -> Void = { _ in }) -> AppState {
    var state = AppFixture.state(records: ReducerTests.records, items: [ReducerTests().email],
                                 width: 50, height: 12)
    configure(&state)
    return state
  }

  @Test func keysThatActOnWhatIsHiddenDoNothingWhileTheTerminalIsTooSmall() {
    let contexts: [(inout AppState) -> Void] = [
      { _ in },
      { $0.focus = .timeline },
      { $0.isEditingFilter = true },
      { $0.overlay = .settings },
      { $0.overlay = .help },
    ]
    let keys: [KeyEvent] = [.character("j"), .character("t"), .character(" "), .enter,
                            .character("/"), .character("x"), .tab, .escape, .character("o")]
    for configure in contexts {
      let state = tooSmall(configure)
      for key in keys {
        #expect(Keymap.action(for: key, in: state) == nil, "\(key) in \(Keymap.context(of: state))")
      }
    }
  }

  @Test func qQuitsWhileTheTerminalIsTooSmallAsItsNoticeSaysEvenWhenTypingAFilter() {
    let state = tooSmall { $0.isEditingFilter = true }
    #expect(Keymap.action(for: .character("q"), in: state) == .command(.quit))
    #expect(Keymap.action(for: .ctrl("c"), in: state) == .command(.quit))
    #expect(Keymap.action(for: .ctrl("z"), in: state) == .command(.suspend))
    #expect(Keymap.action(for: .resize(TerminalSize(width: 80, height: 24)), in: state)
      == .resized(width: 80, height: 24))
  }
}

@Suite struct FilterFoldTests {
  /// The records filter folds all names at its first key into one buffer, a scalar at a
  /// time, each distinct one once: it must match what folding each name whole gives.
  @Test func foldingNamesAScalarAtATimeGivesWhatFoldingEachWholeGives() {
    let names = ["Müller GmbH", "Société Lumière SA", "Ærø Færge", "Łódź Logistics", "Weiß AG",
                 "Sven Ødegaard", "Rene\u{301}e Dubois", "桜電機株式会社 (Sakura Denki)",
                 "عمر الفارسي", "ＡＢＣ Ｃｏｒｐ", "ÅSA İSTANBUL", "Zoë 🚀 Okonkwo", "ǅemal",
                 "plain ascii", "", "हिन्दी नाम", "Ä\u{308}rger", "Ｍüller", "MIXED Case"]
    let folded = FoldedNames(names)
    #expect(folded.count == names.count)
    for (n, name) in names.enumerated() {
      #expect(folded.name(n) == AppState.fold(name), "\(name)")
    }
  }
}
