import ArgumentParser
import Foundation

struct SettingsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "settings")

  @OptionGroup var workspace: WorkspaceOptions

  func run() throws {
    throw CLIError("'settings' is not built yet")
  }
}
