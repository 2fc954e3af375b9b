import Foundation
import Testing
import TestSupport

/// The real binary under tmux: find a record, read a private email, track it, watch it turn
/// tracked, hide private email in settings, resize, quit.
@Suite(.serialized, .requires("tmux")) struct TUIEndToEndTests {
  /// The imported CRM and one email from Ann Lee whose subject mixes an accent, CJK and emoji.
  static func fixtureWithAnnsEmail(body: String) throws -> CaptureFixture {
    var f = try CaptureFixture()
    #expect(try f.importCRM().status == 0)
    try f.message(id: "<hello@t>", date: "Sun, 22 Nov 2026 09:00:00 +0000",
                  from: "Ann Lee <ann@fabrikam.example>", subject: "Über-Angebot 見積もり 🚀",
                  body: body)
    return f
  }

  @Test func aNewcomerFindsTracksAndHidesPrivateEmail() throws {
    let f = try Self.fixtureWithAnnsEmail(body: "Hello from Ann, about the printers.\n")
    let tmux = try f.tuiSession()
    defer { tmux.kill() }

    try tmux.waitFor("Fabrikam")
    try tmux.waitFor("Accounts")

    try tmux.send(keys: "/")
    try tmux.type("ann")
    try tmux.send(keys: "Enter")
    try tmux.waitFor("Ann Lee · Contact")

    try tmux.send(keys: "Tab")
    // The whole tile, not its first row: a capture can land between two rows' output.
    var screen = try tmux.waitUntil("the private tile") {
      $0.contains("Private email") && $0.contains("[t] Track")
    }
    #expect(screen.contains("Über-Angebot 見積もり 🚀"))

    try tmux.send(keys: "Enter")
    try tmux.waitFor("Hello from Ann")
    try tmux.send(keys: "Enter")

    try tmux.send(keys: "t")
    try tmux.waitFor("Tracking pending")
    screen = try tmux.waitUntil("the tile turned tracked", timeout: .seconds(20)) {
      !$0.contains("Tracking pending") && !$0.contains("Private email")
        && $0.contains("Über-Angebot")
    }
    #expect(screen.contains("← in"))

    try tmux.send(keys: "o")
    try tmux.waitFor("Show email not tracked in the Activities list: [Yes]")
    try tmux.send(keys: "Space")
    try tmux.waitFor("Show email not tracked in the Activities list: [No]")
    try tmux.send(keys: "Escape")
    // Wait for Esc to land alone: Esc followed at once by a key reads as Alt+key.
    screen = try tmux.waitUntil("settings to close") { !$0.contains("Settings · Esc closes") }
    #expect(screen.contains("untracked email is hidden"))

    try tmux.send(keys: "?")
    try tmux.waitFor("Help · Esc closes")
    try tmux.send(keys: "Escape")
    try tmux.waitUntil("help to close") { !$0.contains("Help · Esc closes") }

    try tmux.resize(width: 50, height: 12)
    try tmux.waitFor("Terminal too small")
    try tmux.resize(width: 80, height: 24)
    screen = try tmux.waitFor("Records")
    #expect(!screen.contains("Terminal too small"))

    try tmux.send(keys: "q")
    _ = try tmux.waitUntil("the app to exit") { _ in (try? tmux.isRunning()) == false }
  }
}

/// A terminal whose locale is not UTF-8 (LANG=C, as in many containers and ssh sessions).
@Suite(.serialized, .requires("tmux")) struct TUIAsciiLocaleEndToEndTests {
  /// curses dropped the characters it could not encode (or drew them at another width), so
  /// "Über-Angebot 見積もり 🚀" moved the rest of its row and the tile's border with it.
  @Test func textTheLocaleCannotShowIsSpelledInAsciiAndBordersStayInPlace() throws {
    let f = try TUIEndToEndTests.fixtureWithAnnsEmail(body: "Grüße — Ann\n")
    let tmux = try f.tuiSession(prefix: "env LANG=C LC_ALL=C ")
    defer { tmux.kill() }
    try tmux.focusAnnsTimeline(taken: "Ann Lee")  // no "·" in ASCII
    try tmux.send(keys: "Enter")
    let screen = try tmux.waitFor("Gruse - Ann")
    #expect(screen.contains("Uber-Angebot ???????? ??"))
    let rows = screen.split(separator: "\n", omittingEmptySubsequences: false)
    for row in rows.dropFirst().prefix(28) {
      #expect(row.count == 100 && (row.last == "|" || row.last == "+"),
              "a row ends at the right border: \(row)")
    }
    try tmux.send(keys: "q")
  }
}

/// Home and End as terminals send them: tmux, PuTTY, rxvt and the Linux console send
/// ESC [ 1 ~ and ESC [ 4 ~ (or ESC [ H, ESC [ F), while TERM=xterm-256color's terminfo
/// names only ESC O H and ESC O F; curses alone reads the others as Esc and text, and
/// the keys would do nothing.
@Suite(.serialized, .requires("tmux")) struct TUIHomeEndEndToEndTests {
  @Test func homeAndEndMoveToTheFirstAndLastTileWhateverSequenceTheTerminalSends() throws {
    var f = try CaptureFixture()
    #expect(try f.importCRM().status == 0)
    for n in 1...12 {
      try f.message(id: "<m\(n)@t>", date: "Sun, \(n + 1) Nov 2026 09:00:00 +0000",
                    from: "Ann Lee <ann@fabrikam.example>", subject: "Mail number \(n)")
    }
    let tmux = try f.tuiSession()
    defer { tmux.kill() }
    try tmux.focusAnnsTimeline()
    try tmux.waitFor("▸ Email")
    // tmux's own Home/End, then the ones other terminals send, typed as raw sequences.
    // One send-keys each, so Esc and the rest arrive together as a terminal sends them.
    let ends = [["End"], ["Escape", "[4~"], ["Escape", "[F"], ["Escape", "OF"]]
    let homes = [["Home"], ["Escape", "[1~"], ["Escape", "[H"], ["Escape", "OH"]]
    func press(_ keys: [String]) throws {
      if keys.count == 2 {
        try tmux.send(keys: keys[0], keys[1])
      } else {
        try tmux.send(keys: keys[0])
      }
    }
    for (end, home) in zip(ends, homes) {
      try press(end)
      try tmux.waitUntil("\(end) selects the last tile") { screen in
        screen.split(separator: "\n").contains { $0.contains("▸ Email") }
          && screen.contains("Mail number 1 ") && !screen.contains("more ─┘")
      }
      try press(home)
      try tmux.waitUntil("\(home) selects the first tile") { screen in
        screen.contains("Mail number 12") && screen.contains("more ─┘")
      }
    }
    try tmux.send(keys: "q")
  }
}

/// Ctrl-Z under a job-control shell: the shell gets the terminal back, and `fg` brings the
/// app back with its screen drawn again.
@Suite(.serialized) struct TUISuspendEndToEndTests {
  /// Runs `command` (a shell command line) on a terminal made by `script` (util-linux),
  /// with the TUI's test environment; returns the running process and its output.
  static func onScriptTerminal(_ command: String, input: Any = FileHandle.nullDevice) throws
    -> (Process, Pipe)
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
    process.arguments = ["-qec", command, "/dev/null"]
    process.environment = ProcessInfo.processInfo.environment
      .merging(CaptureFixture.tuiEnvironment) { $1 }
    let output = Pipe()
    process.standardOutput = output
    process.standardInput = input
    try process.run()
    return (process, output)
  }

  /// An unknown TERM is refused with what to do, not ncurses' "Error opening terminal".
  /// Run on a terminal made by `script` (util-linux): the TUI refuses to start without one,
  /// and under tmux the error's first line can scroll into history (`TmuxSession.capture`).
  /// TERM=dumb (Emacs' shell, some CI) has a terminfo entry but cannot move the cursor:
  /// curses would write every row at the same place, leaving only the status line.
  @Test func aTerminalThatCannotMoveTheCursorIsRefusedWithWhatToDo() throws {
    let f = try CaptureFixture.imported()
    let (process, output) = try Self.onScriptTerminal("TERM=dumb \(f.tuiCommandLine())")
    // An app that started anyway would wait for keys that never come: end it (and its
    // terminal) rather than hang the suite.
    DispatchQueue.global().asyncAfter(deadline: .now() + 20) {
      if process.isRunning { process.terminate() }
    }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 1)
    #expect(text.contains("Error: this terminal cannot move the cursor: TERM='dumb' "
      + "(try TERM=xterm-256color)"), "\(text)")
  }

  /// The app ends, not spinning at full CPU, when its terminal goes away with SIGHUP
  /// ignored (nohup, some harnesses) and curses answers every read at once with no key.
  @Test func theAppEndsWhenItsTerminalGoesAwayEvenWithHangupIgnored() throws {
    let f = try CaptureFixture.imported()
    let pidFile = f.root.appendingPathComponent("tui.pid").path
    let input = Pipe()  // open for as long as the test runs: script waits on it
    let (process, output) = try Self.onScriptTerminal(
      "sh -c 'trap \"\" HUP; echo $$ > \(pidFile); exec \(f.tuiCommandLine())'", input: input)
    // What the terminal shows, read as it comes (and to its end, so script never blocks).
    let shown = Shown()
    DispatchQueue.global().async {
      while case let chunk = output.fileHandleForReading.availableData, !chunk.isEmpty {
        shown.append(chunk)
      }
    }
    func appPid() -> pid_t? {
      (try? String(contentsOfFile: pidFile, encoding: .utf8))
        .flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }
    func appIsRunning(_ pid: pid_t) -> Bool {
      // Gone, or a zombie waiting for its new parent to reap it.
      guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
      else { return false }
      return !stat.contains(") Z ")
    }
    // Started, and its first frame drawn: polled, not waited for by the clock.
    for _ in 0..<400 where appPid() == nil || !shown.contains("Accounts") {
      Thread.sleep(forTimeInterval: 0.05)
    }
    #expect(shown.contains("Accounts"), "no first frame within 20 s")
    let pid = try #require(appPid())
    #expect(appIsRunning(pid))
    // The terminal goes: script's end closes the pseudo-terminal's master side.
    kill(process.processIdentifier, SIGKILL)
    var ended = false
    for _ in 0..<50 where !ended {
      Thread.sleep(forTimeInterval: 0.1)
      ended = !appIsRunning(pid)
    }
    if !ended { kill(pid, SIGKILL) }
    // Only now: script's end is not seen while the app it started holds its pipe open.
    process.waitUntilExit()
    #expect(ended, "the app still ran 5 s after its terminal went away")
  }

  @Test func anUnknownTerminalTypeIsNamedWithWhatToDo() throws {
    let f = try CaptureFixture.imported()
    let (process, output) = try Self.onScriptTerminal("TERM=nosuchterm \(f.tuiCommandLine())")
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    #expect(process.terminationStatus == 1)
    #expect(text.contains("Error: this terminal type is unknown: TERM='nosuchterm' has no "
      + "terminfo entry (try TERM=xterm-256color, or install ncurses-term)"))
  }

  @Test(.requires("tmux"))
  func ctrlZHandsTheTerminalToTheShellAndFgBringsTheAppBack() throws {
    let f = try CaptureFixture()
    #expect(try f.importCRM().status == 0)
    let tmux = try TmuxSession(
      command: "bash --norc --noprofile -i", width: 100, height: 30,
      environment: CaptureFixture.tuiEnvironment)
    defer { tmux.kill() }
    try tmux.waitFor("bash")
    try tmux.type("PS1='shell-ready$ '")
    try tmux.send(keys: "Enter")
    try tmux.waitFor("shell-ready$")
    try tmux.type(f.tuiCommandLine(withMail: false))
    try tmux.send(keys: "Enter")
    try tmux.waitFor("Accounts")

    try tmux.send(keys: "C-z")
    let stopped = try tmux.waitFor("Stopped")
    #expect(!stopped.contains("Accounts"), "the app's screen is gone while it is stopped")
    try tmux.type("fg")
    try tmux.send(keys: "Enter")
    let screen = try tmux.waitFor("Accounts")
    #expect(screen.contains("Fabrikam"))

    // It still answers keys after coming back, and quits to the shell.
    try tmux.send(keys: "?")
    // The whole overlay, not its first rows: a capture can land while it is being drawn.
    _ = try tmux.waitUntil("the help naming Ctrl-Z") {
      $0.contains("Help · Esc closes") && $0.contains("Suspend (fg resumes)")
    }
    try tmux.send(keys: "Escape")
    // Esc and a key within 25 ms read as Alt-key: wait for the overlay to close first.
    _ = try tmux.waitUntil("help closed") { !$0.contains("Help · Esc closes") }
    try tmux.send(keys: "q")
    _ = try tmux.waitUntil("the shell prompt is back after quitting") {
      $0.components(separatedBy: "shell-ready$").count >= 4 && !$0.contains("Accounts")
    }
  }
}

/// Bytes a terminal showed, appended from a reading thread and searched from the test's.
private final class Shown: @unchecked Sendable {
  private let lock = NSLock()
  private var data = Data()

  func append(_ chunk: Data) { lock.withLock { data += chunk } }

  func contains(_ text: String) -> Bool {
    lock.withLock { data.range(of: Data(text.utf8)) != nil }
  }
}

extension TmuxSession {
  /// Once the records show: filters to Ann Lee, takes her (`taken` on screen), and moves to
  /// her timeline.
  func focusAnnsTimeline(taken: String = "Ann Lee · Contact") throws {
    try waitFor("Accounts")
    try send(keys: "/")
    try type("ann")
    try send(keys: "Enter")
    try waitFor(taken)
    try send(keys: "Tab")
  }
}
