import Foundation
import Testing
import TestSupport

/// What a sync may copy into the shared database, and what a failed request may say there,
/// through the real binary.
@Suite struct SyncSafetyEndToEndTests {
  typealias F = CaptureFixture

  func track(_ f: CaptureFixture, _ record: String, _ item: String) throws -> CLIRunner.Result {
    try CLIRunner.run(["track", "--record", record, "--item", item] + f.sources())
  }

  func sync(_ f: CaptureFixture) throws -> CLIRunner.Result {
    try CLIRunner.run(["sync"] + f.sources())
  }

  /// Every byte of the CRM database files (the database and its WAL).
  func databaseBytes(_ f: CaptureFixture) throws -> Data {
    var all = Data()
    for name in try FileManager.default.contentsOfDirectory(atPath: f.root.path)
    where name.hasPrefix("crm.sqlite") {
      all += try Data(contentsOf: f.root.appendingPathComponent(name))
    }
    return all
  }

  func contains(_ data: Data, _ text: String) -> Bool { data.range(of: Data(text.utf8)) != nil }

  /// `--user` names a user, it does not log one in: a teammate can file a request in
  /// Dana's name for a Message-ID they saw in a References header, from a mailbox of their
  /// own where it is on the record's timeline. Dana's sync must not copy her own, private
  /// message of that Message-ID onto the record.
  @Test func aRequestForgedFromAnotherMailboxDoesNotCopyThePrivateMessage() throws {
    var f = try F.imported()
    try f.message(id: "<private@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "Old Friend <friend@personal.example>", subject: "Private matter",
                  body: "Only for Dana to read.\n")
    let eliMail = f.root.appendingPathComponent("EliMail")
    try f.message(mailbox: eliMail, id: "<private@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", to: "eli@contoso.example", subject: "Bait")
    let forged = try CLIRunner.run([
      "track", "--record", "account:a-fab", "--item", "mail:<private@t>", "--db", f.db,
      "--user", "dana", "--now", F.now, "--maildir", eliMail.path,
      "--index-dir", f.root.appendingPathComponent("index-eli").path,
    ])
    #expect(forged.status == 0, "\(forged.stderr)")

    // Dana's own sync, as her TUI runs it on its own.
    let synced = try sync(f)
    #expect(synced.status == 2, "\(synced.stdout)\(synced.stderr)")
    #expect(synced.stdout.contains("failed: not on this record's timeline in your mailbox"),
            "\(synced.stdout)")
    let stored = try databaseBytes(f)
    for secret in ["Private matter", "Only for Dana to read", "friend@personal.example"] {
      #expect(!contains(stored, secret), "\(secret) reached the CRM database")
    }
    let eli = try f.timeline("account:a-fab", user: "eli", withMail: false)
    #expect(!F.items(eli).contains { $0["messageId"] as? String == "<private@t>" })
  }

  /// The reason of a failed request is stored where the whole team reads it: it names no
  /// file of the user's mailbox. The details are the syncing user's, on standard error.
  @Test func aFailedSyncStoresNoPathOfTheMailbox() throws {
    var f = try F.imported()
    let url = try f.message(id: "<moved@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                            from: "ann@fabrikam.example", subject: "Moved away")
    #expect(try track(f, "contact:c-ann", "mail:<moved@t>").status == 0)
    // The file becomes a link to a disk that is not mounted: still listed, not readable.
    try FileManager.default.removeItem(at: url)
    try FileManager.default.createSymbolicLink(
      atPath: url.path, withDestinationPath: f.root.appendingPathComponent("unmounted/m").path)

    let synced = try sync(f)
    #expect(synced.status == 2, "\(synced.stdout)\(synced.stderr)")
    #expect(synced.stderr.contains(url.path), "the syncing user is told which file")
    let stored = try databaseBytes(f)
    #expect(!contains(stored, f.root.path), "a path of the mailbox reached the CRM database")
    #expect(!contains(stored, "cur/"))
    let failed = try #require(F.items(try f.timeline("contact:c-ann"))
      .first { $0["id"] as? String == "mail:<moved@t>" })
    #expect(failed["state"] as? String == "failed")
    #expect((failed["error"] as? String)?.contains("your mailbox") == true, "\(failed)")
  }

  /// Two different messages carry one Message-ID; the one the timeline matched is deleted
  /// before the sync. The other one is not the message the timeline showed, so neither its
  /// body nor its header reaches the record.
  @Test func anotherMessageWithTheSameMessageIdIsNotCopiedInItsPlace() throws {
    var f = try F.imported()
    let shown = try f.message(id: "<twin@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                              from: "ann@fabrikam.example", subject: "Order confirmation",
                              body: "Your order is confirmed.\n")
    #expect(F.ids(try f.timeline("contact:c-ann")).contains("mail:<twin@t>"))
    try f.message(id: "<twin@t>", date: "Sat, 21 Nov 2026 09:00:00 +0000",
                  from: "doctor@clinic.example", subject: "Test results",
                  body: "Private results for Dana.\n")
    #expect(try track(f, "contact:c-ann", "mail:<twin@t>").status == 0)
    try FileManager.default.removeItem(at: shown)

    let synced = try sync(f)
    #expect(synced.status == 2, "\(synced.stdout)\(synced.stderr)")
    let stored = try databaseBytes(f)
    for secret in ["Test results", "Private results for Dana", "doctor@clinic.example"] {
      #expect(!contains(stored, secret), "\(secret) reached the CRM database")
    }
  }

  /// Found by scripts/soak: a request whose sync was delayed (killed, its claim held until
  /// the lease ended) failed as "not on this record's timeline" once newer mail had pushed
  /// its message out of the newest `--max-emails`, although it was shown when asked for.
  @Test func newerMailArrivingBeforeTheSyncDoesNotFailAPendingRequest() throws {
    var f = try F.imported()
    let newest = ["--max-emails", "1"]
    try f.message(id: "<older@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Older")
    let tracked = try CLIRunner.run(
      ["track", "--record", "contact:c-ann", "--item", "mail:<older@t>"] + f.sources() + newest)
    #expect(tracked.status == 0, "\(tracked.stderr)")
    try f.message(id: "<newer@t>", date: "Sat, 21 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Newer")
    let synced = try CLIRunner.run(["sync"] + f.sources() + newest)
    #expect(synced.status == 0, "\(synced.stdout)\(synced.stderr)")
    #expect(synced.stdout.contains("mail:<older@t>: tracked as act-"), "\(synced.stdout)")
    // Still only the newest one is shown untracked; the tracked one is shown as tracked.
    let items = F.items(try f.timeline("contact:c-ann"))
    #expect(items.contains { $0["messageId"] as? String == "<older@t>" && $0["state"] as? String == "tracked" })
    #expect(items.contains { $0["id"] as? String == "mail:<newer@t>" })
  }
}
