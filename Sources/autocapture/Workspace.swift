import CaptureCore
import CRMStore
import Foundation
import Mailbox

/// The services a subcommand works with, opened from the workspace options.
struct Workspace {
  let store: SQLiteCRMStore
  let service: TimelineService

  /// Opens the CRM database and, when sources are given, the user's mailbox index and
  /// calendars.
  init(options: WorkspaceOptions, user: String? = nil) throws {
    store = try SQLiteCRMStore(path: try options.requireDB())
    var mail: (any MailSource)?
    if !options.maildir.isEmpty || !options.mbox.isEmpty {
      mail = try MailboxIndex(indexDirectory: URL(fileURLWithPath: options.indexDirectory(user: user)),
                              maildirs: options.maildir, mboxes: options.mbox)
    }
    let calendar: (any CalendarSource)? =
      options.calendar.isEmpty ? nil : CalendarFiles(paths: options.calendar)
    service = TimelineService(store: store, mail: mail, calendar: calendar)
  }

  /// The user named by `--user` (an id or one of the user's addresses).
  func user(_ idOrEmail: String) throws -> User {
    guard let user = try store.user(matching: idOrEmail) else {
      throw CRMError.unknownUser(idOrEmail)
    }
    return user
  }

  /// The record named by `TYPE:ID`, which must exist.
  func record(_ text: String) throws -> RecordRef {
    guard let ref = RecordRef(parsing: text) else {
      throw CLIError("bad record '\(text)': expected TYPE:ID such as account:a-fab")
    }
    guard try store.recordSummary(ref) != nil else { throw CRMError.unknownRecord(ref) }
    return ref
  }
}

extension WorkspaceOptions {
  /// `--index-dir`, or the user's data directory (`$XDG_DATA_HOME/autocapture/index/USER`).
  func indexDirectory(user: String?) -> String {
    if let indexDir { return indexDir }
    let safeUser = (user ?? "default").map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
    return DataDirectory.url.appendingPathComponent("index")
      .appendingPathComponent(String(safeUser)).path
  }
}

/// Where AutoCapture keeps per-user data: `$XDG_DATA_HOME/autocapture`, else
/// `~/.local/share/autocapture`.
enum DataDirectory {
  static var url: URL {
    let env = ProcessInfo.processInfo.environment
    if let xdg = env["XDG_DATA_HOME"], !xdg.isEmpty {
      return URL(fileURLWithPath: xdg).appendingPathComponent("autocapture")
    }
    return FileManager.default.homeDirectoryForCurrentUser
      .appendingPathComponent(".local/share/autocapture")
  }
}
