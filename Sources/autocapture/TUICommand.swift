import AutoCaptureApp
import CaptureCore
import CursesTerminal
import Foundation
import TerminalUI

struct TUICommand {
  static let spec = CommandSpec(
    name: "tui",
    abstract: "The terminal UI (the default command).",
    options: [themeOption] + WorkspaceOptions.specs,
    run: { try TUICommand(options: WorkspaceOptions($0), theme: $0.value(.theme)).run() })

  /// `--theme`, which `demo` takes too.
  static let themeOption = OptionSpec.value(
    .theme, "NAME",
    "A theme: default, light, high-contrast, monochrome, or one of your own (docs/themes.md).")

  var options: WorkspaceOptions
  var theme: String?

  func run() throws {
    let config = try ConfigFile.load()
    let workspace = options.withConfigDefaults(config)
    let userName = try workspace.requireUser()
    let ws = try Workspace(options: workspace, userName: userName, connections: .pool)
    try TUILauncher.run(service: ws.service, user: ws.user, themeName: theme ?? config?.theme,
                        now: try workspace.now.map { _ in try workspace.resolvedNow() })
  }
}

/// Opens the terminal, runs the app, and always gives the terminal back.
enum TUILauncher {
  /// - Parameter now: a fixed clock (`--now`), for reproducible sessions; the clock when nil.
  static func run(service: TimelineService, user: User, themeName: String?, now: Date?) throws {
    let theme = try loadTheme(named: themeName)
    let terminal = try CursesTerminal(theme: theme)
    defer { terminal.shutdown() }
    let clock: @Sendable () -> Date
    if let now { clock = { now } } else { clock = { Date() } }
    let app = try AppRunner(terminal: terminal, service: service, user: user, clock: clock,
                            preferences: viewPreferences())
    app.run()
  }

  /// The view the TUI was last left in, kept in `$XDG_STATE_HOME/autocapture/view` (else
  /// `~/.local/state/autocapture/view`): `compact` or `tiles`. A file that cannot be read
  /// or written leaves the view as it is for this run.
  static func viewPreferences() -> ViewPreferences {
    let directory = (Environment.baseDirectory("XDG_STATE_HOME")
      ?? Environment.homeDirectory() + "/.local/state") + "/autocapture"
    let file = directory + "/view"
    return ViewPreferences(
      load: {
        (try? String(contentsOfFile: file, encoding: .utf8))?
          .trimmingCharacters(in: .whitespacesAndNewlines) == "compact"
      },
      save: { compact in
        try? FileManager.default.createDirectory(
          atPath: directory, withIntermediateDirectories: true,
          attributes: [.posixPermissions: 0o700])
        try? Data((compact ? "compact\n" : "tiles\n").utf8)
          .write(to: URL(fileURLWithPath: file), options: .atomic)
      })
  }

  /// The named theme from the first Themes directory found, else the built-in default;
  /// a named theme that cannot be found or read is an error naming it.
  static func loadTheme(named name: String?) throws -> Theme {
    if ProcessInfo.processInfo.environment["NO_COLOR"].map({ !$0.isEmpty }) == true,
       name == nil {
      return .builtInDefault
    }
    for directory in themeDirectories() {
      let loader = ThemeLoader(directory: directory)
      let file = directory.appendingPathComponent("\(name ?? "default").toml")
      if FileManager.default.fileExists(atPath: file.path) {
        return try loader.load(named: name ?? "default")
      }
    }
    if let name, name != "default" {
      let known = Set(themeDirectories().flatMap {
        (try? ThemeLoader(directory: $0).availableThemeNames()) ?? []
      }).union(["default"]).sorted()
      throw CLIError("no theme named '\(name)' (themes: \(known.joined(separator: ", ")); looked in "
        + themeDirectories().map(\.path).joined(separator: ", ") + ")")
    }
    return .builtInDefault
  }

  /// The user's own (`$XDG_CONFIG_HOME/autocapture/themes`), then the shipped ones: in
  /// `../share/autocapture/themes` beside an installed binary (`scripts/install` puts them
  /// there), else `Themes/` of the package the binary was built from (found by walking up
  /// from the executable), so `swift run` finds them.
  static func themeDirectories() -> [URL] {
    var dirs = [URL(fileURLWithPath: ConfigFile.defaultPath).deletingLastPathComponent()
      .appendingPathComponent("themes")]
    var dir = (Bundle.main.executableURL
      ?? URL(fileURLWithPath: CommandLine.arguments[0])).resolvingSymlinksInPath()
      .deletingLastPathComponent()
    let installed = dir.deletingLastPathComponent().appendingPathComponent("share/autocapture/themes")
    if FileManager.default.fileExists(atPath: installed.path) {
      dirs.append(installed)
      return dirs
    }
    for _ in 0..<5 {
      let candidate = dir.appendingPathComponent("Themes")
      if FileManager.default.fileExists(atPath: candidate.path) { dirs.append(candidate); break }
      dir.deleteLastPathComponent()
    }
    return dirs
  }
}
