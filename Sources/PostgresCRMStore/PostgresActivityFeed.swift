import CaptureCore
import Foundation
import PostgresNIO

/// LISTEN/NOTIFY: `completeTracking` notifies the records a tracked activity regards, and an
/// open TUI listens on a connection of its own, so a teammate's item shows within moments.
extension PostgresCRMStore: CRMActivityFeed {
  static let activityChannel = "autocapture_activity"

  /// `TYPE:ID` lines: a payload is at most 8000 bytes, and an activity regards few records.
  static func notificationPayload(_ records: [RecordRef]) -> String {
    records.map { "\($0.type.name):\($0.id)" }.joined(separator: "\n")
  }

  static func records(inPayload payload: String) -> [RecordRef] {
    payload.split(separator: "\n").compactMap { RecordRef(parsing: String($0)) }
  }

  public func watchActivities(changed: @escaping @Sendable ([RecordRef]) -> Void,
                              connection: @escaping @Sendable (String?) -> Void)
    -> @Sendable () -> Void
  {
    let connections = self.connections
    let task = Task.detached(executorPreference: FeedExecutor()) {
      var lostBecause: String?
      while !Task.isCancelled {
        do {
          let listener = try await connections.connectForListening()
          if lostBecause != nil {
            lostBecause = nil
            connection(nil)
          }
          do {
            try await listener.listen(on: Self.activityChannel) { notifications in
              for try await notification in notifications {
                changed(Self.records(inPayload: notification.payload))
              }
            }
          } catch {
            try? await listener.close()
            throw error
          }
          try? await listener.close()
          if Task.isCancelled { break }
          throw CRMError.unavailable(
            "lost the connection to PostgreSQL server \(connections.url.server)")
        } catch {
          if Task.isCancelled { break }
          if lostBecause == nil {
            let reason = "\(connections.translate(error))"
            lostBecause = reason
            connection(reason)
          }
        }
        try? await Task.sleep(for: .seconds(2))
      }
    }
    return { task.cancel() }
  }
}

/// Runs the feed's task on a queue of its own: the listener must not wait for a free thread
/// of the cooperative pool, which code blocking on it (a test, a library) can fill.
final class FeedExecutor: TaskExecutor, @unchecked Sendable {
  private let queue = DispatchQueue(label: "autocapture.postgres.feed")

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let executor = asUnownedTaskExecutor()
    queue.async { job.runSynchronously(on: executor) }
  }
}
