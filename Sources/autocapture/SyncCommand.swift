import ArgumentParser
import Foundation

struct SyncCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "sync")

  @OptionGroup var workspace: WorkspaceOptions

  func run() throws {
    throw CLIError("'sync' is not built yet")
  }
}
