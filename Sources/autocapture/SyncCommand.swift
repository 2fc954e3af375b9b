import ArgumentParser
import CaptureCore
import Foundation

struct SyncCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sync",
    abstract: "Copy this user's pending tracked items into the CRM database, then exit.")

  @OptionGroup var options: WorkspaceOptions

  func run() throws {
    let workspace = try options.withConfigDefaults(ConfigFile.load())
    let userName = try workspace.requireUser()
    let ws = try Workspace(options: workspace, user: userName)
    let user = try ws.user(userName)
    let results = try ws.service.syncPending(user: user, now: try workspace.resolvedNow())
    var failed = 0
    for request in results {
      switch request.state {
      case .done(let activityId): print("\(request.id) \(request.itemId): tracked as \(activityId)")
      case .failed(let reason):
        failed += 1
        print("\(request.id) \(request.itemId): failed: \(reason)")
      case .pending: print("\(request.id) \(request.itemId): pending")
      }
    }
    print("synced \(results.count - failed) of \(results.count) pending request(s)")
    if failed > 0 { throw ExitCode(2) }
  }
}
