#if PostgreSQL
import CRMStore
import CaptureCore
import Foundation
import PostgresCRMStore
import TestSupport
import Testing

/// What the PostgreSQL store does beyond the store contract: many people at once, one
/// role per user, the schema's versions, and faults. Needs scripts/servers/postgres.sh.
@Suite(.enabled(if: !PostgresTestServer.skipped, PostgresTestServer.skipComment))
struct PostgresStoreTests {
  static let fabrikam = RecordRef(type: .account, id: "a-fab")
  static let ann = RecordRef(type: .contact, id: "c-ann")
  static let deal = RecordRef(type: .opportunity, id: "o-1")

  static func email(_ messageId: String) -> Activity {
    Activity(id: "", kind: .email, regarding: [], subject: "Deal terms",
             at: CRMStoreContract.at("2026-11-20T09:00:00Z"), messageId: messageId,
             direction: .incoming, from: EmailAddress(normalized: "ann@fabrikam.example"),
             to: [EmailAddress(normalized: "dana@contoso.example")], body: "Terms attached.")
  }

  /// Runs `body` on `count` threads at once and rethrows the first error.
  static func concurrently(_ count: Int, _ body: @Sendable (Int) throws -> Void) throws {
    let errors = LockedList()
    DispatchQueue.concurrentPerform(iterations: count) { index in
      do { try body(index) } catch { errors.append("\(error)") }
    }
    if let first = errors.items.first { throw CRMError.invalid(first) }
  }

  final class LockedList: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func append(_ item: String) { lock.withLock { list.append(item) } }
    var items: [String] { lock.withLock { list } }
  }

  @Test func aDatabaseWithoutTheSchemaIsRefusedExceptByImport() throws {
    let url = try PostgresTestServer.freshDatabase()
    #expect {
      try PostgresCRMStore(url: url)
    } throws: { "\($0)".contains("is empty, not an AutoCapture CRM database") }
    let store = try PostgresCRMStore(url: url, createsSchema: true)
    _ = try store.importData(CRMStoreContract.world.importJSON())
    store.close()
    let again = try PostgresCRMStore(url: url)
    #expect(try again.users().map(\.id) == ["dana", "eli", "fay"])
  }

  @Test func aNewerSchemaIsRefused() throws {
    let store = try PostgresTestServer.store(CRMStoreContract.world)
    store.close()
    try PostgresTestServer.execute(
      ["UPDATE autocaptureSchema SET version = 99"], database: store.url.database)
    #expect {
      try PostgresCRMStore(url: store.url)
    } throws: { "\($0)".contains("newer AutoCapture (schema 99)") }
  }

  @Test func twoPeopleAndFiveSyncsAtOnceStoreOneActivityLinkedToEveryRecord() throws {
    let first = try PostgresTestServer.store(CRMStoreContract.world)
    let url = first.url
    // Each "process" has its own store and connections.
    let stores = try (0..<6).map { _ in try PostgresCRMStore(url: url) }
    let requests = [
      try stores[0].requestTracking(userId: "dana", record: Self.fabrikam,
                                    itemId: "mail:<terms@t>", at: Date()),
      try stores[1].requestTracking(userId: "eli", record: Self.ann,
                                    itemId: "mail:<terms@t>", at: Date()),
      try stores[2].requestTracking(userId: "dana", record: Self.deal,
                                    itemId: "mail:<terms@t>", at: Date()),
    ]
    // Every request finished by two syncs at once; each sees the others' work.
    try Self.concurrently(6) { index in
      let request = requests[index % requests.count]
      try stores[index].completeTracking(
        requestId: request.id, activity: Self.email("<terms@t>"), attachments: [])
    }
    let stored = try first.emailActivities(messageIds: ["<terms@t>"])
    #expect(stored.count == 1)
    #expect(Set(stored.first?.regarding ?? []) == [Self.fabrikam, Self.ann, Self.deal])
    let done = try first.trackRequests(userId: nil, states: ["done"])
    #expect(done.count == 3)
    #expect(Set(done.map(\.state)) == [.done(activityId: stored.first?.id ?? "")])
  }

  @Test func fiveSyncsOfOneMeetingOccurrenceStoreItOnce() throws {
    let first = try PostgresTestServer.store(CRMStoreContract.world)
    let stores = try (0..<5).map { _ in try PostgresCRMStore(url: first.url) }
    let occurrence = CRMStoreContract.at("2026-11-30T09:00:00Z")
    let records = [Self.fabrikam, Self.ann, Self.deal, Self.fabrikam, Self.ann]
    let requests = try records.enumerated().map { index, record in
      try stores[index].requestTracking(
        userId: index < 3 ? "dana" : "eli", record: record,
        itemId: "cal:standup@t/20261130T090000Z", at: Date())
    }
    try Self.concurrently(5) { index in
      let meeting = Activity(
        id: "", kind: .appointment, regarding: [], subject: "Standup", at: occurrence,
        uid: "standup@t", recurrenceId: occurrence)
      try stores[index].completeTracking(requestId: requests[index].id, activity: meeting,
                                         attachments: [])
    }
    let stored = try first.appointmentActivities(uids: ["standup@t"])
    #expect(stored.count == 1)
    #expect(Set(stored.first?.regarding ?? []) == [Self.fabrikam, Self.ann, Self.deal])
  }

  @Test func twoSyncsOfOneUserNeverClaimTheSameRequest() throws {
    let first = try PostgresTestServer.store(CRMStoreContract.world)
    let second = try PostgresCRMStore(url: first.url)
    let request = try first.requestTracking(
      userId: "dana", record: Self.fabrikam, itemId: "mail:<once@t>", at: Date())
    let claims = LockedList()
    try Self.concurrently(2) { index in
      for claimed in try [first, second][index].claimPendingRequests(userId: "dana") {
        claims.append(claimed.id)
      }
    }
    #expect(claims.items == [request.id])
    #expect(try second.claimPendingRequests(userId: "dana").isEmpty)
    // Failing it ends the claim; asking again makes it pending and claimable once more.
    try first.failTracking(requestId: request.id, reason: "no longer in your mailbox")
    _ = try second.requestTracking(
      userId: "dana", record: Self.fabrikam, itemId: "mail:<once@t>", at: Date())
    #expect(try second.claimPendingRequests(userId: "dana").map(\.id) == [request.id])
    // A claim left by a sync that died ends with its lease.
    try PostgresTestServer.execute(
      ["UPDATE trackRequest SET claimedUntil = now() - interval '1 second'"],
      database: first.url.database)
    #expect(try first.claimPendingRequests(userId: "dana").map(\.id) == [request.id])
  }

  @Test func anOpenTimelineHearsOfATeammatesTrackedItemAndOfALostConnection() throws {
    let watcher = try PostgresTestServer.store(CRMStoreContract.world)
    let teammate = try PostgresCRMStore(url: watcher.url)
    let heard = LockedList()
    let stop = watcher.watchActivities(
      changed: { records in heard.append(records.map(\.description).joined(separator: ",")) },
      connection: { heard.append("connection: \($0 ?? "back")") })
    defer { stop() }
    func waitFor(_ seconds: Double = 10, _ what: @escaping (String) -> Bool) -> Bool {
      for _ in 0..<Int(seconds * 10) where !heard.items.contains(where: what) {
        Thread.sleep(forTimeInterval: 0.1)
      }
      return heard.items.contains(where: what)
    }
    // A notification sent before the listener has connected is not heard (nor needed: the
    // timeline loads after), so a teammate tracks items until one is.
    var attempt = 0
    repeat {
      attempt += 1
      let request = try teammate.requestTracking(
        userId: "eli", record: Self.ann, itemId: "mail:<live-\(attempt)@t>", at: Date())
      try teammate.completeTracking(
        requestId: request.id, activity: Self.email("<live-\(attempt)@t>"), attachments: [])
    } while !waitFor(0.5, { $0 == Self.ann.description }) && attempt < 20
    #expect(heard.items.contains(Self.ann.description))
    try PostgresTestServer.execute(["""
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = '\(watcher.url.database)' AND pid <> pg_backend_pid()
      """])
    #expect(waitFor { $0.hasPrefix("connection: ") && $0.contains(watcher.url.server) })
    #expect(waitFor { $0 == "connection: back" })
  }

  /// docs/team-mode.md's role setup, as a team would run it.
  static func createRoles(database: String, team: String, users: [String]) throws {
    var statements = [
      "CREATE ROLE \(team) NOLOGIN",
      "GRANT CONNECT ON DATABASE \(database) TO \(team)",
    ]
    for user in users {
      statements.append("CREATE ROLE \"\(user)\" LOGIN PASSWORD 'pw-\(user)' IN ROLE \(team)")
    }
    try PostgresTestServer.execute(statements)
    try PostgresTestServer.execute(PostgresTeamRoles.grants(to: team), database: database)
  }

  /// A database holding `content`, and a store for each of two team members logged in as
  /// themselves with the team's grants (`createRoles`).
  static func teamMembers(_ content: CRMContent, _ dana: String, _ eli: String) throws
    -> (PostgresCRMStore, PostgresCRMStore) {
    let admin = try PostgresTestServer.store(content)
    try createRoles(database: admin.url.database, team: TestServers.uniqueName("team"),
                    users: [dana, eli])
    func store(as user: String) throws -> PostgresCRMStore {
      var url = admin.url
      url.user = user
      url.password = "pw-\(user)"
      return try PostgresCRMStore(url: url)
    }
    return (try store(as: dana), try store(as: eli))
  }

  @Test func aUserReadsAndWritesOnlyTheirOwnTrackRequests() throws {
    let dana = TestServers.uniqueName("dana"), eli = TestServers.uniqueName("eli")
    var content = CRMStoreContract.world
    // Roles are the server's, not the database's: names no other test uses.
    content.users[0].id = dana
    content.users[1].id = eli
    content.activities = content.activities.map { activity in
      var renamed = activity
      renamed.owner = ["dana": dana, "eli": eli][activity.owner ?? ""] ?? activity.owner
      return renamed
    }
    let (asDana, asEli) = try Self.teamMembers(content, dana, eli)
    let request = try asDana.requestTracking(
      userId: dana, record: Self.fabrikam, itemId: "mail:<private@t>", at: Date())
    #expect(try asDana.trackRequests(userId: nil, states: ["pending"]).map(\.id) == [request.id])
    #expect(try asEli.trackRequests(userId: nil, states: ["pending", "failed", "done"]).isEmpty)
    #expect(try asEli.trackRequests(userId: dana, states: ["pending"]).isEmpty)
    #expect(throws: CRMError.unknownTrackRequest(request.id)) {
      try asEli.failTracking(requestId: request.id, reason: "spite")
    }
    #expect(throws: CRMError.unknownTrackRequest(request.id)) {
      try asEli.completeTracking(requestId: request.id, activity: Self.email("<private@t>"),
                                 attachments: [])
    }
    #expect {
      try asEli.requestTracking(userId: dana, record: Self.fabrikam, itemId: "mail:<x@t>",
                                at: Date())
    } throws: { "\($0)".contains("row-level security") }
    // Dana's own sync completes it, and the team sees the activity.
    let activityId = try asDana.completeTracking(
      requestId: request.id, activity: Self.email("<private@t>"), attachments: [])
    #expect(try asEli.activity(id: activityId)?.messageId == "<private@t>")
    #expect(try asEli.activities(regarding: Self.fabrikam).contains { $0.id == activityId })
    try asEli.setShowUntracked(userId: eli, false)
  }

  /// A team member untracks with the team's grants: the activity goes, another member's
  /// pending request for it there fails (row-level security hides it from the untracker),
  /// her done request forgets the activity, and the trail is read by all, written in one's
  /// own name only.
  @Test func aTeamMemberUntracksUnderRowLevelSecurity() throws {
    let dana = TestServers.uniqueName("dana"), eli = TestServers.uniqueName("eli")
    var content = CRMStoreContract.world
    content.users[0].id = dana
    content.users[1].id = eli
    content.activities = []
    let (asDana, asEli) = try Self.teamMembers(content, dana, eli)
    let item = "mail:<shared@t>"
    let elis = try asEli.requestTracking(userId: eli, record: Self.fabrikam, itemId: item,
                                         at: Date())
    let danas = try asDana.requestTracking(userId: dana, record: Self.fabrikam, itemId: item,
                                           at: Date())
    let activityId = try asDana.completeTracking(
      requestId: danas.id, activity: Self.email("<shared@t>"), attachments: [])
    // Whole seconds, as both stores keep them exactly.
    let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    let entry = TrackingAuditEntry(at: now, userId: dana, activityId: activityId,
                                   itemId: item, from: Self.fabrikam)
    #expect {
      try asEli.untrack(TrackingAuditEntry(at: Date(), userId: dana, activityId: activityId,
                                           itemId: item, from: Self.fabrikam), reason: "x")
    } throws: { "\($0)".contains("row-level security") }
    #expect(try asDana.untrack(entry, reason: "taken off this record by Dana") == true)
    #expect(try asEli.activity(id: activityId) == nil)
    #expect(try asEli.trackRequests(userId: eli, states: ["failed"]).map(\.id) == [elis.id])
    #expect(try asDana.trackRequests(userId: dana, states: ["done"]).map(\.state)
      == [.done(activityId: "")])
    #expect(try asEli.auditEntries(itemIds: [item]) == [entry])
  }

  @Test func pendingRequestsSurviveTheServerDroppingEveryConnection() throws {
    let store = try PostgresTestServer.store(CRMStoreContract.world)
    let request = try store.requestTracking(
      userId: "dana", record: Self.fabrikam, itemId: "mail:<kept@t>", at: Date())
    try PostgresTestServer.execute(["""
      SELECT pg_terminate_backend(pid) FROM pg_stat_activity
      WHERE datname = '\(store.url.database)' AND pid <> pg_backend_pid()
      """])
    Thread.sleep(forTimeInterval: 0.2)
    #expect(try store.trackRequests(userId: "dana", states: ["pending"]).map(\.id) == [request.id])
    let activityId = try store.completeTracking(
      requestId: request.id, activity: Self.email("<kept@t>"), attachments: [])
    #expect(try store.activity(id: activityId) != nil)
  }

  @Test func connectionFailuresAreOneLineNamingTheServerNeverThePassword() throws {
    let admin = try PostgresTestServer.adminURL()
    var unknown = admin
    unknown.database = "no_such_database"
    var refused = admin
    refused.password = "wrong-password-123"
    var unreachable = admin
    unreachable.port = 1
    let cases: [(PostgresURL, String)] = [
      (unknown, "PostgreSQL server \(admin.server) has no database 'no_such_database'"),
      (refused, "PostgreSQL server \(admin.server) refused the login of '\(admin.user)'"),
      (unreachable, "cannot reach PostgreSQL server \(admin.host):1"),
    ]
    for (url, expected) in cases {
      #expect {
        try PostgresCRMStore(url: url)
      } throws: { error in
        let message = "\(error)"
        return message.hasPrefix(expected) && !message.contains("\n")
          && !message.contains(admin.password ?? "-") && !message.contains("wrong-password")
      }
    }
  }

  /// scripts/servers/postgres.sh's server offers TLS with a certificate for 127.0.0.1 signed
  /// by a CA made for the run.
  @Test func tlsRequireAndVerifyFullConnectAndAnUntrustedCertificateIsOneLine() throws {
    let ca = try TestServers.value("AUTOCAPTURE_TEST_PG_CA_FILE", server: "postgres")
    let otherCA = try TestServers.value("AUTOCAPTURE_TEST_PG_OTHER_CA_FILE", server: "postgres")
    let admin = try PostgresTestServer.store(CRMStoreContract.world)
    admin.close()
    func url(_ mode: PostgresURL.SSLMode, rootCert: String? = nil) -> PostgresURL {
      var url = admin.url
      url.sslMode = mode
      url.caFile = rootCert
      return url
    }
    func connectsOver(tls: Bool, _ url: PostgresURL, caFile: String? = nil) throws {
      // The server processes of connections closed moments ago may not have ended yet.
      let before = Set(try PostgresTestServer.tlsOfConnections(to: url.database).keys)
      let store = try PostgresCRMStore(url: url, caFile: caFile)
      defer { store.close() }
      #expect(try store.users().map(\.id) == ["dana", "eli", "fay"])
      // The store's pooled connection is still open: the server says how it came in.
      let new = try PostgresTestServer.tlsOfConnections(to: url.database)
        .filter { !before.contains($0.key) }
      #expect(Array(new.values) == [tls], "sslmode=\(url.sslMode.rawValue)")
    }
    try connectsOver(tls: false, url(.disable))
    try connectsOver(tls: true, url(.require))
    try connectsOver(tls: true, url(.verifyFull), caFile: ca)
    try connectsOver(tls: true, url(.verifyFull, rootCert: ca))
    try connectsOver(tls: true, url(.verifyCA, rootCert: ca))
    let refusals: [(PostgresURL, String?)] = [
      (url(.verifyFull), otherCA), (url(.verifyFull, rootCert: otherCA), nil),
      (url(.verifyFull), nil), (url(.verifyCA, rootCert: otherCA), nil),
    ]
    for (url, caFile) in refusals {
      #expect {
        try PostgresCRMStore(url: url, caFile: caFile)
      } throws: { error in
        let message = "\(error)"
        return message.hasPrefix("TLS with PostgreSQL server \(admin.url.server) failed: its "
          + "certificate is not trusted (sslmode=\(url.sslMode.rawValue);")
          && !message.contains("\n") && !message.contains(admin.url.password ?? "-")
      }
    }
  }
}
#endif
