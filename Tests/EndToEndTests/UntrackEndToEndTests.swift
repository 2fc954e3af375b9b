import Foundation
import Testing
import TestSupport

/// `autocapture untrack` and `move`, the audit trail in `timeline --json`, and "50 newest of
/// N" with `+`, through the real binary (the TUI under tmux).
@Suite struct UntrackEndToEndTests {
  typealias F = CaptureFixture

  func run(_ f: CaptureFixture, _ words: [String], user: String = "dana") throws
    -> CLIRunner.Result {
    try CLIRunner.run(words + ["--db", f.db, "--user", user, "--now", F.now])
  }

  @Test func untrackTakesTheItemOffAndTheOwnerSeesItPrivateAgainWithItsTrail() throws {
    var f = try F.imported()
    // The imported Quote (act-2) is in Dana's mailbox too.
    try f.message(id: "<quote-1@contoso.example>", date: "Thu, 19 Nov 2026 08:00:00 +0000",
                  from: "dana@contoso.example", to: "ann@fabrikam.example", subject: "Quote")
    #expect(F.ids(try f.timeline("account:a-fab")).contains("act-2"))
    // Eli neither owns it nor linked it: refused, in words naming who may.
    let refused = try run(f, ["untrack", "--record", "account:a-fab", "--item", "act-2"],
                          user: "eli")
    #expect(refused.status == 1)
    #expect(refused.stderr == "Error: only Dana Reyes, who tracked it, or whoever linked it "
      + "to Fabrikam may untrack or move it\n")
    let done = try run(f, ["untrack", "--record", "account:a-fab", "--item", "act-2"])
    #expect(done.status == 0, "\(done.stderr)")
    #expect(done.stdout.hasPrefix("Untracked email 'Quote' from Fabrikam (account:a-fab)"))
    let after = F.items(try f.timeline("account:a-fab"))
    let quote = try #require(after.first { $0["messageId"] as? String == "<quote-1@contoso.example>" })
    #expect(quote["id"] as? String == "mail:<quote-1@contoso.example>")
    #expect(quote["state"] as? String == "untracked")
    let history = try #require(quote["history"] as? [[String: Any]])
    #expect(history.count == 1)
    #expect(history.first?["by"] as? String == "dana")
    #expect(history.first?["action"] as? String == "untrack")
    #expect(history.first?["from"] as? String == "account:a-fab")
    #expect(history.first?["to"] is NSNull)
    // A sync does not put it back; Eli no longer sees it.
    #expect(try CLIRunner.run(["sync"] + f.sources()).status == 0)
    #expect(F.items(try f.timeline("account:a-fab")).first {
      $0["messageId"] as? String == "<quote-1@contoso.example>" }?["state"] as? String
      == "untracked")
    #expect(!F.ids(try f.timeline("account:a-fab", user: "eli", withMail: false))
      .contains("act-2"))
    // Again: not tracked there any more, an error like an unknown record (status 1).
    let again = try run(f, ["untrack", "--record", "account:a-fab", "--item", "act-2"])
    #expect(again.status == 1)
    #expect(again.stderr == "Error: 'act-2' is not tracked on account:a-fab (untracked "
      + "already, or never tracked there)\n")
  }

  @Test func moveTakesItToAnotherRecordAndBothTimelinesSaySo() throws {
    let f = try F.imported()
    let moved = try run(f, ["move", "--record", "account:a-fab", "--item", "act-2",
                            "--to", "opportunity:o-1"])
    #expect(moved.status == 0, "\(moved.stderr)")
    #expect(moved.stdout == "Moved email 'Quote' from Fabrikam (account:a-fab) to 50 printers "
      + "(opportunity:o-1)\n")
    #expect(!F.ids(try f.timeline("account:a-fab", withMail: false)).contains("act-2"))
    let onDeal = try #require(F.items(try f.timeline("opportunity:o-1", withMail: false))
      .first { $0["id"] as? String == "act-2" })
    let history = try #require(onDeal["history"] as? [[String: Any]])
    #expect(history.first?["action"] as? String == "move")
    #expect(history.first?["to"] as? String == "opportunity:o-1")
    // Calls are the CRM's own; a malformed --to is a usage mistake.
    let call = try run(f, ["move", "--record", "opportunity:o-1", "--item", "act-1",
                           "--to", "account:a-fab"])
    #expect(call.status == 1 && call.stderr.contains("only emails and meetings"))
    let bad = try run(f, ["move", "--record", "opportunity:o-1", "--item", "act-2",
                          "--to", "nowhere"])
    #expect(bad.status == 64)
  }

  @Test func timelineJSONSaysHowManyEmailsItShowsOfHowManyMatch() throws {
    var f = try F.imported()
    for n in 0..<7 {
      try f.message(id: "<n\(n)@t>", date: "Fri, 20 Nov 2026 0\(n):00:00 +0000",
                    from: "ann@fabrikam.example", subject: "Note \(n)")
    }
    let all = try f.timeline("contact:c-ann")
    #expect(all["emailsShown"] as? Int == 7 && all["emailsMatched"] as? Int == 7)
    let result = try CLIRunner.run(["timeline", "--record", "contact:c-ann", "--json",
                                    "--max-emails", "5"] + f.sources())
    let limited = try #require(try JSONSerialization.jsonObject(
      with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(limited["emailsShown"] as? Int == 5 && limited["emailsMatched"] as? Int == 7)
    #expect(limited["emailsMatchedIsLowerBound"] as? Bool == false)
  }

  @Test(.requires("tmux"))
  func theTUIUntracksAfterYAndShowsFiftyMoreWithPlus() throws {
    var f = try F.imported()
    for n in 0..<55 {
      try f.message(id: "<n\(n)@t>",
                    date: "Fri, 20 Nov 2026 \(10 + n / 60):\(String(format: "%02d", n % 60)):00 +0000",
                    from: "bo@fabrikam.example", subject: "Report \(n)")
    }
    let tmux = try f.tuiSession()
    defer { tmux.kill() }
    try tmux.waitFor("Fabrikam")
    try tmux.send(keys: "Tab")
    try tmux.waitFor("50 newest of 55")
    try tmux.send(keys: "+")
    try tmux.waitUntil("all 55 shown") { !$0.contains("newest of") && $0.contains("56 items") }
    // The imported Quote, tracked, is the last email: untrack it after y.
    try tmux.send(keys: "G")
    try tmux.waitFor("Quote")
    try tmux.send(keys: "u")
    try tmux.waitFor("Untrack the email 'Quote' from Fabrikam?")
    try tmux.send(keys: "y")
    try tmux.waitFor("Untracked")
    try tmux.waitUntil("the Quote gone") { !$0.contains("Quote") }
    try tmux.send(keys: "q")
    _ = try tmux.waitUntil("the app to exit") { _ in (try? tmux.isRunning()) == false }
  }
}
