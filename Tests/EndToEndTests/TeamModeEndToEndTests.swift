import Foundation
import Testing
import TestSupport

/// Team mode through the real binary: `--db postgresql://…` on the throwaway server of
/// scripts/servers/postgres.sh (built with every trait, as scripts/test builds it).
@Suite(.enabled(if: !TestServers.skipped("postgres"), "AUTOCAPTURE_SKIP_SERVERS names postgres"))
struct TeamModeEndToEndTests {
  typealias F = CaptureFixture

  /// The superuser's URL on a new, empty database.
  static func freshDatabase() throws -> String {
    let admin = try TestServers.value("AUTOCAPTURE_TEST_PG_URL", server: "postgres")
    let name = TestServers.uniqueName("e2e")
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["psql", "-q", "-v", "ON_ERROR_STOP=1", admin, "-c",
                         "CREATE DATABASE \(name)"]
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { throw F.FixtureError.failed("psql: CREATE DATABASE") }
    guard let slash = admin.lastIndex(of: "/") else { throw F.FixtureError.failed(admin) }
    return String(admin[..<slash]) + "/" + name
  }

  static func withoutPassword(_ url: String) -> (url: String, password: String) {
    // postgresql://USER:PASSWORD@HOST...
    let afterScheme = url.range(of: "://")!.upperBound
    let at = url.range(of: "@")!.lowerBound
    let userInfo = url[afterScheme..<at]
    let colon = userInfo.firstIndex(of: ":")!
    return (String(url[..<colon] + url[at...]),
            String(userInfo[userInfo.index(after: colon)...]))
  }

  @Test func importTimelineTrackAndSyncWorkOnPostgreSQL() throws {
    let db = try Self.freshDatabase()
    let (bare, password) = Self.withoutPassword(db)
    var f = try CaptureFixture(db: db)
    let imported = try f.importCRM()
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.stdout.hasPrefix("imported "))
    #expect(!imported.stdout.contains(password))
    try f.message(id: "<deal@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "Ann Lee <ann@fabrikam.example>", subject: "Deal terms")
    #expect(F.ids(try f.timeline("account:a-fab")).contains("mail:<deal@t>"))

    let tracked = try CLIRunner.run(
      ["track", "--record", "account:a-fab", "--item", "mail:<deal@t>"] + f.sources())
    #expect(tracked.status == 0, "\(tracked.stderr)")
    #expect(tracked.stdout.hasPrefix("tr-"))
    let pending = F.items(try f.timeline("account:a-fab")).first { $0["id"] as? String == "mail:<deal@t>" }
    #expect(pending?["state"] as? String == "pending")

    // The password from PGPASSWORD, as libpq takes it, and never printed.
    let synced = try CLIRunner.run(
      ["sync", "--db", bare, "--user", "dana", "--maildir", f.maildir.path,
       "--index-dir", f.indexDir, "--now", F.now], environment: ["PGPASSWORD": password])
    #expect(synced.status == 0, "\(synced.stderr)")
    #expect(synced.stdout.contains("synced 1 of 1"))
    let eli = try f.timeline("account:a-fab", user: "eli", withMail: false)
    #expect(F.items(eli).contains {
      $0["messageId"] as? String == "<deal@t>" && $0["state"] as? String == "tracked"
    })
    let addresses = try CLIRunner.run(["addresses", "--record", "account:a-fab", "--db", db])
    #expect(addresses.status == 0 && addresses.stdout.contains("ann@fabrikam.example"))
    let settings = try CLIRunner.run(["settings", "--db", db, "--user", "eli",
                                      "--show-untracked", "no"])
    #expect(settings.status == 0 && settings.stdout.contains("Activities list: No"))
  }

  @Test func anEmptyDatabaseABadURLAndAnUnknownDatabaseAreOneLineEach() throws {
    let db = try Self.freshDatabase()
    let (_, password) = Self.withoutPassword(db)
    let unknownDB = String(db[..<db.lastIndex(of: "/")!]) + "/no_such_db"
    let cases: [(String, String)] = [
      (db, "is empty, not an AutoCapture CRM database"),
      (unknownDB, "has no database 'no_such_db'"),
      ("postgresql://dana:\(password)@127.0.0.1/", "bad PostgreSQL URL: no database name"),
      (db.replacingOccurrences(of: ":\(password)@", with: ":wrong@"), "refused the login"),
    ]
    for (url, expected) in cases {
      let result = try CLIRunner.run(["timeline", "--record", "account:a-fab", "--db", url,
                                      "--user", "dana"])
      #expect(result.status == 1)
      #expect(result.stderr.hasPrefix("Error: ") && result.stderr.contains(expected),
              "\(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1)
      #expect(!result.stderr.contains(password))
    }
  }

  /// The server of scripts/servers/postgres.sh offers TLS with a certificate signed by a
  /// CA made for the run; `--tls-ca-file` is the one way to trust it, as for IMAP.
  @Test func verifyFullTrustsTheCAOfTlsCAFileAndRefusesAnotherInOneLine() throws {
    let ca = try TestServers.value("AUTOCAPTURE_TEST_PG_CA_FILE", server: "postgres")
    let otherCA = try TestServers.value("AUTOCAPTURE_TEST_PG_OTHER_CA_FILE", server: "postgres")
    let plain = try Self.freshDatabase()
    let (_, password) = Self.withoutPassword(plain)
    var f = try CaptureFixture(db: plain + "?sslmode=verify-full")
    let imported = try CLIRunner.run(["import", try f.writeImportFile(), "--db", f.db,
                                      "--tls-ca-file", ca])
    #expect(imported.status == 0, "\(imported.stderr)")
    try f.message(id: "<tls@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "Ann Lee <ann@fabrikam.example>", subject: "Over TLS")
    let timeline = ["timeline", "--record", "account:a-fab", "--json"] + f.sources()
    let trusted = try CLIRunner.run(timeline + ["--tls-ca-file", ca])
    #expect(trusted.status == 0, "\(trusted.stderr)")
    #expect(trusted.stdout.contains("<tls@t>"))
    let required = try CLIRunner.run(
      ["addresses", "--record", "account:a-fab", "--db", plain + "?sslmode=require"])
    #expect(required.status == 0, "\(required.stderr)")

    let server = String(plain.split(separator: "@")[1].split(separator: "/")[0])
    for extra in [["--tls-ca-file", otherCA], []] {
      let refused = try CLIRunner.run(timeline + extra)
      #expect(refused.status == 1)
      #expect(refused.stderr.hasPrefix("Error: TLS with PostgreSQL server \(server) failed: its "
        + "certificate is not trusted (sslmode=verify-full;"), "\(refused.stderr)")
      #expect(refused.stderr.split(separator: "\n").count == 1)
      #expect(!refused.stderr.contains(password) && !refused.stdout.contains(password))
    }
    let missing = try CLIRunner.run(timeline + ["--tls-ca-file", f.root.path + "/no-ca.pem"])
    #expect(missing.status == 1)
    #expect(missing.stderr.contains("no CA file at \(f.root.path)/no-ca.pem"), "\(missing.stderr)")
  }

  @Test func twoPeopleTrackingOneMessageAtOnceStoreItOnceLinkedToBothRecords() throws {
    var f = try CaptureFixture(db: try Self.freshDatabase())
    #expect(try f.importCRM().status == 0)
    try TwoPeopleAtOnce.check(&f)
  }

  @Test func aTeammatesTrackedItemAppearsOnAnOpenTimelineWithinSeconds() throws {
    var f = try CaptureFixture(db: try Self.freshDatabase())
    #expect(try f.importCRM().status == 0)
    try f.message(id: "<live@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "Ann Lee <ann@fabrikam.example>", subject: "Live terms")
    // Eli has Ann's timeline open, with no mailbox of his own.
    let eliCommand = ([CLIRunner.binary.path, "tui"] + f.sources(user: "eli", withMail: false))
      .map { "'\($0)'" }.joined(separator: " ")
    let eli = try TmuxSession(command: eliCommand, width: 100, height: 30,
                              environment: F.tuiEnvironment)
    defer { eli.kill() }
    try eli.focusAnnsTimeline()
    #expect(try !eli.capture().contains("Live terms"))
    // Dana tracks it from her mailbox and syncs, in another terminal.
    let tracked = try CLIRunner.run(
      ["track", "--record", "contact:c-ann", "--item", "mail:<live@t>"] + f.sources())
    #expect(tracked.status == 0, "\(tracked.stderr)")
    #expect(try CLIRunner.run(["sync"] + f.sources()).status == 0)
    let screen = try eli.waitFor("Live terms", timeout: .seconds(5))
    #expect(screen.contains("Live terms"))
    try eli.send(keys: "q")
  }
}

/// Dana and Eli both have one message and track it at the same moment, from two records,
/// each with `track` then `sync` in processes of their own: one activity, both records.
enum TwoPeopleAtOnce {
  static func check(_ f: inout CaptureFixture) throws {
    try f.message(id: "<both@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "Ann Lee <ann@fabrikam.example>",
                  to: "dana@contoso.example, eli@contoso.example", subject: "For you both")
    let people = [("dana", "account:a-fab"), ("eli", "contact:c-ann")]
    let fixture = f
    let results = Results()
    DispatchQueue.concurrentPerform(iterations: people.count) { k in
      let (user, record) = people[k]
      do {
        for command in ["track", "sync"] {
          let extra = command == "track" ? ["--record", record, "--item", "mail:<both@t>"] : []
          let result = try CLIRunner.run([command] + extra + fixture.sources(user: user))
          results.add("\(user) \(command): \(result.status) \(result.stderr)")
        }
      } catch {
        results.add("\(user): \(error)")
      }
    }
    #expect(results.lines.sorted() == ["dana sync: 0 ", "dana track: 0 ", "eli sync: 0 ",
                                       "eli track: 0 "])
    var ids: [String] = []
    for (_, record) in people {
      let copies = CaptureFixture.items(try f.timeline(record, user: "eli", withMail: false))
        .filter { $0["messageId"] as? String == "<both@t>" }
      #expect(copies.count == 1, "\(record)")
      #expect(copies.first?["state"] as? String == "tracked")
      ids += copies.compactMap { $0["id"] as? String }
    }
    #expect(ids.count == 2 && ids[0] == ids[1], "\(ids)")
  }

  final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ line: String) { lock.withLock { list.append(line) } }
    var lines: [String] { lock.withLock { list } }
  }
}

/// The same on the SQLite store: two processes writing one file.
@Suite struct TwoPeopleAtOnceOnSQLiteTests {
  @Test func twoPeopleTrackingOneMessageAtOnceStoreItOnceLinkedToBothRecords() throws {
    var f = try CaptureFixture.imported()
    try TwoPeopleAtOnce.check(&f)
  }
}
