import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import Testing

/// The help and problems overlays: what they list, how they scroll, how they close.
@Suite struct OverlayTests {
  static let problems = [
    "/home/dana/.calendars/work/broken.ics is malformed: VEVENT at line 3 (UID broken-1): "
      + "DTSTART is missing, so the event has no time to be shown at",
    "/home/dana/Mail/cur/1700000001.M1P1.host:2,S cannot be read: permission denied",
    "/home/dana/Mail/.Archive/cur is unreadable: permission denied",
  ]

  func state(width: Int = 80, height: Int = 24, problems: [String] = Self.problems) -> AppState {
    AppFixture.state(items: [], problems: problems, width: width, height: height)
  }

  func press(_ key: KeyEvent, _ s: inout AppState) {
    if let action = Keymap.action(for: key, in: s) { _ = reduce(&s, action) }
  }

  /// A broken .ics does not take the status line (and its key hints) for the whole
  /// session: problems take one line of the pane, and `!` lists them all.
  @Test func problemsTakeOneLineOfThePaneAndBangListsThemAll() {
    var s = state()
    let screen = s.render()
    #expect(screen.contains { $0.contains("⚠ /home/dana") && $0.contains("(+2 more, ! lists them)") })
    #expect(screen[23].contains("q quit"))
    press(.character("!"), &s)
    #expect(s.overlay == .problems)
    let list = s.render().joined(separator: "\n")
    #expect(list.contains("3 problems reading files"))
    for word in ["broken-1", "shown at", "1700000001.M1P1.host:2,S", ".Archive/cur is unreadable"] {
      #expect(list.contains(word), "\(word)")
    }
    press(.escape, &s)
    #expect(s.overlay == nil)
    // Open when a reload finds every file readable again: closed, not an empty list.
    press(.character("!"), &s)
    _ = reduce(&s, .timelineLoaded(AppFixture.fabrikam.ref, Timeline(
      record: AppFixture.fabrikam, notice: nil, items: [], problems: [])))
    #expect(s.overlay == nil)
  }

  @Test func bangWithoutProblemsSaysSo() {
    var s = state(problems: [])
    press(.character("!"), &s)
    #expect(s.overlay == nil)
    #expect(s.message?.text.contains("every mail and calendar file was read") == true)
  }

  /// Help scrolls to every key, uncut, at the smallest size (60×16) and at 74 to 79
  /// columns, where two columns do not fit every line.
  @Test func helpAtEveryWidthScrollsToEveryKeyUncut() {
    for width in [Screens.minimumWidth, 70, 74, 79, 80, 120] {
      var s = state(width: width, height: Screens.minimumHeight)
      press(.character("?"), &s)
      var seen = s.render().joined(separator: "\n")
      for _ in 0..<60 {
        press(.character("j"), &s)
        seen += s.render().joined(separator: "\n")
      }
      for section in Keymap.helpSections {
        for binding in section.bindings {
          #expect(seen.contains(binding.help), "help at \(width) lacks \(binding.help)")
        }
      }
    }
    var s = state(width: Screens.minimumWidth, height: Screens.minimumHeight)
    press(.character("?"), &s)
    #expect(s.render().joined().contains("more"))
    for _ in 0..<60 { press(.character("j"), &s); _ = s.render() }
    // Scrolled past the end, one k is one line back up.
    let bottom = s.overlayScroll
    press(.character("k"), &s)
    _ = s.render()
    #expect(s.overlayScroll == bottom - 1)
  }

  /// Help says q quits anywhere: so one q does from help too, also on the too-small
  /// screen, where help cannot be seen.
  @Test func qQuitsFromHelpAndEscapeClosesIt() {
    var s = state()
    press(.character("?"), &s)
    press(.escape, &s)
    #expect(s.overlay == nil && s.isRunning)
    press(.character("?"), &s)
    press(.character("q"), &s)
    #expect(!s.isRunning)
  }
}
