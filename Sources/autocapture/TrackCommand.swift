import ArgumentParser
import Foundation

struct TrackCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "track")

  @OptionGroup var workspace: WorkspaceOptions

  func run() throws {
    throw CLIError("'track' is not built yet")
  }
}
