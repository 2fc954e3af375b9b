import ArgumentParser
import CaptureCore
import Foundation

/// The options every subcommand takes (cli.md, "Where things live").
struct WorkspaceOptions: ParsableArguments {
  @Option(help: "The shared CRM database (SQLite file).")
  var db: String?

  @Option(help: "The current user: a user id or one of that user's email addresses.")
  var user: String?

  @Option(help: "A Maildir (Maildir++ subfolders included); repeatable.")
  var maildir: [String] = []

  @Option(help: "An mbox file; repeatable.")
  var mbox: [String] = []

  @Option(help: "An .ics file or a directory of them; repeatable.")
  var calendar: [String] = []

  @Option(name: .customLong("index-dir"), help: "Where this user's private mailbox index lives.")
  var indexDir: String?

  @Option(help: "The time to evaluate windows against (ISO 8601; default: the clock).")
  var now: String?

  @Option(name: .customLong("max-emails"),
          help: "How many of the newest related emails a timeline shows (default 50).")
  var maxEmails: Int?

  @Option(name: .customLong("meeting-window-hours"),
          help: "Meetings starting this many hours either side of now are shown (default 72).")
  var meetingWindowHours: Int?

  /// The capture limits: options, then the config file, then capture-rules.md's defaults.
  func limits() throws -> CaptureLimits {
    let defaults = CaptureLimits()
    if let maxEmails, maxEmails < 0 { throw CLIError("--max-emails must be 0 or more") }
    if let meetingWindowHours, meetingWindowHours < 0 {
      throw CLIError("--meeting-window-hours must be 0 or more")
    }
    return CaptureLimits(
      maxEmails: maxEmails ?? defaults.maxEmails,
      meetingWindow: meetingWindowHours.map { TimeInterval($0) * 3600 } ?? defaults.meetingWindow)
  }

  /// `--now` parsed, or the clock.
  func resolvedNow() throws -> Date {
    guard let now else { return Date() }
    guard let date = ISO8601.parse(now) else {
      throw CLIError("bad date for --now: '\(now)' (expected ISO 8601 such as 2026-11-20T09:30:00Z)")
    }
    return date
  }

  func requireDB() throws -> String {
    guard let db else {
      throw CLIError("no CRM database: pass --db PATH, set db in "
        + "\(ConfigFile.defaultURL.path), or try 'autocapture demo'")
    }
    return db
  }

  func requireUser() throws -> String {
    guard let user else {
      throw CLIError("no user: pass --user ID or set user in \(ConfigFile.defaultURL.path)")
    }
    return user
  }
}
