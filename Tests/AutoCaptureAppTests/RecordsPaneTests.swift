import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import Testing

@Suite struct RecordsPaneTests {
  static let dana = User(id: "dana", name: "Dana", emails: [],
                         mailbox: MailboxSettings(syncMethod: .serverSideSync, approved: true,
                                                  testEnabled: true))

  /// A review found no sign of records above or below the pane, unlike the timeline.
  @Test func theBottomBorderSaysHowManyRowsAreAboveAndBelow() {
    let records = (1...40).map {
      RecordSummary(ref: RecordRef(type: .account, id: "a\($0)"), name: "Account \($0)")
    }
    var s = AppState(user: Self.dana,
                     permissions: .decide(organization: Organization(), user: Self.dana),
                     records: records)
    func bottomBorder() -> String {
      let frame = Screens.render(s, RenderContext(now: Date(), timeZone: .gmt))
      _ = reduce(&s, .viewport(recordsOffset: frame.recordsOffset,
                               timelineOffset: frame.timelineOffset, bodyScroll: frame.bodyScroll,
                               overlayScroll: frame.overlayScroll))
      return String(frame.buffer.text()[22].prefix(26))
    }
    // 80×24: 20 rows show the "Accounts" header and 19 accounts of 40.
    #expect(bottomBorder().contains("↓21 more"))
    _ = reduce(&s, .command(.bottom))
    #expect(bottomBorder().contains("↑21"))
    #expect(!bottomBorder().contains("↓"))
  }
}
