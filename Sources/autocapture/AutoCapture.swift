import ArgumentParser
import Foundation

/// The `autocapture` command: the TUI by default, and the scriptable subcommands of cli.md.
@main
struct AutoCapture: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "autocapture",
    abstract: "A keyboard-driven CRM timeline that captures related mail from your own mailbox.",
    subcommands: [
      TUICommand.self, DemoCommand.self, ImportCommand.self, IndexCommand.self,
      AddressesCommand.self, TimelineCommand.self, TrackCommand.self, SyncCommand.self,
      SettingsCommand.self,
    ],
    defaultSubcommand: TUICommand.self
  )
}

/// A one-line error for the user: printed as `Error: <message>` with a non-zero exit.
struct CLIError: Error, CustomStringConvertible {
  var description: String
  init(_ message: String) { description = message }
}
