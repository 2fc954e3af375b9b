import Foundation
import Testing
import TestSupport

/// What a user meets around the commands themselves: the version, completion scripts for
/// bash, zsh and fish written from the option table, and an installed binary that finds
/// the shipped themes wherever it lives.
@Suite struct InstallAndCompletionsEndToEndTests {
  @Test func theVersionIsOneLineWhicheverFlagAsksForIt() throws {
    let long = try CLIRunner.run(["--version"])
    let short = try CLIRunner.run(["-V"])
    #expect(long.status == 0)
    #expect(long.stdout.range(of: #"^autocapture \d+\.\d+\.\d+\n$"#, options: .regularExpression)
      != nil, "\(long.stdout)")
    #expect(short.stdout == long.stdout)
  }

  @Test func aCommandsHelpListsOnlyTheOptionsItUses() throws {
    let help = try CLIRunner.run(["help", "import"])
    #expect(help.status == 0)
    let options = try #require(help.stdout.components(separatedBy: "Options:").last)
    let listed = options.components(separatedBy: "\n\n").first ?? ""
    #expect(listed.contains("--db PATH"))
    for unused in ["--maildir", "--user", "--now", "--max-emails"] {
      #expect(!listed.contains(unused), "\(unused) is listed for import")
    }
    #expect(help.stdout.contains("Also accepted and unused here"))
    // Still accepted, as the command-line contract says every command takes them.
    let accepted = try CLIRunner.run(["import", "missing.json", "--maildir", "/nonexistent",
                                      "--db", "/nonexistent/crm.sqlite"])
    #expect(accepted.status == 1)
    #expect(!accepted.stderr.contains("unknown option"))
  }

  @Test func aMalformedRecordIsAUsageMistake() throws {
    for command in ["timeline", "track", "addresses"] {
      var words = [command, "--record", "a-fab", "--db", "/nonexistent.sqlite"]
      if command == "track" { words += ["--item", "mail:<x@y>"] }
      let result = try CLIRunner.run(words)
      #expect(result.status == 64, "\(command): \(result.stderr)")
      #expect(result.stderr.contains("bad record 'a-fab': expected TYPE:ID"), "\(command)")
    }
  }

  /// Runs bash's completion function for `words` (the last being completed).
  func bashCompletes(_ words: [String], script: String) throws -> [String] {
    let line = words.map { "'\($0)'" }.joined(separator: " ")
    let program = "source /dev/stdin <<'EOF'\n\(script)EOF\n"
      + "COMP_WORDS=(\(line)); COMP_CWORD=\(words.count - 1); _autocapture; "
      + "printf '%s\\n' \"${COMPREPLY[@]}\""
    let result = try CLIRunner.run(["-c", program], executable: URL(fileURLWithPath: "/bin/bash"))
    #expect(result.status == 0, "\(result.stderr)")
    return result.stdout.split(separator: "\n").map(String.init)
  }

  @Test func bashCompletesCommandsOptionsRecordTypesAndThemes() throws {
    let script = try CLIRunner.run(["completions", "bash"])
    #expect(script.status == 0)
    let s = script.stdout
    #expect(try bashCompletes(["autocapture", "ti"], script: s) == ["timeline"])
    #expect(try bashCompletes(["autocapture", "timeline", "--re"], script: s) == ["--record"])
    #expect(try bashCompletes(["autocapture", "timeline", "--record", "o"], script: s)
      == ["opportunity:"])
    #expect(try bashCompletes(["autocapture", "tui", "--theme", "l"], script: s) == ["light"])
    #expect(try bashCompletes(["autocapture", "--th"], script: s) == ["--theme"])
    // import uses --db only: the options it does not use are not offered.
    #expect(try bashCompletes(["autocapture", "import", "--m"], script: s) == [])
    #expect(try bashCompletes(["autocapture", "completions", "z"], script: s) == ["zsh"])
    #expect(try bashCompletes(["autocapture", "move", "--to", "o"], script: s)
      == ["opportunity:"])
  }

  @Test func zshAndFishScriptsParse() throws {
    let dir = try Fixtures.temporaryDirectory("completions")
    defer { try? FileManager.default.removeItem(at: dir) }
    let env = URL(fileURLWithPath: "/usr/bin/env")
    for (shell, check, record) in [("zsh", ["-n"], "'--record=["),
                                   ("fish", ["--no-execute"], " -l record ")] {
      let script = try CLIRunner.run(["completions", shell])
      #expect(script.status == 0)
      let file = dir.appendingPathComponent(shell)
      try script.stdout.write(to: file, atomically: true, encoding: .utf8)
      let result = try CLIRunner.run([shell] + check + [file.path], executable: env)
      #expect(result.status == 0, "\(shell): \(result.stderr)")
      #expect(script.stdout.contains(record), "\(shell) offers no --record")
    }
    let fish = try CLIRunner.run([
      "fish", "-c", "source \(dir.appendingPathComponent("fish").path); "
        + "complete -C 'autocapture timeline --rec'"], executable: env)
    #expect(fish.stdout.hasPrefix("--record\t"), "\(fish.stdout)")
  }

  @Test func anUnknownShellIsAUsageMistake() throws {
    let result = try CLIRunner.run(["completions", "tcsh"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("bash, zsh or fish"))
  }

  /// The layout scripts/install makes, away from the source tree: bin/autocapture and
  /// share/autocapture/themes.
  @Test func anInstalledBinaryFindsTheShippedThemesBesideIt() throws {
    let prefix = try Fixtures.temporaryDirectory("prefix")
    defer { try? FileManager.default.removeItem(at: prefix) }
    let bin = prefix.appendingPathComponent("bin")
    try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
    let copy = bin.appendingPathComponent("autocapture")
    try FileManager.default.copyItem(at: CLIRunner.binary, to: copy)
    let config = ["XDG_CONFIG_HOME": prefix.appendingPathComponent("config").path]
    func themes() throws -> [String] {
      let result = try CLIRunner.run(["completions", "fish"], environment: config,
                                     executable: copy)
      let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("-l theme") })
      let words = try #require(line.components(separatedBy: " -a '").last?
        .components(separatedBy: "'").first)
      return words.split(separator: " ").map(String.init)
    }
    #expect(try themes() == ["default"], "without share/ only the built-in theme is known")
    let share = prefix.appendingPathComponent("share/autocapture/themes")
    try FileManager.default.createDirectory(at: share, withIntermediateDirectories: true)
    let shipped = Fixtures.packageRoot.appendingPathComponent("Themes")
    for name in try FileManager.default.contentsOfDirectory(atPath: shipped.path) {
      try FileManager.default.copyItem(at: shipped.appendingPathComponent(name),
                                       to: share.appendingPathComponent(name))
    }
    #expect(try themes() == ["default", "high-contrast", "light", "monochrome"])
  }
}
