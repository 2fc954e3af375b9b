import Foundation
import Testing
import TestSupport

/// What `timeline` shows through the real binary, around `track` and `sync`.
@Suite struct TimelineEndToEndTests {
  typealias F = CaptureFixture

  func fixture(_ json: String = F.crmJSON()) throws -> CaptureFixture {
    try CaptureFixture.imported(json)
  }

  func track(_ f: CaptureFixture, _ record: String, _ item: String) throws -> CLIRunner.Result {
    try CLIRunner.run(["track", "--record", record, "--item", item] + f.sources())
  }

  /// Escape sequences in subjects do not reach the terminal through the text output of
  /// `timeline`: they show as U+FFFD, as in the TUI.
  @Test func theTextTimelineCannotDriveTheTerminal() throws {
    var f = try fixture()
    try f.message(id: "<esc@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Red \u{1B}[31mflag\u{1B}]0;pwned\u{07}")
    // The same, RFC 2047-encoded, with a line break that would forge an output line.
    try f.message(id: "<enc@t>", date: "Fri, 20 Nov 2026 10:00:00 +0000",
                  from: "ann@fabrikam.example",
                  subject: "=?utf-8?b?\(Data("Bell\u{07}\r\n2026-01-01T00:00:00Z  email".utf8).base64EncodedString())?=")
    let result = try CLIRunner.run(["timeline", "--record", "contact:c-ann"] + f.sources())
    #expect(result.status == 0, "\(result.stderr)")
    let output = result.stdout.unicodeScalars
    #expect(!output.contains { $0.value < 0x20 && $0 != "\n" || $0.value == 0x7F })
    #expect(result.stdout.contains("Red \u{FFFD}[31mflag\u{FFFD}]0;pwned\u{FFFD}"))
    #expect(result.stdout.contains("Bell\u{FFFD}\u{FFFD}\u{FFFD}2026-01-01T00:00:00Z  email"))
    // JSON escapes them instead, and keeps the subject as it is.
    let json = try f.timeline("contact:c-ann")
    #expect(F.items(json).contains { $0["subject"] as? String == "Red \u{1B}[31mflag\u{1B}]0;pwned\u{07}" })
  }

  @Test func aRequestFromOneRecordDoesNotMarkTheItemPendingOnAnother() throws {
    var f = try fixture()
    try f.message(id: "<both@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Both")
    #expect(try track(f, "contact:c-ann", "mail:<both@t>").status == 0)
    let here = F.items(try f.timeline("contact:c-ann")).first { $0["id"] as? String == "mail:<both@t>" }
    let there = F.items(try f.timeline("account:a-fab")).first { $0["id"] as? String == "mail:<both@t>" }
    #expect(here?["state"] as? String == "pending")
    #expect(there?["state"] as? String == "untracked")
  }

  @Test func equalDatesAreOrderedByMessageIdWhateverIsTracked() throws {
    var f = try fixture()
    for id in ["<c@t>", "<a@t>", "<b@t>"] {
      try f.message(id: id, date: "Fri, 20 Nov 2026 09:00:00 +0000",
                    from: "ann@fabrikam.example", subject: id)
    }
    #expect(try track(f, "contact:c-ann", "mail:<b@t>").status == 0)
    #expect(try CLIRunner.run(["sync"] + f.sources()).status == 0)
    let order = F.items(try f.timeline("contact:c-ann")).compactMap { $0["messageId"] as? String }
    #expect(order == ["<a@t>", "<b@t>", "<c@t>"])
  }

  @Test func theCapturedIdStillNamesAnItemAfterItIsTracked() throws {
    var f = try fixture()
    try f.message(id: "<s@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Stable")
    #expect(try track(f, "contact:c-ann", "mail:<s@t>").status == 0)
    #expect(try CLIRunner.run(["sync"] + f.sources()).status == 0)
    // Tracking the same captured id from a second record links it there.
    let again = try track(f, "account:a-fab", "mail:<s@t>")
    #expect(again.status == 0, "\(again.stderr)")
    #expect(try CLIRunner.run(["sync"] + f.sources()).status == 0)
    let copies = F.items(try f.timeline("account:a-fab", user: "eli", withMail: false))
      .filter { $0["messageId"] as? String == "<s@t>" }
    #expect(copies.count == 1)
    #expect(copies.first?["state"] as? String == "tracked")
  }

  @Test func syncRefusesWhatIsNoLongerAllowed() throws {
    var f = try fixture()
    try f.message(id: "<late@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Late")
    #expect(try track(f, "contact:c-ann", "mail:<late@t>").status == 0)
    // The administrator turns auto capture off before the sync runs.
    #expect(try f.importCRM(F.crmJSON(autoCapture: false)).status == 0)
    let sync = try CLIRunner.run(["sync"] + f.sources())
    #expect(sync.status != 0)
    #expect(sync.stdout.contains("turned off"))
    let eli = try f.timeline("contact:c-ann", user: "eli", withMail: false)
    #expect(!F.items(eli).contains { $0["messageId"] as? String == "<late@t>" })
  }

  @Test func theEmailLimitIsASetting() throws {
    var f = try fixture()
    for n in 0..<5 {
      try f.message(id: "<l\(n)@t>", date: "Fri, 20 Nov 2026 09:0\(n):00 +0000",
                    from: "ann@fabrikam.example", subject: "l\(n)")
    }
    let result = try CLIRunner.run(["timeline", "--record", "contact:c-ann", "--json",
                                    "--max-emails", "2"] + f.sources())
    #expect(result.status == 0, "\(result.stderr)")
    let t = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
      as? [String: Any])
    #expect(F.ids(t) == ["mail:<l4@t>", "mail:<l3@t>"])
  }

  /// docs/import-format.md: an imported email without a direction is outgoing when its
  /// `from` is one of its owner's addresses, else incoming; a given direction is kept.
  @Test func importedEmailsWithoutADirectionTakeItFromTheirOwnerAndSender() throws {
    func email(_ id: String, at: String, owner: String?, from: String?,
               direction: String? = nil) -> String {
      var fields = [#""id": "\#(id)""#, #""kind": "email""#, #""subject": "\#(id)""#,
                    #""at": "\#(at)""#, #""messageId": "<\#(id)@t>""#,
                    #""regarding": {"type": "contact", "id": "c-ann"}"#]
      if let owner { fields.append(#""owner": "\#(owner)""#) }
      if let from { fields.append(#""from": "\#(from)""#) }
      if let direction { fields.append(#""direction": "\#(direction)""#) }
      return "{" + fields.joined(separator: ", ") + "}"
    }
    let activities = [
      email("by-owner", at: "2026-11-20T09:05:00Z", owner: "dana", from: "DANA@contoso.example"),
      email("to-owner", at: "2026-11-20T09:04:00Z", owner: "dana", from: "ann@fabrikam.example"),
      email("not-owner", at: "2026-11-20T09:03:00Z", owner: "eli", from: "dana@contoso.example"),
      email("no-owner", at: "2026-11-20T09:02:00Z", owner: nil, from: "dana@contoso.example"),
      email("no-from", at: "2026-11-20T09:01:00Z", owner: "dana", from: nil),
      email("given", at: "2026-11-20T09:00:00Z", owner: "dana", from: "ann@fabrikam.example",
            direction: "outgoing"),
    ]
    let f = try fixture(F.crmJSON(extraActivities: ",\n" + activities.joined(separator: ",\n")))
    for user in ["dana", "eli"] {
      let items = F.items(try f.timeline("contact:c-ann", user: user, withMail: false))
      let directions = Dictionary(uniqueKeysWithValues: items.compactMap { item in
        (item["id"] as? String).map { ($0, item["direction"] as? String) }
      })
      #expect(directions == [
        "by-owner": "outgoing", "to-owner": "incoming", "not-owner": "incoming",
        "no-owner": "incoming", "no-from": "incoming", "given": "outgoing",
      ], "as \(user) sees them")
    }
  }

  @Test func aMissingDatabaseIsNamedAndNotCreated() throws {
    let f = try CaptureFixture()
    let result = try CLIRunner.run(["timeline", "--record", "contact:c-ann"] + f.sources())
    #expect(result.status != 0)
    #expect(result.stderr.contains("no CRM database at \(f.db)"))
    #expect(!FileManager.default.fileExists(atPath: f.db))
  }
}
