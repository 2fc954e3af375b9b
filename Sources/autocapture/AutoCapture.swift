import Foundation
import Mailbox
import TerminalUI

/// The `autocapture` command: the TUI by default, and the scriptable subcommands of docs/commands.md.
@main
enum AutoCapture {
  static let overview =
    "A keyboard-driven CRM timeline that captures related mail from your own mailbox."

  /// The release this source is; `autocapture --version` prints it.
  static let version = "0.14.0"

  static let commands: [CommandSpec] = [
    TUICommand.spec, DemoCommand.spec, ImportCommand.spec, IndexCommand.spec,
    AddressesCommand.spec, TimelineCommand.spec, WhyCommand.spec, TrackCommand.spec,
    SyncCommand.spec, UntrackCommand.spec, UntrackCommand.moveSpec, SettingsCommand.spec,
    CompletionsCommand.spec,
  ]

  static let defaultCommand = TUICommand.spec.name

  static func main() {
    // Decoded so that a path whose bytes are not UTF-8 keeps them (CommandLine.arguments
    // would replace them with U+FFFD and name another file).
    let words = (1..<Int(CommandLine.argc)).map {
      FileSystem.pathString(cString: CommandLine.unsafeArgv[$0]!)
    }
    do {
      switch try CommandLineParser.request(
        words, commands: commands, defaultCommand: defaultCommand)
      {
      case .help(let command?):
        print(CommandLineParser.help(for: command))
      case .help(nil):
        print(CommandLineParser.help(
          commands: commands, defaultCommand: defaultCommand, overview: overview))
      case .version:
        print("autocapture \(version)")
      case .run(let command, let arguments):
        try command.run(arguments)
      }
    } catch let status as ExitStatus {
      exit(status.code)
    } catch let error as CLIError {
      fail(error.description, status: error.exitStatus)
    } catch {
      fail("\(error)", status: 1)
    }
  }

  private static func fail(_ message: String, status: Int32) -> Never {
    Console.error("Error: \(message)")
    exit(status)
  }
}

/// What the commands print for people to read, a line at a time. Lines carry data (subjects,
/// names, file names, reasons), so they go out `terminalSafe`: a message must not be able
/// to drive the terminal or forge a line. JSON output is escaped by its encoder instead.
enum Console {
  static func line(_ text: String) { print(text.terminalSafe) }
  /// A line reporting work as it happens: written at once, not when the buffer fills, so
  /// a pipe (`| tee`, a script watching progress) sees each as it is done.
  static func progress(_ text: String) {
    FileHandle.standardOutput.write(Data((text.terminalSafe + "\n").utf8))
  }
  static func error(_ text: String) {
    FileHandle.standardError.write(Data((text.terminalSafe + "\n").utf8))
  }
}

/// How `timeline` and `index`, the commands timed against notmuch, end once their output is
/// written: their databases are closed as at any end (the WAL is checkpointed and emptied),
/// but GRDB's connection objects are not released. Releasing them disposes their dispatch
/// queues, which starts a libdispatch worker thread and event loop only to free memory the
/// exit frees anyway: 0.2–0.4 ms of a 5 ms `timeline --json` and ~0.15 ms of `index`
/// (hyperfine medians, three alternating rounds). `exit` flushes standard output.
enum OneShot {
  static func end(keeping objects: Any...) -> Never {
    withExtendedLifetime(objects) { exit(0) }
  }
}
