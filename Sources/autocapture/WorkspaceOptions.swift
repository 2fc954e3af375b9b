import CaptureCore
import Foundation
import Mailbox

/// What is at `path`, or nil when `stat` finds nothing there, for the commands that check
/// what they were given before reading it.
func fileStatus(_ path: String) -> FileSystem.Status? {
  try? FileSystem.status(path).get()
}

/// One IMAP account to read, as named on the command line or in the config file.
struct IMAPAccountOption: Equatable {
  var url: String
  /// Run through `/bin/sh -c` for the password; else `AUTOCAPTURE_IMAP_PASSWORD`.
  var passwordCommand: String?
  /// A malformed URL in the config file is the file's error (1), on the command line a
  /// usage mistake (64).
  var fromConfigFile: Bool
}

/// The options every subcommand takes (docs/commands.md, "Where things live"), from the
/// command line or, as defaults, from the config file.
struct WorkspaceOptions {
  var db: String?
  var user: String?
  var maildir: [String] = []
  var mbox: [String] = []
  var calendar: [String] = []
  /// IMAP accounts: `--imap` URLs with `--imap-password-command`, or the config's list.
  var imap: [IMAPAccountOption] = []
  var caldav: [String] = []
  var caldavPasswordCommand: String?
  var tlsCAFile: String?
  var indexDir: String?
  var now: String?
  var maxEmails: Int?
  var meetingWindowHours: Int?
  /// "Track replies to tracked email automatically" for a user who has not chosen in
  /// settings: the config file's `track-replies` (no command-line option sets it).
  var trackRepliesByDefault: Bool?

  static let specs: [OptionSpec] = [
    .value(.db, "PATH", "The shared CRM database: an SQLite file, or a postgresql:// URL."),
    .value(.user, "ID", "The current user: a user id or one of that user's email addresses."),
    .repeated(.maildir, "PATH", "A Maildir (Maildir++ subfolders included)."),
    .repeated(.mbox, "PATH", "An mbox file."),
    .repeated(.calendar, "PATH", "An .ics file or a directory of them."),
    .repeated(.imap, "URL", "A mailbox on an IMAP server: imaps://USER@HOST[:PORT] (TLS) or "
      + "imap://USER@HOST[:PORT] (STARTTLS; plaintext only to this machine)."),
    .value(.imapPasswordCommand, "CMD", "A shell command printing the IMAP password on "
      + "its first line (else AUTOCAPTURE_IMAP_PASSWORD)."),
    .repeated(.caldav, "URL", "A CalDAV calendar, calendar home or principal "
      + "(https://USER@HOST/PATH/)."),
    .value(.caldavPasswordCommand, "CMD", "A shell command whose first line of output is "
      + "the CalDAV password (else AUTOCAPTURE_CALDAV_PASSWORD)."),
    .value(.tlsCAFile, "PATH", "Also trust this CA certificate (PEM) for IMAP, CalDAV and "
      + "PostgreSQL over TLS."),
    .value(.indexDir, "PATH", "Where this user's private mailbox index lives."),
    .value(.now, "ISO8601", "The time to evaluate windows against (default: the clock)."),
    .value(.maxEmails, "N", "How many of the newest related emails a timeline shows "
      + "(default 50)."),
    .value(.meetingWindowHours, "N", "Meetings starting this many hours either side of now "
      + "are shown (default 72)."),
  ]

  /// Every workspace option, those outside `used` marked unused (left out of help).
  static func specs(using used: Set<OptionName>) -> [OptionSpec] {
    specs.map { used.contains($0.name) ? $0 : $0.unused }
  }

  /// None set.
  init() {}

  /// The options `source` gives, paths with `~` expanded (the shell leaves it in
  /// `--db=~/crm.sqlite`, and a config file is not read by a shell at all).
  init(_ source: some OptionValues) throws {
    func expanded(_ text: String) -> String { Environment.expandingTilde(text) }
    db = try source.value(.db).map { expanded($0) }
    user = try source.value(.user)
    maildir = try source.values(.maildir).map { expanded($0) }
    mbox = try source.values(.mbox).map { expanded($0) }
    calendar = try source.values(.calendar).map { expanded($0) }
    imap = try source.imapAccounts()
    caldav = try source.values(.caldav)
    caldavPasswordCommand = try source.value(.caldavPasswordCommand)
    tlsCAFile = try source.value(.tlsCAFile).map { expanded($0) }
    indexDir = try source.value(.indexDir).map { expanded($0) }
    now = try source.value(.now)
    maxEmails = try source.integer(.maxEmails)
    meetingWindowHours = try source.integer(.meetingWindowHours)
  }

  /// The widest meeting window taken: a century either side. Wider ones (up to Int.max
  /// hours) would overflow the calendar's 64-bit seconds and stop the process.
  static let maxMeetingWindowHours = 876_000

  /// The capture limits: options, then the config file, then docs/capture-rules.md's defaults.
  /// Out of range is a usage mistake (exit 64), as a malformed number is.
  func limits() throws -> CaptureLimits {
    let defaults = CaptureLimits()
    if let maxEmails, maxEmails < 0 { throw CLIError.usage("--max-emails must be 0 or more") }
    if let meetingWindowHours,
       !(0...WorkspaceOptions.maxMeetingWindowHours).contains(meetingWindowHours) {
      throw CLIError.usage("--meeting-window-hours must be from 0 to "
        + "\(WorkspaceOptions.maxMeetingWindowHours) (a century)")
    }
    return CaptureLimits(
      maxEmails: maxEmails ?? defaults.maxEmails,
      meetingWindow: meetingWindowHours.map { TimeInterval($0) * 3600 } ?? defaults.meetingWindow)
  }

  /// `--now` parsed, or the clock.
  func resolvedNow() throws -> Date {
    guard let now else { return Date() }
    guard let date = ISO8601.parse(now) else {
      throw CLIError.usage(
        "bad date for --now: '\(now)' (expected ISO 8601 such as 2026-11-20T09:30:00Z)")
    }
    return date
  }

  func requireDB() throws -> String {
    guard let db else {
      throw CLIError("no CRM database: pass --db PATH, set db in "
        + "\(ConfigFile.defaultPath), or try 'autocapture demo'")
    }
    return db
  }

  /// Refuses a named mailbox or calendar that is not there (docs/commands.md: a missing file is bad
  /// input), before the index is touched: a typo in `--maildir` must not make a run drop
  /// the usual mailboxes from the private index. The one-shot commands call it; the TUI
  /// opens anyway and says which source it cannot read, so an unmounted disk does not
  /// keep the CRM side from you.
  func requireSources() throws {
    for path in maildir {
      let status = fileStatus(path)
      if status?.isDirectory != true {
        throw CLIError(status == nil ? "no Maildir at \(path)"
          : "\(path) is not a directory (--maildir wants a Maildir directory)")
      }
    }
    for path in mbox {
      let status = fileStatus(path)
      if status?.isRegular != true {
        throw CLIError(status == nil ? "no mbox file at \(path)"
          : "\(path) is not a file (--mbox wants an mbox file)")
      }
    }
    try requireTLSCAFile()
    for path in calendar {
      let status = fileStatus(path)
      if let status, status.isRegular || status.isDirectory { continue }
      throw CLIError(status == nil ? "no calendar at \(path)"
        : "\(path) is neither an .ics file nor a directory of them")
    }
  }

  /// Refuses a `--tls-ca-file` that is not a file, before any server is contacted.
  func requireTLSCAFile() throws {
    if let ca = tlsCAFile, fileStatus(ca)?.isRegular != true {
      throw CLIError(fileStatus(ca) == nil ? "no CA file at \(ca)"
        : "\(ca) is not a file (--tls-ca-file wants a PEM certificate)")
    }
  }

  func requireUser() throws -> String {
    guard let user else {
      throw CLIError("no user: pass --user ID or set user in \(ConfigFile.defaultPath)")
    }
    return user
  }
}
