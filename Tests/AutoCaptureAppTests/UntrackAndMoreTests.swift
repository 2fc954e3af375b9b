@testable import AutoCaptureApp
import CaptureCore
import Foundation
import Testing
import TerminalUI

/// `u` (untrack, asks first), `M` (move, picks the record with the records filter, then
/// asks) and `+` (50 more emails), in the reducer and on screen.
@Suite struct UntrackAndMoreTests {
  static let dana = AppFixture.dana
  static let fabrikam = RecordSummary(ref: RecordRef(type: .account, id: "a-fab"),
                                      name: "Fabrikam")
  static let muller = RecordSummary(ref: RecordRef(type: .account, id: "a-mul"),
                                    name: "Müller GmbH")
  static let ann = RecordSummary(ref: RecordRef(type: .contact, id: "c-ann"), name: "Ann Lee")
  static let records = [fabrikam, muller, ann]

  static let tracked = TimelineItem(
    id: "act-quote", kind: .email, state: .tracked, subject: "Quote",
    at: Date(timeIntervalSince1970: 2_000), messageId: "<quote@x>", activityId: "act-quote")
  static let privateEmail = TimelineItem(
    id: "mail:<q@x>", kind: .email, state: .untracked, subject: "Hello",
    at: Date(timeIntervalSince1970: 1_000), messageId: "<q@x>")
  static let call = TimelineItem(id: "act-call", kind: .phonecall, state: .tracked,
                                 subject: "Call", at: Date(timeIntervalSince1970: 500),
                                 activityId: "act-call")

  /// Fabrikam's timeline loaded and focused, the cursor on `selected`.
  func loaded(_ items: [TimelineItem] = [tracked, privateEmail, call], selected: Int = 0,
              shown: Int = 0, matched: Int = 0) -> AppState {
    var state = AppState(user: Self.dana,
                         permissions: .decide(organization: Organization(), user: Self.dana),
                         records: Self.records)
    _ = start(&state)
    var timeline = Timeline(record: Self.fabrikam, notice: nil, items: items)
    timeline.emailsShown = shown
    timeline.emailsMatched = matched
    _ = reduce(&state, .timelineLoaded(Self.fabrikam.ref, timeline))
    state.focus = .timeline
    state.selectedItem = selected
    return state
  }

  @Test func uAsksFirstAndYTakesTheTrackedItemOffTheRecord() {
    var state = loaded()
    #expect(reduce(&state, .command(.untrack)) == [])
    #expect(state.overlay == .confirm)
    #expect(state.confirmation == .untrack(Self.tracked, from: Self.fabrikam))
    #expect(Keymap.context(of: state) == .confirm)
    #expect(Keymap.action(for: .character("y"), in: state) == .command(.confirmYes))
    // Other keys do nothing while the question is open.
    #expect(Keymap.action(for: .character("t"), in: state) == nil)
    let effects = reduce(&state, .command(.confirmYes))
    #expect(effects == [.untrack(Self.tracked, from: Self.fabrikam.ref, to: nil)])
    #expect(state.overlay == nil && state.confirmation == nil)
    // Done: the words show and the timeline reloads.
    #expect(reduce(&state, .untrackDone("Untracked")) == [.loadTimeline(Self.fabrikam.ref)])
    #expect(state.message == .info("Untracked"))
  }

  @Test func nOrEscapeLeavesItWhereItIs() {
    for key in [KeyEvent.character("n"), .escape] {
      var state = loaded()
      _ = reduce(&state, .command(.untrack))
      guard let action = Keymap.action(for: key, in: state) else {
        Issue.record("\(key) does nothing in the question")
        continue
      }
      #expect(reduce(&state, action) == [])
      #expect(state.overlay == nil && state.confirmation == nil)
      #expect(state.message == .info("Nothing changed"))
    }
  }

  @Test func onlyTrackedEmailsAndMeetingsAreUntrackedOrMoved() {
    var onPrivate = loaded(selected: 1)
    #expect(reduce(&onPrivate, .command(.untrack)) == [])
    #expect(onPrivate.overlay == nil)
    #expect(onPrivate.message
      == .info("Only tracked items can be untracked; this one is private to you"))
    var onCall = loaded(selected: 2)
    #expect(reduce(&onCall, .command(.startMove)) == [])
    #expect(onCall.moving == nil)
    #expect(onCall.message?.text.contains("a phone call is the CRM's own") == true)
  }

  @Test func mPicksTheRecordWithTheFilterThenAsksAndMoves() {
    var state = loaded()
    state.filter = ""
    #expect(reduce(&state, .command(.startMove)) == [])
    #expect(state.moving?.item == Self.tracked)
    #expect(state.isEditingFilter && state.focus == .records)
    #expect(Keymap.context(of: state) == .filter)
    #expect(Keymap.hints(for: state).map(\.label).contains("move here"))
    // Typing filters; the timeline stays on the item being moved (nothing loads).
    #expect(reduce(&state, .filterInput("ann")) == [])
    #expect(state.currentRecord == Self.ann)
    // The header names the record the item is on, whose timeline still shows.
    let picking = Screens.render(state, RenderContext(now: Date(), timeZone: .gmt)).buffer
      .text().joined(separator: "\n")
    #expect(picking.contains("Move to a record"))
    #expect(picking.contains("Fabrikam · Account"))
    #expect(reduce(&state, .command(.acceptFilter)) == [])
    #expect(state.confirmation == .move(Self.tracked, from: Self.fabrikam, to: Self.ann))
    #expect(state.overlay == .confirm)
    // The records pane is as it was: Fabrikam selected, no filter.
    #expect(state.moving == nil && !state.isEditingFilter && state.filter.isEmpty)
    #expect(state.currentRecord == Self.fabrikam)
    #expect(reduce(&state, .command(.confirmYes))
      == [.untrack(Self.tracked, from: Self.fabrikam.ref, to: Self.ann.ref)])
  }

  @Test func escapeWhilePickingCancelsTheMoveAndRestoresTheFilter() {
    var state = loaded()
    state.filter = "fab"
    #expect(reduce(&state, .command(.startMove)) == [])
    _ = reduce(&state, .command(.moveDown))
    #expect(reduce(&state, .command(.cancelFilter)) == [])
    #expect(state.moving == nil && state.overlay == nil)
    #expect(state.filter == "fab" && state.currentRecord == Self.fabrikam)
    #expect(state.focus == .timeline)
    #expect(state.message == .info("Not moved"))
  }

  @Test func pickingTheSameRecordMovesNothing() {
    var state = loaded()
    _ = reduce(&state, .command(.startMove))
    #expect(reduce(&state, .command(.acceptFilter)) == [])
    #expect(state.overlay == nil)
    #expect(state.message == .info("It is already on Fabrikam: pick another record"))
  }

  @Test func plusLoadsFiftyMoreEmailsWhileTheMailboxHasMore() {
    var state = loaded(shown: 50, matched: 312)
    #expect(reduce(&state, .command(.loadMoreEmails)) == [.loadTimeline(Self.fabrikam.ref)])
    #expect(state.moreEmailPages == 1)
    #expect(reduce(&state, .command(.loadMoreEmails)) == [.loadTimeline(Self.fabrikam.ref)])
    #expect(state.moreEmailPages == 2)
    // Another record starts again from the limit.
    state.focus = .records
    _ = reduce(&state, .command(.moveDown))
    #expect(state.moreEmailPages == 0)
  }

  @Test func plusSaysSoWhenEveryMatchingEmailIsShown() {
    var state = loaded(shown: 12, matched: 12)
    #expect(reduce(&state, .command(.loadMoreEmails)) == [])
    #expect(state.moreEmailPages == 0)
    #expect(state.message == .info("All 12 matching emails are shown"))
  }

  @Test func theTimelineTitleSaysHowManyOfHowManyAndTheQuestionIsDrawn() {
    var state = loaded(shown: 50, matched: 312)
    let context = RenderContext(now: Date(timeIntervalSince1970: 3_000), timeZone: .gmt)
    let text = Screens.render(state, context).buffer.text().joined(separator: "\n")
    #expect(text.contains("50 newest of 312"))
    _ = reduce(&state, .command(.untrack))
    let asked = Screens.render(state, context).buffer.text().joined(separator: "\n")
    #expect(asked.contains("Untrack the email 'Quote' from Fabrikam?"))
    #expect(asked.contains("y: yes"))
  }

  @Test func theOpenTileShowsItsAuditTrail() {
    var item = Self.tracked
    let entry = TrackingAuditEntry(at: Date(timeIntervalSince1970: 1_800), userId: "eli",
                                   activityId: "act-quote", itemId: "mail:<quote@x>",
                                   from: Self.muller.ref, to: Self.fabrikam.ref)
    item.history = [ItemHistory(entry: entry, userName: "Eli Park", fromName: "Müller GmbH",
                                toName: "Fabrikam")]
    let tile = Tile(item: item, isSelected: true, isExpanded: true, body: .loaded("Hi"),
                    bodyScroll: 0, now: Date(timeIntervalSince1970: 3_000), timeZone: .gmt,
                    unicode: true)
    #expect(tile.fieldLines.last?.hasSuffix("moved from Müller GmbH to Fabrikam by Eli Park")
      == true)
    #expect(tile.fieldLines.last?.hasPrefix("History: ") == true)
  }
}
