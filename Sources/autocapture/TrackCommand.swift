import ArgumentParser
import CaptureCore
import Foundation

struct TrackCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "track",
    abstract: "Request tracking of a captured item; prints the request id.")

  @OptionGroup var options: WorkspaceOptions

  @Option(help: "The record, as TYPE:ID.")
  var record: String

  @Option(help: "The item id from `timeline --json` (mail:<...> or cal:<uid>/<time>).")
  var item: String

  func run() throws {
    let workspace = try options.withConfigDefaults(ConfigFile.load())
    let userName = try workspace.requireUser()
    let ws = try Workspace(options: workspace, user: userName)
    let user = try ws.user(userName)
    let ref = try ws.record(record)
    let request = try ws.service.track(itemId: item, record: ref, user: user,
                                       now: try workspace.resolvedNow())
    print(request.id)
  }
}
