import CaptureCore
import Foundation

/// What `path` is (`S_IFREG`, `S_IFDIR`, `S_IFIFO`...), or nil when nothing is there: one
/// `stat`, for the commands that check what they were given before reading it.
func fileType(_ path: String) -> mode_t? {
  var info = stat()
  return stat(path, &info) == 0 ? info.st_mode & S_IFMT : nil
}

/// The options every subcommand takes (docs/commands.md, "Where things live").
struct WorkspaceOptions {
  var db: String?
  var user: String?
  var maildir: [String] = []
  var mbox: [String] = []
  var calendar: [String] = []
  var caldav: [String] = []
  var caldavPasswordCommand: String?
  var tlsCAFile: String?
  var indexDir: String?
  var now: String?
  var maxEmails: Int?
  var meetingWindowHours: Int?

  static let specs: [OptionSpec] = [
    .value("db", "PATH", "The shared CRM database (SQLite file)."),
    .value("user", "ID", "The current user: a user id or one of that user's email addresses."),
    .repeated("maildir", "PATH", "A Maildir (Maildir++ subfolders included)."),
    .repeated("mbox", "PATH", "An mbox file."),
    .repeated("calendar", "PATH", "An .ics file or a directory of them."),
    .repeated("caldav", "URL", "A CalDAV calendar, calendar home or principal "
      + "(https://USER@HOST/PATH/)."),
    .value("caldav-password-command", "CMD", "A shell command whose first line of output is "
      + "the CalDAV password (else AUTOCAPTURE_CALDAV_PASSWORD)."),
    .value("tls-ca-file", "PATH", "Also trust this CA certificate (PEM) for TLS."),
    .value("index-dir", "PATH", "Where this user's private mailbox index lives."),
    .value("now", "ISO8601", "The time to evaluate windows against (default: the clock)."),
    .value("max-emails", "N", "How many of the newest related emails a timeline shows "
      + "(default 50)."),
    .value("meeting-window-hours", "N", "Meetings starting this many hours either side of now "
      + "are shown (default 72)."),
  ]

  /// Every workspace option, those outside `used` marked unused (left out of help).
  static func specs(using used: Set<String>) -> [OptionSpec] {
    specs.map { used.contains($0.name) ? $0 : $0.unused }
  }

  init(_ arguments: ParsedArguments) throws {
    // `~` too, where the shell left it: `--db=~/crm.sqlite`.
    func expanded(_ text: String) -> String { Environment.expandingTilde(text) }
    db = arguments.value("db").map { expanded($0) }
    user = arguments.value("user")
    maildir = arguments.values("maildir").map { expanded($0) }
    mbox = arguments.values("mbox").map { expanded($0) }
    calendar = arguments.values("calendar").map { expanded($0) }
    caldav = arguments.values("caldav")
    caldavPasswordCommand = arguments.value("caldav-password-command")
    tlsCAFile = arguments.value("tls-ca-file").map { expanded($0) }
    indexDir = arguments.value("index-dir").map { expanded($0) }
    now = arguments.value("now")
    maxEmails = try arguments.integer("max-emails")
    meetingWindowHours = try arguments.integer("meeting-window-hours")
  }

  /// The widest meeting window taken: a century either side. Wider ones (up to Int.max
  /// hours) overflowed the calendar's 64-bit seconds and stopped the process.
  static let maxMeetingWindowHours = 876_000

  /// The capture limits: options, then the config file, then docs/capture-rules.md's defaults.
  /// Out of range is a usage mistake (exit 64), as a malformed number is.
  func limits() throws -> CaptureLimits {
    let defaults = CaptureLimits()
    if let maxEmails, maxEmails < 0 { throw UsageError("--max-emails must be 0 or more") }
    if let meetingWindowHours,
       !(0...WorkspaceOptions.maxMeetingWindowHours).contains(meetingWindowHours) {
      throw UsageError("--meeting-window-hours must be from 0 to "
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
      throw UsageError(
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
    let kind = fileType
    for path in maildir where kind(path) != S_IFDIR {
      throw CLIError(kind(path) == nil ? "no Maildir at \(path)"
        : "\(path) is not a directory (--maildir wants a Maildir directory)")
    }
    for path in mbox where kind(path) != S_IFREG {
      throw CLIError(kind(path) == nil ? "no mbox file at \(path)"
        : "\(path) is not a file (--mbox wants an mbox file)")
    }
    for path in calendar where kind(path) != S_IFREG && kind(path) != S_IFDIR {
      throw CLIError(kind(path) == nil ? "no calendar at \(path)"
        : "\(path) is neither an .ics file nor a directory of them")
    }
  }

  func requireUser() throws -> String {
    guard let user else {
      throw CLIError("no user: pass --user ID or set user in \(ConfigFile.defaultPath)")
    }
    return user
  }
}
