import CaptureCore
import Foundation

struct TrackCommand {
  static let spec = CommandSpec(
    name: "track",
    abstract: "Request tracking of a captured item; prints the request id.",
    options: [
      .value(.record, "TYPE:ID", "The record, as TYPE:ID."),
      .value(.item, "ITEM_ID",
             "The item id from `timeline --json` (mail:<...> or cal:<uid>/<time>)."),
    ] + WorkspaceOptions.specs,
    run: { try TrackCommand($0).run() })

  var options: WorkspaceOptions
  var record: RecordRef
  var item: String

  init(_ arguments: ParsedArguments) throws {
    options = try WorkspaceOptions(arguments)
    record = try arguments.record()
    item = try arguments.required(.item)
  }

  func run() throws {
    let ws = try Workspace.open(options)
    let ref = try ws.record(record)
    let (request, tracked) = try ws.service.trackItem(itemId: item, record: ref, user: ws.user,
                                                      now: try ws.options.resolvedNow())
    print(request.id)
    // Standard output stays the request id alone (docs/commands.md); the link is said aside.
    if let note = TrackedElsewhere.linkingNote(tracked.trackedElsewhere) {
      Console.error(note)
    }
  }
}
