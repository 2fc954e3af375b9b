import Foundation
import Testing
import TestSupport

/// Replies that follow tracked mail and items tracked on another record, through the real
/// binary: `timeline --json`, `why`, `settings --track-replies`, the config file's
/// `track-replies`, `track` and `sync`.
@Suite struct RepliesAndElsewhereEndToEndTests {
  typealias F = CaptureFixture

  /// Cole, whom no record knows, answers Dana's quote tracked on Fabrikam (act-2).
  static func withReply() throws -> CaptureFixture {
    var f = try F.imported()
    try f.message(id: "<re-quote@partner.example>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "Cole Ross <cole@partner.example>",
                  extraHeaders: ["In-Reply-To: <quote-1@contoso.example>",
                                 "References: <quote-1@contoso.example>"],
                  subject: "Re: Quote", body: "We accept the quote.\n")
    return f
  }

  func item(_ timeline: [String: Any], _ id: String) -> [String: Any]? {
    F.items(timeline).first { $0["id"] as? String == id || $0["messageId"] as? String == id }
  }

  @Test func aReplyToTrackedMailIsOnTheTimelineLabelledAndWhySaysWhy() throws {
    let f = try Self.withReply()
    let reply = try #require(item(try f.timeline("account:a-fab"), "<re-quote@partner.example>"))
    #expect(reply["state"] as? String == "untracked")
    #expect(reply["capturedAs"] as? String == "reply")
    let quote = try #require(item(try f.timeline("account:a-fab"), "act-2"))
    #expect(quote["capturedAs"] is NSNull)
    // Ann's contact record has no mail the reply answers.
    #expect(item(try f.timeline("contact:c-ann"), "<re-quote@partner.example>") == nil)

    let why = try CLIRunner.run(["why", "--record", "account:a-fab", "--item",
                                 "mail:<re-quote@partner.example>"] + f.sources())
    #expect(why.status == 0, "\(why.stderr)")
    #expect(why.stdout == """
      shown
      reply to tracked email <quote-1@contoso.example> (tracked on this record as act-2)

      """)
    let json = try CLIRunner.run(["why", "--record", "account:a-fab", "--item",
                                  "mail:<re-quote@partner.example>", "--json"] + f.sources())
    let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8))
      as? [String: Any])
    #expect(object["capturedAs"] as? String == "reply")
    #expect((object["repliesTo"] as? [[String: String]])
      == [["messageId": "<quote-1@contoso.example>", "activity": "act-2"]])
  }

  @Test func settingsTrackRepliesMakesSyncTrackTheReply() throws {
    let f = try Self.withReply()
    let before = try CLIRunner.run(["sync"] + f.sources())
    #expect(before.status == 0, "\(before.stderr)")
    #expect(item(try f.timeline("account:a-fab"), "<re-quote@partner.example>")?["state"]
      as? String == "untracked")

    let settings = try CLIRunner.run(["settings", "--track-replies", "yes"] + f.sources())
    #expect(settings.status == 0, "\(settings.stderr)")
    #expect(settings.stdout.contains("Track replies to tracked email automatically: Yes\n"))
    let bad = try CLIRunner.run(["settings", "--track-replies", "maybe"] + f.sources())
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("bad value for --track-replies: 'maybe' (yes or no)"))

    let sync = try CLIRunner.run(["sync"] + f.sources())
    #expect(sync.status == 0, "\(sync.stderr)")
    let reply = try #require(item(try f.timeline("account:a-fab"), "<re-quote@partner.example>"))
    #expect(reply["state"] as? String == "tracked")
    #expect(reply["capturedAs"] as? String == "reply")
    // Eli, who has not the mail, now sees it on Fabrikam: it is shared.
    #expect(item(try f.timeline("account:a-fab", user: "eli", withMail: false),
                 "<re-quote@partner.example>")?["state"] as? String == "tracked")
  }

  @Test func theConfigFilesTrackRepliesIsTheDefaultUntilSettingsChoose() throws {
    let f = try Self.withReply()
    let config = f.root.appendingPathComponent("config.toml")
    try "track-replies = true\n".write(to: config, atomically: true, encoding: .utf8)
    let env = ["AUTOCAPTURE_CONFIG": config.path]
    let shown = try CLIRunner.run(["settings"] + f.sources(), environment: env)
    #expect(shown.stdout.contains("Track replies to tracked email automatically: Yes (not "
      + "chosen: the config file's track-replies, else No)"))
    // Chosen in settings: the config file no longer decides.
    _ = try CLIRunner.run(["settings", "--track-replies", "no"] + f.sources(), environment: env)
    #expect(try CLIRunner.run(["sync"] + f.sources(), environment: env).status == 0)
    #expect(item(try f.timeline("account:a-fab"), "<re-quote@partner.example>")?["state"]
      as? String == "untracked")
    try "track-replies = \"perhaps\"\n".write(to: config, atomically: true, encoding: .utf8)
    let broken = try CLIRunner.run(["settings"] + f.sources(), environment: env)
    #expect(broken.status != 0)
    #expect(broken.stderr.contains("'track-replies' must be true or false"))
  }

  @Test func anItemTrackedOnAnotherRecordSaysWhereAndByWhomAndTrackLinksIt() throws {
    var f = try F.imported(F.crmJSON(extraActivities: """
      ,
          {"id": "act-3", "kind": "email", "regarding": {"type": "contact", "id": "c-zed"},
           "subject": "Terms", "at": "2026-11-21T08:00:00Z", "owner": "eli",
           "messageId": "<terms@t>", "from": "ann@fabrikam.example",
           "to": ["eli@contoso.example", "dana@contoso.example"], "cc": []}
      """))
    try f.message(id: "<terms@t>", date: "Sat, 21 Nov 2026 08:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "Terms")
    let terms = try #require(item(try f.timeline("account:a-fab"), "act-3"))
    #expect(terms["state"] as? String == "tracked")
    #expect(terms["capturedAs"] as? String == "address")
    let elsewhere = terms["trackedElsewhere"] as? [[String: Any]]
    #expect(elsewhere?.count == 1)
    #expect(elsewhere?.first?["by"] as? String == "Eli Park")
    #expect(elsewhere?.first?["record"] as? [String: String]
      == ["type": "contact", "id": "c-zed", "name": "Zed Unrelated"])

    let why = try CLIRunner.run(["why", "--record", "account:a-fab", "--item",
                                 "mail:<terms@t>"] + f.sources())
    #expect(why.stdout.contains(
      "Tracked by Eli Park on Zed Unrelated, not on this record: t links it here too"))

    let track = try CLIRunner.run(["track", "--record", "account:a-fab", "--item", "act-3"]
      + f.sources())
    #expect(track.status == 0, "\(track.stderr)")
    #expect(track.stdout.split(separator: "\n").count == 1)
    #expect(track.stderr == "Linking to this record; already tracked by Eli Park on "
      + "Zed Unrelated\n")
    #expect(try CLIRunner.run(["sync"] + f.sources()).status == 0)
    let linked = try #require(item(try f.timeline("account:a-fab"), "act-3"))
    #expect(linked["trackedElsewhere"] == nil)
    #expect(item(try f.timeline("account:a-fab", user: "eli", withMail: false), "act-3") != nil)
  }
}
