import Testing
import TerminalUI
import TestSupport

@Suite struct BoxTests {
  /// Draws `box` into a fresh buffer one column wider and taller than the box on each side.
  private func render(_ box: Box, width: Int, height: Int) -> ScreenBuffer {
    var buffer = ScreenBuffer(width: width, height: height)
    box.draw(into: &buffer)
    return buffer
  }

  @Test func solidBoxWithCjkTitleKeepsItsBorderWhole() {
    let box = Box(
      Rect(x: 1, y: 1, width: 14, height: 4), title: "会議の議事録です", titleRole: .header)
    let buffer = render(box, width: 16, height: 6)
    assertSnapshot(buffer, named: "solid-box-cjk-title")
    #expect(buffer.text()[1].displayWidth == 16)
  }

  @Test func dottedBoxWithEmojiTitleKeepsItsBorderWhole() {
    let box = Box(
      Rect(x: 0, y: 0, width: 22, height: 3), border: .dotted, role: .tilePrivateBorder,
      title: "📅 👨‍👩‍👧 Lunch 🇫🇷", label: "private", labelRole: .tilePrivateLabel)
    let buffer = render(box, width: 22, height: 3)
    assertSnapshot(buffer, named: "dotted-box-emoji-title")
    #expect(buffer.text()[0].hasSuffix("┐"))
    #expect(buffer.text().allSatisfy { $0.displayWidth == 22 })
  }

  @Test func boxWithLabelShowsTitleLeftAndLabelRight() {
    let box = Box(
      Rect(x: 0, y: 0, width: 30, height: 3), border: .solid, role: .tileTrackedBorder,
      title: "Re: Renewal", label: "tracked")
    let buffer = render(box, width: 30, height: 3)
    assertSnapshot(buffer, named: "solid-box-title-and-label")
  }

  @Test func asciiFallbackUsesPlusMinusAndBar() {
    let box = Box(Rect(x: 0, y: 0, width: 8, height: 3), title: "Hi", unicode: false)
    let buffer = render(box, width: 8, height: 3)
    #expect(buffer.text() == ["+- Hi -+", "|      |", "+------+"])
  }

  @Test func interiorIsInsideTheBorder() {
    let box = Box(Rect(x: 2, y: 3, width: 10, height: 5))
    #expect(box.interior == Rect(x: 3, y: 4, width: 8, height: 3))
  }
}

/// Counts in a 100,000-record pane read "20001" and "↓99981 more" beside the indexing line's
/// "98,304 of 100,000".
@Suite struct GroupedCountTests {
  @Test func scrollMarksGroupThousands() {
    let box = Box(Rect(x: 0, y: 0, width: 30, height: 3))
    var buffer = ScreenBuffer(width: 30, height: 3)
    box.draw(into: &buffer)
    box.drawScrollMarks(into: &buffer, above: 1_204, below: 99_981)
    #expect(buffer.text()[2].contains("↑1,204 ↓99,981 more"))
  }

  @Test func aGroupHeadersCountGroupsThousands() {
    #expect(ListRow.group("Accounts", count: 20_001).trailing == "20,001")
    #expect(ListRow.group("Cases", count: 999).trailing == "999")
  }
}
