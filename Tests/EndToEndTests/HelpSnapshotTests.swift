import Foundation
import Testing
import TestSupport

/// The program's help and each command's, stored under Snapshots/, so a change to an option
/// or its wording shows as a diff (RECORD_SNAPSHOTS=1 to accept it).
@Suite struct HelpSnapshotTests {
  @Test func theProgramsHelpIsAsStored() throws {
    let result = try CLIRunner.run(["help"])
    #expect(result.status == 0)
    assertSnapshot(text: result.stdout, named: "help")
  }

  /// Every command the program's help lists, so a new command gets a snapshot too.
  @Test func eachCommandsHelpIsAsStored() throws {
    let commands = try Self.listedCommands()
    #expect(commands.contains("timeline") && commands.contains("completions"))
    for command in commands {
      let result = try CLIRunner.run(["help", command])
      #expect(result.status == 0, "help \(command)")
      assertSnapshot(text: result.stdout, named: "help-\(command)")
    }
  }

  /// The command names under "Commands:" in `autocapture help`: the first word of each
  /// row indented by two spaces (wrapped help text is indented further).
  static func listedCommands() throws -> [String] {
    let lines = try CLIRunner.run(["help"]).stdout
      .split(separator: "\n", omittingEmptySubsequences: false)
    guard let start = lines.firstIndex(of: "Commands:") else { return [] }
    return lines[(start + 1)...].prefix { $0.hasPrefix("  ") }
      .filter { !$0.hasPrefix("   ") }
      .compactMap { $0.split(separator: " ").first.map(String.init) }
  }
}
