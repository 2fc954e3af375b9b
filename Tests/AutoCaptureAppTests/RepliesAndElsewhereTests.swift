import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import Testing

/// Replies to tracked email and items tracked on another record in the TUI: the tiles, what
/// `t` says, and the settings row of "Track replies to tracked email automatically".
@Suite struct RepliesAndElsewhereTests {
  static let contoso = RecordSummary(ref: RecordRef(type: .account, id: "a-con"), name: "Contoso")

  static var reply: TimelineItem {
    var item = TimelineItem(id: "mail:<re@partner.example>", kind: .email, state: .untracked,
                            subject: "Re: Quote", at: AppFixture.now - 3600,
                            messageId: "<re@partner.example>")
    item.capturedAs = .reply
    return item
  }

  static var elsewhere: TimelineItem {
    var item = TimelineItem(id: "act-7", kind: .email, state: .tracked, subject: "Terms",
                            at: AppFixture.now - 7200, messageId: "<terms@x.example>",
                            activityId: "act-7")
    item.capturedAs = .address
    item.trackedElsewhere = [TrackedElsewhere(record: contoso, by: "Eli Park")]
    return item
  }

  func press(_ key: KeyEvent, _ s: inout AppState) -> [Effect] {
    guard let action = Keymap.action(for: key, in: s) else { return [] }
    return reduce(&s, action)
  }

  @Test func aReplyTileIsLabelledAsAReplyToTrackedEmail() {
    var s = AppFixture.state(items: [Self.reply])
    _ = press(.tab, &s)
    let screen = s.render().joined(separator: "\n")
    #expect(screen.contains("Private reply"))
    #expect(screen.contains("Reply to tracked email · [t] Track on this record"))
    #expect(press(.character("t"), &s) == [.track([Self.reply], AppFixture.fabrikam.ref)])
  }

  @Test func aTileTrackedElsewhereSaysWhereAndByWhomAndTLinksIt() {
    var s = AppFixture.state(items: [Self.elsewhere])
    _ = press(.tab, &s)
    let screen = s.render().joined(separator: "\n")
    #expect(screen.contains("Tracked elsewhere"))
    #expect(screen.contains("Tracked by Eli Park on Contoso · [t] link"))
    #expect(press(.character("t"), &s) == [.track([Self.elsewhere], AppFixture.fabrikam.ref)])
    let effects = reduce(&s, .trackRequested(itemId: "act-7"))
    #expect(s.message == .info("Linking to this record; already tracked by Eli Park on Contoso"))
    #expect(effects == [.loadTimeline(AppFixture.fabrikam.ref), .syncNow])
  }

  @Test func aTileTrackedHereSaysNothingOfElsewhere() {
    var item = Self.elsewhere
    item.trackedElsewhere = []
    var s = AppFixture.state(items: [item], width: 100)
    let screen = s.render().joined(separator: "\n")
    #expect(!screen.contains("Tracked by"))
    #expect(!screen.contains("Link it here"))
    _ = reduce(&s, .trackRequested(itemId: "act-7"))
    #expect(s.message?.text.hasPrefix("Link requested") == true)
  }

  @Test func theSettingsRowTogglesTrackRepliesAndSaysWhatItDoes() {
    var s = AppFixture.state(items: [])
    _ = press(.character("o"), &s)
    #expect(s.render().joined(separator: "\n")
      .contains("Track replies to tracked email automatically: [No]"))
    _ = press(.character("j"), &s)
    #expect(s.settingsRow == 1)
    #expect(press(.character(" "), &s) == [.saveTrackReplies(true)])
    var saved = s.user
    saved.trackReplies = true
    #expect(reduce(&s, .trackRepliesSaved(saved)) == [.syncNow])
    #expect(s.tracksReplies)
    #expect(s.message?.text.hasPrefix("Saved: track replies to tracked email automatically Yes")
      == true)
    #expect(s.render().joined(separator: "\n").contains("▸ Track replies to tracked email "
      + "automatically: [Yes]"))
    #expect(press(.enter, &s) == [.saveTrackReplies(false)])
  }

  @Test func theConfigDefaultShowsUntilTheUserChooses() {
    var s = AppFixture.state(items: [])
    s.trackRepliesByDefault = true
    #expect(s.tracksReplies)
    _ = press(.character("o"), &s)
    _ = press(.character("j"), &s)
    #expect(press(.character(" "), &s) == [.saveTrackReplies(false)])
    var chosen = s.user
    chosen.trackReplies = false
    #expect(reduce(&s, .trackRepliesSaved(chosen)) == [])
    #expect(!s.tracksReplies)
  }

  @Test func trackRepliesIsNotOfferedWhenTheOrganizationSwitchIsOff() {
    var s = AppFixture.state(items: [])
    s.permissions = .decide(organization: Organization(autoCapture: false), user: s.user)
    _ = press(.character("o"), &s)
    _ = press(.character("j"), &s)
    #expect(press(.character(" "), &s) == [])
    #expect(s.message?.severity == .warning)
  }
}
