import Foundation
import Testing
import TestSupport

/// The command-line grammar of the real binary: help, usage errors and their exit status,
/// and the two spellings of an option's value.
@Suite struct CommandLineEndToEndTests {
  typealias F = CaptureFixture

  @Test func theProgramHelpListsEveryCommandAndExitsZero() throws {
    let result = try CLIRunner.run(["--help"])
    #expect(result.status == 0)
    for command in ["tui", "demo", "import", "index", "addresses", "timeline", "track", "sync",
                    "settings"] {
      #expect(result.stdout.contains("\n  \(command)"), "\(command) missing")
    }
  }

  @Test func aCommandsHelpIsTheSameWhicheverWayItIsAskedFor() throws {
    let flag = try CLIRunner.run(["timeline", "--help"])
    let word = try CLIRunner.run(["help", "timeline"])
    #expect(flag.status == 0)
    #expect(flag.stdout == word.stdout)
    for option in ["--record TYPE:ID", "--json", "--db PATH", "--maildir PATH", "--now ISO8601"] {
      #expect(flag.stdout.contains(option), "\(option) missing")
    }
  }

  @Test func aMisspeltOptionIsAUsageErrorThatSuggestsTheRightOne() throws {
    let result = try CLIRunner.run(["timeline", "--recrd", "account:a-fab"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("unknown option '--recrd'"))
    #expect(result.stderr.contains("did you mean --record?"))
    #expect(result.stdout.isEmpty)
  }

  @Test func aMissingRequiredOptionIsNamed() throws {
    let result = try CLIRunner.run(["track", "--record", "account:a-fab"])
    #expect(result.status == 64)
    #expect(result.stderr == "Error: missing --item ITEM_ID\n")
  }

  @Test func anOptionWithoutItsValueIsNamed() throws {
    let result = try CLIRunner.run(["timeline", "--record", "--json"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("--record needs a value"))
  }

  @Test func anUnknownCommandAndAStrayArgumentAreRefused() throws {
    let command = try CLIRunner.run(["timelines"])
    #expect(command.status == 64)
    #expect(command.stderr.contains("unknown command 'timelines'"))
    let stray = try CLIRunner.run(["sync", "extra"])
    #expect(stray.status == 64)
    #expect(stray.stderr.contains("unexpected argument 'extra'"))
  }

  @Test func aWholeNumberOptionRefusesText() throws {
    let result = try CLIRunner.run(["timeline", "--record", "account:a-fab", "--max-emails", "ten"])
    #expect(result.status == 64)
    #expect(result.stderr.contains("--max-emails takes a whole number, not 'ten'"))
  }

  @Test func equalsAndSpaceSpellingsGiveTheSameTimeline() throws {
    var f = try CaptureFixture.imported()
    try f.message(id: "<eq@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Spelling")
    let spaced = try CLIRunner.run(
      ["timeline", "--json", "--record", "contact:c-ann"] + f.sources())
    let sources = f.sources()
    let pairs = stride(from: 0, to: sources.count, by: 2).map { "\(sources[$0])=\(sources[$0 + 1])" }
    let joined = try CLIRunner.run(["timeline", "--json", "--record=contact:c-ann"] + pairs)
    #expect(spaced.status == 0, "\(spaced.stderr)")
    #expect(joined.status == 0, "\(joined.stderr)")
    #expect(spaced.stdout.contains("<eq@t>"))
    #expect(joined.stdout == spaced.stdout)
  }

  @Test func pathsStartingWithTildeAreUnderHomeInTheConfigFileAndAfterEquals() throws {
    var f = try CaptureFixture.imported()
    try f.message(id: "<tilde@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Tilde")
    let config = f.root.appendingPathComponent("config.toml")
    try """
      db = "~/crm.sqlite"
      user = "dana"
      maildir = "~/Maildir"
      calendar = "~/calendar"
      index-dir = "~/index-tilde"
      """.write(to: config, atomically: true, encoding: .utf8)
    // Run from elsewhere, so a `~` taken as a relative directory name would find nothing.
    let elsewhere = URL(fileURLWithPath: "/")
    let home = ["HOME": f.root.path]
    let configured = try CLIRunner.run(
      ["timeline", "--json", "--record", "contact:c-ann", "--now", CaptureFixture.now],
      environment: home.merging(["AUTOCAPTURE_CONFIG": config.path]) { $1 },
      directory: elsewhere)
    #expect(configured.status == 0, "\(configured.stderr)")
    #expect(configured.stdout.contains("<tilde@t>"))
    let equals = try CLIRunner.run(
      ["timeline", "--json", "--record", "contact:c-ann", "--now", CaptureFixture.now,
       "--db=~/crm.sqlite", "--user=dana", "--maildir=~/Maildir", "--calendar=~/calendar",
       "--index-dir=~/index-tilde"],
      environment: home, directory: elsewhere)
    #expect(equals.status == 0, "\(equals.stderr)")
    #expect(equals.stdout == configured.stdout)
    #expect(FileManager.default.fileExists(
      atPath: f.root.appendingPathComponent("index-tilde/index.sqlite").path))
  }

  /// Out-of-range values (a meeting window of Int.max hours) exit 64 as malformed ones
  /// do, with no stack trace.
  @Test func outOfRangeValuesAreUsageMistakesNotCrashes() throws {
    let f = try CaptureFixture.imported()
    try f.calendarFile("sync.ics", """
      BEGIN:VEVENT
      UID:weekly
      DTSTART:20261123T100000Z
      DTEND:20261123T103000Z
      SUMMARY:Weekly
      ORGANIZER:mailto:ann@fabrikam.example
      END:VEVENT

      """)
    let timeline = ["timeline", "--json", "--record", "contact:c-ann"] + f.sources()
    for (extra, named) in [(["--meeting-window-hours", "9223372036854775807"],
                            "--meeting-window-hours must be from 0 to 876000"),
                           (["--meeting-window-hours", "2562047788015216"],
                            "--meeting-window-hours must be from 0 to 876000"),
                           (["--max-emails", "-1"], "--max-emails must be 0 or more"),
                           (["--now", "yesterday"], "bad date for --now")] {
      // Later options win: these replace the fixture's own --now.
      let result = try CLIRunner.run(timeline + extra)
      #expect(result.status == 64, "\(extra): \(result.stderr)")
      #expect(result.stderr.hasPrefix("Error: \(named)"), "\(result.stderr)")
    }
    let widest = try CLIRunner.run(timeline + ["--meeting-window-hours", "876000"])
    #expect(widest.status == 0, "\(widest.stderr)")
    #expect(widest.stdout.contains("\"cal:weekly\""))
  }

  /// `import DIR` says "not a file", not "NSCocoaErrorDomain error 256".
  @Test func importingADirectoryOrAFifoSaysItIsNotAFile() throws {
    let dir = try Fixtures.temporaryDirectory("import-not-a-file")
    let fifo = dir.appendingPathComponent("crm.json")
    #expect(mkfifo(fifo.path, 0o600) == 0)
    let db = dir.appendingPathComponent("crm.sqlite").path
    for path in [dir.path, fifo.path] {
      let result = try CLIRunner.run(["import", path, "--db", db])
      #expect(result.status == 1)
      #expect(result.stderr == "Error: \(path): not a file (an import file is JSON, docs/import-format.md)\n")
    }
    #expect(!FileManager.default.fileExists(atPath: db))
  }

  /// A mistyped AUTOCAPTURE_CONFIG is an error, not ignored without a word.
  @Test func aConfigFileNamedByTheEnvironmentMustExist() throws {
    let result = try CLIRunner.run(["timeline", "--json", "--record", "account:a-fab"],
                                   environment: ["AUTOCAPTURE_CONFIG": "/nonexistent/ac.toml"])
    #expect(result.status == 1)
    #expect(result.stderr
      == "Error: no config file at /nonexistent/ac.toml (named by AUTOCAPTURE_CONFIG)\n")
    let directory = try Fixtures.temporaryDirectory("config-dir").path
    let notAFile = try CLIRunner.run(["timeline", "--json", "--record", "account:a-fab"],
                                     environment: ["AUTOCAPTURE_CONFIG": directory])
    #expect(notAFile.stderr == "Error: config file \(directory) is not a file\n")
  }

  @Test func devNullAsTheConfigFileSetsNothing() throws {
    let f = try CaptureFixture.imported()
    let result = try CLIRunner.run(["timeline", "--json", "--record", "account:a-fab"]
      + f.sources(withMail: false), environment: ["AUTOCAPTURE_CONFIG": "/dev/null"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("\"a-fab\""))
  }

  @Test func aFailureInsideACommandExitsWithOneAndNamesTheThing() throws {
    let f = try CaptureFixture.imported()
    let result = try CLIRunner.run(["timeline", "--json", "--record", "account:nope"]
      + f.sources(withMail: false))
    #expect(result.status == 1)
    #expect(result.stderr.contains("account:nope"))
  }
}
