import ArgumentParser
import Foundation

struct AddressesCommand: ParsableCommand {
  static let configuration = CommandConfiguration(commandName: "addresses")

  @OptionGroup var workspace: WorkspaceOptions

  func run() throws {
    throw CLIError("'addresses' is not built yet")
  }
}
