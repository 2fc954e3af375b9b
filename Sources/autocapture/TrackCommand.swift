import CaptureCore
import Foundation

struct TrackCommand {
  static let spec = CommandSpec(
    name: "track",
    abstract: "Request tracking of a captured item; prints the request id.",
    options: [
      .value("record", "TYPE:ID", "The record, as TYPE:ID."),
      .value("item", "ITEM_ID",
             "The item id from `timeline --json` (mail:<...> or cal:<uid>/<time>)."),
    ] + WorkspaceOptions.specs,
    run: { try TrackCommand($0).run() })

  var options: WorkspaceOptions
  var record: RecordRef
  var item: String

  init(_ arguments: ParsedArguments) throws {
    options = try WorkspaceOptions(arguments)
    record = try arguments.record()
    item = try arguments.required("item", "ITEM_ID")
  }

  func run() throws {
    let workspace = try options.withConfigDefaults(ConfigFile.load())
    let userName = try workspace.requireUser()
    try workspace.requireSources()
    let ws = try Workspace(options: workspace, user: userName, connections: .single)
    let user = try ws.user(userName)
    let ref = try ws.record(record)
    let request = try ws.service.track(itemId: item, record: ref, user: user,
                                       now: try workspace.resolvedNow())
    print(request.id)
  }
}
