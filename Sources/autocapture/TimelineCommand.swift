import ArgumentParser
import CaptureCore
import Foundation

struct TimelineCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "timeline",
    abstract: "Print a record's timeline: tracked activities and the user's captured items.")

  @OptionGroup var options: WorkspaceOptions

  @Option(help: "The record, as TYPE:ID (account:a-fab).")
  var record: String

  @Flag(help: "Print the timeline as JSON (cli.md).")
  var json = false

  func run() throws {
    let workspace = try options.withConfigDefaults(ConfigFile.load())
    let userName = try workspace.requireUser()
    let ws = try Workspace(options: workspace, user: userName)
    let user = try ws.user(userName)
    let ref = try ws.record(record)
    let timeline = try ws.service.timeline(for: ref, user: user, now: try workspace.resolvedNow())
    if json {
      print(TimelineJSON.encode(timeline).serialized(pretty: true))
      return
    }
    print("\(timeline.record.name) (\(ref))")
    if let notice = timeline.notice { print("note: \(notice)") }
    for item in timeline.items {
      let state = item.state == .tracked ? "" : " [\(item.state.name)]"
      print("\(ISO8601.format(item.at))  \(item.kind.rawValue)\(state)  \(item.subject)  \(item.id)")
    }
    for problem in timeline.problems { FileHandle.standardError.write(Data("warning: \(problem)\n".utf8)) }
  }
}
