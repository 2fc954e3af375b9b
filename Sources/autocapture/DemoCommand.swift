import CaptureCore
import CRMStore
import DemoWorkspace
import Foundation
import Mailbox

struct DemoCommand {
  static let spec = CommandSpec(
    name: "demo",
    abstract: "Open the TUI on a demo workspace, generated in your data directory at first run.",
    options: [
      .flag(.reset, "Throw the demo workspace away and generate it afresh."),
      .flag(.prepareOnly, "Prepare the workspace and print where it is, without opening "
        + "the TUI."),
      TUICommand.themeOption,
    ],
    run: {
      try DemoCommand(reset: $0.flag(.reset), prepareOnly: $0.flag(.prepareOnly),
                      theme: $0.value(.theme)).run()
    })

  var reset: Bool
  var prepareOnly: Bool
  var theme: String?

  func run() throws {
    let directory = DataDirectory.url.appendingPathComponent("demo")
    if reset { try DemoWorkspace.reset(directory) }
    let manifest = try DemoSetup.prepare(in: directory, now: Date())
    if prepareOnly {
      print("demo workspace: \(manifest.directory.path)")
      print("autocapture tui --db '\(manifest.databaseFile.path)' --user \(manifest.userId)"
        + " --maildir '\(manifest.maildir.path)' --calendar '\(manifest.calendarDirectory.path)'"
        + " --index-dir '\(manifest.indexDirectory.path)'")
      return
    }
    let store = try SQLiteCRMStore(path: manifest.databaseFile.path)
    let mail = try MailboxIndex(indexDirectory: manifest.indexDirectory,
                                maildirs: [manifest.maildir.path], mboxes: [])
    let calendar = CalendarFiles(paths: [manifest.calendarDirectory.path])
    let service = TimelineService(store: store, mail: mail, calendar: calendar)
    guard let user = try store.user(matching: manifest.userId) else {
      throw CRMError.unknownUser(manifest.userId)
    }
    try TUILauncher.run(service: service, user: user, themeName: theme, now: nil)
  }
}

/// Generates, imports and seeds the demo workspace, or reuses the one already there.
enum DemoSetup {
  /// A workspace older than this is generated afresh so its meetings fall in the window.
  static let maximumAge: TimeInterval = 3 * 24 * 3600

  static func prepare(in directory: URL, now: Date) throws -> DemoManifest {
    if DemoWorkspace.isPresent(in: directory) {
      let existing = try DemoWorkspace.manifest(in: directory)
      if now.timeIntervalSince(existing.generatedFor) < maximumAge,
         FileManager.default.fileExists(atPath: existing.databaseFile.path) {
        return existing
      }
      try DemoWorkspace.reset(directory)
    }
    // The owner's alone, like the index beside it: it holds a mailbox and a CRM database.
    // Parents made here get the same mode, as the XDG Base Directory spec asks.
    try FileManager.default.createDirectory(
      at: directory, withIntermediateDirectories: true,
      attributes: [.posixPermissions: 0o700])
    let manifest = try DemoWorkspace.generate(into: directory, now: now, timeZone: .current)
    let store = try SQLiteCRMStore(path: manifest.databaseFile.path)
    _ = try store.importFile(at: manifest.importFile)
    for pending in manifest.pendingTrack {
      _ = try store.requestTracking(userId: manifest.userId, record: pending.record,
                                    itemId: pending.itemId, at: now)
    }
    for failed in manifest.failedTrack {
      let request = try store.requestTracking(userId: manifest.userId, record: failed.record,
                                              itemId: failed.itemId, at: now)
      try store.failTracking(requestId: request.id, reason: failed.reason)
    }
    return manifest
  }
}
