import CaptureCore
import CRMStore
import Foundation
import Mailbox
import SQLiteSupport

#if CalDAV
  import CalDAV
#endif

/// The services a subcommand works with, opened from the workspace options, and the user
/// it works for.
struct Workspace {
  /// The options it was opened with, the config file's defaults included.
  let options: WorkspaceOptions
  let database: CRMDatabase
  var store: any CRMStore { database.store }
  /// The private mailbox index, when the options name a mailbox.
  let index: MailboxIndex?
  let service: TimelineService
  /// The user `--user` names (an id or one of the user's addresses).
  let user: User

  /// What `timeline`, `track` and `sync` work in: the options completed from the config
  /// file, then the user and the named sources required (in that order, so the first
  /// thing missing is the one reported), and the databases opened with one connection each.
  static func open(_ given: WorkspaceOptions) throws -> Workspace {
    let options = try given.withConfigDefaults(ConfigFile.load())
    let userName = try options.requireUser()
    try options.requireSources()
    return try Workspace(options: options, userName: userName, connections: .single)
  }

  /// Opens the CRM database and, when sources are given, the user's mailbox index and
  /// calendars: with one connection each for a one-shot command, a pool for the TUI.
  init(options: WorkspaceOptions, userName: String,
       connections: SQLiteFiles.Connections) throws {
    self.options = options
    // First: a --caldav this build cannot read, or a malformed one, is the mistake to name.
    let calendar = try options.calendarSource(
      refreshInterval: connections == .pool ? 30 : .infinity)
    // The TUI checks no sources, but a CA file that is not there would only surface as a
    // TLS failure.
    try options.requireTLSCAFile()
    database = try CRMDatabase.open(
      options.requireDB(), tlsCAFile: options.tlsCAFile, connections: connections,
      createsSchema: false)
    let store = database.store
    let remotes = try options.remoteMailboxes()
    if !options.maildir.isEmpty || !options.mbox.isEmpty || !remotes.isEmpty {
      index = try MailboxIndex(indexDirectory: options.indexDirectoryURL,
                               maildirs: options.maildir, mboxes: options.mbox,
                               remotes: remotes, connections: connections)
    } else {
      index = nil
    }
    service = TimelineService(store: store, mail: index, calendar: calendar,
                              limits: try options.limits(),
                              trackRepliesByDefault: options.trackRepliesByDefault ?? false)
    guard let user = try store.user(matching: userName) else {
      throw CRMError.unknownUser(userName)
    }
    self.user = user
  }

  /// Closes the CRM database and the index; nothing may be read through them afterwards.
  func close() throws {
    try index?.close()
    try database.close()
  }

  /// The record, which must exist.
  func record(_ ref: RecordRef) throws -> RecordRef {
    guard try store.recordSummary(ref) != nil else { throw CRMError.unknownRecord(ref) }
    return ref
  }
}

extension WorkspaceOptions {
  /// `--index-dir`, or the private index in this account's data directory. The data
  /// directory belongs to the person at the keyboard, so it is the one user's index
  /// whichever id or address `--user` names.
  var indexDirectoryURL: URL {
    indexDir.map { URL(fileURLWithPath: $0) } ?? MailboxIndex.defaultIndexDirectory()
  }
}

extension WorkspaceOptions {
  /// The `.ics` files and CalDAV calendars given, or nil when there are none.
  /// - Parameter refreshInterval: how long a CalDAV refresh stands (the TUI asks again
  ///   when a record opens after it; a one-shot command refreshes once).
  func calendarSource(refreshInterval: TimeInterval) throws -> (any CalendarSource)? {
    if caldav.isEmpty {
      return calendar.isEmpty ? nil : CalendarFiles(paths: calendar)
    }
    #if CalDAV
      var locations: [CalDAVLocation] = []
      do {
        for text in caldav { locations.append(try CalDAVLocation(text)) }
      } catch {
        throw CLIError.usage("\(error)")
      }
      let command = caldavPasswordCommand
      let environment = ProcessInfo.processInfo.environment
      return CalDAVCalendars(
        locations: locations, files: calendar, indexDirectory: indexDirectoryURL,
        tlsCAFile: tlsCAFile, refreshInterval: refreshInterval,
        password: { () throws(CalDAVError) in
          try CalDAVPassword.resolve(command: command, environment: environment)
        })
    #else
      throw CLIError("this build of autocapture has no CalDAV support (--caldav): build it "
        + "with --traits CalDAV, or install it with scripts/install")
    #endif
  }
}

/// Where AutoCapture keeps per-user data: `$XDG_DATA_HOME/autocapture` when that is an
/// absolute path, else `~/.local/share/autocapture` (the private index's parent).
enum DataDirectory {
  static var url: URL { MailboxIndex.defaultIndexDirectory().deletingLastPathComponent() }
}
