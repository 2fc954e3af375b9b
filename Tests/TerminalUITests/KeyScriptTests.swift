import Testing
import TerminalUI
import TestSupport

@Suite struct KeyScriptTests {
  @Test func plainCharactersAndTokensParseInOrder() throws {
    let keys = try KeyEvent.parseScript("/Fab<enter><tab>jt<esc>")
    #expect(keys == [
      .character("/"), .character("F"), .character("a"), .character("b"), .enter, .tab,
      .character("j"), .character("t"), .escape,
    ])
  }

  @Test func everyNamedTokenParses() throws {
    let keys = try KeyEvent.parseScript(
      "<s-tab><up><down><left><right><pgup><pgdn><home><end><bs><space><del><c-c><f5><lt>")
    #expect(keys == [
      .backTab, .up, .down, .left, .right, .pageUp, .pageDown, .home, .end, .backspace,
      .character(" "), .delete, .ctrl("c"), .function(5), .character("<"),
    ])
  }

  @Test func resizeTokenCarriesTheSize() throws {
    #expect(try KeyEvent.parseScript("<resize 120x40>") == [
      .resize(TerminalSize(width: 120, height: 40))
    ])
  }

  @Test func unknownTokenIsAnErrorNamingIt() {
    let error = #expect(throws: KeyScriptError.self) { try KeyEvent.parseScript("j<entr>") }
    #expect(error?.token == "<entr>")
  }

  @Test func notationRoundTrips() throws {
    let keys: [KeyEvent] = [
      .character("j"), .enter, .backTab, .ctrl("x"), .function(12), .alt("b"),
      .character(" "), .resize(TerminalSize(width: 90, height: 20)),
    ]
    #expect(try KeyEvent.parseScript(keys.map(\.notation).joined()) == keys)
  }

  @Test func nonAsciiCharactersAreSingleKeys() throws {
    #expect(try KeyEvent.parseScript("é日") == [.character("é"), .character("日")])
  }
}

@Suite struct VirtualTerminalTests {
  @Test func keysAreReadInOrderThenNil() throws {
    let terminal = try VirtualTerminal(keys: "a<enter>")
    #expect(terminal.readKey(timeout: .milliseconds(10)) == .character("a"))
    #expect(terminal.readKey(timeout: .milliseconds(10)) == .enter)
    #expect(terminal.readKey(timeout: .milliseconds(10)) == nil)
  }

  @Test func resizeChangesTheSizeWhenRead() throws {
    let terminal = try VirtualTerminal(width: 80, height: 24, keys: "<resize 120x40>")
    #expect(terminal.size == TerminalSize(width: 80, height: 24))
    _ = terminal.readKey(timeout: nil)
    #expect(terminal.size == TerminalSize(width: 120, height: 40))
  }

  @Test func drawKeepsTheLastFrameAndTheChangedRuns() throws {
    let terminal = try VirtualTerminal(width: 10, height: 2)
    var buffer = ScreenBuffer(width: 10, height: 2)
    terminal.draw(buffer)
    buffer.put("hi", x: 3, y: 1, role: .notice)
    terminal.draw(buffer)
    #expect(terminal.frameCount == 2)
    #expect(terminal.lastFrame?.text() == ["          ", "   hi     "])
    #expect(terminal.lastDiff == [
      ScreenBuffer.Run(x: 3, y: 1, text: "hi", width: 2, role: .notice)
    ])
  }

  @Test func noColorCapabilityGivesAMonochromeTheme() throws {
    let terminal = try VirtualTerminal(
      capabilities: TerminalCapabilities(colorDepth: .monochrome, unicode: true))
    #expect(terminal.theme.style(for: .error).foreground == .default)
    terminal.theme = .builtInDefault
    #expect(terminal.theme.style(for: .error).foreground == .default)
  }
}

@Suite struct SnapshotHelperTests {
  @Test func renderFramesTextRowsAndAppendsTheStyleMap() {
    var buffer = ScreenBuffer(width: 4, height: 1)
    buffer.put("ok", x: 1, y: 0, role: .error)
    #expect(Snapshot.render(buffer) == "│ ok │\n── styles ──\n│.EE.│\n")
  }

  @Test func lineDiffShowsOnlyChangedLinesWithNumbers() {
    let diff = Snapshot.lineDiff(expected: "a\nb\nc", actual: "a\nB\nc")
    #expect(diff == "-  2 b\n+  2 B")
  }

  @Test func snapshotsLiveInTheTestTargetsSnapshotsFolder() {
    let url = Snapshot.directory(forTestFile: "/repo/Tests/AppTests/Screens/HomeTests.swift")
    #expect(url.path == "/repo/Tests/AppTests/Snapshots")
  }
}
