import Foundation
import Testing
import TestSupport

/// `autocapture why` (text and JSON, shown and not shown) and excluded addresses (the
/// import's and `settings --exclude/--include`), through the real binary.
@Suite struct WhyEndToEndTests {
  typealias F = CaptureFixture

  func why(_ f: CaptureFixture, _ record: String, _ item: String, json: Bool = false,
           extra: [String] = []) throws -> CLIRunner.Result {
    try CLIRunner.run(["why", "--record", record, "--item", item] + (json ? ["--json"] : [])
      + extra + f.sources())
  }

  func whyJSON(_ f: CaptureFixture, _ record: String, _ item: String, extra: [String] = [])
    throws -> [String: Any] {
    let result = try why(f, record, item, json: true, extra: extra)
    #expect(result.status == 0, "\(result.stderr)")
    return try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
      as? [String: Any])
  }

  func matches(_ object: [String: Any]) -> [[String: String]] {
    (object["matches"] as? [[String: Any]] ?? []).map { $0.compactMapValues { $0 as? String } }
  }

  @Test func aShownEmailGivesEachMatchedAddressItsFieldAndRuleInTextAndJSON() throws {
    var f = try F.imported()
    try f.message(id: "<plan@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "Ann Lee <ANN@fabrikam.example>", cc: "bo@fabrikam.example",
                  subject: "Plan")
    let object = try whyJSON(f, "opportunity:o-1", "mail:<plan@t>")
    #expect(Set(object.keys)
      == ["shown", "matches", "notShown", "capturedAs", "repliesTo", "trackedElsewhere"])
    #expect(object["capturedAs"] as? String == "address")
    #expect(object["shown"] as? Bool == true)
    #expect(object["notShown"] is NSNull)
    #expect(matches(object) == [
      ["address": "ann@fabrikam.example", "field": "from",
       "reason": "opportunity contact c-ann; linked account a-fab top-50 contact c-ann"],
      ["address": "bo@fabrikam.example", "field": "cc",
       "reason": "stakeholder c-bo; linked account a-fab top-50 contact c-bo"],
    ])
    let text = try why(f, "opportunity:o-1", "mail:<plan@t>")
    #expect(text.status == 0)
    #expect(text.stdout == """
      shown
      from ann@fabrikam.example: opportunity contact c-ann; linked account a-fab top-50 contact c-ann
      cc bo@fabrikam.example: stakeholder c-bo; linked account a-fab top-50 contact c-bo

      """)
  }

  @Test func notShownSaysWhyForEachReason() throws {
    var f = try F.imported()
    try f.message(folder: ".Trash", id: "<binned@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Binned")
    try f.message(id: "<zed@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "zed@elsewhere.example", subject: "Unrelated")
    try f.message(id: "<new@t>", date: "Sat, 21 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "New")
    try f.message(id: "<old@t>", date: "Thu, 01 Oct 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Old")
    try f.calendarFile("later.ics", """
      BEGIN:VEVENT
      UID:later@t
      DTSTAMP:20261101T000000Z
      DTSTART:20261203T100000Z
      DURATION:PT30M
      SUMMARY:Later
      ORGANIZER:mailto:dana@contoso.example
      ATTENDEE:mailto:ann@fabrikam.example
      END:VEVENT

      """)
    let cases: [(String, String)] = [
      ("mail:<binned@t>", "excluded folder Trash"),
      ("mail:<zed@t>", "no address of the record"),
      ("cal:later@t", "outside the meeting window (starts 2026-12-03T10:00:00Z, more than 72 "
        + "hours from now)"),
    ]
    for (item, reason) in cases {
      let object = try whyJSON(f, "contact:c-ann", item)
      #expect(object["shown"] as? Bool == false, "\(item)")
      #expect(object["notShown"] as? String == reason, "\(item)")
      let text = try why(f, "contact:c-ann", item)
      #expect(text.stdout.hasPrefix("not shown: \(reason)\n"), "\(item)")
    }
    let old = try whyJSON(f, "contact:c-ann", "mail:<old@t>", extra: ["--max-emails", "1"])
    #expect(old["notShown"] as? String == "older than the 1 newest")
    #expect(matches(old) == [["address": "ann@fabrikam.example", "field": "from",
                              "reason": "own email"]])
    #expect(try whyJSON(f, "contact:c-ann", "cal:later@t")["matches"] as? [[String: Any]] != nil)
  }

  @Test func anItemOfNeitherMailboxNorCalendarOrAMalformedIdIsAnError() throws {
    let f = try F.imported()
    let unknown = try why(f, "contact:c-ann", "mail:<nowhere@t>")
    #expect(unknown.status == 1)
    #expect(unknown.stderr.hasPrefix("Error: unknown item 'mail:<nowhere@t>'"))
    let malformed = try why(f, "contact:c-ann", "act-2")
    #expect(malformed.status == 1)
    #expect(malformed.stderr.contains("is not an item id"))
    let record = try why(f, "contact:c-nobody", "mail:<nowhere@t>")
    #expect(record.status == 1)
    #expect(record.stderr.contains("unknown record contact:c-nobody"))
  }

  @Test func theOrganizationsAndTheUsersExclusionsDropItemsMatchingOnlyThroughThem() throws {
    let json = F.crmJSON().replacingOccurrences(
      of: "\"untrackedAccess\": \"allowed\"}",
      with: "\"untrackedAccess\": \"allowed\", \"excludedAddresses\": [\"@MAIL.example\"]}")
    var f = try F.imported(json)
    try f.message(id: "<home@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann.lee@mail.example", subject: "From home")
    try f.message(id: "<both@t>", date: "Fri, 20 Nov 2026 10:00:00 +0000",
                  from: "ann.lee@mail.example", cc: "ann@fabrikam.example", subject: "Both")
    try f.message(id: "<bo@t>", date: "Fri, 20 Nov 2026 11:00:00 +0000",
                  from: "bo@fabrikam.example", subject: "From Bo")
    var ids = F.ids(try f.timeline("contact:c-ann"))
    #expect(!ids.contains("mail:<home@t>"))
    #expect(ids.contains("mail:<both@t>"))
    let home = try whyJSON(f, "contact:c-ann", "mail:<home@t>")
    #expect(home["notShown"] as? String
      == "an excluded address: ann.lee@mail.example (excluded by the organization as @mail.example)")
    #expect(matches(try whyJSON(f, "contact:c-ann", "mail:<both@t>"))
      == [["address": "ann@fabrikam.example", "field": "cc", "reason": "own email"]])

    // Dana excludes Bo for herself; Eli, with the same mailbox, still sees Bo's mail.
    #expect(F.ids(try f.timeline("account:a-fab")).contains("mail:<bo@t>"))
    let set = try CLIRunner.run(["settings", "--exclude", "Bo@Fabrikam.example"]
      + f.sources(withMail: false))
    #expect(set.status == 0, "\(set.stderr)")
    #expect(set.stdout.contains("excluded by the organization: @mail.example\n"))
    #expect(set.stdout.contains("your excluded addresses: bo@fabrikam.example\n"))
    ids = F.ids(try f.timeline("account:a-fab"))
    #expect(!ids.contains("mail:<bo@t>"))
    #expect(try whyJSON(f, "account:a-fab", "mail:<bo@t>")["notShown"] as? String
      == "an excluded address: bo@fabrikam.example (excluded by you)")
    let eli = try CLIRunner.run(["timeline", "--record", "account:a-fab", "--json",
                                 "--maildir", f.maildir.path, "--index-dir", f.indexDir,
                                 "--db", f.db, "--user", "eli", "--now", F.now])
    #expect(eli.stdout.contains("mail:<bo@t>"))

    // Importing again without the user's list keeps what she chose.
    #expect(try f.importCRM(json).status == 0)
    #expect(!F.ids(try f.timeline("account:a-fab")).contains("mail:<bo@t>"))

    // Only the user's own list is hers to change.
    let org = try CLIRunner.run(["settings", "--include", "@mail.example"]
      + f.sources(withMail: false))
    #expect(org.status == 1)
    #expect(org.stderr.contains("the organization excludes it; only an import changes that"))
    let bad = try CLIRunner.run(["settings", "--exclude", "ann at home"]
      + f.sources(withMail: false))
    #expect(bad.status == 64)
    let back = try CLIRunner.run(["settings", "--include", "bo@fabrikam.example"]
      + f.sources(withMail: false))
    #expect(back.status == 0, "\(back.stderr)")
    #expect(back.stdout.contains("your excluded addresses: none\n"))
    #expect(F.ids(try f.timeline("account:a-fab")).contains("mail:<bo@t>"))
  }
}
