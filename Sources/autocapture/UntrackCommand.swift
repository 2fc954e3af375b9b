import CaptureCore
import Foundation

/// `autocapture untrack --record TYPE:ID --item ACTIVITY_ID` takes a tracked item off a
/// record; `autocapture move ... --to TYPE:ID` moves it to another (docs/commands.md). Both
/// need only the CRM database and the user: the item is found among the tracked activities.
struct UntrackCommand {
  static let itemHelp =
    "The tracked item: its activity id from `timeline --json`, or its mail:<...>/cal:... id."

  static let spec = CommandSpec(
    name: "untrack",
    abstract: "Take a tracked item off a record; its owner sees it private again.",
    options: [
      .value(.record, "TYPE:ID", "The record to take it off, as TYPE:ID."),
      .value(.item, "ACTIVITY_ID", itemHelp),
    ] + WorkspaceOptions.specs(using: [.db, .user, .now]),
    run: { try UntrackCommand($0, moving: false).run() })

  static let moveSpec = CommandSpec(
    name: "move",
    abstract: "Move a tracked item from one record to another.",
    options: [
      .value(.record, "TYPE:ID", "The record it is on now, as TYPE:ID."),
      .value(.item, "ACTIVITY_ID", itemHelp),
      .value(.to, "TYPE:ID", "The record to move it to, as TYPE:ID."),
    ] + WorkspaceOptions.specs(using: [.db, .user, .now]),
    run: { try UntrackCommand($0, moving: true).run() })

  var options: WorkspaceOptions
  var record: RecordRef
  var item: String
  var destination: RecordRef?

  init(_ arguments: ParsedArguments, moving: Bool) throws {
    options = try WorkspaceOptions(arguments)
    record = try arguments.record()
    item = try arguments.required(.item)
    if moving {
      let text = try arguments.required(.to)
      guard let ref = RecordRef(parsing: text) else {
        throw CLIError.usage("bad record '\(text)' for --to: expected TYPE:ID such as "
          + "opportunity:o-1")
      }
      destination = ref
    }
  }

  func run() throws {
    let workspace = try options.withConfigDefaults(ConfigFile.load())
    let userName = try workspace.requireUser()
    let ws = try Workspace(options: workspace, userName: userName, connections: .single)
    let ref = try ws.record(record)
    let outcome = try ws.service.untrack(itemId: item, from: ref, to: destination,
                                         user: ws.user, now: try ws.options.resolvedNow())
    let from = try ws.store.recordSummary(ref)?.name ?? ref.description
    let what = "\(outcome.activity.kind.displayName.lowercased()) '\(outcome.activity.subject)'"
    if let destination {
      let to = try ws.store.recordSummary(destination)?.name ?? destination.description
      Console.line("Moved \(what) from \(from) (\(ref)) to \(to) (\(destination))")
    } else if outcome.deleted {
      Console.line("Untracked \(what) from \(from) (\(ref)): it was on no other record, so the "
        + "tracked copy is deleted; it is private again in its owner's mailbox")
    } else {
      let others = outcome.activity.regarding.filter { $0 != ref }.map(\.description)
      Console.line("Untracked \(what) from \(from) (\(ref)); still tracked on "
        + others.joined(separator: ", "))
    }
    try ws.close()
  }
}
