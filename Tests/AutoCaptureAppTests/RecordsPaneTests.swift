import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import Testing

@Suite struct RecordsPaneTests {
  /// Like the timeline, the records pane shows how many rows are above and below it.
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

  /// The pane's rows as drawn: the records column of rows 2–21, trimmed.
  static func paneRows(_ s: inout AppState) -> [String] {
    s.render()[2...21].map {
      String($0.dropFirst().prefix(24)).trimmingCharacters(in: .whitespaces)
    }
  }

  static let mixed: [RecordSummary] =
    (1...30).map { RecordSummary(ref: RecordRef(type: .account, id: "a\($0)"), name: "Account \($0)") }
    + (1...30).map { RecordSummary(ref: RecordRef(type: .contact, id: "c\($0)"), name: "Contact \($0)") }
    + (1...3).map {
      RecordSummary(ref: RecordRef(type: .custom("proj"), id: "p\($0)"), name: "Projekt \($0)",
                    typeDisplayName: "Project")
    }

  /// Rows are made only for what shows, from the filtered records' groups: each header
  /// above its records with their count, at the top and scrolled to the end.
  @Test func groupHeadersCountTheFilteredRecordsOfEachType() {
    var s = AppFixture.state(records: Self.mixed)
    _ = reduce(&s, .command(.startFilter))
    _ = reduce(&s, .filterInput("3"))  // 3, 13, 23, 30 of each; Projekt 3
    #expect(Self.paneRows(&s).prefix(12) == [
      "/3▏", "Accounts               4", "Account 3", "Account 13", "Account 23", "Account 30",
      "Contacts               4", "Contact 3", "Contact 13", "Contact 23", "Contact 30",
      "Project                1",
    ])
    #expect(s.visibleRecords.count == 9)
  }

  @Test func theSelectedRecordKeepsItsGroupHeaderInViewWhenScrolledTo() {
    var s = AppFixture.state(records: Self.mixed)
    _ = reduce(&s, .command(.bottom))
    let rows = Self.paneRows(&s)
    #expect(rows.suffix(4) == ["Project                3", "Projekt 1", "Projekt 2", "Projekt 3"])
    #expect(s.currentRecord?.name == "Projekt 3")
    for _ in 0..<3 { _ = reduce(&s, .command(.moveUp)) }  // to Contact 30, above the header
    #expect(s.currentRecord?.name == "Contact 30")
    #expect(Self.paneRows(&s).contains("Contact 30"))
  }

  @Test func aFilterOverAReloadedListMatchesTheNewNames() {
    var s = AppFixture.state(records: Self.mixed)
    _ = reduce(&s, .filterInput("projekt"))
    #expect(s.visibleRecords.count == 3)
    s.allRecords = [RecordSummary(ref: RecordRef(type: .lead, id: "l1"), name: "PROJEKT Nord")]
    #expect(s.visibleRecords.map(\.name) == ["PROJEKT Nord"])
    #expect(s.visibleGroups == [0..<1])
  }
}
