import ArgumentParser
import Foundation

struct TimelineCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "timeline")

  @OptionGroup var workspace: WorkspaceOptions

  func run() throws {
    throw CLIError("'timeline' is not built yet")
  }
}
