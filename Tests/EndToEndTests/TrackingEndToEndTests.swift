import Foundation
import Testing
import TestSupport

/// Tracking, sync, privacy and permissions through the real binary.
@Suite struct TrackingEndToEndTests {
  typealias F = CaptureFixture

  func fixture(_ json: String = F.crmJSON()) throws -> CaptureFixture {
    try CaptureFixture.imported(json)
  }

  func state(_ t: [String: Any], _ id: String) -> String? {
    F.items(t).first { $0["id"] as? String == id }?["state"] as? String
  }

  func track(_ f: CaptureFixture, _ record: String, _ item: String, user: String = "dana")
    throws -> CLIRunner.Result {
    try CLIRunner.run(["track", "--record", record, "--item", item] + f.sources(user: user))
  }

  func sync(_ f: CaptureFixture, user: String = "dana") throws -> CLIRunner.Result {
    try CLIRunner.run(["sync"] + f.sources(user: user))
  }

  @Test func trackShowsPendingThenSyncMakesItTrackedForEveryone() throws {
    var f = try fixture()
    try f.message(id: "<deal@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "Ann Lee <ann@fabrikam.example>", subject: "Deal terms")
    let before = try f.timeline("account:a-fab", user: "eli", withMail: false)
    #expect(!F.ids(before).contains("mail:<deal@t>"))

    let tracked = try track(f, "account:a-fab", "mail:<deal@t>")
    #expect(tracked.status == 0, "\(tracked.stderr)")
    #expect(!tracked.stdout.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    #expect(state(try f.timeline("account:a-fab"), "mail:<deal@t>") == "pending")

    let synced = try sync(f)
    #expect(synced.status == 0, "\(synced.stderr)")
    let after = try f.timeline("account:a-fab")
    let item = try #require(F.items(after).first { $0["messageId"] as? String == "<deal@t>" })
    #expect(item["state"] as? String == "tracked")
    #expect(item["direction"] as? String == "incoming")
    #expect(item["hasAttachments"] as? Bool == false)

    let eli = try f.timeline("account:a-fab", user: "eli", withMail: false)
    #expect(F.items(eli).contains { $0["messageId"] as? String == "<deal@t>"
      && $0["state"] as? String == "tracked" })
  }

  @Test func anOutgoingEmailIsTrackedAsOutgoingWithItsAttachment() throws {
    var f = try fixture()
    let body = """
      --b1
      Content-Type: text/plain; charset=utf-8

      See attached.
      --b1
      Content-Type: application/pdf; name="offer.pdf"
      Content-Disposition: attachment; filename="offer.pdf"
      Content-Transfer-Encoding: base64

      JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK
      --b1--

      """
    try f.message(id: "<offer@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "Dana Reyes <dana@contoso.example>", to: "ann@fabrikam.example",
                  extraHeaders: ["Content-Type: multipart/mixed; boundary=\"b1\""],
                  subject: "Offer", body: body)
    #expect(try track(f, "contact:c-ann", "mail:<offer@t>").status == 0)
    #expect(try sync(f).status == 0)
    let t = try f.timeline("contact:c-ann")
    let item = try #require(F.items(t).first { $0["messageId"] as? String == "<offer@t>" })
    #expect(item["direction"] as? String == "outgoing")
    #expect(item["hasAttachments"] as? Bool == true)
  }

  @Test func trackingTheSameEmailFromTwoRecordsAndByTwoUsersStoresItOnce() throws {
    var f = try fixture()
    try f.message(id: "<shared@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", to: "eli@contoso.example, dana@contoso.example",
                  subject: "Shared")
    #expect(try track(f, "account:a-fab", "mail:<shared@t>").status == 0)
    #expect(try sync(f).status == 0)
    // From a second record: the same activity now regards both.
    let second = try f.timeline("contact:c-ann")
    let id = try #require(F.items(second).first { $0["messageId"] as? String == "<shared@t>" }?["id"]
      as? String)
    #expect(try track(f, "contact:c-ann", id).status == 0)
    #expect(try sync(f).status == 0)
    // Eli has the same message in his own mailbox: it shows as tracked, and tracking it
    // from a third record links that record to the same activity.
    let third = try f.timeline("opportunity:o-1", user: "eli")
    #expect(F.items(third).first { $0["messageId"] as? String == "<shared@t>" }?["id"]
      as? String == id)
    let eliTrack = try track(f, "opportunity:o-1", id, user: "eli")
    #expect(eliTrack.status == 0, "\(eliTrack.stderr)")
    #expect(try sync(f, user: "eli").status == 0)
    for record in ["account:a-fab", "contact:c-ann", "opportunity:o-1"] {
      let t = try f.timeline(record, user: "eli", withMail: false)
      let copies = F.items(t).filter { $0["messageId"] as? String == "<shared@t>" }
      #expect(copies.count == 1, "\(record)")
      #expect(copies.first?["id"] as? String == id)
    }
  }

  @Test func trackingIsRefusedWithTheReasonWhenTheSyncMethodDoesNotAllowIt() throws {
    var f = try fixture(F.crmJSON(syncMethod: "outlook"))
    try f.message(id: "<x@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "x")
    let result = try track(f, "contact:c-ann", "mail:<x@t>")
    #expect(result.status != 0)
    #expect(result.stderr.contains("tracking requires server-side sync"))
    #expect(result.stderr.split(separator: "\n").count == 1)
  }

  @Test func anUnapprovedMailboxIsToldSo() throws {
    var f = try fixture(F.crmJSON(approved: false))
    try f.message(id: "<x@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "x")
    let result = try track(f, "contact:c-ann", "mail:<x@t>")
    #expect(result.status != 0)
    #expect(result.stderr.contains("not approved"))
  }

  @Test func unknownRecordsItemsAndDatesGiveOneLineErrors() throws {
    let f = try fixture()
    let cases: [([String], String)] = [
      (["timeline", "--record", "account:nope", "--json"] + f.sources(), "account:nope"),
      (["timeline", "--record", "nonsense", "--json"] + f.sources(), "nonsense"),
      (["track", "--record", "contact:c-ann", "--item", "mail:<gone@t>"] + f.sources(),
       "mail:<gone@t>"),
      (["timeline", "--record", "contact:c-ann", "--json", "--db", f.db, "--user", "dana",
        "--now", "yesterday"], "yesterday"),
      (["timeline", "--record", "contact:c-ann", "--json", "--db", f.db, "--user", "nobody"],
       "nobody"),
    ]
    for (args, named) in cases {
      let result = try CLIRunner.run(args)
      #expect(result.status != 0, "\(args)")
      #expect(result.stderr.contains(named), "\(result.stderr)")
      #expect(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        .split(separator: "\n").count == 1, "\(result.stderr)")
    }
  }

  /// docs/commands.md: a missing file is bad input. A mistyped --maildir is refused, not
  /// answered with exit 0 and the usual mailbox dropped from the index.
  @Test func aMissingMailboxOrCalendarIsRefusedBeforeTheIndexIsTouched() throws {
    var f = try fixture()
    try f.message(id: "<kept@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Kept")
    #expect(F.ids(try f.timeline("account:a-fab")).contains("mail:<kept@t>"))
    let base = ["timeline", "--record", "account:a-fab", "--json", "--db", f.db, "--user", "dana",
                "--index-dir", f.root.appendingPathComponent("index-dana").path, "--now", F.now]
    for (source, named) in [(["--maildir", "/nonexistent/Maildir"], "no Maildir at /nonexistent/Maildir"),
                            (["--mbox", "/nonexistent/inbox"], "no mbox file at /nonexistent/inbox"),
                            (["--maildir", f.maildir.path, "--calendar", "/nonexistent/cal.ics"],
                             "no calendar at /nonexistent/cal.ics")] {
      let result = try CLIRunner.run(base + source)
      #expect(result.status == 1, "\(source)")
      #expect(result.stderr == "Error: \(named)\n")
      #expect(result.stdout.isEmpty)
    }
    // The index still holds the usual mailbox: nothing was dropped and read again.
    let again = try CLIRunner.run(["index", "--maildir", f.maildir.path, "--index-dir",
                                   f.root.appendingPathComponent("index-dana").path])
    #expect(again.stdout.hasPrefix("indexed 0 new messages"), "\(again.stdout)")
  }

  /// Files that cannot be read inside a source are warnings, not failures: in `problems`
  /// and on standard error, in JSON mode as in text mode.
  @Test func aBrokenCalendarFileIsAWarningInBothFormsAndTheRestIsShown() throws {
    let f = try fixture()
    try "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n".write(
      to: f.calendar.appendingPathComponent("broken.ics"), atomically: true, encoding: .utf8)
    for json in [true, false] {
      let result = try CLIRunner.run(
        ["timeline", "--record", "account:a-fab"] + (json ? ["--json"] : []) + f.sources())
      #expect(result.status == 0, "\(result.stderr)")
      #expect(result.stderr.hasPrefix("warning: "))
      #expect(result.stderr.contains("broken.ics"))
      #expect(result.stdout.contains("act-2"))  // the tracked activities are still there
      if json {
        let t = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
          as? [String: Any])
        #expect((t["problems"] as? [String] ?? []).contains { $0.contains("broken.ics") })
      }
    }
  }

  @Test func aMessageGoneBeforeSyncLeavesTheRequestFailedAndRetryable() throws {
    var f = try fixture()
    let url = try f.message(id: "<gone@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                            from: "ann@fabrikam.example", subject: "Soon gone")
    let saved = try Data(contentsOf: url)
    #expect(try track(f, "contact:c-ann", "mail:<gone@t>").status == 0)
    try FileManager.default.removeItem(at: url)
    #expect(try sync(f).status != 0)
    // The message is gone from the mailbox, so the timeline no longer lists it; put it back
    // and the failed state shows, with its reason, until tracking is asked again.
    try saved.write(to: url)
    let failed = try #require(F.items(try f.timeline("contact:c-ann"))
      .first { $0["id"] as? String == "mail:<gone@t>" })
    #expect(failed["state"] as? String == "failed")
    let reason = try #require(failed["error"] as? String)
    #expect(!reason.isEmpty)
    // The text form says why too.
    let text = try CLIRunner.run(["timeline", "--record", "contact:c-ann"] + f.sources())
    #expect(text.stdout.contains("[failed: \(reason)]"))
    #expect(try track(f, "contact:c-ann", "mail:<gone@t>").status == 0)
    #expect(try sync(f).status == 0)
    let after = try f.timeline("contact:c-ann")
    #expect(F.items(after).contains { $0["messageId"] as? String == "<gone@t>"
      && $0["state"] as? String == "tracked" })
  }

  @Test func syncFindsTheMessageAfterARunWithOtherMailboxesDroppedIt() throws {
    var f = try fixture()
    try f.message(id: "<kept@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Still here")
    #expect(try track(f, "contact:c-ann", "mail:<kept@t>").status == 0)
    // A trial run against the same index with another mailbox drops this one from it.
    let other = f.root.appendingPathComponent("OtherMail")
    for sub in ["cur", "new", "tmp"] {
      try FileManager.default.createDirectory(
        at: other.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    let trial = try CLIRunner.run(["index", "--maildir", other.path, "--index-dir",
                                   f.root.appendingPathComponent("index-dana").path])
    #expect(trial.status == 0, "\(trial.stderr)")
    #expect(trial.stdout.contains("0 in the index"))
    let synced = try sync(f)
    #expect(synced.status == 0, "\(synced.stderr)")
    #expect(F.items(try f.timeline("contact:c-ann")).contains {
      $0["messageId"] as? String == "<kept@t>" && $0["state"] as? String == "tracked" })
  }

  /// Tracked activities of every kind on Ann, and their order on her timeline.
  static let annsActivities = """
    ,
    {"id": "act-meet", "kind": "appointment", "regarding": {"type": "contact", "id": "c-ann"},
     "subject": "Site visit", "at": "2026-11-24T10:00:00Z", "uid": "visit@contoso.example"},
    {"id": "act-task", "kind": "task", "regarding": {"type": "contact", "id": "c-ann"},
     "subject": "Send samples", "at": "2026-11-22T09:00:00Z"},
    {"id": "act-call", "kind": "phonecall", "regarding": {"type": "contact", "id": "c-ann"},
     "subject": "Follow-up call", "at": "2026-11-21T15:00:00Z", "owner": "dana"},
    {"id": "act-mail", "kind": "email", "regarding": {"type": "contact", "id": "c-ann"},
     "subject": "Brochure", "at": "2026-11-19T12:00:00Z", "owner": "dana",
     "messageId": "<brochure@contoso.example>", "from": "dana@contoso.example",
     "to": ["ann@fabrikam.example"]},
    {"id": "act-note", "kind": "note", "regarding": {"type": "contact", "id": "c-ann"},
     "subject": "Met at the fair", "at": "2026-11-16T10:00:00Z"}
    """
  static let annsTracked = ["act-meet", "act-task", "act-call", "act-mail", "act-note"]

  /// Ann's private email and meeting, between her tracked activities.
  func privateItems(_ f: inout CaptureFixture) throws {
    try f.message(id: "<p@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "private")
    try f.calendarFile("p.ics", """
      BEGIN:VEVENT
      UID:private-meeting
      DTSTAMP:20261101T000000Z
      DTSTART:20261123T100000Z
      SUMMARY:Private meeting
      ORGANIZER:mailto:ann@fabrikam.example
      END:VEVENT

      """)
  }

  /// Withholding private items hides those and nothing else: the tracked activities of
  /// every kind stay, newest first.
  @Test func withheldUntrackedItemsCarryANoticeInWords() throws {
    var open = try fixture(F.crmJSON(extraActivities: Self.annsActivities))
    try privateItems(&open)
    #expect(F.ids(try open.timeline("contact:c-ann")) == ["act-meet", "cal:private-meeting",
      "act-task", "act-call", "mail:<p@t>", "act-mail", "act-note"])
    let variants: [(String, String)] = [
      (F.crmJSON(autoCapture: false, extraActivities: Self.annsActivities), "turned off"),
      (F.crmJSON(access: "blocked", extraActivities: Self.annsActivities), "access policy"),
      (F.crmJSON(syncMethod: "forward-mailbox", extraActivities: Self.annsActivities),
       "forward mailbox"),
    ]
    for (json, words) in variants {
      var f = try fixture(json)
      try privateItems(&f)
      let t = try f.timeline("contact:c-ann")
      #expect((t["notice"] as? String)?.contains(words) == true, "\(words)")
      #expect(F.ids(t) == Self.annsTracked, "\(words)")
      #expect(F.items(t).allSatisfy { $0["state"] as? String == "tracked" }, "\(words)")
    }
  }

  @Test func thePersonalOptionHidesUntrackedEmailAndSaysWhy() throws {
    var f = try fixture(F.crmJSON(extraActivities: Self.annsActivities))
    try privateItems(&f)
    let before = try f.timeline("contact:c-ann")
    #expect(before["notice"] is NSNull)
    #expect(F.ids(before).contains("mail:<p@t>") && F.ids(before).contains("cal:private-meeting"))
    let set = try CLIRunner.run(["settings", "--show-untracked", "no"] + f.sources())
    #expect(set.status == 0, "\(set.stderr)")
    #expect(set.stdout.contains("Show email not tracked in the Activities list: No"))
    let t = try f.timeline("contact:c-ann")
    #expect((t["notice"] as? String)?.contains("Show email not tracked") == true)
    #expect(F.ids(t) == Self.annsTracked)
  }
}
