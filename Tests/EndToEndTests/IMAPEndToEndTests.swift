import Foundation
import Testing
import TestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The Dovecot that scripts/servers/dovecot.sh starts, as its exported variables describe it.
struct TestIMAPServer {
  var port: String
  var imapsPort: String
  var password: String
  var mailRoot: URL
  var caFile: String

  /// Whether AUTOCAPTURE_SKIP_SERVERS names dovecot (or all): the tests then skip.
  static let skipped: Bool = {
    let names = "," + (ProcessInfo.processInfo.environment["AUTOCAPTURE_SKIP_SERVERS"] ?? "")
      + ","
    return names.contains(",dovecot,") || names.contains(",all,")
  }()

  /// The server, or a failure saying how to get one.
  static func require() throws -> TestIMAPServer {
    let env = ProcessInfo.processInfo.environment
    guard let port = env["AUTOCAPTURE_TEST_IMAP_PORT"], let imaps = env["AUTOCAPTURE_TEST_IMAPS_PORT"],
      let password = env["AUTOCAPTURE_TEST_IMAP_PASSWORD"],
      let root = env["AUTOCAPTURE_TEST_IMAP_MAIL_ROOT"], let ca = env["AUTOCAPTURE_TEST_IMAP_CA_FILE"]
    else {
      throw CaptureFixture.FixtureError.failed(
        "no Dovecot: run the tests with scripts/test (which starts it), or set "
          + "AUTOCAPTURE_SKIP_SERVERS=dovecot to skip them")
    }
    return TestIMAPServer(port: port, imapsPort: imaps, password: password,
                          mailRoot: URL(fileURLWithPath: root), caFile: ca)
  }

  private static let lock = NSLock()
  nonisolated(unsafe) private static var nextUser = 0

  /// A test user no other test of this run uses, so tests may run at once.
  static func freshUser() throws -> String {
    let users = (ProcessInfo.processInfo.environment["AUTOCAPTURE_TEST_IMAP_USERS"] ?? "")
      .split(separator: ",").map(String.init)
    lock.lock()
    defer { lock.unlock() }
    guard nextUser < users.count else {
      throw CaptureFixture.FixtureError.failed("more IMAP tests than test users")
    }
    nextUser += 1
    let user = users[nextUser - 1]
    // Empty, whatever an earlier run against the same server left there.
    if let root = ProcessInfo.processInfo.environment["AUTOCAPTURE_TEST_IMAP_MAIL_ROOT"] {
      let dir = URL(fileURLWithPath: root).appendingPathComponent(user)
      for name in (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? [] {
        try FileManager.default.removeItem(at: dir.appendingPathComponent(name))
      }
    }
    return user
  }

  func maildir(of user: String) -> URL { mailRoot.appendingPathComponent(user) }

  /// Lets Dovecot write into what the test wrote: under CI (root) it runs mail as nobody.
  func handOver(_ user: String) {
    let root = maildir(of: user).path
    guard let walker = FileManager.default.enumerator(atPath: root) else { return }
    chmod(root, 0o777)
    while let relative = walker.nextObject() as? String {
      let path = root + "/" + relative
      var isDirectory: ObjCBool = false
      FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
      chmod(path, isDirectory.boolValue ? 0o777 : 0o666)
    }
  }
}

/// The IMAP path end to end: the built binary against Dovecot, compared with the same
/// messages read from a Maildir.
@Suite(.enabled(if: !TestIMAPServer.skipped,
                "AUTOCAPTURE_SKIP_SERVERS names dovecot: the IMAP tests are skipped"))
struct IMAPEndToEndTests {
  typealias F = CaptureFixture

  /// The same messages written into the workspace's Maildir and into the server user's.
  func writeBoth(_ f: inout CaptureFixture, server: TestIMAPServer, user: String) throws {
    let serverMail = server.maildir(of: user)
    for mailbox in [f.maildir, serverMail] {
      try f.message(mailbox: mailbox, id: "<deal@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                    from: "Ann Lée <ann@fabrikam.example>", subject: "Deal terms ✓",
                    body: "The terms, as agreed.\n")
      try f.message(mailbox: mailbox, folder: ".Sent", id: "<reply@t>",
                    date: "Sat, 21 Nov 2026 10:00:00 +0000", from: "dana@contoso.example",
                    to: "ann@fabrikam.example", cc: "bo@fabrikam.example", subject: "Re: Deal")
      try f.message(mailbox: mailbox, folder: ".Archive.2025", id: "<old@t>",
                    date: "Mon, 10 Nov 2025 10:00:00 +0000", from: "ann@fabrikam.example",
                    subject: "Old thread")
      try f.message(mailbox: mailbox, id: nil, date: "Sun, 22 Nov 2026 10:00:00 +0000",
                    from: "ann@fabrikam.example", subject: "No Message-ID here")
      try f.message(mailbox: mailbox, folder: ".Trash", id: "<binned@t>",
                    date: "Sun, 22 Nov 2026 11:00:00 +0000", from: "ann@fabrikam.example",
                    subject: "In the trash")
      try f.message(mailbox: mailbox, folder: ".Drafts", id: "<draft@t>",
                    date: "Sun, 22 Nov 2026 12:00:00 +0000", from: "dana@contoso.example",
                    to: "ann@fabrikam.example", subject: "A draft")
    }
    // A trash folder by its special-use attribute alone (the server's config marks it).
    try f.message(mailbox: serverMail, folder: ".Papierkorb", id: "<papier@t>",
                  date: "Sun, 22 Nov 2026 13:00:00 +0000", from: "ann@fabrikam.example",
                  subject: "Im Papierkorb")
    server.handOver(user)
  }

  /// The server, a user of it no other test uses, and the same mail in that user's
  /// mailbox and in `f`'s Maildir (`writeBoth`).
  func serverWithMail(_ f: inout CaptureFixture) throws -> (TestIMAPServer, String) {
    let server = try TestIMAPServer.require()
    let user = try TestIMAPServer.freshUser()
    try writeBoth(&f, server: server, user: user)
    return (server, user)
  }

  func imapSources(_ f: CaptureFixture, _ server: TestIMAPServer, _ user: String,
                   url: String? = nil, index: String = "index-imap") -> [String] {
    ["--db", f.db, "--user", "dana", "--now", F.now,
     "--imap", url ?? "imaps://\(user)@localhost:\(server.imapsPort)",
     "--tls-ca-file", server.caFile,
     "--index-dir", f.root.appendingPathComponent(index).path]
  }

  func env(_ server: TestIMAPServer, password: String? = nil) -> [String: String] {
    ["AUTOCAPTURE_IMAP_PASSWORD": password ?? server.password]
  }

  func json(_ result: CLIRunner.Result) throws -> [String: Any] {
    guard result.status == 0 else { throw F.FixtureError.failed(result.stderr) }
    return try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
  }

  /// What identifies each email item and what its tile shows.
  func emails(_ t: [String: Any]) -> [String] {
    F.items(t).filter { $0["kind"] as? String == "email" }.map {
      [$0["id"], $0["subject"], $0["at"], $0["from"], $0["fromName"], $0["to"], $0["cc"],
       $0["state"]].map { "\($0 ?? "nil")" }.joined(separator: "|")
    }
  }

  @Test func overTLSTheTimelineHasTheSameItemsAsFromAMaildirAndTrackingCopiesTheBody() throws {
    var f = try F.imported()
    let (server, user) = try serverWithMail(&f)

    let fromMaildir = try f.timeline("account:a-fab")
    let indexed = try CLIRunner.run(
      ["index", "--imap", "imaps://\(user)@localhost:\(server.imapsPort)", "--tls-ca-file",
       server.caFile, "--index-dir", f.root.appendingPathComponent("index-imap").path],
      environment: env(server))
    #expect(indexed.status == 0, "\(indexed.stderr)")
    #expect(indexed.stdout.hasPrefix("indexed 4 new messages, 4 in the index"), "\(indexed.stdout)")
    let overIMAP = try json(CLIRunner.run(
      ["timeline", "--record", "account:a-fab", "--json"] + imapSources(f, server, user),
      environment: env(server)))
    #expect(emails(overIMAP) == emails(fromMaildir))
    #expect(emails(overIMAP).count == 5)  // and the tracked act-2
    let ids = F.ids(overIMAP)
    #expect(ids.contains("mail:<deal@t>") && ids.contains("mail:<reply@t>"))
    #expect(!ids.contains("mail:<binned@t>") && !ids.contains("mail:<draft@t>")
      && !ids.contains("mail:<papier@t>"))
    #expect(overIMAP["problems"] as? [String] == [])

    // Nothing new: the index answers, the server is asked only whether anything changed.
    let again = try CLIRunner.run(["index"] + imapSources(f, server, user),
                                  environment: env(server))
    #expect(again.stdout.contains("indexed 0 new messages"), "\(again.stdout) \(again.stderr)")

    let tracked = try CLIRunner.run(
      ["track", "--record", "account:a-fab", "--item", "mail:<deal@t>"]
        + imapSources(f, server, user), environment: env(server))
    #expect(tracked.status == 0, "\(tracked.stderr)")
    let synced = try CLIRunner.run(["sync"] + imapSources(f, server, user),
                                   environment: env(server))
    #expect(synced.status == 0, "\(synced.stderr)")
    #expect(synced.stdout.contains("tracked as act-"), "\(synced.stdout)")
    let body = try sqlite(f.db, "SELECT body FROM activity WHERE messageId = '<deal@t>'")
    #expect(body.contains("The terms, as agreed."), "\(body)")
    let after = try json(CLIRunner.run(
      ["timeline", "--record", "account:a-fab", "--json"] + imapSources(f, server, user),
      environment: env(server)))
    #expect(F.items(after).contains {
      $0["messageId"] as? String == "<deal@t>" && $0["state"] as? String == "tracked"
        && $0["fromName"] as? String == "Ann Lée"
    })
    // The password went nowhere it could be read.
    for output in [indexed, tracked, synced] {
      #expect(!output.stdout.contains(server.password) && !output.stderr.contains(server.password))
    }
    let indexFile = try Data(contentsOf: f.root.appendingPathComponent("index-imap/index.sqlite"))
    #expect(indexFile.range(of: Data(server.password.utf8)) == nil)
  }

  @Test func startTLSOnThePlainPortWithAPasswordCommand() throws {
    var f = try F.imported()
    let (server, user) = try serverWithMail(&f)
    let url = "imap://\(user)@localhost:\(server.port)"
    let secret = f.root.appendingPathComponent("secret")
    try (server.password + "\nsecond line\n").write(to: secret, atomically: true, encoding: .utf8)
    let result = try CLIRunner.run(
      ["timeline", "--record", "account:a-fab", "--json", "--imap-password-command",
       "cat '\(secret.path)'"] + imapSources(f, server, user, url: url),
      environment: ["AUTOCAPTURE_IMAP_PASSWORD": ""])
    let t = try json(result)
    let fromMaildir = try f.timeline("account:a-fab")
    #expect(emails(t) == emails(fromMaildir))

    // Without the CA the certificate is not trusted: reported, nothing indexed.
    let untrusted = try CLIRunner.run(
      ["index", "--imap", url, "--index-dir", f.root.appendingPathComponent("other").path],
      environment: env(server))
    #expect(untrusted.status == 0)
    #expect(untrusted.stdout.contains("0 in the index"))
    #expect(untrusted.stdout.contains("TLS with localhost failed"), "\(untrusted.stdout)")
  }

  @Test func aWrongPasswordIsOneLineAndStatus1() throws {
    let server = try TestIMAPServer.require()
    let user = try TestIMAPServer.freshUser()
    let f = try F.imported()
    for url in ["imaps://\(user)@localhost:\(server.imapsPort)",
                "imap://\(user)@127.0.0.1:\(server.port)"] {
      let result = try CLIRunner.run(
        ["timeline", "--record", "account:a-fab"] + imapSources(f, server, user, url: url),
        environment: env(server, password: "not-the-password"))
      #expect(result.status == 1)
      let host = url.hasPrefix("imaps") ? "localhost" : "127.0.0.1"
      #expect(result.stderr == "Error: authentication failed for \(user)@\(host)\n")
      #expect(!result.stderr.contains("not-the-password"))
    }
  }

  @Test func aNewUIDValidityReadsTheFolderAgainAndExpungesLeave() throws {
    var f = try F.imported()
    let (server, user) = try serverWithMail(&f)
    let sources = imapSources(f, server, user)
    let timeline = ["timeline", "--record", "account:a-fab", "--json"] + sources
    let first = try json(CLIRunner.run(timeline, environment: env(server)))
    #expect(F.ids(first).contains("mail:<deal@t>"))

    // Dovecot gives the inbox a new UIDVALIDITY when its UID list is gone.
    let inbox = server.maildir(of: user)
    for name in try FileManager.default.contentsOfDirectory(atPath: inbox.path)
    where name.hasPrefix("dovecot") {
      try FileManager.default.removeItem(at: inbox.appendingPathComponent(name))
    }
    try f.message(mailbox: inbox, id: "<new@t>", date: "Sun, 22 Nov 2026 14:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "After the reset")
    server.handOver(user)
    let second = try json(CLIRunner.run(timeline, environment: env(server)))
    #expect(F.ids(second).contains("mail:<new@t>"))
    #expect(F.ids(second).filter { $0 == "mail:<deal@t>" }.count == 1)
    #expect(emails(second).count == emails(first).count + 1)

    // A message deleted on the server leaves the timeline.
    let sent = inbox.appendingPathComponent(".Sent/cur")
    for name in try FileManager.default.contentsOfDirectory(atPath: sent.path) {
      try FileManager.default.removeItem(at: sent.appendingPathComponent(name))
    }
    let third = try json(CLIRunner.run(timeline, environment: env(server)))
    #expect(!F.ids(third).contains("mail:<reply@t>"))
    #expect(F.ids(third).contains("mail:<deal@t>"))
  }

  @Test func anUnreachableServerLeavesTheIndexedMailWithANoticeSinceWhenAndTrackingWaits()
    throws
  {
    var f = try F.imported()
    let (server, user) = try serverWithMail(&f)
    let forwarder = try TCPForwarder(to: Int(server.imapsPort)!)
    let sources = imapSources(
      f, server, user, url: "imaps://\(user)@localhost:\(forwarder.port)")
    let timeline = ["timeline", "--record", "account:a-fab", "--json"] + sources
    let before = try json(CLIRunner.run(timeline, environment: env(server)))
    #expect(emails(before).count == 5)
    // One connection served the whole sync, every folder of it.
    #expect(forwarder.connections == 1)

    forwarder.cutOff()
    let started = Date()
    let result = try CLIRunner.run(timeline, environment: env(server))
    let after = try json(result)
    #expect(Date().timeIntervalSince(started) < 20)
    #expect(emails(after) == emails(before))
    let problems = after["problems"] as? [String] ?? []
    #expect(problems.count == 1)
    #expect(problems.first?.contains("imaps://\(user)@localhost:\(forwarder.port) unreachable since 20")
      == true, "\(problems)")
    #expect(result.stderr.contains("warning: imaps://"))

    // The notice keeps the time it was first unreachable.
    let later = try json(CLIRunner.run(timeline, environment: env(server)))
    #expect(later["problems"] as? [String] == problems)

    // A track request made while the server is down waits, pending: the body cannot be had
    // now, which says nothing about the item.
    let tracked = try CLIRunner.run(
      ["track", "--record", "account:a-fab", "--item", "mail:<deal@t>"] + sources,
      environment: env(server))
    #expect(tracked.status == 0, "\(tracked.stderr)")
    let waiting = try CLIRunner.run(["sync"] + sources, environment: env(server))
    #expect(waiting.status == 0, "\(waiting.stdout) \(waiting.stderr)")
    #expect(waiting.stdout.contains("mail:<deal@t>: still pending"), "\(waiting.stdout)")
    #expect(waiting.stdout.contains("synced 0 of 1 pending request(s); 1 still pending"))
    #expect(waiting.stderr.contains("unreachable since"), "\(waiting.stderr)")
    let meanwhile = try json(CLIRunner.run(timeline, environment: env(server)))
    #expect(F.items(meanwhile).contains {
      $0["id"] as? String == "mail:<deal@t>" && $0["state"] as? String == "pending"
    })
    #expect(meanwhile["problems"] as? [String] == problems)

    // The server is back: the next sync carries the request out, and the notice goes.
    try forwarder.restore()
    let synced = try CLIRunner.run(["sync"] + sources, environment: env(server))
    #expect(synced.status == 0, "\(synced.stderr)")
    #expect(synced.stdout.contains("synced 1 of 1 pending request(s)\n"), "\(synced.stdout)")
    let back = try json(CLIRunner.run(timeline, environment: env(server)))
    #expect(F.items(back).contains {
      $0["messageId"] as? String == "<deal@t>" && $0["state"] as? String == "tracked"
    })
    #expect(back["problems"] as? [String] == [])
    let body = try sqlite(f.db, "SELECT body FROM activity WHERE messageId = '<deal@t>'")
    #expect(body.contains("The terms, as agreed."), "\(body)")
  }

  @Test func aTrackRequestForMailNotYetIndexedWaitsWhileTheServerIsDown() throws {
    var f = try F.imported()
    let (server, user) = try serverWithMail(&f)
    let forwarder = try TCPForwarder(to: Int(server.imapsPort)!)
    let imap = imapSources(f, server, user, url: "imaps://\(user)@localhost:\(forwarder.port)")
    // The item was seen (and its track request filed) from the Maildir; the IMAP index that
    // the sync then reads has never reached the server.
    let tracked = try CLIRunner.run(
      ["track", "--record", "account:a-fab", "--item", "mail:<deal@t>"] + f.sources())
    #expect(tracked.status == 0, "\(tracked.stderr)")
    forwarder.cutOff()
    let waiting = try CLIRunner.run(["sync"] + imap, environment: env(server))
    #expect(waiting.status == 0, "\(waiting.stdout) \(waiting.stderr)")
    #expect(waiting.stdout.contains("1 still pending"), "\(waiting.stdout)")
    try forwarder.restore()
    let synced = try CLIRunner.run(["sync"] + imap, environment: env(server))
    #expect(synced.stdout.contains("synced 1 of 1 pending request(s)\n"), "\(synced.stdout)")
  }

  /// `count` messages from ann in the server user's inbox: a header FETCH of 500 of them
  /// is over 100 kB.
  func fillInbox(_ f: inout CaptureFixture, _ server: TestIMAPServer, _ user: String,
                 count: Int) throws {
    for n in 1...count {
      try f.message(
        mailbox: server.maildir(of: user), id: "<bulk-\(n)@t>",
        date: "Fri, 20 Nov 2026 09:\(String(format: "%02d", n % 60)):00 +0000",
        from: "Ann Lée <ann@fabrikam.example>", cc: "bo@fabrikam.example", subject: "Message number \(n) about the deal")
    }
    server.handOver(user)
  }

  /// "indexed N new messages, M in the index": N and M.
  func indexed(_ result: CLIRunner.Result) -> (new: Int, total: Int)? {
    let words = result.stdout.split(separator: "\n").first?.split(separator: " ") ?? []
    guard words.count > 5, words[0] == "indexed", let new = Int(words[1]),
      let total = Int(words[4]) else { return nil }
    return (new, total)
  }

  @Test func aConnectionDroppedMidFetchKeepsWholeBatchesAndTheNextSyncCompletes() throws {
    let server = try TestIMAPServer.require()
    let user = try TestIMAPServer.freshUser()
    var f = try F.imported()
    try fillInbox(&f, server, user, count: 600)
    let forwarder = try TCPForwarder(to: Int(server.imapsPort)!)
    let index = ["index"] + Array(
      imapSources(f, server, user, url: "imaps://\(user)@localhost:\(forwarder.port)")
        .drop { $0 != "--imap" })
    // Every connection is dropped some way into the header FETCH (a batch of 500 headers
    // is far more than the TLS handshake, LIST, EXAMINE and SEARCH before it).
    forwarder.drop(afterServerBytes: 60_000)
    let cut = try CLIRunner.run(index, environment: env(server))
    #expect(cut.status == 0, "\(cut.stderr)")
    let partial = try #require(indexed(cut), "\(cut.stdout)")
    // Each batch is written in one transaction: whole batches or nothing.
    #expect(partial.total % 500 == 0 && partial.total < 600, "\(cut.stdout)")
    #expect(cut.stdout.contains("unreachable since 20"), "\(cut.stdout)")
    #expect(cut.stdout.contains("closed the connection"), "\(cut.stdout)")
    #expect(forwarder.connections == 4)  // the first and three more tries

    forwarder.forwardWhole()
    let resumed = try CLIRunner.run(index, environment: env(server))
    let whole = try #require(indexed(resumed), "\(resumed.stdout)")
    #expect(whole.new == 600 - partial.total && whole.total == 600, "\(resumed.stdout)")
    #expect(!resumed.stdout.contains("unreachable"), "\(resumed.stdout)")
    let t = try json(CLIRunner.run(
      ["timeline", "--record", "account:a-fab", "--json"]
        + imapSources(f, server, user, url: "imaps://\(user)@localhost:\(forwarder.port)"),
      environment: env(server)))
    #expect(F.ids(t).filter { $0.hasPrefix("mail:<bulk-") }.count == 50)
  }

  @Test func aConnectionDroppedOnceMidFetchIsMadeAgainWithinTheSync() throws {
    let server = try TestIMAPServer.require()
    let user = try TestIMAPServer.freshUser()
    var f = try F.imported()
    try fillInbox(&f, server, user, count: 700)
    let forwarder = try TCPForwarder(to: Int(server.imapsPort)!)
    forwarder.drop(afterServerBytes: 60_000, connections: 1)
    let result = try CLIRunner.run(
      ["index"] + Array(
        imapSources(f, server, user, url: "imaps://\(user)@localhost:\(forwarder.port)")
          .drop { $0 != "--imap" }), environment: env(server))
    #expect(result.stdout.hasPrefix("indexed 700 new messages, 700 in the index"),
            "\(result.stdout)")
    #expect(!result.stdout.contains("unreachable"), "\(result.stdout)")
    #expect(forwarder.connections == 2)
  }

  /// Holds the index directory's refresh lock, as a refresh in another process does.
  func holdIndexLock(_ indexDir: URL) throws -> Int32 {
    try FileManager.default.createDirectory(at: indexDir, withIntermediateDirectories: true)
    let fd = open(indexDir.appendingPathComponent("index.lock").path, O_RDWR | O_CREAT, 0o600)
    guard fd >= 0, flock(fd, LOCK_EX) == 0 else {
      throw F.FixtureError.failed("cannot lock the index")
    }
    return fd
  }

  @Test func aRecordOpenedWhileAnotherProcessReadsTheFirstSyncIsAnsweredByAServerSearch()
    throws
  {
    var f = try F.imported()
    let (server, user) = try serverWithMail(&f)
    // Mail of no address of the record: a search must not bring it.
    try f.message(mailbox: server.maildir(of: user), id: "<other@t>",
                  date: "Sun, 22 Nov 2026 15:00:00 +0000", from: "joann@fabrikam.example",
                  subject: "Someone else")
    server.handOver(user)
    let sources = imapSources(f, server, user)
    let indexDir = f.root.appendingPathComponent("index-imap")
    // An `index` of this empty index is under way elsewhere: it holds the lock.
    let held = try holdIndexLock(indexDir)
    let fromMaildir = try f.timeline("account:a-fab")
    let started = Date()
    let searched = try json(CLIRunner.run(
      ["timeline", "--record", "account:a-fab", "--json"] + sources, environment: env(server)))
    #expect(Date().timeIntervalSince(started) < 20)
    #expect(emails(searched) == emails(fromMaildir))
    #expect(!F.ids(searched).contains("mail:<other@t>"))
    let problems = searched["problems"] as? [String] ?? []
    #expect(problems.count == 1 && problems[0].contains("still being indexed for the first time"),
            "\(problems)")

    // Tracked meanwhile: the body comes from the server.
    let tracked = try CLIRunner.run(
      ["track", "--record", "account:a-fab", "--item", "mail:<reply@t>"] + sources,
      environment: env(server))
    #expect(tracked.status == 0, "\(tracked.stderr)")
    let synced = try CLIRunner.run(["sync"] + sources, environment: env(server))
    #expect(synced.stdout.contains("synced 1 of 1 pending request(s)\n"), "\(synced.stdout)")

    // The other refresh is done (here: never ran); this one reads the server whole.
    flock(held, LOCK_UN)
    close(held)
    let indexed = try json(CLIRunner.run(
      ["timeline", "--record", "account:a-fab", "--json"] + sources, environment: env(server)))
    #expect(indexed["problems"] as? [String] == [])
    #expect(emails(indexed).count == emails(fromMaildir).count)
    #expect(F.items(indexed).contains {
      $0["messageId"] as? String == "<reply@t>" && $0["state"] as? String == "tracked"
    })
  }

  @Test func foldersNamedInModifiedUTF7AreShownDecodedAndReadByTheirServerNames() throws {
    let server = try TestIMAPServer.require()
    let user = try TestIMAPServer.freshUser()
    var f = try F.imported()
    let serverMail = server.maildir(of: user)
    // Dovecot keeps a mailbox's modified UTF-7 name on disk: `日本語` is `&ZeVnLIqe-`.
    try f.message(mailbox: serverMail, folder: ".&ZeVnLIqe-", id: "<jp@t>",
                  date: "Fri, 20 Nov 2026 09:00:00 +0000", from: "ann@fabrikam.example",
                  subject: "In 日本語", body: "Filed under Japanese.\n")
    try f.message(mailbox: serverMail, folder: ".Entw&APw-rfe", id: "<de@t>",
                  date: "Fri, 20 Nov 2026 10:00:00 +0000", from: "ann@fabrikam.example",
                  subject: "In Entwürfe")
    server.handOver(user)
    let sources = imapSources(f, server, user)
    let t = try json(CLIRunner.run(
      ["timeline", "--record", "account:a-fab", "--json"] + sources, environment: env(server)))
    #expect(F.ids(t).contains("mail:<jp@t>") && F.ids(t).contains("mail:<de@t>"))
    let index = f.root.appendingPathComponent("index-imap/index.sqlite").path
    let folders = try sqlite(index, "SELECT folder FROM dir ORDER BY folder")
    #expect(folders.contains("日本語\n") && folders.contains("Entwürfe\n"), "\(folders)")
    #expect(!folders.contains("&"), "\(folders)")
    let messageFolders = try sqlite(index, "SELECT folder FROM message ORDER BY folder")
    #expect(messageFolders.contains("日本語"), "\(messageFolders)")

    // Its body is asked for under the server's name.
    let tracked = try CLIRunner.run(
      ["track", "--record", "account:a-fab", "--item", "mail:<jp@t>"] + sources,
      environment: env(server))
    #expect(tracked.status == 0, "\(tracked.stderr)")
    let synced = try CLIRunner.run(["sync"] + sources, environment: env(server))
    #expect(synced.stdout.contains("synced 1 of 1 pending request(s)\n"), "\(synced.stdout)")
    let body = try sqlite(f.db, "SELECT body FROM activity WHERE messageId = '<jp@t>'")
    #expect(body.contains("Filed under Japanese."), "\(body)")
  }

  func sqlite(_ db: String, _ sql: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["sqlite3", db, sql]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self)
  }
}

/// The TUI of someone whose mail is only on the IMAP server, under tmux: browse to a
/// record, open a tile (its body read from the server), track it, see it tracked.
@Suite(.serialized, .requires("tmux"),
       .enabled(if: !TestIMAPServer.skipped,
                "AUTOCAPTURE_SKIP_SERVERS names dovecot: the IMAP tests are skipped"))
struct IMAPTUIEndToEndTests {
  @Test func theTUIOverIMAPOpensABodyFromTheServerAndTracksIt() throws {
    let cli = IMAPEndToEndTests()
    var f = try CaptureFixture.imported()
    let (server, user) = try cli.serverWithMail(&f)
    let sources = cli.imapSources(f, server, user)
    let command = ([CLIRunner.binary.path, "tui"] + sources).map { "'\($0)'" }
      .joined(separator: " ")
    let tmux = try TmuxSession(
      command: command, width: 100, height: 30,
      environment: CaptureFixture.tuiEnvironment.merging(cli.env(server)) { $1 })
    defer { tmux.kill() }

    try tmux.waitFor("Accounts", timeout: .seconds(30))
    try tmux.send(keys: "/")
    try tmux.type("ann")
    try tmux.send(keys: "Enter")
    try tmux.waitFor("Ann Lee · Contact")
    try tmux.send(keys: "Tab")
    _ = try tmux.waitUntil("the private tiles", timeout: .seconds(30)) {
      $0.contains("Private email") && $0.contains("Deal terms ✓")
    }
    // Down to the tile of <deal@t>: the selected tile's border carries ▸.
    func selectedSubject(_ screen: String) -> String? {
      let lines = screen.components(separatedBy: "\n")
      guard let top = lines.firstIndex(where: { $0.contains("▸") }), top + 1 < lines.count
      else { return nil }
      return lines[top + 1]
    }
    var screen = try tmux.capture()
    for _ in 0..<6 where !(selectedSubject(screen)?.contains("Deal terms ✓") ?? false) {
      try tmux.send(keys: "j")
      Thread.sleep(forTimeInterval: 0.2)
      screen = try tmux.capture()
    }
    #expect(selectedSubject(screen)?.contains("Deal terms ✓") == true, "\(screen)")

    try tmux.send(keys: "Enter")
    try tmux.waitFor("The terms, as agreed.", timeout: .seconds(20))
    try tmux.send(keys: "Enter")
    try tmux.send(keys: "t")
    try tmux.waitFor("Tracking pending")
    screen = try tmux.waitUntil("the tile turned tracked", timeout: .seconds(30)) {
      !$0.contains("Tracking pending") && $0.contains("Deal terms ✓")
    }
    #expect(!screen.contains("failed"), "\(screen)")
    try tmux.send(keys: "q")

    let after = try cli.json(CLIRunner.run(
      ["timeline", "--record", "contact:c-ann", "--json"] + sources,
      environment: cli.env(server)))
    #expect(CaptureFixture.items(after).contains {
      $0["messageId"] as? String == "<deal@t>" && $0["state"] as? String == "tracked"
    }, "\(after)")
    let body = try cli.sqlite(f.db, "SELECT body FROM activity WHERE messageId = '<deal@t>'")
    #expect(body.contains("The terms, as agreed."), "\(body)")
  }
}
