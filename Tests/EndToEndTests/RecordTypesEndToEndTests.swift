import Foundation
import Testing
import TestSupport

/// Leads, cases and custom records through a timeline end to end: each captures the email
/// its address rules say (docs/capture-rules.md's table) and no other, and an item tracked
/// from it is shared on it.
@Suite struct RecordTypesEndToEndTests {
  typealias F = CaptureFixture

  /// A project whose client is Fabrikam and whose sponsor is Zed.
  static let project = """
    "customEntityTypes": [
      {"name": "project", "displayName": "Project",
       "lookups": [{"field": "client", "target": "account"},
                   {"field": "sponsor", "target": "contact"}]}
    ],
    "customRecords": [
      {"type": "project", "id": "p-1", "name": "Rollout",
       "lookups": {"client": "a-fab", "sponsor": "c-zed"}}
    ],
    """

  /// One message per way in (and two that are in no set here), a minute apart.
  func fixture() throws -> CaptureFixture {
    var f = try F.imported(F.crmJSON(extraSections: Self.project))
    let messages: [(String, String, String, String?)] = [
      ("<lead-contact@t>", "bo@northwind.example", "dana@contoso.example", nil),
      ("<lead-own@t>", "dana@contoso.example", "sales@northwind.example", nil),
      ("<case-thread@t>", "x@other.example", "dana@contoso.example",
       "support-thread@fabrikam.example"),
      ("<info@t>", "info@fabrikam.example", "dana@contoso.example", nil),
      ("<ann@t>", "ann@fabrikam.example", "dana@contoso.example", nil),
      ("<bo-fab@t>", "bo@fabrikam.example", "dana@contoso.example", nil),
      ("<zed@t>", "zed@elsewhere.example", "dana@contoso.example", nil),
    ]
    for (n, (id, from, to, cc)) in messages.enumerated() {
      try f.message(id: id, date: "Fri, 20 Nov 2026 09:0\(n):00 +0000", from: from, to: to,
                    cc: cc, subject: id)
    }
    return f
  }

  func emails(_ t: [String: Any]) -> [String] {
    F.items(t).filter { $0["kind"] as? String == "email" }.compactMap { $0["messageId"] as? String }
  }

  @Test func leadsCasesAndCustomRecordsCaptureTheirOwnEmailNewestFirst() throws {
    let f = try fixture()
    // A lead: its contact's address and its own.
    #expect(emails(try f.timeline("lead:l-1")) == ["<lead-own@t>", "<lead-contact@t>"])
    // A case: its primary contact, its own addresses and its customer account's own (not
    // the account's other contacts).
    #expect(emails(try f.timeline("case:k-1")) == ["<ann@t>", "<info@t>", "<case-thread@t>"])
    // A project: its client's primary contact and own addresses, and its sponsor's.
    let project = try f.timeline("project:p-1")
    #expect(emails(project) == ["<zed@t>", "<ann@t>", "<info@t>"])
    #expect((project["record"] as? [String: Any])?["name"] as? String == "Rollout")
  }

  @Test func anItemTrackedFromALeadACaseOrACustomRecordIsSharedThere() throws {
    let f = try fixture()
    let tracked = [("lead:l-1", "<lead-contact@t>"), ("case:k-1", "<case-thread@t>"),
                   ("project:p-1", "<zed@t>")]
    for (record, id) in tracked {
      let result = try CLIRunner.run(["track", "--record", record, "--item", "mail:\(id)"]
        + f.sources())
      #expect(result.status == 0, "\(record): \(result.stderr)")
    }
    let synced = try CLIRunner.run(["sync"] + f.sources())
    #expect(synced.status == 0, "\(synced.stdout)\(synced.stderr)")
    for (record, id) in tracked {
      let shared = F.items(try f.timeline(record, user: "eli", withMail: false))
      #expect(shared.compactMap { $0["messageId"] as? String } == [id], "\(record)")
      #expect(shared.first?["state"] as? String == "tracked", "\(record)")
    }
  }
}
