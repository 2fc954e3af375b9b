import ArgumentParser
import Foundation

struct IndexCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "index")

  @OptionGroup var workspace: WorkspaceOptions

  func run() throws {
    throw CLIError("'index' is not built yet")
  }
}
