import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import Testing

@Suite struct RecordsPaneTests {
  /// A review found no sign of records above or below the pane, unlike the timeline.
  @Test func theBottomBorderSaysHowManyRowsAreAboveAndBelow() {
    let records = (1...40).map {
      RecordSummary(ref: RecordRef(type: .account, id: "a\($0)"), name: "Account \($0)")
    }
    var s = AppFixture.state(records: records)
    func bottomBorder() -> String { String(s.render()[22].prefix(26)) }
    // 80×24: 20 rows show the "Accounts" header and 19 accounts of 40.
    #expect(bottomBorder().contains("↓21 more"))
    _ = reduce(&s, .command(.bottom))
    #expect(bottomBorder().contains("↑21"))
    #expect(!bottomBorder().contains("↓"))
  }
}
