import CNcursesw
import Foundation
import TerminalUI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Errors starting the curses terminal.
public struct CursesTerminalError: Error, CustomStringConvertible, Sendable {
  public var description: String
}

/// The real ``Terminal``: ncurses (wide-character build) on the process's tty.
///
/// Only one can be active at a time (curses state is global). The terminal is always given
/// back: ``shutdown()`` (or deinit) calls `endwin`, and so do an `atexit` hook and handlers for
/// SIGINT/SIGTERM/SIGHUP and the crash signals, which then re-raise the signal with the
/// previous handler so the exit status (and Swift's crash backtrace) are unchanged.
///
/// Input is raw: Ctrl-C, Ctrl-Z and Ctrl-\ arrive as ``KeyEvent/ctrl(_:)`` keys, not signals,
/// so the app decides what they do (Ctrl-Z: ``suspend()``, SIGTSTP, ``restore()``). Esc waits 25 ms for a following key to tell Alt-x from Esc.
public final class CursesTerminal: Terminal {
  public private(set) var size: TerminalSize
  public let capabilities: TerminalCapabilities
  public var theme: Theme {
    didSet {
      theme = theme.adapted(to: capabilities.colorDepth)
      styleCache = [:]
      previous = nil
    }
  }

  /// What was last drawn, to write only changed cells; nil forces a full redraw.
  private var previous: ScreenBuffer?
  private var styleCache: [StyleRole: (attributes: attr_t, pair: Int32)] = [:]
  private var pairs: [PairKey: Int32] = [:]
  private var nextPair: Int32 = 1
  private let maxPairs: Int32
  private let colorCount: Int
  private var active = true

  private struct PairKey: Hashable {
    var foreground: Int32
    var background: Int32
  }

  /// Enters curses mode on the tty.
  ///
  /// - Parameters:
  ///   - theme: styles for the cells (degraded to the terminal's colours).
  ///   - environment: consulted for `NO_COLOR`.
  public init(
    theme: Theme = .builtInDefault,
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws {
    guard !cursesIsActive else {
      throw CursesTerminalError(description: "a CursesTerminal is already active")
    }
    setlocale(LC_ALL, "")
    guard isatty(STDIN_FILENO) != 0, isatty(STDOUT_FILENO) != 0 else {
      throw CursesTerminalError(description: "the terminal UI needs a terminal (stdin/stdout)")
    }
    set_escdelay(25)
    // Before initscr: ncurses installs its own SIGINT/SIGTERM handlers (which exit(1)) only
    // where none is set, and ours re-raise with the default action to keep the exit status.
    installRestoreHandlers()
    guard ac_newterm() != nil else {
      let term = environment["TERM"].map { "'\($0)'" } ?? "(unset)"
      throw CursesTerminalError(
        description: "this terminal type is unknown: TERM=\(term) has no terminfo entry "
          + "(try TERM=xterm-256color, or install ncurses-term)")
    }
    cursesIsActive = true
    // TERM=dumb (Emacs' shell, some CI) has an entry but no cursor addressing: curses would
    // write every row in one place. Said plainly, with the terminal given back first.
    let cursorAddress = tigetstr("cup")
    if cursorAddress == nil || Int(bitPattern: cursorAddress) == -1 {
      endwin()
      cursesIsActive = false
      let term = environment["TERM"].map { "'\($0)'" } ?? "(unset)"
      throw CursesTerminalError(
        description: "this terminal cannot move the cursor: TERM=\(term) "
          + "(try TERM=xterm-256color)")
    }
    raw()
    noecho()
    nonl()
    _ = ac_keypad(1)
    CursesTerminal.defineCommonKeySequences()
    curs_set(0)

    var depth = ColorDepth.monochrome
    if has_colors() {
      start_color()
      use_default_colors()
      depth = ColorDepth(colorCount: Int(ac_colors()))
    }
    colorCount = Int(ac_colors())
    maxPairs = Int32(ac_color_pairs())
    capabilities = TerminalCapabilities(
      colorDepth: ColorDepth.honoringNoColor(depth, environment: environment),
      unicode: ac_locale_is_utf8() != 0)
    self.theme = theme.adapted(to: capabilities.colorDepth)
    size = TerminalSize(width: Int(ac_cols()), height: Int(ac_lines()))
  }

  deinit { shutdown() }

  /// Teaches curses the Home and End sequences terminals send besides the one their TERM's
  /// terminfo names.
  ///
  /// tmux, screen, PuTTY, rxvt and the Linux console send ESC [ 1 ~ and ESC [ 4 ~ (rxvt also
  /// ESC [ 7 ~ and ESC [ 8 ~), xterm ESC [ H and ESC [ F outside keypad mode; under a TERM
  /// naming another (xterm-256color names ESC O H and ESC O F) curses read them as Esc and
  /// text, and Home and End did nothing. A sequence terminfo already binds is left alone.
  private static func defineCommonKeySequences() {
    let sequences: [(String, Int32)] = [
      ("\u{1B}[1~", KEY_HOME), ("\u{1B}[7~", KEY_HOME), ("\u{1B}[H", KEY_HOME),
      ("\u{1B}OH", KEY_HOME), ("\u{1B}[4~", KEY_END), ("\u{1B}[8~", KEY_END),
      ("\u{1B}[F", KEY_END), ("\u{1B}OF", KEY_END),
    ]
    for (sequence, key) in sequences where key_defined(sequence) == 0 {
      _ = define_key(sequence, key)
    }
  }

  /// Leaves curses mode for good (idempotent); the tty is as it was before.
  public func shutdown() {
    guard active else { return }
    active = false
    endwin()
    cursesIsActive = false
  }

  public func readKey(timeout: Duration?) -> KeyEvent? {
    ac_timeout(timeout.map(milliseconds) ?? -1)
    var key: wint_t = 0
    let status = ac_get_wch(&key)
    if status == ac_err() { return Self.inputHungUp() ? .hangup : nil }
    if status == ac_key_code_yes() { return functionKey(Int32(key)) }
    if key == 27 {
      // Esc alone, or Alt plus the key that follows immediately.
      ac_timeout(0)
      var next: wint_t = 0
      if ac_get_wch(&next) == OK, let scalar = Unicode.Scalar(UInt32(next)), next >= 32 {
        return .alt(Character(scalar))
      }
      return .escape
    }
    return characterKey(UInt32(key))
  }

  /// Whether the terminal is gone. Curses then answers every read at once with no key, so
  /// the loop would spin at full CPU where SIGHUP is ignored (`nohup`, some harnesses)
  /// and nothing else ends it.
  private static func inputHungUp() -> Bool {
    var input = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
    guard poll(&input, 1, 0) == 1 else { return false }
    return input.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
  }

  private func functionKey(_ code: Int32) -> KeyEvent? {
    switch code {
    case ac_key_resize():
      size = TerminalSize(width: Int(ac_cols()), height: Int(ac_lines()))
      previous = nil
      return .resize(size)
    case KEY_UP: return .up
    case KEY_DOWN: return .down
    case KEY_LEFT: return .left
    case KEY_RIGHT: return .right
    case KEY_HOME: return .home
    case KEY_END: return .end
    case KEY_PPAGE: return .pageUp
    case KEY_NPAGE: return .pageDown
    case KEY_DC: return .delete
    case KEY_IC: return .insert
    case KEY_BACKSPACE: return .backspace
    case KEY_ENTER: return .enter
    case KEY_BTAB: return .backTab
    case (ac_key_f0() + 1)...(ac_key_f0() + 63): return .function(Int(code - ac_key_f0()))
    default: return nil
    }
  }

  private func characterKey(_ value: UInt32) -> KeyEvent? {
    switch value {
    case 9: return .tab
    case 10, 13: return .enter
    case 8, 127: return .backspace
    case 1...26: return .ctrl(Character(Unicode.Scalar(UInt8(value) + 96)))
    case 0..<32: return nil
    default:
      guard let scalar = Unicode.Scalar(value) else { return nil }
      return .character(Character(scalar))
    }
  }

  public func draw(_ buffer: ScreenBuffer) {
    guard active else { return }
    // A full redraw starts from a blank screen so nothing outside `buffer` survives a resize;
    // curses still sends the terminal only what differs from what it shows.
    if previous == nil { _ = ac_erase() }
    let runs = buffer.diff(from: previous)
    var wide: [wchar_t] = []
    for run in runs where run.y < size.height && run.x < size.width {
      let style = cursesStyle(for: run.role)
      _ = ac_set_style(style.attributes, style.pair)
      wide.removeAll(keepingCapacity: true)
      var column = run.x
      while column < run.x + run.width {
        let cell = buffer[column, run.y]
        // Past the right edge curses would wrap onto the next row: clip instead.
        if column + max(1, cell.width) > size.width { break }
        appendCursesText(of: cell, to: &wide)
        column += max(1, cell.width)
      }
      wide.append(0)
      _ = ac_put(Int32(run.y), Int32(run.x), wide)
    }
    _ = ac_refresh()
    previous = buffer
  }

  /// Appends `cell`'s cluster as curses will lay it out in exactly `cell.width` columns.
  ///
  /// curses measures each code point with `wcwidth`, so a cluster the buffer counts as one
  /// wide cell but curses as more (a ZWJ family, a skin-tone emoji) or fewer (a text-default
  /// symbol with U+FE0F) would shift the rest of the row. Such a cluster is cut to its leading
  /// code points that fit (zero-width ones dropped) and padded with spaces: the row stays
  /// aligned and the first emoji still shows.
  private func appendCursesText(of cell: Cell, to wide: inout [wchar_t]) {
    guard capabilities.unicode else {
      // Not a UTF-8 locale: curses would drop or misplace anything beyond ASCII.
      let ascii = Cell.asciiFallback(cell.text, width: max(1, cell.width))
      wide.append(contentsOf: ascii.unicodeScalars.map { wchar_t(bitPattern: $0.value) })
      return
    }
    let scalars = cell.text.unicodeScalars
    let plain = scalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x300 }
    if plain && scalars.count == cell.width {
      wide.append(contentsOf: scalars.map { wchar_t(bitPattern: $0.value) })
      return
    }
    var total = 0
    for scalar in scalars { total += max(0, Int(ac_wcwidth(wchar_t(bitPattern: scalar.value)))) }
    if total == cell.width {
      wide.append(contentsOf: scalars.map { wchar_t(bitPattern: $0.value) })
      return
    }
    var used = 0
    for scalar in scalars {
      let columns = Int(ac_wcwidth(wchar_t(bitPattern: scalar.value)))
      if columns < 0 || used + columns > cell.width { break }
      if columns == 0 { continue }
      wide.append(wchar_t(bitPattern: scalar.value))
      used += columns
      if total > cell.width && used == cell.width { break }
    }
    while used < cell.width {
      wide.append(32)
      used += 1
    }
  }

  public func suspend() {
    guard active else { return }
    endwin()
  }

  public func restore() {
    guard active else { return }
    previous = nil
    _ = ac_clearok()
    _ = ac_refresh()
  }

  /// The curses attributes and colour pair for `role`, computed once per theme.
  private func cursesStyle(for role: StyleRole) -> (attributes: attr_t, pair: Int32) {
    if let cached = styleCache[role] { return cached }
    let style = theme.style(for: role)
    var attributes = ac_a_normal()
    if style.attributes.contains(.bold) { attributes |= ac_a_bold() }
    if style.attributes.contains(.dim) { attributes |= ac_a_dim() }
    if style.attributes.contains(.italic) { attributes |= ac_a_italic() }
    if style.attributes.contains(.underline) { attributes |= ac_a_underline() }
    if style.attributes.contains(.reverse) { attributes |= ac_a_reverse() }
    let result = (attributes, pair(style.foreground, style.background))
    styleCache[role] = result
    return result
  }

  /// The colour pair for a foreground/background, allocated on first use; pair 0 (the
  /// terminal's defaults) when colours are off or the pairs run out.
  private func pair(_ foreground: Color, _ background: Color) -> Int32 {
    guard capabilities.colorDepth != .monochrome else { return 0 }
    let key = PairKey(foreground: colorNumber(foreground), background: colorNumber(background))
    if key.foreground == -1 && key.background == -1 { return 0 }
    if let existing = pairs[key] { return existing }
    guard nextPair < maxPairs else { return 0 }
    let number = nextPair
    guard init_extended_pair(number, key.foreground, key.background) != ac_err() else { return 0 }
    nextPair += 1
    pairs[key] = number
    return number
  }

  /// The curses colour number: -1 for the default, the palette index, or on a direct-colour
  /// terminal the packed RGB value (indices below 8 stay ANSI there).
  private func colorNumber(_ color: Color) -> Int32 {
    switch color {
    case .default: return -1
    case .ansi(let index) where index < 8: return Int32(index)
    case .ansi(let index), .indexed(let index):
      if colorCount >= 16_777_216, let rgb = color.rgbComponents {
        return Int32(rgb.red) << 16 | Int32(rgb.green) << 8 | Int32(rgb.blue)
      }
      return colorCount > Int(index) ? Int32(index) : Int32(index & 7)
    case .rgb(let red, let green, let blue):
      return Int32(red) << 16 | Int32(green) << 8 | Int32(blue)
    }
  }

  private func milliseconds(_ duration: Duration) -> Int32 {
    let (seconds, attoseconds) = duration.components
    let total = seconds * 1000 + attoseconds / 1_000_000_000_000_000
    return Int32(clamping: max(0, total))
  }
}

// MARK: - Restoring the terminal on exit, signals and crashes

/// Whether curses mode is on; read by the signal handlers and the atexit hook.
nonisolated(unsafe) private var cursesIsActive = false
/// The handlers that were installed before ours, by signal number, re-installed before
/// re-raising (a plain buffer: a signal handler must not touch Swift collections).
nonisolated(unsafe) private let previousActions: UnsafeMutablePointer<sigaction> = {
  let buffer = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
  buffer.initialize(repeating: sigaction(), count: 65)
  return buffer
}()
nonisolated(unsafe) private var handlersInstalled = false

/// Signals after which the terminal must be restored before the process goes on or dies.
private let restoreSignals: [Int32] = [
  SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGTRAP,
]

private func installRestoreHandlers() {
  guard !handlersInstalled else { return }
  handlersInstalled = true
  atexit {
    if cursesIsActive {
      cursesIsActive = false
      endwin()
    }
  }
  for signalNumber in restoreSignals {
    var action = sigaction()
    #if os(Linux)
      action.__sigaction_handler.sa_handler = restoreTerminalAndReraise
    #else
      action.__sigaction_u.__sa_handler = restoreTerminalAndReraise
    #endif
    sigemptyset(&action.sa_mask)
    action.sa_flags = 0
    sigaction(signalNumber, &action, previousActions + Int(signalNumber))
  }
}

/// Signal handler: leave curses mode, put the earlier handler back and re-raise, so the
/// process ends (or backtraces) exactly as it would have without us.
private func restoreTerminalAndReraise(_ signalNumber: Int32) {
  if cursesIsActive {
    cursesIsActive = false
    endwin()
  }
  sigaction(signalNumber, previousActions + Int(signalNumber), nil)
  raise(signalNumber)
}
