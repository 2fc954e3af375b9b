import ArgumentParser
import Foundation

struct DemoCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "demo")

  @OptionGroup var workspace: WorkspaceOptions

  func run() throws {
    throw CLIError("'demo' is not built yet")
  }
}
