import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import Testing

/// The `w` key (why is this tile here) and the excluded addresses in the settings overlay:
/// keys through the keymap, then the reducer, then the screen.
@Suite struct WhyAndExclusionsTests {
  static let email = TimelineItem(id: "mail:<q@x>", kind: .email, state: .untracked,
                                  subject: "Quote", at: AppFixture.now - 3600,
                                  messageId: "<q@x>")
  static let call = TimelineItem(id: "act-call", kind: .phonecall, state: .tracked,
                                 subject: "Intro call", at: AppFixture.now - 7200,
                                 activityId: "act-call")
  static let occurrence = TimelineItem(
    id: "act-sync/20261124T100000Z", kind: .appointment, state: .tracked, subject: "Sync",
    at: AppFixture.now + 86400, uid: "sync@contoso.example",
    recurrenceId: AppFixture.at("2026-11-24T10:00:00Z"), activityId: "act-sync")

  func press(_ key: KeyEvent, _ s: inout AppState) -> [Effect] {
    guard let action = Keymap.action(for: key, in: s) else { return [] }
    return reduce(&s, action)
  }

  func type(_ text: String, _ s: inout AppState) {
    for c in text { _ = press(.character(c), &s) }
  }

  static func excluding(_ texts: String...) -> User {
    var user = AppFixture.dana
    user.excludedAddresses = texts.map(AddressExclusion.init(normalized:))
    return user
  }

  // MARK: - w

  @Test func wOnATileAsksWhyByItsCapturedIdAndShowsTheAnswerInAnOverlay() {
    var s = AppFixture.state(items: [Self.email, Self.call, Self.occurrence])
    _ = press(.tab, &s)
    #expect(Keymap.helpSections.contains { $0.bindings.contains { $0.command == .explain } })
    #expect(press(.character("w"), &s)
      == [.explain(itemId: "mail:<q@x>", AppFixture.fabrikam.ref)])
    #expect(s.overlay == .why)
    #expect(s.explanation == nil)
    #expect(s.render().joined().contains("Looking through your mailbox and calendar"))
    _ = reduce(&s, .explained(itemId: "mail:<q@x>", lines: [
      "shown", "from ann@fabrikam.example: primary contact c-ann",
    ]))
    let screen = s.render().joined(separator: "\n")
    #expect(screen.contains("Why is this here?"))
    #expect(screen.contains("• from ann@fabrikam.example: primary contact c-ann"))
    // w closes it again, as ! closes the problems list.
    _ = press(.character("w"), &s)
    #expect(s.overlay == nil)

    // A tracked occurrence of a series is asked about as its calendar occurrence.
    _ = press(.character("j"), &s)
    _ = press(.character("j"), &s)
    #expect(press(.character("w"), &s)
      == [.explain(itemId: "cal:sync@contoso.example/20261124T100000Z", AppFixture.fabrikam.ref)])
  }

  @Test func anAnswerForAnotherTileOrAfterClosingIsDropped() {
    var s = AppFixture.state(items: [Self.email])
    _ = press(.tab, &s)
    _ = press(.character("w"), &s)
    _ = reduce(&s, .explained(itemId: "mail:<other@x>", lines: ["shown"]))
    #expect(s.explanation == nil)
    _ = reduce(&s, .explainFailed(itemId: "mail:<q@x>", "unknown item"))
    #expect(s.explanation == ["Cannot say: unknown item"])
    _ = press(.escape, &s)
    _ = reduce(&s, .explained(itemId: "mail:<q@x>", lines: ["shown"]))
    #expect(s.overlay == nil)
  }

  @Test func wOnACallSaysOnlyTrackingPutsItHereAndWithoutATileAsksForOne() {
    var empty = AppFixture.state(items: [])
    _ = press(.tab, &empty)
    #expect(press(.character("w"), &empty) == [])
    #expect(empty.message?.text == "Select an item in the timeline (Tab) to see why it is there")
    var s = AppFixture.state(items: [Self.call])
    _ = press(.tab, &s)
    #expect(press(.character("w"), &s) == [])
    #expect(s.overlay == nil)
    #expect(s.message?.text == "This phone call is here because it is tracked on this record")
  }

  /// `w` was free: no context binds one key to two commands.
  @Test func noContextBindsAKeyToTwoCommands() {
    for context in KeyContext.allCases {
      var seen: [KeyEvent: Command] = [:]
      for binding in Keymap.bindings(for: context) {
        for key in binding.keys {
          #expect(seen[key, default: binding.command] == binding.command,
                  "\(key.displayName) in \(context)")
          seen[key] = binding.command
        }
      }
    }
  }

  // MARK: - Settings

  @Test func settingsListsTheUsersAndTheOrganizationsExclusions() {
    var s = AppFixture.state(user: Self.excluding("@mail.example", "bo@northwind.example"),
                             items: [], height: 30)
    s.organizationExclusions = [.domain("bulk.example")]
    _ = press(.character("o"), &s)
    let screen = s.render().joined(separator: "\n")
    #expect(screen.contains("Your excluded addresses"))
    #expect(screen.contains("  @mail.example"))
    #expect(screen.contains("  bo@northwind.example"))
    #expect(screen.contains("Excluded by your organization: @bulk.example"))
    #expect(screen.contains("▸ Show email not tracked"))
  }

  @Test func jMovesToAnExcludedAddressAndDRemovesIt() {
    var s = AppFixture.state(user: Self.excluding("@mail.example", "bo@northwind.example"),
                             items: [])
    _ = press(.character("o"), &s)
    #expect(!Keymap.hints(for: s).contains { $0.label == "remove" })
    #expect(press(.character("d"), &s) == [])
    #expect(s.message?.text == "Select an excluded address (j/k) to remove it")
    _ = press(.character("j"), &s)
    _ = press(.character("j"), &s)
    _ = press(.character("j"), &s)
    _ = press(.character("j"), &s)
    // Row 0 and 1 are the two options, then the addresses.
    #expect(s.settingsRow == 3)
    #expect(Keymap.hints(for: s).contains { $0.label == "remove" })
    #expect(s.render().joined(separator: "\n").contains("▸ bo@northwind.example"))
    // Space is the option's key; on an address it changes nothing.
    #expect(press(.character(" "), &s) == [])
    #expect(press(.character("d"), &s)
      == [.removeExcludedAddress(.address(EmailAddress(normalized: "bo@northwind.example")))])

    // Saved: the list is read back, the row stays in it, the timeline reloads.
    let effects = reduce(&s, .exclusionsSaved(Self.excluding("@mail.example"),
                                              saved: "No longer excluded: bo@northwind.example"))
    #expect(s.user.excludedAddresses == [.domain("mail.example")])
    #expect(s.settingsRow == 2)
    #expect(s.message == .info("No longer excluded: bo@northwind.example"))
    #expect(effects == [.loadTimeline(AppFixture.fabrikam.ref)])
    _ = press(.character("k"), &s)
    _ = press(.character("k"), &s)
    #expect(press(.character(" "), &s) == [.saveShowUntracked(false)])
  }

  @Test func aTypesAnAddressWhoseLettersAreTextAndEnterSavesIt() {
    var s = AppFixture.state(items: [])
    _ = press(.character("o"), &s)
    _ = press(.character("a"), &s)
    #expect(s.exclusionInput == "")
    #expect(Keymap.context(of: s) == .exclusionInput)
    // q, j, d and o are letters here, not keys.
    type("@quod.exampleX", &s)
    _ = press(.backspace, &s)
    #expect(s.exclusionInput == "@quod.example")
    #expect(s.isRunning && s.overlay == .settings)
    #expect(s.render().joined(separator: "\n").contains("Exclude: @quod.example_"))
    #expect(press(.enter, &s) == [.addExcludedAddress(.domain("quod.example"))])
    #expect(s.exclusionInput == nil)
    #expect(s.overlay == .settings)
  }

  @Test func aMistypedAddressKeepsThePromptAndEscapeCancelsIt() {
    var s = AppFixture.state(items: [])
    _ = press(.character("o"), &s)
    _ = press(.character("a"), &s)
    type("ann at home", &s)
    #expect(press(.enter, &s) == [])
    #expect(s.exclusionInput == "ann at home")
    #expect(s.message?.severity == .warning)
    #expect(s.message?.text.hasPrefix("Not an address or @domain:") == true)
    _ = press(.escape, &s)
    #expect(s.exclusionInput == nil)
    #expect(s.overlay == .settings)
    _ = press(.escape, &s)
    #expect(s.overlay == nil)
    // Backspace on an empty prompt closes it, as in the filter.
    _ = press(.character("o"), &s)
    _ = press(.character("a"), &s)
    _ = press(.backspace, &s)
    #expect(s.exclusionInput == nil && s.overlay == .settings)
    // Ctrl-C still quits from the prompt.
    _ = press(.character("a"), &s)
    _ = press(.ctrl("c"), &s)
    #expect(!s.isRunning)
  }
}
