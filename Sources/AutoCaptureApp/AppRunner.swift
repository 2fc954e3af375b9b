import CaptureCore
import Dispatch
import Foundation
import TerminalUI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Actions posted by background work, drained by the run loop on its own thread.
final class Inbox: @unchecked Sendable {
  private let lock = NSLock()
  private var actions: [Action] = []
  private var timelineGeneration = 0
  private var syncing = false

  func post(_ action: Action) {
    lock.lock(); actions.append(action); lock.unlock()
  }

  var isEmpty: Bool {
    lock.lock(); defer { lock.unlock() }
    return actions.isEmpty
  }

  func drain() -> [Action] {
    lock.lock(); defer { lock.unlock() }
    let out = actions
    actions.removeAll()
    return out
  }

  /// A new timeline request supersedes the ones still queued (moving fast through records
  /// must not queue up one query per record passed).
  func nextTimelineGeneration() -> Int {
    lock.lock(); defer { lock.unlock() }
    timelineGeneration += 1
    return timelineGeneration
  }

  func isCurrentTimeline(_ generation: Int) -> Bool {
    lock.lock(); defer { lock.unlock() }
    return generation == timelineGeneration
  }

  /// True when this caller may start a sync (none is running).
  func beginSync() -> Bool {
    lock.lock(); defer { lock.unlock() }
    if syncing { return false }
    syncing = true
    return true
  }

  func endSync() {
    lock.lock(); syncing = false; lock.unlock()
  }
}

/// Where the TUI keeps how the user last left its view (the compact timeline), so the next
/// start opens the same way. The command line gives it a file in the user's state directory.
public struct ViewPreferences: Sendable {
  public var load: @Sendable () -> Bool
  public var save: @Sendable (Bool) -> Void
  public init(load: @escaping @Sendable () -> Bool, save: @escaping @Sendable (Bool) -> Void) {
    self.load = load
    self.save = save
  }
  /// Kept for this run only (tests, and where no file can be had).
  public static var none: ViewPreferences { ViewPreferences(load: { false }, save: { _ in }) }
}

/// The run loop: reads keys, reduces actions, performs effects off the input path, draws.
public final class AppRunner {
  let terminal: any Terminal
  let service: TimelineService
  let timeZone: TimeZone
  let clock: @Sendable () -> Date
  /// Seconds on a steady clock, which times the syncs; apart from `clock`, which `--now`
  /// may fix, so the sync after a track still runs.
  let uptime: @Sendable () -> TimeInterval
  /// Stops the process until the shell continues it (SIGTSTP); replaced in tests.
  let stopProcess: () -> Void
  let preferences: ViewPreferences
  public private(set) var state: AppState
  let inbox = Inbox()
  let work = DispatchQueue(label: "autocapture.timeline")
  let syncQueue = DispatchQueue(label: "autocapture.sync")
  /// Seconds between background syncs while something is pending.
  let syncInterval: TimeInterval
  /// Delay before the sync that follows a track, so "Tracking pending" is seen.
  let syncDelay: TimeInterval
  private var lastSync = -TimeInterval.infinity
  /// When the sync asked for last starts, by `uptime`: the loop starts it on its first turn
  /// at or after that time, so a test that moves `uptime` decides when it runs.
  private var syncDue: TimeInterval?
  /// Stops the shared database's live feed, when it has one.
  private var stopFeed: (@Sendable () -> Void)?

  public init(terminal: any Terminal, service: TimelineService, user: User,
              timeZone: TimeZone = .current, syncInterval: TimeInterval = 5,
              syncDelay: TimeInterval = 1.5,
              clock: @escaping @Sendable () -> Date = { Date() },
              uptime: @escaping @Sendable () -> TimeInterval = {
                ProcessInfo.processInfo.systemUptime
              },
              stopProcess: @escaping () -> Void = { _ = raise(SIGTSTP) },
              preferences: ViewPreferences = .none) throws {
    self.terminal = terminal
    self.preferences = preferences
    self.stopProcess = stopProcess
    self.service = service
    self.timeZone = timeZone
    self.clock = clock
    self.uptime = uptime
    self.syncInterval = syncInterval
    self.syncDelay = syncDelay
    state = AppState(user: user, permissions: try service.permissions(for: user),
                     records: try service.store.recordSummaries())
    state.organizationExclusions = try service.store.organization().excludedAddresses
    state.width = terminal.size.width
    state.height = terminal.size.height
    state.compactTimeline = preferences.load()
    state.trackRepliesByDefault = service.trackRepliesByDefault
  }

  /// Runs until the user quits.
  public func run() {
    begin()
    while state.isRunning {
      step(timeout: .milliseconds(100))
    }
    stopFeed?()
  }

  /// What the app does on opening: loads the first record's timeline and sets the first
  /// background sync a few seconds ahead.
  public func begin() {
    perform(start(&state))
    lastSync = uptime() - syncInterval + syncDelay
    if let feed = service.store as? any CRMActivityFeed {
      let inbox = self.inbox
      stopFeed = feed.watchActivities(
        changed: { inbox.post(.activityStored($0)) },
        connection: { inbox.post(.feedConnection($0)) })
    }
  }

  /// One turn of the loop: draw, wait for a key (at most `timeout`), apply what came, and
  /// start the sync when it is due. True when a key or a posted action was applied.
  @discardableResult
  public func step(timeout: Duration?) -> Bool {
    draw()
    let key = terminal.readKey(timeout: timeout)
    var actions = inbox.drain()
    if let key, let action = Keymap.action(for: key, in: state) { actions.append(action) }
    for action in actions { perform(reduce(&state, action)) }
    if hasPending, uptime() - lastSync >= syncInterval {
      perform([.syncNow])
    }
    // Replies to tracked email are tracked as they arrive, nothing pending or not.
    if state.tracksReplies, uptime() - lastSync >= AppRunner.replySyncInterval {
      perform([.syncNow])
    }
    if let due = syncDue, uptime() >= due {
      syncDue = nil
      startSync()
    }
    return key != nil || !actions.isEmpty
  }

  /// Steps without waiting until no key is left to read, no background work is running and
  /// nothing it posted is left to apply; the screen then shows the settled state. Tests
  /// drive the loop with it (`uptime` decides whether a sync is due).
  public func runUntilIdle() {
    while true {
      if step(timeout: .zero) { continue }
      waitForBackgroundWork()
      if inbox.isEmpty { break }
    }
    draw()
  }

  /// Blocks until queued background work is done.
  func waitForBackgroundWork() {
    work.sync {}
    syncQueue.sync {}
  }

  /// What the last frame was drawn from: an idle loop (a key wait times out every 100 ms)
  /// redraws only when the state changed or the minute did (relative dates), so an open
  /// long email is not wrapped again ten times a second.
  private var lastDrawn: (state: AppState, minute: Int)?
  /// The open message's wrapped lines, kept while it is scrolled.
  private let wrapMemo = WrapMemo()

  func draw() {
    let now = clock()
    let minute = Int(now.timeIntervalSince1970 / 60)
    if let last = lastDrawn, last.minute == minute, last.state == state { return }
    let frame = Screens.render(state, RenderContext(now: now, timeZone: timeZone,
                                                    unicode: terminal.capabilities.unicode,
                                                    wrapMemo: wrapMemo))
    if frame.recordsOffset != state.recordsOffset || frame.timelineOffset != state.timelineOffset
      || frame.bodyScroll != state.bodyScroll || frame.overlayScroll != state.overlayScroll {
      _ = reduce(&state, .viewport(recordsOffset: frame.recordsOffset,
                                   timelineOffset: frame.timelineOffset,
                                   bodyScroll: frame.bodyScroll,
                                   overlayScroll: frame.overlayScroll))
    }
    terminal.draw(frame.buffer)
    lastDrawn = (state, minute)
  }

  var hasPending: Bool { state.items.contains { $0.state == .pending } }

  func perform(_ effects: [Effect]) {
    for effect in effects { perform(effect) }
  }

  func perform(_ effect: Effect) {
    let service = self.service, inbox = self.inbox, user = state.user, now = clock()
    // "50 more" (`+`): the open timeline's own limit, which tracking from it keeps too.
    let emailLimit = state.moreEmailPages == 0 ? nil
      : service.limits.maxEmails + state.moreEmailPages * AppState.emailPage
    switch effect {
    case .suspendToShell:
      // The terminal goes back to the shell before the stop and is taken again after
      // `fg`; the whole screen is then drawn afresh (the shell wrote over it).
      terminal.suspend()
      stopProcess()
      terminal.restore()
      lastDrawn = nil
    case .loadTimeline(let ref):
      let generation = inbox.nextTimelineGeneration()
      work.async {
        guard inbox.isCurrentTimeline(generation) else { return }
        do {
          let timeline = try service.timeline(for: ref, user: user, now: now,
                                              emailLimit: emailLimit) { done, total in
            inbox.post(.indexing(done: done, total: total))
          }
          inbox.post(.timelineLoaded(ref, timeline))
        } catch {
          inbox.post(.timelineFailed(ref, AppRunner.describe(error)))
        }
      }
    case .loadBody(let item):
      work.async {
        do {
          inbox.post(.bodyLoaded(itemId: item.id, try service.body(of: item, user: user)))
        } catch {
          inbox.post(.bodyFailed(itemId: item.id, AppRunner.describe(error)))
        }
      }
    case .track(let items, let ref):
      work.async {
        var requested: [String] = []
        var refusals: [(String, String)] = []
        for item in items {
          do {
            _ = try service.track(itemId: item.id, record: ref, user: user, now: now,
                                 emailLimit: emailLimit)
            requested.append(item.id)
          } catch {
            refusals.append((item.id, AppRunner.describe(error)))
          }
        }
        if items.count == 1, let id = requested.first {
          inbox.post(.trackRequested(itemId: id))
        } else if items.count == 1, let (id, reason) = refusals.first {
          inbox.post(.trackRefused(itemId: id, reason))
        } else {
          inbox.post(.batchTrackAnswered(requested: requested.count,
                                         refusals: refusals.map(\.1)))
        }
      }
    case .reloadRecords:
      work.async {
        do {
          let fresh = try service.store.user(matching: user.id) ?? user
          inbox.post(.recordsLoaded(try service.store.recordSummaries(), fresh,
                                    try service.permissions(for: fresh)))
        } catch {
          inbox.post(.reloadFailed(AppRunner.describe(error)))
        }
      }
    case .saveCompactTimeline(let compact):
      let preferences = self.preferences
      work.async { preferences.save(compact) }
    case .saveShowUntracked(let value):
      work.async {
        do {
          try service.store.setShowUntracked(userId: user.id, value)
          let saved = try service.store.user(matching: user.id) ?? user
          inbox.post(.settingsSaved(saved, try service.permissions(for: saved)))
        } catch {
          inbox.post(.settingsFailed(AppRunner.describe(error)))
        }
      }
    case .saveTrackReplies(let value):
      work.async {
        do {
          try service.store.setTrackReplies(userId: user.id, value)
          inbox.post(.trackRepliesSaved(try service.store.user(matching: user.id) ?? user))
        } catch {
          inbox.post(.settingsFailed(AppRunner.describe(error)))
        }
      }
    case .addExcludedAddress(let exclusion):
      work.async {
        do {
          try service.store.addExcludedAddress(userId: user.id, exclusion)
          let saved = try service.store.user(matching: user.id) ?? user
          inbox.post(.exclusionsSaved(saved, saved: "Excluded \(exclusion): it makes no "
            + "item match a record"))
        } catch {
          inbox.post(.settingsFailed(AppRunner.describe(error)))
        }
      }
    case .removeExcludedAddress(let exclusion):
      work.async {
        do {
          try service.store.removeExcludedAddress(userId: user.id, exclusion)
          let saved = try service.store.user(matching: user.id) ?? user
          inbox.post(.exclusionsSaved(saved, saved: "No longer excluded: \(exclusion)"))
        } catch {
          inbox.post(.settingsFailed(AppRunner.describe(error)))
        }
      }
    case .explain(let itemId, let ref):
      work.async {
        do {
          let explanation = try service.explain(itemId: itemId, record: ref, user: user, now: now,
                                                emailLimit: emailLimit)
          inbox.post(.explained(itemId: itemId, lines: explanation.lines))
        } catch {
          inbox.post(.explainFailed(itemId: itemId, AppRunner.describe(error)))
        }
      }
    case .untrack(let item, let from, let to):
      work.async {
        do {
          let outcome = try service.untrack(itemId: item.activityId ?? item.id, from: from,
                                            to: to, user: user, now: now)
          let name = { (ref: RecordRef) in try service.store.recordSummary(ref)?.name ?? "\(ref)" }
          let words: String
          if let to {
            words = "Moved to \(try name(to)): the audit trail says who and when"
          } else if outcome.deleted {
            words = "Untracked: on no other record, so it is private to its owner again"
          } else {
            words = "Untracked from \(try name(from)); still tracked on "
              + (try outcome.activity.regarding.filter { $0 != from }.map(name))
                .joined(separator: ", ")
          }
          inbox.post(.untrackDone(words))
        } catch {
          inbox.post(.untrackFailed("Cannot \(to == nil ? "untrack" : "move"): "
            + AppRunner.describe(error)))
        }
      }
    case .syncNow:
      lastSync = uptime()
      syncDue = lastSync + syncDelay
    }
  }

  /// Seconds between the syncs that look for replies to track when nothing is pending.
  static let replySyncInterval: TimeInterval = 60

  /// Carries out the user's pending requests on the sync queue; one sync at a time.
  private func startSync() {
    let service = self.service, inbox = self.inbox, user = state.user, clock = self.clock
    syncQueue.async {
      guard inbox.beginSync() else { return }
      defer { inbox.endSync() }
      do {
        var detail: String? = nil
        let results = try service.syncPending(user: user, now: clock()) { request, problem in
          if case .failed = request.state, detail == nil { detail = problem }
        }
        // Requests left pending (their mail server unreachable) are neither: the next
        // sync tries them again.
        let failed = results.filter { if case .failed = $0.state { return true }; return false }
        let done = results.filter { if case .done = $0.state { return true }; return false }
        inbox.post(.syncFinished(tracked: done.count, failed: failed.count,
                                 detail: detail))
      } catch {
        inbox.post(.syncFailed(AppRunner.describe(error)))
      }
    }
  }

  /// One line for the status bar: the error's own words.
  static func describe(_ error: any Error) -> String {
    String(describing: error)
  }
}
