import AutoCaptureApp
import CRMStore
import CaptureCore
import Foundation
import Mailbox
import PostgresCRMStore

/// `AutoCaptureBench team --pg-url URL`: team mode (PERFORMANCE.md, servers section), the
/// SQLite store and the PostgreSQL store side by side in one run, on the same corpus, index
/// and CRM content:
///
/// - whole `autocapture timeline --json` processes for the sample-set accounts;
/// - the TUI's next record (the timeline through `TimelineService`, then a 200x60 frame);
/// - the load: `--users` people at once, each with a store and a mailbox index of their own,
///   tracking `--items` items of their own mailbox (the TUI's `service.track`, record by
///   record), then syncing (`service.syncPending`, as the TUI's background sync); a fifth
///   of the items are team threads in every mailbox, tracked by half the team to one record
///   and by the other half to another. Timed until every user's sync has finished, then
///   checked: no request left, one activity per Message-ID, every record linked. A reader
///   with a store and index of its own builds timelines the whole time; its latencies are
///   the "during that load" figures.
///
/// `--pg-url` names a role that may create databases; two are made for the run and dropped
/// at its end. The password goes to children in `PGPASSWORD`, never on a command line.
final class TeamBench {
  let options: BenchOptions
  let bench: Bench
  let server: PostgresURL
  let sslQuery: String
  var table = Table(header: ["measure", "SQLite", "PostgreSQL", "note"])
  var figures: [String: Any] = [:]
  var databases: [String] = []

  init(options: BenchOptions) throws {
    self.options = options
    guard let pgURL = options.pgURL else {
      throw BenchError("team needs --pg-url\n\(BenchOptions.usage)")
    }
    server = try PostgresURL(parsing: pgURL)
    var query = "?sslmode=\(server.sslMode.rawValue)"
    if let root = server.caFile { query += "&sslrootcert=\(root)" }
    sslQuery = query
    bench = try Bench(options: options)
    if let password = server.password { bench.extraEnvironment["PGPASSWORD"] = password }
  }

  /// `database` on the server, as the children are given it: no password.
  func url(_ database: String) -> String {
    "postgresql://\(server.user)@\(server.server)/\(database)\(sslQuery)"
  }

  func store(_ database: String) throws -> PostgresCRMStore {
    try PostgresCRMStore(url: PostgresURL(parsing: url(database),
                                          environment: bench.childEnvironment))
  }

  func say(_ text: String) { bench.say(text) }

  func psql(_ sql: String) throws {
    try runProgram("/usr/bin/env", ["psql", "-q", "-X", "-v", "ON_ERROR_STOP=1",
                                    "-d", url(server.database), "-c", sql],
                   environment: bench.childEnvironment)
  }

  func createDatabase(_ name: String) throws {
    try psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    try psql("CREATE DATABASE \(name)")
    databases.append(name)
  }

  func dropDatabases() {
    for name in databases { try? psql("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
  }

  func run() throws {
    defer { dropDatabases() }
    let loadBefore = currentLoadAverage()
    try bench.ensureCorpus()
    let truth = try JSONDecoder().decode(
      Truth.self, from: Data(contentsOf: URL(fileURLWithPath: bench.truthPath)))
    try bench.prepareWork()
    let index = try bench.firstIndex(expected: truth.messages)
    let timelineDB = "acbench_timeline_\(getpid())"
    try createDatabase(timelineDB)
    say("importing the CRM file into \(bench.dbPath) and \(url(timelineDB))")
    try bench.importCRM(truth: truth)
    try bench.importCRM(truth: truth, into: url(timelineDB))
    try wholeProcessTimelines(truth: truth, pg: url(timelineDB))
    try nextRecord(index, truth: truth, pgDatabase: timelineDB)
    try load()
    figures["load_before"] = loadBefore
    figures["load_after"] = currentLoadAverage()
    figures["server"] = url(server.database)
    try printReport("AutoCaptureBench team: \(options.messages) messages, corpus "
                      + "\(bench.corpus); PostgreSQL \(url(server.database))",
                    loadBefore: loadBefore, table: table, figures: figures,
                    jsonOut: options.jsonOut)
  }

  static func ratio(_ pg: Double, _ sqlite: Double) -> String {
    String(format: "%.2fx", pg / sqlite)
  }

  // MARK: - Whole process and next record

  func wholeProcessTimelines(truth: Truth, pg: String) throws {
    for name in truth.orderedSetNames {
      guard let expected = truth.truth[name] else { continue }
      var medians: [Double] = []
      var checks: [String] = []
      for (label, db) in [("SQLite", bench.dbPath), ("PostgreSQL", pg)] {
        say("whole-process timeline \(name), \(label)")
        let args = bench.timelineArguments(name, db: db)
        let output = try runProgram(bench.binary, args, environment: bench.childEnvironment)
        checks.append(try Bench.timelineMessageIds(output) == expected.newest50 ? "OK" : "MISMATCH")
        medians.append(try bench.spawnMedian(args).median)
        figures["timeline_\(name)_\(label.lowercased())_command"] = [bench.binary] + args
      }
      let ratio = medians[1] / medians[0]
      table.rows.append([
        "`timeline --json` \(name)", ms(medians[0]), ms(medians[1]),
        "\(Self.ratio(medians[1], medians[0])) (goal < 2x: \(ratio < 2 ? "met" : "missed")); "
          + "median of \(options.processRuns); \(checks.joined(separator: "/")) vs truth",
      ])
      figures["timeline_\(name)_sqlite_s"] = medians[0]
      figures["timeline_\(name)_postgresql_s"] = medians[1]
    }
  }

  func nextRecord(_ index: MailboxIndex, truth: Truth, pgDatabase: String) throws {
    var stats: [Stats] = []
    let stores: [(String, () throws -> any CRMStore)] = [
      ("SQLite", { try SQLiteCRMStore(path: self.bench.dbPath) }),
      ("PostgreSQL", { try self.store(pgDatabase) }),
    ]
    for (label, open) in stores {
      say("TUI next record, \(label)")
      let store = try open()
      let service = TimelineService(store: store, mail: index, calendar: nil)
      guard let user = try store.user(matching: Bench.userId) else {
        throw BenchError("the imported user \(Bench.userId) is missing")
      }
      let now = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
      var state = AppState(user: user, permissions: try service.permissions(for: user),
                           records: try store.recordSummaries())
      state.focus = .timeline
      let context = RenderContext(now: now, timeZone: TimeZone(identifier: "UTC") ?? .current)
      // Warm-up: the first timelines pay for prepared statements and connections.
      for name in truth.orderedSetNames {
        _ = try service.timeline(for: RecordRef(type: .account, id: Bench.accountId(name)),
                                 user: user, now: now)
      }
      stats.append(try bench.nextRecord(service: service, user: user, state: state,
                                        context: context, truth: truth))
      (store as? PostgresCRMStore)?.close()
    }
    let (sqlite, pg) = (stats[0], stats[1])
    table.rows.append([
      "TUI next record (timeline + 200x60 frame)", ms(sqlite.median), ms(pg.median),
      "median of \(pg.count); p99 \(ms(sqlite.p99)) / \(ms(pg.p99)) "
        + "(goal < 16 ms: \(pg.median < 0.016 ? "met" : "missed"))",
    ])
    figures["tui_next_record_sqlite_s"] = sqlite.median
    figures["tui_next_record_postgresql_s"] = pg.median
    figures["tui_next_record_sqlite_p99_s"] = sqlite.p99
    figures["tui_next_record_postgresql_p99_s"] = pg.p99
  }

  // MARK: - Many people at once

  /// The load's world: `users` people, ten customer accounts, and per user `items`
  /// messages in their own Maildir (about a tenth per account); the first fifth of the
  /// items are team threads, the same message in every mailbox.
  struct LoadWorld {
    let users: Int
    let items: Int
    let accounts = 10
    var shared: Int { items / 5 }
    let now = Date(timeIntervalSince1970: 1_795_435_200)  // 2026-11-23T12:00:00Z

    func userId(_ u: Int) -> String { String(format: "u%02d", u) }
    func userAddress(_ u: Int) -> String { "\(userId(u))@team.example" }
    func account(_ a: Int) -> RecordRef { RecordRef(type: .account, id: String(format: "a-%02d", a)) }
    func buyer(_ a: Int) -> String { String(format: "buyer@customer%02d.example", a) }

    func messageId(user u: Int, item j: Int) -> String {
      j < shared ? "<team-\(j)@load.example>" : "<\(userId(u))-\(j)@load.example>"
    }

    /// The record user `u` tracks item `j` to: a team thread (from one customer, copied to
    /// the next) goes to either customer, by the user's parity.
    func record(user u: Int, item j: Int) -> RecordRef {
      j < shared && u % 2 == 1 ? account((j + 1) % accounts) : account(j % accounts)
    }

    /// Every record each Message-ID must be linked to once all have synced.
    var expectedLinks: [String: Set<RecordRef>] {
      var links: [String: Set<RecordRef>] = [:]
      for u in 0..<users {
        for j in 0..<items { links[messageId(user: u, item: j), default: []].insert(record(user: u, item: j)) }
      }
      return links
    }

    func importJSON() throws -> Data {
      let file: [String: Any] = [
        "organization": ["name": "Load", "autoCapture": true, "untrackedAccess": "allowed"],
        "users": (0..<users).map { u in
          ["id": userId(u), "name": "User \(u)", "emails": [userAddress(u)],
           "mailbox": ["syncMethod": "server-side-sync", "approved": true, "testEnabled": true]]
        },
        "accounts": (0..<accounts).map { a in
          ["id": account(a).id, "name": "Customer \(a)", "emails": [buyer(a)]]
        },
      ]
      return try JSONSerialization.data(withJSONObject: file, options: [.sortedKeys])
    }

    /// User `u`'s Maildir, written afresh under `root`.
    func writeMaildir(user u: Int, into root: URL) throws {
      let fm = FileManager.default
      for sub in ["cur", "new", "tmp"] {
        try fm.createDirectory(at: root.appendingPathComponent(sub),
                               withIntermediateDirectories: true)
      }
      let formatter = DateFormatter()
      formatter.locale = Locale(identifier: "en_US_POSIX")
      formatter.timeZone = TimeZone(identifier: "UTC")
      formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
      for j in 0..<items {
        let a = j % accounts
        let date = now.addingTimeInterval(-Double(items - j) * 3600 - Double(u) * 60)
        let to = j < shared ? (0..<users).map(userAddress).joined(separator: ", ") : userAddress(u)
        let cc = j < shared ? "Cc: \(buyer((j + 1) % accounts))\r\n" : ""
        let text = "From: Buyer \(a) <\(buyer(a))>\r\nTo: \(to)\r\n\(cc)"
          + "Subject: Order \(j) for customer \(a)\r\nDate: \(formatter.string(from: date))\r\n"
          + "Message-ID: \(messageId(user: u, item: j))\r\nMIME-Version: 1.0\r\n"
          + "Content-Type: text/plain; charset=utf-8\r\n\r\n"
          + "Please find the details of order \(j) below.\r\n"
        let name = "\(1_790_000_000 + j).u\(u)j\(j).load:2,S"
        try Data(text.utf8).write(to: root.appendingPathComponent("cur/" + name))
      }
    }
  }

  /// Figures of one store under the load.
  struct LoadResult {
    var seconds = 0.0
    var userSeconds: [Double] = []
    var retries = 0
    /// Requests refused because a teammate had tracked the item to the record already.
    var refusals: [String] = []
    var errors: [String] = []
    var reads: [Double] = []
    var check = ""
  }

  func load() throws {
    let world = LoadWorld(users: options.users, items: options.items)
    let root = bench.work.appendingPathComponent("load")
    try? FileManager.default.removeItem(at: root)
    say("load: writing and indexing \(world.users) mailboxes of \(world.items) messages")
    var maildirs: [String] = []
    for u in 0..<world.users {
      let dir = root.appendingPathComponent("maildir-\(u)")
      try world.writeMaildir(user: u, into: dir)
      maildirs.append(dir.path)
      _ = try MailboxIndex(indexDirectory: root.appendingPathComponent("index-\(u)"),
                           maildirs: [dir.path], mboxes: []).refresh(progress: nil)
    }
    // The reader is user 0 at another terminal: the same mailbox, an index of its own.
    _ = try MailboxIndex(indexDirectory: root.appendingPathComponent("index-reader"),
                         maildirs: [maildirs[0]], mboxes: []).refresh(progress: nil)
    let importFile = root.appendingPathComponent("crm-load.json")
    try world.importJSON().write(to: importFile)

    let sqlitePath = root.appendingPathComponent("crm-load.sqlite").path
    let pgDatabase = "acbench_load_\(getpid())"
    try createDatabase(pgDatabase)
    var results: [LoadResult] = []
    let stores: [(String, String, () throws -> any CRMStore)] = [
      ("SQLite", sqlitePath, { try SQLiteCRMStore(path: sqlitePath) }),
      ("PostgreSQL", url(pgDatabase), { try self.store(pgDatabase) }),
    ]
    for (label, db, open) in stores {
      try runProgram(bench.binary, ["import", importFile.path, "--db", db],
                     environment: bench.childEnvironment)
      say("load: \(world.users) users tracking \(world.items) items each at once, \(label)")
      results.append(try runLoad(world, root: root, maildirs: maildirs, open: open))
    }
    let (sqlite, pg) = (results[0], results[1])
    let readsSQLite = Stats(sqlite.reads), readsPG = Stats(pg.reads)
    let total = world.users * world.items
    // The goals are stated for 20 people x 100 items; a smaller load says nothing of them.
    func goal(_ text: String, _ met: Bool) -> String {
      world.users >= 20 && world.items >= 100
        ? "goal \(text): \(met ? "met" : "missed")" : "goal \(text): n/a below 20 x 100"
    }
    table.rows.append([
      "\(world.users) users x \(world.items) items tracked at once, all synced",
      secs(sqlite.seconds), secs(pg.seconds),
      "\(total) requests, \(world.expectedLinks.count) activities; "
        + goal("< 10 s", pg.seconds < 10 && pg.errors.isEmpty) + "; "
        + "one user's time, median \(secs(Stats(sqlite.userSeconds).median)) / "
        + "\(secs(Stats(pg.userSeconds).median))",
    ])
    table.rows.append([
      "  check after the load", sqlite.check, pg.check,
      "refused as already tracked there by a teammate \(sqlite.refusals.count) / "
        + "\(pg.refusals.count); retries of a busy store \(sqlite.retries) / \(pg.retries); errors "
        + "\(sqlite.errors.count) / \(pg.errors.count)"
        + ((sqlite.errors + pg.errors).first.map { ": \($0)" } ?? ""),
    ])
    table.rows.append([
      "  reader's timeline during the load, p99", ms(readsSQLite.p99), ms(readsPG.p99),
      "median \(ms(readsSQLite.median)) / \(ms(readsPG.median)), \(readsSQLite.count) / "
        + "\(readsPG.count) timelines; " + goal("p99 < 50 ms", readsPG.p99 < 0.05),
    ])
    for (label, r) in [("sqlite", sqlite), ("postgresql", pg)] {
      figures["load_\(label)_s"] = r.seconds
      figures["load_\(label)_check"] = r.check
      figures["load_\(label)_errors"] = r.errors
      figures["load_\(label)_retries"] = r.retries
      figures["load_\(label)_refused"] = r.refusals.count
      figures["load_\(label)_user_median_s"] = Stats(r.userSeconds).median
      figures["load_\(label)_read_p99_s"] = Stats(r.reads).p99
      figures["load_\(label)_read_median_s"] = Stats(r.reads).median
    }
  }

  /// Shared between the threads of one load run.
  final class LoadState: @unchecked Sendable {
    private let lock = NSLock()
    private var _finished = 0
    private var _retries = 0
    private var _errors: [String] = []
    private var _userSeconds: [Double] = []
    var finished: Int { lock.withLock { _finished } }
    var retries: Int { lock.withLock { _retries } }
    var errors: [String] { lock.withLock { _errors } }
    var userSeconds: [Double] { lock.withLock { _userSeconds } }
    private var _reads: [Double] = []
    private var _refusals: [String] = []
    var refusals: [String] { lock.withLock { _refusals } }
    func refused(_ reason: String) { lock.withLock { _refusals.append(reason) } }
    var reads: [Double] { lock.withLock { _reads } }
    func read(_ seconds: Double) { lock.withLock { _reads.append(seconds) } }
    func failed(_ text: String) { lock.withLock { _errors.append(text) } }
    func finish(after seconds: Double) {
      lock.withLock { _finished += 1; _userSeconds.append(seconds) }
    }

    /// `body` again after a transient store error (busy, a lost connection), as the TUI
    /// tries a sync again; until `deadline` seconds after `began`.
    func retrying<T>(since began: UInt64, deadline: Double, _ body: () throws -> T) throws -> T {
      while true {
        do { return try body() } catch let error as CRMError where error.isTransient {
          lock.withLock { _retries += 1 }
          if Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9 > deadline { throw error }
          Thread.sleep(forTimeInterval: 0.05)
        }
      }
    }
  }

  func runLoad(_ world: LoadWorld, root: URL, maildirs: [String],
               open: @escaping () throws -> any CRMStore) throws -> LoadResult {
    struct Participant: Sendable {
      let store: any CRMStore
      let service: TimelineService
      let user: User
    }
    func participant(_ u: Int, index: String) throws -> Participant {
      let store = try open()
      let mail = try MailboxIndex(indexDirectory: root.appendingPathComponent(index),
                                  maildirs: [maildirs[u]], mboxes: [])
      guard let user = try store.user(matching: world.userId(u)) else {
        throw BenchError("the imported user \(world.userId(u)) is missing")
      }
      return Participant(store: store, service: TimelineService(store: store, mail: mail,
                                                                calendar: nil), user: user)
    }
    let people = try (0..<world.users).map { try participant($0, index: "index-\($0)") }
    let reader = try participant(0, index: "index-reader")
    let state = LoadState()
    let start = DispatchSemaphore(value: 0)
    let group = DispatchGroup()
    let now = world.now
    let deadline = 300.0
    // A thread each, as separate people's processes: a dispatch queue would start only a
    // few of them at a time once they block on the database.
    for (u, person) in people.enumerated() {
      group.enter()
      Thread {
        defer { group.leave() }
        start.wait()
        let t0 = DispatchTime.now().uptimeNanoseconds
        do {
          // Record by record, as a person selects a record's items and presses `t`.
          for a in 0..<world.accounts {
            let record = world.account(a)
            for j in 0..<world.items where world.record(user: u, item: j) == record {
              do {
                _ = try state.retrying(since: t0, deadline: deadline) {
                  try person.service.track(itemId: "mail:" + world.messageId(user: u, item: j),
                                           record: record, user: person.user, now: now)
                }
              } catch let refusal as NotAllowed {
                // A team thread a teammate has already tracked to this record, and synced:
                // the TUI refuses it ("already tracked on this record"); the link is there.
                state.refused(refusal.description)
              }
            }
          }
          // The background sync: until nothing is left pending (a claim left by a sync
          // that failed half-way is taken up again after its lease).
          while true {
            let results = try state.retrying(since: t0, deadline: deadline) {
              try person.service.syncPending(user: person.user, now: now)
            }
            for request in results {
              if case .failed(let reason) = request.state {
                state.failed("\(world.userId(u)) \(request.itemId): \(reason)")
              }
            }
            let left = try person.store.trackRequests(userId: person.user.id, states: ["pending"])
            if left.isEmpty { break }
            if Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 > deadline {
              throw BenchError("\(left.count) requests still pending after \(deadline) s")
            }
            if results.isEmpty { Thread.sleep(forTimeInterval: 0.1) }
          }
        } catch {
          state.failed("\(world.userId(u)): \(error)")
        }
        state.finish(after: Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
      }.start()
    }
    // The reader: timelines of the ten accounts in turn, until every user has finished.
    let readerDone = DispatchSemaphore(value: 0)
    let readerBox = LoadState()
    Thread {
      start.wait()
      var k = 0
      while state.finished < world.users {
        let record = world.account(k % world.accounts)
        k += 1
        do {
          let seconds = try timed {
            _ = try reader.service.timeline(for: record, user: reader.user, now: now)
          }
          readerBox.read(seconds)
        } catch {
          readerBox.failed("reader: \(error)")
        }
      }
      readerDone.signal()
    }.start()
    let began = DispatchTime.now().uptimeNanoseconds
    for _ in 0...world.users { start.signal() }
    group.wait()
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - began) / 1e9
    readerDone.wait()

    var result = LoadResult(seconds: seconds, userSeconds: state.userSeconds,
                            retries: state.retries, refusals: state.refusals,
                            errors: state.errors + readerBox.errors, reads: readerBox.reads)
    result.check = try check(world, store: reader.store, refused: result.refusals.count)
    for person in people + [reader] { (person.store as? PostgresCRMStore)?.close() }
    return result
  }

  /// "OK" when no request is left pending or failed, every request not `refused` is done,
  /// and each Message-ID is stored as one activity linked to exactly the records it was
  /// tracked to; else what is wrong.
  func check(_ world: LoadWorld, store: any CRMStore, refused: Int) throws -> String {
    let open = try store.trackRequests(userId: nil, states: ["pending", "failed"])
    let done = try store.trackRequests(userId: nil, states: ["done"])
    var problems: [String] = []
    if !open.isEmpty { problems.append("\(open.count) requests not done") }
    if done.count + refused != world.users * world.items {
      problems.append("\(done.count) requests done and \(refused) refused of "
        + "\(world.users * world.items)")
    }
    let expected = world.expectedLinks
    var stored: [String: [Activity]] = [:]
    let ids = expected.keys.sorted()
    for start in stride(from: 0, to: ids.count, by: 200) {
      for activity in try store.emailActivities(
        messageIds: Array(ids[start..<min(start + 200, ids.count)])) {
        stored[activity.messageId ?? "", default: []].append(activity)
      }
    }
    let duplicated = stored.values.filter { $0.count > 1 }.count
    let missing = expected.keys.filter { stored[$0] == nil }.count
    let wrongLinks = expected.filter { id, records in
      stored[id].map { $0.count == 1 && Set($0[0].regarding) != records } ?? false
    }.count
    if duplicated > 0 { problems.append("\(duplicated) Message-IDs stored more than once") }
    if missing > 0 { problems.append("\(missing) Message-IDs not stored") }
    if wrongLinks > 0 { problems.append("\(wrongLinks) activities with the wrong records") }
    return problems.isEmpty
      ? "OK (\(stored.count) activities, no duplicate, all links)"
      : problems.joined(separator: "; ")
  }
}
