import Testing
import TerminalUI

@Suite struct ScreenBufferTests {
  @Test func putWritesTextAndRoles() {
    var buffer = ScreenBuffer(width: 6, height: 1)
    buffer.put("ab", x: 1, y: 0, role: .header)
    #expect(buffer.text() == [" ab   "])
    #expect(buffer.styleMap() == [".HH..."])
  }

  @Test func putClipsByDisplayWidthAtMaxWidth() {
    var buffer = ScreenBuffer(width: 10, height: 1)
    let end = buffer.put("abcdef", x: 2, y: 0, role: .normal, maxWidth: 3)
    #expect(buffer.text() == ["  abc     "])
    #expect(end == 5)
  }

  @Test func wideCharacterStraddlingTheClipEdgeBecomesASpace() {
    var buffer = ScreenBuffer(width: 8, height: 1)
    buffer.fill(buffer.bounds, with: "x", role: .normal)
    buffer.put("日本語", x: 0, y: 0, role: .header, maxWidth: 5)
    #expect(buffer.text() == ["日本 xxx"])
    #expect(buffer[4, 0] == Cell.blank(.header))
    #expect(buffer[1, 0].isContinuation)
  }

  @Test func wideCharacterAtTheRightEdgeOfTheBufferBecomesASpace() {
    var buffer = ScreenBuffer(width: 3, height: 1)
    buffer.put("a日", x: 1, y: 0, role: .normal)
    #expect(buffer.text() == [" a "])
  }

  @Test func overwritingHalfOfAWideCharacterBlanksTheOtherHalf() {
    var buffer = ScreenBuffer(width: 4, height: 1)
    buffer.put("日本", x: 0, y: 0, role: .normal)
    buffer.put("x", x: 1, y: 0, role: .normal)
    #expect(buffer.text() == [" x本"])
    buffer.put("y", x: 2, y: 0, role: .normal)
    #expect(buffer.text() == [" xy "])
  }

  @Test func combiningMarksAndZwjSequencesStayInOneCell() {
    var buffer = ScreenBuffer(width: 6, height: 1)
    let family = "👨\u{200D}👩\u{200D}👧"
    buffer.put("e\u{301}" + family + "!", x: 0, y: 0, role: .normal)
    #expect(buffer[0, 0].text == "e\u{301}")
    #expect(buffer[1, 0].text == family)
    #expect(buffer[1, 0].width == 2)
    #expect(buffer[3, 0].text == "!")
  }

  @Test func controlCharactersAreReplaced() {
    var buffer = ScreenBuffer(width: 6, height: 1)
    buffer.put("a\u{1B}[2Jb", x: 0, y: 0, role: .normal)
    #expect(buffer.text() == ["a\u{FFFD}[2Jb"])
  }

  @Test func textLeftOfTheBufferIsClippedByColumns() {
    var buffer = ScreenBuffer(width: 4, height: 1)
    buffer.put("abcdef", x: -2, y: 0, role: .normal)
    #expect(buffer.text() == ["cdef"])
  }

  @Test func rowsOutsideTheBufferAreIgnored() {
    var buffer = ScreenBuffer(width: 3, height: 1)
    buffer.put("abc", x: 0, y: 1, role: .normal)
    buffer.put("abc", x: 0, y: -1, role: .normal)
    #expect(buffer.text() == ["   "])
  }

  @Test func restyleChangesRolesButNotText() {
    var buffer = ScreenBuffer(width: 4, height: 2)
    buffer.put("abcd", x: 0, y: 1, role: .listItem)
    buffer.restyle(Rect(x: 0, y: 1, width: 4, height: 1), role: .selection)
    #expect(buffer.text() == ["    ", "abcd"])
    #expect(buffer.styleMap() == ["....", "SSSS"])
  }

  @Test func diffWithoutAPreviousFrameCoversEveryRow() {
    var buffer = ScreenBuffer(width: 3, height: 2)
    buffer.put("ab", x: 0, y: 0, role: .header)
    let runs = buffer.diff(from: nil)
    #expect(runs.map(\.y) == [0, 0, 1])
    #expect(runs.reduce(0) { $0 + $1.width } == 6)
  }

  @Test func diffReportsOnlyChangedCells() {
    var before = ScreenBuffer(width: 10, height: 3)
    before.put("unchanged", x: 0, y: 0, role: .normal)
    before.put("hello", x: 0, y: 1, role: .normal)
    var after = before
    after.put("J", x: 0, y: 1, role: .normal)
    after.put("y", x: 4, y: 1, role: .error)
    let runs = after.diff(from: before)
    #expect(runs == [
      ScreenBuffer.Run(x: 0, y: 1, text: "J", width: 1, role: .normal),
      ScreenBuffer.Run(x: 4, y: 1, text: "y", width: 1, role: .error),
    ])
  }

  @Test func diffOfIdenticalFramesIsEmpty() {
    var buffer = ScreenBuffer(width: 5, height: 2)
    buffer.put("日本", x: 0, y: 0, role: .normal)
    #expect(buffer.diff(from: buffer).isEmpty)
  }

  @Test func diffJoinsAdjacentChangesWithTheSameRole() {
    let before = ScreenBuffer(width: 8, height: 1)
    var after = before
    after.put("abc", x: 2, y: 0, role: .notice)
    #expect(after.diff(from: before) == [
      ScreenBuffer.Run(x: 2, y: 0, text: "abc", width: 3, role: .notice)
    ])
  }

  @Test func diffRedrawsAWholeWideCharacterWhenOnlyItsRightHalfChanged() {
    var before = ScreenBuffer(width: 4, height: 1)
    before.put("ab", x: 0, y: 0, role: .normal)
    var after = before
    after.put("日", x: 1, y: 0, role: .normal)
    #expect(after.diff(from: before) == [
      ScreenBuffer.Run(x: 1, y: 0, text: "日", width: 2, role: .normal)
    ])
  }

  @Test func diffAgainstADifferentSizeRedrawsEverything() {
    let before = ScreenBuffer(width: 4, height: 1)
    let after = ScreenBuffer(width: 5, height: 1)
    #expect(after.diff(from: before).reduce(0) { $0 + $1.width } == 5)
  }
}
