import Foundation
import Testing
import TestSupport

/// The built `autocapture` (all traits on) against Radicale: what a user whose calendar is
/// only on a CalDAV server sees and tracks.
@Suite(.enabled(if: !Radicale.skipped, Radicale.skipNote), .serialized)
struct CalDAVEndToEndTests {
  let server: Radicale
  let root: URL
  var db: String { root.appendingPathComponent("crm.sqlite").path }
  static let now = "2026-11-23T12:00:00Z"

  init() throws {
    server = try Radicale()
    root = try Fixtures.temporaryDirectory("autocapture-caldav-e2e")
    let crm = """
      {
        "organization": {"name": "Contoso", "autoCapture": true, "untrackedAccess": "allowed"},
        "users": [
          {"id": "dana", "name": "Dana Reyes", "emails": ["dana@contoso.example"],
           "mailbox": {"syncMethod": "server-side-sync", "approved": true, "testEnabled": true}},
          {"id": "eli", "name": "Eli Park", "emails": ["eli@contoso.example"],
           "mailbox": {"syncMethod": "server-side-sync", "approved": true, "testEnabled": true}}
        ],
        "contacts": [{"id": "c-ann", "name": "Ann Lee", "emails": ["ann@fabrikam.example"],
                      "parentAccount": "a-fab"}],
        "accounts": [{"id": "a-fab", "name": "Fabrikam", "emails": [],
                      "primaryContact": "c-ann"}]
      }
      """
    let file = root.appendingPathComponent("crm.json")
    try crm.write(to: file, atomically: true, encoding: .utf8)
    let imported = try CLIRunner.run(["import", file.path, "--db", db])
    #expect(imported.status == 0, "\(imported.stderr)")
  }

  /// Two meetings: a weekly series with a moved occurrence, and a single one.
  static let events = [
    ("weekly.ics", """
      BEGIN:VEVENT
      UID:weekly@fabrikam.example
      DTSTAMP:20261101T000000Z
      DTSTART:20261102T100000Z
      DURATION:PT30M
      RRULE:FREQ=WEEKLY
      SUMMARY:Weekly sync
      ORGANIZER;CN=Ann Lee:mailto:ann@fabrikam.example
      ATTENDEE:mailto:dana@contoso.example
      END:VEVENT
      BEGIN:VEVENT
      UID:weekly@fabrikam.example
      DTSTAMP:20261101T000000Z
      RECURRENCE-ID:20261123T100000Z
      DTSTART:20261123T150000Z
      DURATION:PT30M
      SUMMARY:Weekly sync (afternoon)
      ORGANIZER;CN=Ann Lee:mailto:ann@fabrikam.example
      ATTENDEE:mailto:dana@contoso.example
      END:VEVENT

      """),
    ("single.ics", Radicale.event(uid: "quote-review@fabrikam.example",
                                  start: "20261124T090000Z", summary: "Quote review")),
  ]

  func run(_ words: [String], password: String? = nil, sources: [String],
           config: String? = nil) throws -> CLIRunner.Result
  {
    var environment = ["AUTOCAPTURE_CALDAV_PASSWORD": password ?? server.password]
    if let config {
      let file = root.appendingPathComponent("config-\(UUID().uuidString).toml")
      try config.write(to: file, atomically: true, encoding: .utf8)
      environment["AUTOCAPTURE_CONFIG"] = file.path
    }
    return try CLIRunner.run(
      words + ["--db", db, "--user", "dana", "--now", Self.now,
               "--index-dir", root.appendingPathComponent("index").path] + sources,
      environment: environment)
  }

  func ids(_ result: CLIRunner.Result) throws -> [String] {
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let items = try #require(json["items"] as? [[String: Any]])
    return items.compactMap { $0["id"] as? String }
  }

  @Test func theTimelineShowsTheSameItemsFromCalDAVAsFromFiles() throws {
    let cal = try server.makeCalendar()
    let folder = root.appendingPathComponent("calendar")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, body) in Self.events {
      try server.put(cal, name, body)
      try Radicale.calendarText(body).write(to: folder.appendingPathComponent(name),
                                            atomically: true, encoding: .utf8)
    }
    let timeline = ["timeline", "--record", "account:a-fab", "--json"]
    let fromFiles = try run(timeline, sources: ["--calendar", folder.path])
    #expect(fromFiles.status == 0, "\(fromFiles.stderr)")
    let fromServer = try run(timeline, sources: ["--caldav", server.url(cal)])
    #expect(fromServer.status == 0, "\(fromServer.stderr)")
    #expect(fromServer.stderr.isEmpty, "\(fromServer.stderr)")
    let expected = try ids(fromFiles)
    #expect(expected.contains("cal:weekly@fabrikam.example/20261123T100000Z"))
    #expect(expected.contains("cal:quote-review@fabrikam.example"))
    #expect(try ids(fromServer) == expected)
    // From the config file's list of calendars, the password from its command.
    let configured = try run(timeline, password: "", sources: [], config: """
      caldav = ["\(server.url(cal))"]
      caldav-password-command = "printf '%s\\n' '\(server.password)'"
      """)
    #expect(configured.status == 0, "\(configured.stderr)")
    #expect(try ids(configured) == expected)
    // From the principal URL too (every calendar of the home).
    let fromHome = try run(timeline, sources: ["--caldav", server.url("/")])
    #expect(fromHome.status == 0, "\(fromHome.stderr)")
    #expect(Set(try ids(fromHome)).isSuperset(of: expected))
  }

  @Test func aMeetingReadOverCalDAVIsTrackedAndSyncedForEveryone() throws {
    let cal = try server.makeCalendar()
    for (name, body) in Self.events { try server.put(cal, name, body) }
    let sources = ["--caldav", server.url(cal)]
    let item = "cal:weekly@fabrikam.example/20261123T100000Z"
    let track = try run(["track", "--record", "account:a-fab", "--item", item],
                        sources: sources)
    #expect(track.status == 0, "\(track.stderr)")
    let sync = try run(["sync"], sources: sources)
    #expect(sync.status == 0, "\(sync.stderr) \(sync.stdout)")
    #expect(sync.stdout.contains("tracked as"))
    let eli = try CLIRunner.run(["timeline", "--record", "account:a-fab", "--json", "--db", db,
                                 "--user", "eli", "--now", Self.now])
    let json = try #require(
      try JSONSerialization.jsonObject(with: Data(eli.stdout.utf8)) as? [String: Any])
    let items = try #require(json["items"] as? [[String: Any]])
    let shared = try #require(items.first { $0["uid"] as? String == "weekly@fabrikam.example" })
    #expect(shared["state"] as? String == "tracked")
    #expect(shared["subject"] as? String == "Weekly sync (afternoon)")
    #expect(shared["at"] as? String == "2026-11-23T15:00:00Z")
  }

  @Test func aWrongPasswordIsOneLineNamingServerAndUserNeverThePassword() throws {
    let cal = try server.makeCalendar()
    let wrong = "wrong-\(UUID().uuidString)"
    let result = try run(["timeline", "--record", "account:a-fab"], password: wrong,
                         sources: ["--caldav", server.url(cal)])
    #expect(result.status == 1)
    let lines = result.stderr.split(separator: "\n")
    #expect(lines.count == 1, "\(result.stderr)")
    #expect(result.stderr.contains(server.host) && result.stderr.contains("'dana'"))
    #expect(!result.stderr.contains(wrong) && !result.stdout.contains(wrong))
    // The password command is run by the shell, and its output stays out of errors too.
    let command = try run(["timeline", "--record", "account:a-fab"],
                          sources: ["--caldav", server.url(cal),
                                    "--caldav-password-command", "echo \(wrong)"])
    #expect(command.status == 1)
    #expect(!command.stderr.contains(wrong))
    let plain = try run(["timeline", "--record", "account:a-fab"],
                        sources: ["--caldav", "http://dana@example.com/"])
    #expect(plain.status == 64, "\(plain.stderr)")
  }
}
