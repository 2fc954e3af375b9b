import ArgumentParser
import Foundation

struct ImportCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "import")

  @OptionGroup var workspace: WorkspaceOptions

  func run() throws {
    throw CLIError("'import' is not built yet")
  }
}
