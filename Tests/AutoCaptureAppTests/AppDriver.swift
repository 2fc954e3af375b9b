import AutoCaptureApp
import CaptureCore
import Foundation
import TerminalUI
import TestSupport

/// A clock the test moves by hand, so a delayed sync runs when the test says: it gives
/// `AppRunner` both the time of day and its steady `uptime`.
final class ManualClock: @unchecked Sendable {
  private let lock = NSLock()
  private var date: Date

  init(_ date: Date) { self.date = date }

  func now() -> Date {
    lock.lock(); defer { lock.unlock() }
    return date
  }

  func advance(by seconds: TimeInterval) {
    lock.lock(); date += seconds; lock.unlock()
  }
}

/// The whole app in process, as helix's `test_key_sequence` drives its editor: `AppRunner`
/// over a `VirtualTerminal`, a `TimelineService` on the in-memory store, mailbox and
/// calendar, and a manual clock. Each call feeds keys, runs the loop until it is idle
/// (background work done, its results applied) and returns the screen's rows.
final class AppDriver {
  let store: InMemoryCRMStore
  let mailbox: InMemoryMailbox
  let calendar: InMemoryCalendar
  let terminal: VirtualTerminal
  let clock: ManualClock
  let app: AppRunner
  /// The delay `AppRunner` waits after a track before syncing.
  static let syncDelay: TimeInterval = 1.5

  init(_ store: InMemoryCRMStore, messages: [MessageContent] = [],
       meetings: [CapturedMeeting] = [], user: User, now: Date, width: Int = 80,
       height: Int = 24, preferences: ViewPreferences = .none) throws {
    self.store = store
    mailbox = InMemoryMailbox(messages)
    calendar = InMemoryCalendar(meetings)
    terminal = try VirtualTerminal(width: width, height: height)
    clock = ManualClock(now)
    let clock = self.clock
    let service = TimelineService(store: store, mail: mailbox, calendar: calendar,
                                  timeZone: .gmt)
    app = try AppRunner(terminal: terminal, service: service, user: user, timeZone: .gmt,
                        syncDelay: Self.syncDelay, clock: { clock.now() },
                        uptime: { clock.now().timeIntervalSinceReferenceDate }, stopProcess: {},
                        preferences: preferences)
    app.begin()
    app.runUntilIdle()
  }

  /// Types `keys` (a `KeyEvent.parseScript` script: `jj<enter>`, `<resize 100x30>`), runs
  /// the loop until idle, and returns the screen.
  @discardableResult
  func press(_ keys: String) throws -> [String] {
    try terminal.type(keys)
    app.runUntilIdle()
    return screen
  }

  /// Moves the clock on by `seconds`, runs the loop until idle, and returns the screen.
  @discardableResult
  func wait(_ seconds: TimeInterval) -> [String] {
    clock.advance(by: seconds)
    app.runUntilIdle()
    return screen
  }

  /// The rows of the last frame drawn.
  var screen: [String] { terminal.lastFrame?.text() ?? [] }

  /// The screen as one string, for `contains` checks.
  var text: String { screen.joined(separator: "\n") }
}
