import CaptureCore
import Foundation

/// `autocapture why --record TYPE:ID --item ITEM_ID`: why an item of the user's mailbox or
/// calendar is, or is not, on the record's timeline (docs/commands.md).
struct WhyCommand {
  static let spec = CommandSpec(
    name: "why",
    abstract: "Say why an item of your mailbox or calendar is, or is not, on a record's timeline.",
    options: [
      .value(.record, "TYPE:ID", "The record, as TYPE:ID (account:a-fab)."),
      .value(.item, "ITEM_ID",
             "An item id of your mailbox or calendar (mail:<...>, cal:<uid>[/<time>])."),
      .flag(.json, "Print JSON: shown, matches, notShown (docs/commands.md)."),
    ] + WorkspaceOptions.specs,
    run: { try WhyCommand($0).run() })

  var options: WorkspaceOptions
  var record: RecordRef
  var item: String
  var json: Bool

  init(_ arguments: ParsedArguments) throws {
    options = try WorkspaceOptions(arguments)
    record = try arguments.record()
    item = try arguments.required(.item)
    json = arguments.flag(.json)
  }

  func run() throws {
    let ws = try Workspace.open(options)
    let ref = try ws.record(record)
    let explanation = try ws.service.explain(
      itemId: item, record: ref, user: ws.user, now: try ws.options.resolvedNow())
    if json {
      print(explanation.json.serialized(pretty: true))
    } else {
      for line in explanation.lines { Console.line(line) }
    }
    try ws.close()
  }
}
