import CaptureCore
import Foundation

struct SyncCommand {
  static let spec = CommandSpec(
    name: "sync",
    abstract: "Copy this user's pending tracked items into the CRM database, then exit.",
    options: WorkspaceOptions.specs,
    run: { try SyncCommand(options: WorkspaceOptions($0)).run() })

  var options: WorkspaceOptions

  func run() throws {
    let ws = try Workspace.open(options)
    var failed = 0, waiting = 0
    // Each line is written as its request finishes, so a watcher sees progress. A failure's
    // details (which file, why) are this user's alone: standard error, not the database.
    let results = try ws.service.syncPending(user: ws.user, now: try ws.options.resolvedNow()) {
      request, detail in
      if let detail { Console.error("\(request.id) \(request.itemId): \(detail)") }
      var line = "\(request.id) \(request.itemId): "
      switch request.state {
      case .done(let activityId): line += "tracked as \(activityId)"
      case .failed(let reason):
        failed += 1
        line += "failed: \(reason)"
      case .pending:
        // Its mail server could not be reached: tried again by the next sync.
        waiting += 1
        line += "still pending"
      }
      Console.progress(line)
    }
    Console.line("synced \(results.count - failed - waiting) of \(results.count) pending "
      + "request(s)" + (waiting > 0 ? "; \(waiting) still pending (the next sync tries again)" : ""))
    if failed > 0 { throw ExitStatus(code: 2) }
  }
}
