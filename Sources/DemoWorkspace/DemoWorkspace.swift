import CaptureCore
import Foundation

/// A request the demo command should make after importing: track this item on this record.
public struct DemoTrackRequest: Hashable, Sendable {
  public let record: RecordRef
  /// A timeline item id (`mail:<message-id>`, `cal:<uid>/<yyyyMMdd'T'HHmmss'Z'>`, `cal:<uid>`).
  public let itemId: String
  public init(record: RecordRef, itemId: String) { self.record = record; self.itemId = itemId }
}

/// A track request the demo command should leave failed, with the reason to show.
public struct DemoFailedTrack: Hashable, Sendable {
  public let record: RecordRef
  public let itemId: String
  public let reason: String
  public init(record: RecordRef, itemId: String, reason: String) {
    self.record = record; self.itemId = itemId; self.reason = reason
  }
}

/// Where a generated demo workspace keeps its parts, and what to do after importing it.
public struct DemoManifest: Hashable, Sendable {
  /// The workspace folder given to `generate`.
  public let directory: URL
  /// The CRM database to import into (`crm.sqlite`); generate does not create it.
  public let databaseFile: URL
  /// The CRM import file (`crm.json`).
  public let importFile: URL
  /// The Maildir++ root (`Maildir`).
  public let maildir: URL
  /// The vdir of `.ics` files (`calendar`).
  public let calendarDirectory: URL
  /// Where the private mailbox index should live (`index`); generate does not create it.
  public let indexDirectory: URL
  /// The user the demo runs as (`dana`).
  public let userId: String
  /// The `now` the dates were placed around (floored to the minute).
  public let generatedFor: Date
  /// Items to request tracking for and leave pending (do not run the sync for them).
  public let pendingTrack: [DemoTrackRequest]
  /// Items to request tracking for and mark failed with the given reason.
  public let failedTrack: [DemoFailedTrack]

  init(directory: URL, generatedFor: Date, pendingTrack: [DemoTrackRequest],
       failedTrack: [DemoFailedTrack]) {
    self.directory = directory
    databaseFile = directory.appendingPathComponent(DemoWorkspace.databaseName)
    importFile = directory.appendingPathComponent(DemoWorkspace.importName)
    maildir = directory.appendingPathComponent(DemoWorkspace.maildirName, isDirectory: true)
    calendarDirectory = directory.appendingPathComponent(
      DemoWorkspace.calendarName, isDirectory: true)
    indexDirectory = directory.appendingPathComponent(DemoWorkspace.indexName, isDirectory: true)
    userId = DemoCRM.userId
    self.generatedFor = generatedFor
    self.pendingTrack = pendingTrack
    self.failedTrack = failedTrack
  }
}

/// Why the demo workspace could not be written, read or removed.
public enum DemoWorkspaceError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The folder already holds a file the demo would overwrite, and no demo marker.
  case occupied(path: String)
  /// The marker file exists but cannot be read back.
  case badMarker(path: String, reason: String)
  /// A file could not be written or removed.
  case fileSystem(path: String, reason: String)

  public var description: String {
    switch self {
    case .occupied(let path):
      return "\(path) already exists and was not written by the demo; not overwriting it"
    case .badMarker(let path, let reason):
      return "demo marker \(path) cannot be read: \(reason)"
    case .fileSystem(let path, let reason):
      return "\(path): \(reason)"
    }
  }
}

/// The demo workspace behind `autocapture demo`: a CRM import file, Dana's Maildir and her
/// calendar, all placed around a given `now` so every timeline state shows.
///
/// How `autocapture demo` is meant to use it:
/// 1. `isPresent(in:)` false (or `--reset`, which calls `reset`) → `generate(into:now:timeZone:)`,
///    then import `importFile` into `databaseFile`, then for each `pendingTrack` entry request
///    tracking (and do not sync it), and for each `failedTrack` entry request tracking and
///    mark it failed with `reason`.
/// 2. Otherwise `manifest(in:)` reads the paths and track lists back.
/// 3. Run the TUI with `--db databaseFile --user userId --maildir maildir --calendar
///    calendarDirectory --index-dir indexDirectory`.
///
/// Dates sit around `now`: mail over the last 58 days, meetings within ±72 h. A workspace
/// opened days later shows fewer meetings; regenerate it to refresh. Output depends only on
/// `now` and the time zone: the same inputs give the same bytes.
public enum DemoWorkspace {
  static let databaseName = "crm.sqlite"
  static let importName = "crm.json"
  static let maildirName = "Maildir"
  static let calendarName = "calendar"
  static let indexName = "index"
  /// Written last by `generate`; its presence means a complete workspace.
  static let markerName = ".autocapture-demo.json"

  /// The reason given for the demo's failed track.
  public static let failedReason = "message is no longer in the mailbox"

  /// Writes a fresh demo workspace into `directory` (created if needed).
  ///
  /// A workspace generated earlier is replaced. Files the demo did not write are never
  /// overwritten: if `crm.json`, `Maildir`, `calendar`, `crm.sqlite` or `index` exist
  /// without the demo marker, this throws `DemoWorkspaceError.occupied` (so `reset` can
  /// later remove the database and index without touching anything the user had there).
  /// Give it a folder of its own, e.g. `<data dir>/demo`.
  @discardableResult
  public static func generate(into directory: URL, now: Date, timeZone: TimeZone) throws
    -> DemoManifest
  {
    let fm = FileManager.default
    if isPresent(in: directory) {
      try reset(directory)
    } else {
      for name in [importName, maildirName, calendarName, databaseName, indexName] {
        let path = directory.appendingPathComponent(name).path
        if fm.fileExists(atPath: path) { throw DemoWorkspaceError.occupied(path: path) }
      }
    }
    try createDirectory(directory)

    let clock = DemoClock(now: now, userZone: timeZone)
    let calendar = DemoCalendar(clock: clock)
    let manifest = DemoManifest(
      directory: directory, generatedFor: clock.now,
      pendingTrack: pendingTrack(calendar: calendar), failedTrack: failedTrack)
    do {
      let sent = try writeMaildir(at: manifest.maildir, clock: clock)
      let crm = DemoCRM(
        clock: clock, quoteSent: sent[DemoMailbox.trackedQuoteKey] ?? clock.now,
        calendar: calendar, questionsSent: sent[DemoMailbox.trackedElsewhereKey])
      try write(crm.json.serialized(pretty: true) + "\n", to: manifest.importFile)
      try createDirectory(manifest.calendarDirectory)
      for file in calendar.files {
        try write(file.text, to: manifest.calendarDirectory.appendingPathComponent(
          file.name + ".ics"))
      }
      try write(marker(manifest).serialized(pretty: true) + "\n",
                to: directory.appendingPathComponent(markerName))
    } catch {
      removeGenerated(in: directory)
      throw error
    }
    return manifest
  }

  /// Whether `directory` holds a complete demo workspace (its marker file exists).
  public static func isPresent(in directory: URL) -> Bool {
    FileManager.default.fileExists(atPath: directory.appendingPathComponent(markerName).path)
  }

  /// The manifest of the workspace already in `directory`, read from its marker file.
  public static func manifest(in directory: URL) throws -> DemoManifest {
    let url = directory.appendingPathComponent(markerName)
    let object: [String: Any]
    do {
      let data = try Data(contentsOf: url)
      guard let parsed = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
        throw DemoWorkspaceError.badMarker(path: url.path, reason: "not a JSON object")
      }
      object = parsed
    } catch let error as DemoWorkspaceError {
      throw error
    } catch {
      throw DemoWorkspaceError.badMarker(path: url.path, reason: "\(error)")
    }
    func requests(_ key: String) throws -> [[String: String]] {
      guard let list = object[key] as? [[String: String]] else {
        throw DemoWorkspaceError.badMarker(path: url.path, reason: "missing \(key)")
      }
      return list
    }
    func ref(_ entry: [String: String], _ key: String) throws -> (RecordRef, String) {
      guard let record = entry["record"].flatMap(RecordRef.init(parsing:)),
            let item = entry["itemId"] else {
        throw DemoWorkspaceError.badMarker(path: url.path, reason: "bad entry in \(key)")
      }
      return (record, item)
    }
    guard let at = (object["generatedFor"] as? String).flatMap(ISO8601.parse) else {
      throw DemoWorkspaceError.badMarker(path: url.path, reason: "missing generatedFor")
    }
    let pending = try requests("pendingTrack").map { entry in
      let (record, item) = try ref(entry, "pendingTrack")
      return DemoTrackRequest(record: record, itemId: item)
    }
    let failed = try requests("failedTrack").map { entry in
      let (record, item) = try ref(entry, "failedTrack")
      return DemoFailedTrack(record: record, itemId: item, reason: entry["reason"] ?? "")
    }
    return DemoManifest(directory: directory, generatedFor: at, pendingTrack: pending,
                        failedTrack: failed)
  }

  /// Removes the demo workspace from `directory`: what `generate` wrote, plus the database
  /// (`crm.sqlite` and its `-wal`, `-shm`, `-journal`) and `index` the manifest names, so
  /// the next run starts afresh. Other files in `directory` are left alone. Does nothing
  /// when no demo marker is present.
  public static func reset(_ directory: URL) throws {
    guard isPresent(in: directory) else { return }
    let fm = FileManager.default
    let names = [markerName, importName, maildirName, calendarName, indexName]
      + ["", "-wal", "-shm", "-journal"].map { databaseName + $0 }
    for name in names {
      let url = directory.appendingPathComponent(name)
      guard fm.fileExists(atPath: url.path) else { continue }
      do { try fm.removeItem(at: url) } catch {
        throw DemoWorkspaceError.fileSystem(path: url.path, reason: "cannot remove: \(error)")
      }
    }
  }

  // MARK: Tracking states

  static func pendingTrack(calendar: DemoCalendar) -> [DemoTrackRequest] {
    [
      DemoTrackRequest(
        record: RecordRef(type: .opportunity, id: "o-societe"),
        itemId: "mail:<\(DemoMailbox.pendingKey)@\(Cast.renee.domain)>"),
      DemoTrackRequest(
        record: RecordRef(type: .account, id: "a-mueller"),
        itemId: "cal:\(DemoCalendar.weeklyUID)/"
          + DemoClock.basicUTC(calendar.weeklyPendingOccurrence)),
    ]
  }

  static let failedTrack = [
    DemoFailedTrack(
      record: RecordRef(type: .opportunity, id: "o-sakura"),
      itemId: "mail:<\(DemoMailbox.failedKey)@\(Cast.yamada.domain)>", reason: failedReason),
  ]

  static func marker(_ manifest: DemoManifest) -> JSONOutput {
    .object([
      ("generator", "autocapture demo"),
      ("generatedFor", .string(ISO8601.format(manifest.generatedFor))),
      ("userId", .string(manifest.userId)),
      ("pendingTrack", .array(manifest.pendingTrack.map {
        .object([("record", .string($0.record.description)), ("itemId", .string($0.itemId))])
      })),
      ("failedTrack", .array(manifest.failedTrack.map {
        .object([("record", .string($0.record.description)), ("itemId", .string($0.itemId)),
                 ("reason", .string($0.reason))])
      })),
    ])
  }

  // MARK: Maildir

  /// Writes the Maildir++ tree; returns each message's send time by key.
  static func writeMaildir(at root: URL, clock: DemoClock) throws -> [String: Date] {
    for folder in MailFolder.allCases {
      let base = folder == .inbox ? root : root.appendingPathComponent(folder.rawValue)
      for sub in ["cur", "new", "tmp"] {
        try createDirectory(base.appendingPathComponent(sub))
      }
      if folder != .inbox {
        try write("", to: base.appendingPathComponent("maildirfolder"))
      }
    }
    let messages = DemoMailbox.messages
    var byKey: [String: DemoMail] = [:]
    for mail in messages { byKey[mail.key] = mail }
    var sentAt: [String: Date] = [:]
    let danaAddresses: Set<String> = [Cast.dana.address, Cast.danaAlias.address]
    let answered = Set(messages.filter { danaAddresses.contains($0.from.address) }
      .compactMap(\.parent))
    for (index, mail) in messages.enumerated() {
      let date = clock.instant(clock.workdayBefore(calendarDays: mail.daysAgo),
                               hour: mail.time.hour, minute: mail.time.minute, in: .user)
      sentAt[mail.key] = date
      var references: [String] = []
      var parent = mail.parent
      while let key = parent, let ancestor = byKey[key] {
        references.insert(ancestor.messageId, at: 0)
        parent = ancestor.parent
      }
      let text = MailWriter.render(
        mail, date: clock.rfc5322(date, in: mail.from.zone), references: references)
      let epoch = Int(date.timeIntervalSince1970.rounded(.down))
      let unique = "\(epoch).M\(100_000 + index * 7_919)P\(4_100 + index).demo"
      for folder in mail.folders {
        // Maildir info flags, in ASCII order: D draft, R replied, S seen.
        let flags = (folder == .drafts ? "D" : "") + (answered.contains(mail.key) ? "R" : "")
          + "S"
        let base = folder == .inbox ? root : root.appendingPathComponent(folder.rawValue)
        let file = mail.unread
          ? base.appendingPathComponent("new").appendingPathComponent(unique)
          : base.appendingPathComponent("cur").appendingPathComponent(unique + ":2," + flags)
        try write(text, to: file)
        try? FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: file.path)
      }
    }
    return sentAt
  }

  // MARK: Files

  private static func createDirectory(_ url: URL) throws {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw DemoWorkspaceError.fileSystem(path: url.path, reason: "cannot create: \(error)")
    }
  }

  private static func write(_ text: String, to url: URL) throws {
    do { try Data(text.utf8).write(to: url, options: .atomic) } catch {
      throw DemoWorkspaceError.fileSystem(path: url.path, reason: "cannot write: \(error)")
    }
  }

  /// Best-effort cleanup after a failed `generate`: only the demo's own names.
  private static func removeGenerated(in directory: URL) {
    for name in [markerName, importName, maildirName, calendarName] {
      try? FileManager.default.removeItem(at: directory.appendingPathComponent(name))
    }
  }
}
