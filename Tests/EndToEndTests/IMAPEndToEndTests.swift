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

/// A TCP forwarder on 127.0.0.1 to the test server that a test can cut: the server as seen
/// by the client goes away mid-run without stopping the Dovecot other tests use.
final class CuttableForwarder: @unchecked Sendable {
  let port: Int
  private let listener: Int32
  private let target: Int
  private let lock = NSLock()
  private var sockets: [Int32] = []
  private var cut = false

  init(to target: Int) throws {
    self.target = target
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
        bind(listener, pointer, length) == 0 && listen(listener, 16) == 0
          && getsockname(listener, pointer, &length) == 0
      }
    }
    guard bound else { throw CaptureFixture.FixtureError.failed("forwarder: cannot listen") }
    self.listener = listener
    port = Int(UInt16(bigEndian: address.sin_port))
    Thread { [self] in acceptLoop() }.start()
  }

  private func acceptLoop() {
    while true {
      let client = accept(listener, nil, nil)
      guard client >= 0 else { return }
      let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      address.sin_port = UInt16(target).bigEndian
      let connected = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(server, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
      }
      lock.lock()
      let isCut = cut
      sockets += [client, server]
      lock.unlock()
      guard connected, !isCut else {
        close(client)
        close(server)
        continue
      }
      Thread { CuttableForwarder.pump(from: client, to: server) }.start()
      Thread { CuttableForwarder.pump(from: server, to: client) }.start()
    }
  }

  private static func pump(from: Int32, to: Int32) {
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = read(from, &buffer, buffer.count)
      if n <= 0 { break }
      var sent = 0
      while sent < n {
        let w = buffer[sent..<n].withUnsafeBytes { write(to, $0.baseAddress, n - sent) }
        if w <= 0 { shutdown(from, Int32(SHUT_RDWR)); return }
        sent += w
      }
    }
    shutdown(to, Int32(SHUT_RDWR))
  }

  /// Stops listening and drops every connection: the server is now unreachable.
  func cutOff() {
    lock.lock()
    cut = true
    let open = sockets
    lock.unlock()
    shutdown(listener, Int32(SHUT_RDWR))
    close(listener)
    for s in open { shutdown(s, Int32(SHUT_RDWR)) }
  }

  deinit { if !cut { cutOff() } }
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
    let server = try TestIMAPServer.require()
    let user = try TestIMAPServer.freshUser()
    var f = try F.imported()
    try writeBoth(&f, server: server, user: user)

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
    let server = try TestIMAPServer.require()
    let user = try TestIMAPServer.freshUser()
    var f = try F.imported()
    try writeBoth(&f, server: server, user: user)
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
    let server = try TestIMAPServer.require()
    let user = try TestIMAPServer.freshUser()
    var f = try F.imported()
    try writeBoth(&f, server: server, user: user)
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

  @Test func anUnreachableServerLeavesTheIndexedMailWithANoticeSinceWhen() throws {
    let server = try TestIMAPServer.require()
    let user = try TestIMAPServer.freshUser()
    var f = try F.imported()
    try writeBoth(&f, server: server, user: user)
    let forwarder = try CuttableForwarder(to: Int(server.imapsPort)!)
    let sources = imapSources(
      f, server, user, url: "imaps://\(user)@localhost:\(forwarder.port)")
    let timeline = ["timeline", "--record", "account:a-fab", "--json"] + sources
    let before = try json(CLIRunner.run(timeline, environment: env(server)))
    #expect(emails(before).count == 5)

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

    // The body of an item cannot be had: tracking it fails, saying nothing private.
    let tracked = try CLIRunner.run(
      ["track", "--record", "account:a-fab", "--item", "mail:<deal@t>"] + sources,
      environment: env(server))
    #expect(tracked.status == 0, "\(tracked.stderr)")
    let synced = try CLIRunner.run(["sync"] + sources, environment: env(server))
    #expect(synced.status == 2)
    #expect(synced.stdout.contains("could not be read from your mailbox"), "\(synced.stdout)")
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
