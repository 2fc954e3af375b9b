import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import Testing

/// The run loop keeps an open message's wrap between frames; what it draws must not change.
@Suite struct WrapMemoTests {
  static let item = TimelineItem(id: "mail:<long@t>", kind: .email, state: .untracked,
                                 subject: "Long thread", at: AppFixture.at("2026-11-20T09:00:00Z"))

  static func openState(body: String, width: Int) -> AppState {
    var s = AppFixture.state(items: [item], width: width, height: 24)
    s.focus = .timeline
    s.expandedItem = item.id
    s.bodies[item.id] = .loaded(body)
    return s
  }

  static func text(_ s: AppState, memo: WrapMemo?) -> [String] {
    Screens.render(s, RenderContext(now: AppFixture.now, timeZone: .gmt, wrapMemo: memo))
      .buffer.text()
  }

  @Test func aMemoRewrapsWhenTheTextOrTheWidthChanges() {
    let memo = WrapMemo()
    #expect(memo.wrap("one two three", width: 7) == ["one two", "three"])
    #expect(memo.wrap("one two three", width: 3) == ["one", "two", "thr", "ee"])
    #expect(memo.wrap("four five", width: 3) == ["fou", "r", "fiv", "e"])
  }

  @Test func framesDrawnWithTheMemoMatchFramesWithout() {
    let memo = WrapMemo()
    let body = (1...200).map { "> line \($0) of a quoted reply, long enough to wrap" }
      .joined(separator: "\n")
    for width in [80, 120, 80] {  // a resize and back: the memo must not serve the old wrap
      var s = Self.openState(body: body, width: width)
      for scroll in [0, 5, 400] {
        s.bodyScroll = scroll
        #expect(Self.text(s, memo: memo) == Self.text(s, memo: nil))
      }
    }
    let other = Self.openState(body: "A different message", width: 80)
    #expect(Self.text(other, memo: memo).joined().contains("A different message"))
  }
}
