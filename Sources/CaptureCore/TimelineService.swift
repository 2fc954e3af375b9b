import Foundation

/// Builds timelines and carries out tracking for one user, over the CRM store and the
/// user's own mailbox and calendar.
///
/// CONTRACT (used by the CLI and the TUI); implementation in progress.
public final class TimelineService: Sendable {
  public let store: any CRMStore
  public let mail: (any MailSource)?
  public let calendar: (any CalendarSource)?
  public let limits: CaptureLimits
  public let timeZone: TimeZone

  public init(store: any CRMStore, mail: (any MailSource)?, calendar: (any CalendarSource)?,
              limits: CaptureLimits = .init(), timeZone: TimeZone = .current) {
    self.store = store; self.mail = mail; self.calendar = calendar; self.limits = limits
    self.timeZone = timeZone
  }

  /// What `user` may do with untracked items (organization switch, access policy,
  /// personal option, sync-method matrix).
  public func permissions(for user: User) throws -> CapturePermissions {
    throw CRMError.invalid("permissions: not built yet")
  }

  /// The timeline of `record` for `user` at `now`.
  public func timeline(for record: RecordRef, user: User, now: Date) throws -> Timeline {
    throw CRMError.invalid("timeline: not built yet")
  }

  /// The body text of an item (a captured email read from the mailbox, or a tracked
  /// activity's stored body); throws when the user may not open it.
  public func body(of item: TimelineItem, user: User) throws -> String {
    throw CRMError.invalid("body: not built yet")
  }

  /// Records a request to track `itemId` from `record`; returns at once.
  public func track(itemId: String, record: RecordRef, user: User, now: Date) throws
    -> TrackRequest {
    throw CRMError.invalid("track: not built yet")
  }

  /// Carries out `user`'s pending requests once; returns them in their new states.
  public func syncPending(user: User, now: Date) throws -> [TrackRequest] {
    throw CRMError.invalid("sync: not built yet")
  }
}
