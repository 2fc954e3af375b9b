import ArgumentParser
import Foundation

struct TUICommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "tui")

  @OptionGroup var workspace: WorkspaceOptions

  func run() throws {
    throw CLIError("'tui' is not built yet")
  }
}
