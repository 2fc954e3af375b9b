import Foundation
import Testing
import TestSupport

/// docs/capture-rules.md: nothing about a private item (subject, addresses, text) is written
/// to the CRM database, however it is browsed: `timeline` on every record, the TUI with a
/// body opened and the settings toggled, and a sync that fails along the way.
@Suite(.serialized) struct PrivacyEndToEndTests {
  typealias F = CaptureFixture

  /// The secret email's body: text, then an attachment whose name is private too.
  static let secretBody = """
    --s1
    Content-Type: text/plain; charset=utf-8

    The Body Is Private Too.
    --s1
    Content-Type: application/pdf; name="Merger-Terms.pdf"
    Content-Disposition: attachment; filename="Merger-Terms.pdf"
    Content-Transfer-Encoding: base64

    JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK
    --s1--

    """

  /// What the scan looks for, lowercased: the database is searched without regard to case,
  /// so a copy that was normalized (an address, a folded subject) is found too.
  static let secrets = [
    "secret merger plan", "whistle.blower@hidden.example", "secret-id@t",
    "the body is private too", "merger-terms.pdf",
    "quiet offsite", "hidden boardroom", "agenda nobody may read", "quiet-uid",
    "doomed subject", "doomed body",
  ]

  /// Every byte of the CRM database files (the database, its WAL and shared memory),
  /// lowercased where ASCII.
  static func lowercasedDatabaseBytes(_ f: CaptureFixture) throws -> Data {
    var all = Data()
    let names = try FileManager.default.contentsOfDirectory(atPath: f.root.path)
      .filter { $0.hasPrefix("crm.sqlite") }
    #expect(names.contains("crm.sqlite"))
    for name in names { all += try Data(contentsOf: f.root.appendingPathComponent(name)) }
    return Data(all.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 })
  }

  @Test(.requires("tmux"))
  func nothingOfBrowsedPrivateItemsReachesTheDatabaseFiles() throws {
    var f = try F.imported()
    // The oldest item on Ann's timeline, so End selects it in the TUI.
    try f.message(id: "<secret-id@t>", date: "Tue, 17 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", cc: "Whistle.Blower@Hidden.example",
                  extraHeaders: ["Content-Type: multipart/mixed; boundary=\"s1\""],
                  subject: "Secret Merger Plan", body: Self.secretBody)
    try f.message(id: "<shared-id@t>", date: "Fri, 20 Nov 2026 10:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Tracked on purpose",
                  body: "Shared body text.\n")
    let doomed = try f.message(id: "<doomed@t>", date: "Fri, 20 Nov 2026 11:00:00 +0000",
                               from: "ann@fabrikam.example", subject: "Doomed subject",
                               body: "Doomed body.\n")
    // The newest item on Ann's timeline, so it is selected first in the TUI.
    try f.calendarFile("m.ics", """
      BEGIN:VEVENT
      UID:quiet-uid
      DTSTAMP:20261101T000000Z
      DTSTART:20261124T100000Z
      SUMMARY:Quiet offsite
      LOCATION:Hidden boardroom
      DESCRIPTION:Agenda nobody may read
      ORGANIZER:mailto:ann@fabrikam.example
      END:VEVENT

      """)

    // The secrets are really captured and browsed: each record's timeline shows them.
    for record in ["contact:c-ann", "account:a-fab", "opportunity:o-1", "case:k-1"] {
      let items = F.items(try f.timeline(record))
      let secret = items.first { $0["id"] as? String == "mail:<secret-id@t>" }
      #expect(secret?["subject"] as? String == "Secret Merger Plan", "\(record)")
      #expect(secret?["cc"] as? [String] == ["whistle.blower@hidden.example"], "\(record)")
      #expect(secret?["state"] as? String == "untracked", "\(record)")
      let meeting = items.first { $0["id"] as? String == "cal:quiet-uid" }
      #expect(meeting?["location"] as? String == "Hidden boardroom", "\(record)")
    }
    let text = try CLIRunner.run(["timeline", "--record", "contact:c-ann"] + f.sources())
    #expect(text.stdout.contains("Secret Merger Plan"))

    // One item shared on purpose; one whose sync fails (its file is gone by then).
    for id in ["<shared-id@t>", "<doomed@t>"] {
      let tracked = try CLIRunner.run(["track", "--record", "contact:c-ann", "--item",
                                       "mail:\(id)"] + f.sources())
      #expect(tracked.status == 0, "\(tracked.stderr)")
    }
    try FileManager.default.removeItem(at: doomed)
    let synced = try CLIRunner.run(["sync"] + f.sources())
    #expect(synced.status == 2, "\(synced.stdout)\(synced.stderr)")
    #expect(synced.stdout.contains("synced 1 of 2"), "\(synced.stdout)")

    // The TUI: open the meeting and the secret email, hide private items and show them again.
    let tmux = try f.tuiSession()
    defer { tmux.kill() }
    try tmux.focusAnnsTimeline()
    try tmux.waitFor("Quiet offsite")
    try tmux.send(keys: "Enter")
    try tmux.waitFor("Agenda nobody may read")
    try tmux.send(keys: "Enter")
    try tmux.send(keys: "End")
    try tmux.waitUntil("the secret email selected") {
      $0.split(separator: "\n").contains { $0.contains("▸ Email") }
        && $0.contains("Secret Merger Plan")
    }
    try tmux.send(keys: "Enter")
    try tmux.waitFor("The Body Is Private Too.")
    try tmux.send(keys: "Enter")
    for shown in ["No", "Yes"] {
      try tmux.send(keys: "o")
      try tmux.waitFor("Show email not tracked in the Activities list")
      try tmux.send(keys: "Space")
      try tmux.waitFor("[\(shown)]")
      try tmux.send(keys: "Escape")
      // Esc followed at once by a key reads as Alt+key: wait for the overlay to close.
      try tmux.waitUntil("settings to close") { !$0.contains("Settings · Esc closes") }
    }
    try tmux.waitFor("Secret Merger Plan")
    try tmux.send(keys: "q")
    try tmux.waitUntil("the app to exit") { _ in (try? tmux.isRunning()) == false }

    let stored = try Self.lowercasedDatabaseBytes(f)
    for secret in Self.secrets {
      #expect(stored.range(of: Data(secret.utf8)) == nil, "\(secret) reached the database")
    }
    // The search finds what is there: the shared item, in any case, and the failed request.
    for present in ["tracked on purpose", "shared body text", "shared-id@t", "<doomed@t>"] {
      #expect(stored.range(of: Data(present.utf8)) != nil, "\(present) not found")
    }
  }
}
