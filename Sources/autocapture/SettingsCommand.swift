import CaptureCore
import Foundation

struct SettingsCommand {
  static let spec = CommandSpec(
    name: "settings",
    abstract: "Show or change the personal option and what the mailbox allows.",
    options: [
      .value(.showUntracked, "yes|no",
             "Set \"Show email not tracked in the Activities list\": yes or no."),
    ] + WorkspaceOptions.specs(using: [.db, .user]),
    run: { try SettingsCommand($0).run() })

  var options: WorkspaceOptions
  var showUntracked: String?

  init(_ arguments: ParsedArguments) throws {
    options = try WorkspaceOptions(arguments)
    showUntracked = arguments.value(.showUntracked)
  }

  func run() throws {
    let workspace = try options.withConfigDefaults(ConfigFile.load())
    let userName = try workspace.requireUser()
    let ws = try Workspace(options: workspace, userName: userName, connections: .single)
    var user = ws.user
    let permissions = try ws.service.permissions(for: user)
    if let showUntracked {
      guard permissions.personalOptionOffered else {
        throw CLIError("the option is not offered: auto capture is turned off for the organization")
      }
      switch showUntracked.lowercased() {
      case "yes", "true", "on": user.showUntracked = true
      case "no", "false", "off": user.showUntracked = false
      default: throw CLIError.usage("bad value for --show-untracked: '\(showUntracked)' (yes or no)")
      }
      try ws.store.setShowUntracked(userId: user.id, user.showUntracked)
    }
    let current = try ws.service.permissions(for: user)
    Console.line("user: \(user.id) (\(user.name))")
    let option = "Show email not tracked in the Activities list"
    if current.personalOptionOffered {
      Console.line("\(option): \(user.showUntracked ? "Yes" : "No")")
    } else {
      Console.line("\(option): not offered (auto capture is off)")
    }
    Console.line("mailbox sync method: \(user.mailbox.syncMethod.displayName)"
      + (user.mailbox.syncMethod == .serverSideSync
        ? " (approved: \(user.mailbox.approved ? "yes" : "no"), test enabled: "
          + "\(user.mailbox.testEnabled ? "yes" : "no"))" : ""))
    Console.line("allows: \(current.summary)")
    if let why = current.viewRefusal { Console.line("untracked items hidden: \(why)") }
    if let why = current.trackRefusal, current.viewRefusal == nil {
      Console.line("cannot track: \(why)")
    }
  }
}
