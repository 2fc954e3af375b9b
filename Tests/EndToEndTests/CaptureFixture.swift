import Foundation
import TestSupport

/// A workspace on disk for driving the real binary: a CRM import file, a Maildir++ tree,
/// calendar files and a database path, all in a fresh temporary directory.
struct CaptureFixture {
  let root: URL
  /// An SQLite file in `root`, or the PostgreSQL URL the fixture was made with.
  let db: String
  var maildir: URL { root.appendingPathComponent("Maildir") }
  var calendar: URL { root.appendingPathComponent("calendar") }
  var indexDir: String { root.appendingPathComponent("index").path }
  static let now = "2026-11-23T12:00:00Z"
  private var counter = 0

  init(db: String? = nil) throws {
    root = try Fixtures.temporaryDirectory("autocapture-e2e")
    self.db = db ?? root.appendingPathComponent("crm.sqlite").path
    for sub in ["cur", "new", "tmp"] {
      try FileManager.default.createDirectory(
        at: maildir.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    try FileManager.default.createDirectory(at: calendar, withIntermediateDirectories: true)
  }

  /// The CRM of docs/import-format.md's example, made whole (c-bo exists), plus a second user;
  /// `extraSections` are more top-level members, each followed by a comma.
  static func crmJSON(autoCapture: Bool = true, access: String = "allowed",
                      syncMethod: String = "server-side-sync", approved: Bool = true,
                      extraActivities: String = "", extraSections: String = "") -> String {
    """
    {
      "organization": {"name": "Contoso", "autoCapture": \(autoCapture),
                       "untrackedAccess": "\(access)"},
      "users": [
        {"id": "dana", "name": "Dana Reyes", "emails": ["dana@contoso.example"],
         "mailbox": {"syncMethod": "\(syncMethod)", "approved": \(approved),
                     "testEnabled": true}},
        {"id": "eli", "name": "Eli Park", "emails": ["eli@contoso.example"],
         "mailbox": {"syncMethod": "server-side-sync", "approved": true, "testEnabled": true}}
      ],
      "contacts": [
        {"id": "c-ann", "name": "Ann Lee",
         "emails": ["ann@fabrikam.example", "ann.lee@mail.example"],
         "parentAccount": "a-fab", "modifiedOn": "2026-10-01T12:00:00Z"},
        {"id": "c-bo", "name": "Bo Chen", "emails": ["bo@fabrikam.example"],
         "parentAccount": "a-fab", "modifiedOn": "2026-09-01T12:00:00Z"},
        {"id": "c-zed", "name": "Zed Unrelated", "emails": ["zed@elsewhere.example"]}
      ],
      "accounts": [
        {"id": "a-fab", "name": "Fabrikam", "emails": ["info@fabrikam.example"],
         "primaryContact": "c-ann"}
      ],
      "leads": [
        {"id": "l-1", "name": "Printers for Northwind",
         "contact": {"name": "Bo Chen", "email": "bo@northwind.example"},
         "emails": ["sales@northwind.example"]}
      ],
      "opportunities": [
        {"id": "o-1", "name": "50 printers", "emails": [], "contact": "c-ann",
         "account": "a-fab", "stakeholders": ["c-bo"], "originatingLead": "l-1"}
      ],
      "cases": [
        {"id": "k-1", "title": "Printer jams", "emails": ["support-thread@fabrikam.example"],
         "primaryContact": "c-ann", "customer": {"type": "account", "id": "a-fab"}}
      ],\(extraSections)
      "activities": [
        {"id": "act-1", "kind": "phonecall", "regarding": {"type": "opportunity", "id": "o-1"},
         "subject": "Intro call", "at": "2026-11-18T15:00:00Z", "owner": "dana"},
        {"id": "act-2", "kind": "email", "regarding": {"type": "account", "id": "a-fab"},
         "subject": "Quote", "at": "2026-11-19T08:00:00Z", "owner": "dana",
         "messageId": "<quote-1@contoso.example>", "direction": "outgoing",
         "from": "dana@contoso.example", "to": ["ann@fabrikam.example"], "cc": [],
         "attachments": [{"name": "quote.pdf", "size": 48213}]}\(extraActivities)
      ]
    }
    """
  }

  /// A fresh workspace with `json` imported; the import is expected to succeed.
  static func imported(_ json: String = CaptureFixture.crmJSON()) throws -> CaptureFixture {
    let f = try CaptureFixture()
    let result = try f.importCRM(json)
    guard result.status == 0 else { throw FixtureError.failed("import: \(result.stderr)") }
    return f
  }

  /// Writes the import file and imports it.
  func importCRM(_ json: String = CaptureFixture.crmJSON()) throws -> CLIRunner.Result {
    try CLIRunner.run(["import", try writeImportFile(json), "--db", db])
  }

  /// Writes the import file; returns its path.
  func writeImportFile(_ json: String = CaptureFixture.crmJSON()) throws -> String {
    let file = root.appendingPathComponent("crm.json")
    try json.write(to: file, atomically: true, encoding: .utf8)
    return file.path
  }

  /// Writes one message into `folder` (`""` for the inbox, `.Sent`, `.Trash.2025`...) of
  /// `mailbox` (this workspace's Maildir when nil).
  @discardableResult
  mutating func message(mailbox: URL? = nil, folder: String = "", id: String?, date: String?, from: String,
                        to: String = "dana@contoso.example", cc: String? = nil,
                        extraHeaders: [String] = [], subject: String,
                        body: String = "Hello.\n", mtime: Date? = nil) throws -> URL {
    counter += 1
    let root = mailbox ?? maildir
    let dir = folder.isEmpty ? root : root.appendingPathComponent(folder)
    for sub in ["cur", "new", "tmp"] {
      try FileManager.default.createDirectory(
        at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    var lines: [String] = []
    if let id { lines.append("Message-ID: \(id)") }
    if let date { lines.append("Date: \(date)") }
    lines.append("From: \(from)")
    lines.append("To: \(to)")
    if let cc { lines.append("Cc: \(cc)") }
    lines += extraHeaders
    lines.append("Subject: \(subject)")
    lines.append("MIME-Version: 1.0")
    lines.append("Content-Type: text/plain; charset=utf-8")
    let text = lines.joined(separator: "\n") + "\n\n" + body
    let url = dir.appendingPathComponent("cur/17000000\(counter).M\(counter)P1.test:2,S")
    try text.write(to: url, atomically: true, encoding: .utf8)
    if let mtime {
      try FileManager.default.setAttributes([.modificationDate: mtime], ofItemAtPath: url.path)
    }
    return url
  }

  /// Writes an .ics file into the calendar directory.
  func calendarFile(_ name: String, _ body: String) throws {
    let text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n" + body
      .replacingOccurrences(of: "\n", with: "\r\n") + "END:VCALENDAR\r\n"
    try text.write(to: calendar.appendingPathComponent(name), atomically: true, encoding: .utf8)
  }

  /// The options that point a subcommand at this workspace.
  /// Only the user passed `withMail` reads this mailbox; others bring none of their own.
  func sources(user: String = "dana", withMail: Bool = true) -> [String] {
    var args = ["--db", db, "--user", user, "--now", CaptureFixture.now]
    if withMail {
      args += ["--maildir", maildir.path, "--calendar", calendar.path,
               "--index-dir", root.appendingPathComponent("index-\(user)").path]
    }
    return args
  }

  /// The shell command line that opens the TUI on this workspace, each word quoted.
  func tuiCommandLine(withMail: Bool = true) -> String {
    ([CLIRunner.binary.path, "tui"] + sources(withMail: withMail))
      .map { "'\($0)'" }.joined(separator: " ")
  }

  /// The TUI on this workspace in a tmux session of 100×30, `prefix` before its command.
  func tuiSession(prefix: String = "", withMail: Bool = true) throws -> TmuxSession {
    try TmuxSession(command: prefix + tuiCommandLine(withMail: withMail), width: 100,
                    height: 30, environment: CaptureFixture.tuiEnvironment)
  }

  /// The environment of a TUI under tmux: no user config file, no colours.
  static let tuiEnvironment = ["AUTOCAPTURE_CONFIG": Fixtures.emptyConfigFile, "NO_COLOR": "1"]

  /// `timeline --json` for a record, parsed.
  func timeline(_ record: String, user: String = "dana", withMail: Bool = true) throws
    -> [String: Any] {
    let result = try CLIRunner.run(
      ["timeline", "--record", record, "--json"] + sources(user: user, withMail: withMail))
    guard result.status == 0 else { throw FixtureError.failed(result.stderr) }
    guard let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
      as? [String: Any] else { throw FixtureError.failed("not a JSON object: \(result.stdout)") }
    return object
  }

  static func items(_ timeline: [String: Any]) -> [[String: Any]] {
    timeline["items"] as? [[String: Any]] ?? []
  }

  static func ids(_ timeline: [String: Any]) -> [String] {
    items(timeline).compactMap { $0["id"] as? String }
  }

  enum FixtureError: Error { case failed(String) }
}
