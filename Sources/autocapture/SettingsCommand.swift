import CaptureCore
import Foundation

struct SettingsCommand {
  static let spec = CommandSpec(
    name: "settings",
    abstract: "Show or change the personal option and what the mailbox allows.",
    options: [
      .value(.showUntracked, "yes|no",
             "Set \"Show email not tracked in the Activities list\": yes or no."),
      .value(.trackReplies, "yes|no",
             "Set \"Track replies to tracked email automatically\": yes or no."),
      .repeated(.exclude, "ADDRESS",
                "Add an address, or a whole @domain, to your excluded addresses."),
      .repeated(.include, "ADDRESS",
                "Take an address or @domain off your excluded addresses."),
    ] + WorkspaceOptions.specs(using: [.db, .user, .tlsCAFile]),
    run: { try SettingsCommand($0).run() })

  var options: WorkspaceOptions
  var showUntracked: String?
  var trackReplies: Bool?
  var exclude: [AddressExclusion]
  var include: [AddressExclusion]

  init(_ arguments: ParsedArguments) throws {
    options = try WorkspaceOptions(arguments)
    showUntracked = arguments.value(.showUntracked)
    if let text = arguments.value(.trackReplies) {
      guard let value = SettingsCommand.yesNo(text) else {
        throw CLIError.usage("bad value for --track-replies: '\(text)' (yes or no)")
      }
      trackReplies = value
    }
    func exclusions(_ name: OptionName) throws -> [AddressExclusion] {
      var result: [AddressExclusion] = []
      for text in arguments.values(name) {
        do { result.append(try AddressExclusion(text)) } catch {
          let why: String = error.description
          throw CLIError.usage(
            "bad value for --\(name): \(why) (an address, or @domain for a whole domain)")
        }
      }
      return result
    }
    exclude = try exclusions(.exclude)
    include = try exclusions(.include)
  }

  /// `yes`/`no` and their synonyms, as `--show-untracked` takes them; nil for anything else.
  static func yesNo(_ text: String) -> Bool? {
    switch text.lowercased() {
    case "yes", "true", "on": return true
    case "no", "false", "off": return false
    default: return nil
    }
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
    if let trackReplies {
      guard permissions.personalOptionOffered else {
        throw CLIError("the option is not offered: auto capture is turned off for the organization")
      }
      try ws.store.setTrackReplies(userId: user.id, trackReplies)
      user.trackReplies = trackReplies
    }
    // Only the user's own list changes here; the organization's is the import's.
    for exclusion in include {
      guard try ws.store.removeExcludedAddress(userId: user.id, exclusion) else {
        let organization = try ws.store.organization().excludedAddresses.contains(exclusion)
        throw CLIError("\(exclusion) is not among your excluded addresses"
          + (organization ? " (the organization excludes it; only an import changes that)" : ""))
      }
    }
    for exclusion in exclude {
      try ws.store.addExcludedAddress(userId: user.id, exclusion)
    }
    if !include.isEmpty || !exclude.isEmpty {
      user = try ws.store.user(matching: user.id) ?? user
    }
    let current = try ws.service.permissions(for: user)
    Console.line("user: \(user.id) (\(user.name))")
    let option = "Show email not tracked in the Activities list"
    if current.personalOptionOffered {
      Console.line("\(option): \(user.showUntracked ? "Yes" : "No")")
    } else {
      Console.line("\(option): not offered (auto capture is off)")
    }
    let replies = "Track replies to tracked email automatically"
    if current.personalOptionOffered {
      Console.line("\(replies): \(ws.service.tracksReplies(user) ? "Yes" : "No")"
        + (user.trackReplies == nil ? " (not chosen: the config file's track-replies, else No)"
          : ""))
    } else {
      Console.line("\(replies): not offered (auto capture is off)")
    }
    Console.line("mailbox sync method: \(user.mailbox.syncMethod.displayName)"
      + (user.mailbox.syncMethod == .serverSideSync
        ? " (approved: \(user.mailbox.approved ? "yes" : "no"), test enabled: "
          + "\(user.mailbox.testEnabled ? "yes" : "no"))" : ""))
    Console.line("allows: \(current.summary)")
    let organization = try ws.store.organization().excludedAddresses
    if !organization.isEmpty {
      Console.line("excluded by the organization: "
        + organization.map(\.text).joined(separator: ", "))
    }
    Console.line("your excluded addresses: " + (user.excludedAddresses.isEmpty ? "none"
      : user.excludedAddresses.map(\.text).joined(separator: ", ")))
    if let why = current.viewRefusal { Console.line("untracked items hidden: \(why)") }
    if let why = current.trackRefusal, current.viewRefusal == nil {
      Console.line("cannot track: \(why)")
    }
  }
}
