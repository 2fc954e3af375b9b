import Testing
import TerminalUI
import TestSupport

@Suite struct ListViewTests {
  private let rows: [ListRow] = [
    .group("Accounts", count: 2), .item("Acme"), .item("Globex"),
    .group("Contacts", count: 3), .item("Anna Berg"), .item("Bo Chen"), .item("Cy Dunn"),
  ]

  @Test func offsetScrollsDownJustEnoughToShowTheSelection() {
    let list = ListView(rows: rows, selection: 5, offset: 0)
    #expect(list.scrollOffset(visibleRows: 4) == 2)
  }

  @Test func offsetKeepsTheGroupHeaderAboveTheSelectionVisible() {
    let list = ListView(rows: rows, selection: 4, offset: 5)
    #expect(list.scrollOffset(visibleRows: 3) == 3)
  }

  @Test func offsetDoesNotMoveWhileTheSelectionIsVisible() {
    let list = ListView(rows: rows, selection: 3 + 2, offset: 3)
    #expect(list.scrollOffset(visibleRows: 4) == 3)
  }

  @Test func nextSelectableSkipsGroupHeaders() {
    let list = ListView(rows: rows, selection: 2)
    #expect(list.nextSelectable(from: 2, step: 1) == 4)
    #expect(list.nextSelectable(from: 4, step: -1) == 2)
    #expect(list.nextSelectable(from: 1, step: -1) == 1)
  }

  @Test func drawShowsGroupsItemsCountsAndTheSelection() {
    var buffer = ScreenBuffer(width: 20, height: 5)
    let list = ListView(rows: rows, selection: 5, offset: 0)
    let offset = list.draw(into: &buffer, in: buffer.bounds)
    #expect(offset == 1)
    assertSnapshot(buffer, named: "list-view-groups-and-selection")
  }
}

@Suite struct TextBlockTests {
  @Test func scrollIsClampedSoTheLastLineStaysAtTheBottom() {
    var buffer = ScreenBuffer(width: 10, height: 2)
    let block = TextBlock("one two three four five six", scroll: 99)
    let used = block.draw(into: &buffer, in: buffer.bounds)
    #expect(used == 1)
    #expect(buffer.text() == ["three four", "five six  "])
  }
}

@Suite struct StatusLineTests {
  private let hints = [
    KeyHint(key: "j/k", label: "move"), KeyHint(key: "t", label: "track"),
    KeyHint(key: "?", label: "help"), KeyHint(key: "q", label: "quit"),
  ]

  @Test func allHintsShowWhenThereIsRoom() {
    var buffer = ScreenBuffer(width: 40, height: 1)
    StatusLine(hints: hints).draw(into: &buffer, y: 0, width: 40)
    #expect(buffer.text() == [" j/k move  t track  ? help  q quit      "])
    #expect(buffer.styleMap() == ["skkkssssssskssssssssksssssssksssssssssss"])
  }

  @Test func hintsThatDoNotFitAreDroppedWithAnEllipsis() {
    var buffer = ScreenBuffer(width: 20, height: 1)
    StatusLine(hints: hints).draw(into: &buffer, y: 0, width: 20)
    #expect(buffer.text() == [" j/k move  t track …"])
  }
}
