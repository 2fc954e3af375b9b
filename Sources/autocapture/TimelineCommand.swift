import CaptureCore
import Foundation

struct TimelineCommand {
  static let spec = CommandSpec(
    name: "timeline",
    abstract: "Print a record's timeline: tracked activities and the user's captured items.",
    options: [
      .value(.record, "TYPE:ID", "The record, as TYPE:ID (account:a-fab)."),
      .flag(.json, "Print the timeline as JSON (docs/commands.md)."),
    ] + WorkspaceOptions.specs,
    run: { try TimelineCommand($0).run() })

  var options: WorkspaceOptions
  var record: RecordRef
  var json: Bool

  init(_ arguments: ParsedArguments) throws {
    options = try WorkspaceOptions(arguments)
    record = try arguments.record()
    json = arguments.flag(.json)
  }

  func run() throws {
    let ws = try Workspace.open(options)
    let ref = try ws.record(record)
    let timeline = try ws.service.timeline(
      for: ref, user: ws.user, now: try ws.options.resolvedNow())
    if json {
      print(TimelineJSON.encode(timeline).serialized(pretty: true))
    } else {
      Console.line("\(timeline.record.name) (\(ref))")
      if let notice = timeline.notice { Console.line("note: \(notice)") }
      for item in timeline.items {
        var state = item.state == .tracked ? "" : " [\(item.state.name)]"
        if case .failed(let reason) = item.state { state = " [failed: \(reason)]" }
        Console.line(
          "\(ISO8601.format(item.at))  \(item.kind.rawValue)\(state)  \(item.subject)  \(item.id)")
      }
    }
    // On standard error in both forms: a script reading the JSON hears of them too.
    for problem in timeline.problems {
      Console.error("warning: \(problem)")
    }
    try ws.close()
    OneShot.end(keeping: ws)
  }
}
