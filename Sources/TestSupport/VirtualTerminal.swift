import TerminalUI

/// An in-memory ``Terminal`` for screen tests: keys come from a script, frames are kept.
///
/// `readKey` returns the scripted keys in order and then nil (as a real terminal does when
/// its timeout passes), so a run loop driven by it ends once the script is used up.
/// A `<resize WxH>` token changes ``size`` when it is read, like a real resize.
public final class VirtualTerminal: Terminal {
  public private(set) var size: TerminalSize
  public var capabilities: TerminalCapabilities
  /// The theme, adapted to ``capabilities`` whenever it is set (as `CursesTerminal` does).
  public var theme: Theme {
    didSet { theme = theme.adapted(to: capabilities.colorDepth) }
  }
  /// The most recent frame passed to ``draw(_:)``.
  public private(set) var lastFrame: ScreenBuffer?
  /// How many frames were drawn.
  public private(set) var frameCount = 0
  /// The runs the last ``draw(_:)`` would have written (what changed since the frame before).
  public private(set) var lastDiff: [ScreenBuffer.Run] = []
  /// True between ``suspend()`` and ``restore()``.
  public private(set) var isSuspended = false
  private var pending: [KeyEvent]
  private var fullRedraw = true

  /// A terminal of `width × height` that will deliver the keys of `script` (see
  /// `KeyEvent.parseScript`).
  public init(
    width: Int = 80, height: Int = 24, keys script: String = "",
    capabilities: TerminalCapabilities = TerminalCapabilities(
      colorDepth: .indexed256, unicode: true),
    theme: Theme = .builtInDefault
  ) throws {
    size = TerminalSize(width: width, height: height)
    self.capabilities = capabilities
    self.theme = theme.adapted(to: capabilities.colorDepth)
    pending = try KeyEvent.parseScript(script)
  }

  /// Appends the keys of `script` to the input queue.
  public func type(_ script: String) throws {
    pending += try KeyEvent.parseScript(script)
  }

  /// Appends one key to the input queue.
  public func press(_ key: KeyEvent) {
    pending.append(key)
  }

  /// Keys not yet read.
  public var remainingKeys: [KeyEvent] { pending }

  public func readKey(timeout: Duration?) -> KeyEvent? {
    guard !pending.isEmpty else { return nil }
    let key = pending.removeFirst()
    if case .resize(let newSize) = key {
      size = newSize
      fullRedraw = true
    }
    return key
  }

  public func draw(_ buffer: ScreenBuffer) {
    lastDiff = buffer.diff(from: fullRedraw ? nil : lastFrame)
    fullRedraw = false
    lastFrame = buffer
    frameCount += 1
  }

  public func suspend() { isSuspended = true }

  public func restore() {
    isSuspended = false
    fullRedraw = true
  }
}
