// The terminal the app runs on: key input, a size, and a way to show a ``ScreenBuffer``.
//
// `CursesTerminal` implements it on ncurses; `TestSupport.VirtualTerminal` in memory, so
// screens are tested without a tty.

/// A terminal's size in cells.
public struct TerminalSize: Hashable, Sendable, CustomStringConvertible {
  public var width: Int
  public var height: Int

  public init(width: Int, height: Int) {
    self.width = width
    self.height = height
  }

  public var description: String { "\(width)x\(height)" }
}

/// What the terminal can show.
public struct TerminalCapabilities: Hashable, Sendable {
  /// Colours available (after `NO_COLOR`).
  public var colorDepth: ColorDepth
  /// False when the locale is not UTF-8: widgets should draw ASCII borders.
  public var unicode: Bool

  public init(colorDepth: ColorDepth, unicode: Bool) {
    self.colorDepth = colorDepth
    self.unicode = unicode
  }
}

/// A terminal the app can draw on and read keys from.
public protocol Terminal: AnyObject {
  /// The current size; changes after a ``KeyEvent/resize(_:)`` event.
  var size: TerminalSize { get }
  /// Colour depth and UTF-8 support.
  var capabilities: TerminalCapabilities { get }
  /// The theme cells are styled with; set it to switch themes (it is adapted to
  /// ``capabilities`` by the terminal).
  var theme: Theme { get set }
  /// The next key, waiting at most `timeout` (forever when nil); nil when none came.
  func readKey(timeout: Duration?) -> KeyEvent?
  /// Shows `buffer`, writing only what changed since the last call.
  func draw(_ buffer: ScreenBuffer)
  /// Gives the terminal back to the shell (e.g. before running an editor).
  func suspend()
  /// Takes the terminal again after ``suspend()`` and redraws everything on the next draw.
  func restore()
}
