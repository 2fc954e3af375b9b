import Foundation
import Testing
import TestSupport

/// What tracking says to a person, through the real binary: in words, no internal ids.
@Suite struct TrackingWordsEndToEndTests {
  typealias F = CaptureFixture

  @Test func trackingAgainFromTheSameRecordSaysSoInWords() throws {
    var f = try CaptureFixture.imported(F.crmJSON())
    try f.message(id: "<again@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "Ann Lee <ann@fabrikam.example>", subject: "Terms")
    let track = ["track", "--record", "account:a-fab", "--item", "mail:<again@t>"]
      + f.sources(user: "dana")
    #expect(try CLIRunner.run(track).status == 0)
    #expect(try CLIRunner.run(["sync"] + f.sources(user: "dana")).status == 0)
    let again = try CLIRunner.run(track)
    #expect(again.status != 0)
    #expect(again.stderr == "Error: this email is already tracked on this record\n")
    #expect(!again.stderr.contains("act-"))
  }

  /// The private tile showed "Dana Reyes"; once tracked, the shared activity shows the same
  /// counterpart, to everyone.
  @Test func aTrackedEmailKeepsTheSendersDisplayName() throws {
    var f = try CaptureFixture.imported(F.crmJSON())
    try f.message(id: "<named@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "=?utf-8?q?Ann_L=C3=A9e?= <ann@fabrikam.example>", subject: "Terms")
    func item(_ t: [String: Any]) -> [String: Any]? {
      F.items(t).first { $0["messageId"] as? String == "<named@t>" }
    }
    #expect(item(try f.timeline("account:a-fab"))?["fromName"] as? String == "Ann Lée")
    let track = ["track", "--record", "account:a-fab", "--item", "mail:<named@t>"]
      + f.sources(user: "dana")
    #expect(try CLIRunner.run(track).status == 0)
    #expect(try CLIRunner.run(["sync"] + f.sources(user: "dana")).status == 0)
    let eli = try #require(item(try f.timeline("account:a-fab", user: "eli", withMail: false)))
    #expect(eli["state"] as? String == "tracked")
    #expect(eli["fromName"] as? String == "Ann Lée")
  }
}
