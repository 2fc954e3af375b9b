import AutoCaptureApp
import CRMStore
import CaptureCore
import DemoWorkspace
import Foundation
import Mailbox
import TerminalUI

/// One run of the suite: first index, re-indexes, queries checked against the truth,
/// whole-process timelines, TUI frames, in that order (later steps use the earlier index).
///
/// The corpus is never changed: it is copied with hard links into the work directory, and
/// the 100 delivered messages go into the copy only (and are taken out again at the end, so
/// the work directory matches the corpus for tools run after this one).
final class Bench {
  let options: BenchOptions
  let corpus: String
  let truthPath: String
  let work: URL
  let binary: String
  var table = Table(header: ["measure", "result", "note"])
  var figures: [String: Any] = [:]

  init(options: BenchOptions) throws {
    self.options = options
    let cache = (ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 }
      ?? "/tmp") + "/autocapture-bench"
    corpus = options.corpus ?? "\(cache)/synthetic-\(options.messages)"
    truthPath = options.truth ?? "\(cache)/synthetic-truth-\(options.messages).json"
    work = URL(fileURLWithPath: options.work
      ?? (NSTemporaryDirectory() + "autocapture-bench-\(UUID().uuidString)"))
    binary = options.binary ?? packageRoot.appendingPathComponent(".build/release/autocapture").path
  }

  var maildir: String { work.appendingPathComponent("maildir").path }
  var indexDir: String { work.appendingPathComponent("index").path }
  var dbPath: String { work.appendingPathComponent("crm.sqlite").path }

  /// Added to the children's environment (team mode's PGPASSWORD).
  var extraEnvironment: [String: String] = [:]

  /// The environment the `autocapture` runs get: no user config file (an empty one: a file
  /// named by AUTOCAPTURE_CONFIG must exist), data under `work`.
  var childEnvironment: [String: String] {
    var env = ProcessInfo.processInfo.environment.merging(extraEnvironment) { $1 }
    let config = work.appendingPathComponent("no-config.toml")
    if !FileManager.default.fileExists(atPath: config.path) { try? Data().write(to: config) }
    env["AUTOCAPTURE_CONFIG"] = config.path
    env["XDG_DATA_HOME"] = work.appendingPathComponent("xdg").path
    return env
  }

  func say(_ text: String) {
    FileHandle.standardError.write(Data("[bench] \(text)\n".utf8))
  }

  func run() throws {
    let loadBefore = currentLoadAverage()
    try ensureCorpus()
    let truth = try JSONDecoder().decode(
      Truth.self, from: Data(contentsOf: URL(fileURLWithPath: truthPath)))
    guard truth.messages == options.messages else {
      throw BenchError("\(truthPath) describes \(truth.messages) messages, "
        + "not --messages \(options.messages)")
    }
    try prepareWork()
    let index = try firstIndex(expected: truth.messages)
    try reindexUnchanged(index)
    try queries(index, truth: truth)
    try importCRM(truth: truth)
    try wholeProcessTimelines(truth: truth)
    try tuiFrames(index, truth: truth)
    try reindexAfterDelivery(index)
    figures["load_before"] = loadBefore
    figures["load_after"] = currentLoadAverage()
    figures["work"] = work.path
    figures["maildir"] = maildir
    figures["index_dir"] = indexDir
    figures["db"] = dbPath
    figures["binary"] = binary
    try printReport("AutoCaptureBench: \(options.messages) messages, corpus \(corpus)",
                    loadBefore: loadBefore, table: table, figures: figures,
                    jsonOut: options.jsonOut)
  }

  // MARK: - Corpus and work directory

  /// Generates the corpus (and its truth) when either is missing: seed and contacts as the
  /// recorded runs, so every run measures the same mail.
  func ensureCorpus() throws {
    let fm = FileManager.default
    if fm.fileExists(atPath: corpus + "/cur"), fm.fileExists(atPath: truthPath) { return }
    say("generating \(options.messages) messages into \(corpus) (truth \(truthPath))")
    try generateCorpus(seed: options.seed, contacts: options.contacts,
                       messages: options.messages, into: corpus, truth: truthPath)
  }

  /// A hard-link copy of the corpus (cheap; deliveries land in the copy only), and no index.
  func prepareWork() throws {
    let fm = FileManager.default
    try fm.createDirectory(at: work, withIntermediateDirectories: true)
    for path in [maildir, indexDir, dbPath] where fm.fileExists(atPath: path) {
      try fm.removeItem(atPath: path)
    }
    say("linking the corpus into \(maildir)")
    try runProgram("/bin/cp", ["-al", corpus, maildir])
    // The copy's directory entries and inodes are written back for seconds after `cp`
    // returns (a million at 1M); flushing them first keeps that write-back out of the timed
    // first index, as bench-vs-notmuch does for notmuch's copy.
    try runProgram("/bin/sync", [])
    // The release build's flags live in one place each for people (README) and for the
    // script (bench-vs-notmuch); this suite times whatever binary it is given.
    guard fm.isExecutableFile(atPath: binary) else {
      throw BenchError(
        "no autocapture binary at \(binary): build it with the README's release command, "
          + "or run Benchmarks/bench-vs-notmuch, which builds it")
    }
  }

  // MARK: - Index

  func firstIndex(expected: Int) throws -> MailboxIndex {
    say("first index")
    let rssBefore = currentRSSMiB() ?? 0
    let index = try MailboxIndex(
      indexDirectory: URL(fileURLWithPath: indexDir), maildirs: [maildir], mboxes: [])
    var summary = MailboxIndexSummary()
    let cpuBefore = cpuSeconds()
    let seconds = try timed { summary = try index.refresh(progress: nil) }
    let cpu = cpuSeconds() - cpuBefore
    let peak = peakRSSMiB()
    guard summary.added == expected, summary.skipped.isEmpty else {
      throw BenchError("first index added \(summary.added) of \(expected) messages, "
        + "skipped \(summary.skipped.count)")
    }
    let rate = Double(summary.added) / seconds
    table.rows.append([
      "first index (warm cache)", secs(seconds),
      String(format: "%.0f msg/s, cpu %.2f s, writing %.2f s", rate, cpu,
             summary.writingSeconds),
    ])
    table.rows.append(["  peak RSS (ru_maxrss)", String(format: "%.0f MiB", peak),
                       String(format: "%.0f MiB before the index", rssBefore)])
    figures["first_index_s"] = seconds
    figures["first_index_rate"] = rate
    figures["first_index_cpu_s"] = cpu
    figures["first_index_peak_rss_mib"] = peak
    return index
  }

  func reindexUnchanged(_ index: MailboxIndex) throws {
    say("re-index, nothing changed")
    var samples: [Double] = []
    for _ in 0..<max(10, options.runs / 5) {
      var summary = MailboxIndexSummary()
      samples.append(try timed { summary = try index.refresh(progress: nil) })
      guard summary.added == 0, summary.parsedFiles == 0 else {
        throw BenchError("an unchanged re-index read \(summary.parsedFiles) files")
      }
    }
    let inProcess = Stats(samples)
    table.rows.append(["re-index, nothing changed, in-process", ms(inProcess.median),
                       "median of \(inProcess.count), p99 \(ms(inProcess.p99))"])
    let whole = try spawnMedian(indexArguments)
    table.rows.append(["re-index, nothing changed, `autocapture index`", ms(whole.median),
                       "whole process, median of \(whole.count)"])
    figures["reindex_unchanged_inprocess_s"] = inProcess.median
    figures["reindex_unchanged_process_s"] = whole.median
    figures["index_command"] = [binary] + indexArguments
  }

  var indexArguments: [String] { ["index", "--maildir", maildir, "--index-dir", indexDir] }

  /// Delivers 100 new messages (the corpus's next 100, dated after it), times
  /// the re-index that picks them up, then takes them out again; three rounds each way.
  func reindexAfterDelivery(_ index: MailboxIndex) throws {
    let n = options.messages
    var inProcess: [Double] = []
    var whole: [Double] = []
    for round in 0..<6 {
      say("re-index after 100 new messages, round \(round + 1) of 6")
      try SyntheticMailbox(seed: UInt64(options.seed), contacts: options.contacts,
                           messages: n + 100, startIndex: n, spanMessages: n)
        .write(into: URL(fileURLWithPath: maildir))
      if round % 2 == 0 {
        var summary = MailboxIndexSummary()
        inProcess.append(try timed { summary = try index.refresh(progress: nil) })
        guard summary.added == 100 else {
          throw BenchError("the re-index after delivery added \(summary.added), not 100")
        }
      } else {
        whole.append(try timedSpawn(binary, indexArguments, environment: childEnvironment))
      }
      try removeDelivered(from: n)
      let summary = try index.refresh(progress: nil)
      guard summary.removed == 100 else {
        throw BenchError("removing the delivered messages removed \(summary.removed), not 100")
      }
    }
    let a = Stats(inProcess), b = Stats(whole)
    table.rows.append(["re-index after 100 new, in-process", ms(a.median),
                       "median of \(a.count) deliveries"])
    table.rows.append(["re-index after 100 new, `autocapture index`", ms(b.median),
                       "whole process, median of \(b.count) deliveries"])
    figures["reindex_100_inprocess_s"] = a.median
    figures["reindex_100_process_s"] = b.median
  }

  /// Removes the generated messages numbered `first` and up.
  func removeDelivered(from first: Int) throws {
    for sub in ["new", "cur"] {
      let dir = maildir + "/" + sub
      for name in try FileManager.default.contentsOfDirectory(atPath: dir) {
        guard let number = SyntheticMailbox.messageIndex(fileName: name), number >= first
        else { continue }
        try FileManager.default.removeItem(atPath: dir + "/" + name)
      }
    }
  }

  // MARK: - Queries

  static func addresses(_ list: [String]) -> Set<EmailAddress> {
    Set(list.map { EmailAddress.parse($0) ?? EmailAddress(normalized: $0.lowercased()) })
  }

  func queries(_ index: MailboxIndex, truth: Truth) throws {
    for name in truth.orderedSetNames {
      guard let list = truth.sets[name], let expected = truth.truth[name] else { continue }
      say("query \(name)")
      let set = Bench.addresses(list)
      let first = try index.newestMessages(matching: set, limit: 50)
      let ok = first.map(\.messageId) == expected.newest50
      for _ in 0..<3 { _ = try index.newestMessages(matching: set, limit: 50) }
      var samples: [Double] = []
      for _ in 0..<options.runs {
        samples.append(try timed { _ = try index.newestMessages(matching: set, limit: 50) })
      }
      let s = Stats(samples)
      table.rows.append([
        "query \(name) (\(list.count) addr, \(expected.matches) matches), in-process",
        ms(s.median),
        "p99 \(ms(s.p99)), \(s.count) runs, \(ok ? "OK" : "MISMATCH") vs truth",
      ])
      figures["query_\(name)_median_s"] = s.median
      figures["query_\(name)_p99_s"] = s.p99
      figures["query_\(name)_check"] = ok ? "OK" : "MISMATCH"
    }
  }

  // MARK: - CRM and whole-process timelines

  static let userId = "bench-owner"
  static func accountId(_ set: String) -> String {
    "a-" + set.replacingOccurrences(of: "_", with: "-")
  }

  /// An import file with one account per sample set whose own emails are exactly the set
  /// (no contacts, so the record's address set is the sample set), loaded with the release
  /// binary into a fresh database (`db`, default the SQLite file of the work directory).
  func importCRM(truth: Truth, into db: String? = nil) throws {
    say("importing the CRM file")
    let accounts: [[String: Any]] = truth.orderedSetNames.compactMap { name in
      guard let list = truth.sets[name] else { return nil }
      return ["id": Bench.accountId(name), "name": "Sample set \(name)", "emails": list]
    }
    let file: [String: Any] = [
      "organization": ["name": "Bench", "autoCapture": true, "untrackedAccess": "allowed"],
      "users": [[
        "id": Bench.userId, "name": "Bench Owner", "emails": truth.owner,
        "mailbox": ["syncMethod": "server-side-sync", "approved": true, "testEnabled": true],
      ]],
      "accounts": accounts,
    ]
    let url = work.appendingPathComponent("crm-import.json")
    try JSONSerialization.data(withJSONObject: file, options: [.prettyPrinted, .sortedKeys])
      .write(to: url)
    try runProgram(binary, ["import", url.path, "--db", db ?? dbPath],
                   environment: childEnvironment)
  }

  func timelineArguments(_ set: String, db: String? = nil) -> [String] {
    ["timeline", "--json", "--db", db ?? dbPath, "--user", Bench.userId, "--maildir", maildir,
     "--index-dir", indexDir, "--record", "account:\(Bench.accountId(set))"]
  }

  func wholeProcessTimelines(truth: Truth) throws {
    var commands: [String: [String]] = [:]
    for name in truth.orderedSetNames {
      guard let expected = truth.truth[name] else { continue }
      say("whole-process timeline \(name)")
      let args = timelineArguments(name)
      let output = try runProgram(binary, args, environment: childEnvironment)
      let ok = try Bench.timelineMessageIds(output) == expected.newest50
      let s = try spawnMedian(args)
      table.rows.append(["`autocapture timeline --json` \(name)", ms(s.median),
                         "whole process, median of \(s.count), "
                           + "\(ok ? "OK" : "MISMATCH") vs truth"])
      figures["timeline_\(name)_median_s"] = s.median
      figures["timeline_\(name)_check"] = ok ? "OK" : "MISMATCH"
      commands[name] = [binary] + args
    }
    figures["timeline_commands"] = commands
  }

  /// The `messageId`s of the email items of `autocapture timeline --json` output, in order.
  static func timelineMessageIds(_ json: String) throws -> [String] {
    guard let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
          let items = object["items"] as? [[String: Any]]
    else { throw BenchError("timeline --json printed no items array") }
    return items.compactMap { $0["messageId"] as? String }
  }

  /// Median wall time of whole runs of the release binary (one warm-up run first).
  func spawnMedian(_ arguments: [String]) throws -> Stats {
    _ = try timedSpawn(binary, arguments, environment: childEnvironment)
    var samples: [Double] = []
    for _ in 0..<options.processRuns {
      samples.append(try timedSpawn(binary, arguments, environment: childEnvironment))
    }
    return Stats(samples)
  }

  // MARK: - TUI

  /// Frame time of the main screen (record list + a 50-tile timeline from the real query)
  /// drawn into the virtual buffer, and the time to move to another record (timeline built
  /// through TimelineService, index freshness check included, then drawn).
  func tuiFrames(_ index: MailboxIndex, truth: Truth) throws {
    let store = try SQLiteCRMStore(path: dbPath)
    let service = TimelineService(store: store, mail: index, calendar: nil)
    guard let user = try store.user(matching: Bench.userId) else {
      throw BenchError("the imported user \(Bench.userId) is missing")
    }
    let records = try store.recordSummaries()
    let names = truth.orderedSetNames
    guard let big = names.last(where: { truth.truth[$0]?.matches ?? 0 >= 50 }) ?? names.first
    else { throw BenchError("the truth file has no sample sets") }
    let ref = RecordRef(type: .account, id: Bench.accountId(big))
    let now = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01
    let timeline = try service.timeline(for: ref, user: user, now: now)
    var state = AppState(user: user, permissions: try service.permissions(for: user),
                         records: records)
    state.selectedRecord = records.firstIndex { $0.ref == ref } ?? 0
    state.timeline = .loaded(timeline)
    state.focus = .timeline
    let context = RenderContext(now: now, timeZone: TimeZone(identifier: "UTC") ?? .current)
    for (w, h) in [(80, 24), (200, 60)] {
      say("TUI frames \(w)x\(h)")
      state.width = w
      state.height = h
      for _ in 0..<5 { _ = Screens.render(state, context) }
      var samples: [Double] = []
      for _ in 0..<options.runs {
        samples.append(timed { _ = Screens.render(state, context) })
      }
      let s = Stats(samples)
      table.rows.append(["TUI frame \(w)x\(h), \(timeline.items.count) tiles", ms(s.median),
                         "p99 \(ms(s.p99)), \(s.count) renders"])
      figures["tui_frame_\(w)x\(h)_s"] = s.median
    }
    try openLongMessage(state, context)
    manyRecords(state, context)
    say("TUI next record")
    let s = try nextRecord(service: service, user: user, state: state, context: context,
                           truth: truth)
    table.rows.append(["TUI next record (timeline + frame, 200x60)", ms(s.median),
                       "p99 \(ms(s.p99)), \(s.count) moves over the sample sets"])
    figures["tui_next_record_s"] = s.median
    figures["tui_next_record_p99_s"] = s.p99
  }

  /// Moving to the next record: the timeline built through `service` (index freshness check
  /// and every CRM read included), then the frame drawn at 200x60, cycling over the
  /// sample-set records, `options.runs` times.
  func nextRecord(service: TimelineService, user: User, state base: AppState,
                  context: RenderContext, truth: Truth) throws -> Stats {
    let refs = truth.orderedSetNames.map { RecordRef(type: .account, id: Bench.accountId($0)) }
    var state = base
    state.width = 200
    state.height = 60
    let now = context.now
    var samples: [Double] = []
    for k in 0..<options.runs {
      let next = refs[k % refs.count]
      samples.append(try timed {
        state.timeline = .loaded(try service.timeline(for: next, user: user, now: now))
        state.selectedRecord = state.allRecords.firstIndex { $0.ref == next } ?? 0
        _ = Screens.render(state, context)
      })
    }
    return Stats(samples)
  }

  /// The records pane with 100,000 records (a large team's CRM): a key typed into the
  /// filter, the first after the records load (names folded then) and the next, and a
  /// cursor move with the filter on, each with its frame.
  func manyRecords(_ base: AppState, _ context: RenderContext) {
    let names = ["Müller GmbH", "Société Lumière SA", "Fjordline Logistics AS", "桜電機株式会社",
                 "Zoë Okonkwo", "Acme Corporation", "Ødegaard & Sønn", "李伟"]
    let types: [RecordType] = [.account, .contact, .opportunity, .lead, .case]
    let records = (0..<100_000).map { n in
      RecordSummary(ref: RecordRef(type: types[n * types.count / 100_000], id: "r\(n)"),
                    name: "\(names[n % names.count]) \(n)")
    }
    say("TUI with \(records.count) records")
    var firstKey: [Double] = [], nextKey: [Double] = [], move: [Double] = []
    for _ in 0..<max(10, options.runs / 10) {
      var state = base
      state.width = 80
      state.height = 24
      state.focus = .records
      state.allRecords = records
      state.selectedRecord = 0
      _ = Screens.render(state, context)
      firstKey.append(timed {
        _ = reduce(&state, .filterInput("m"))
        _ = Screens.render(state, context)
      })
      nextKey.append(timed {
        _ = reduce(&state, .filterInput("u"))
        _ = Screens.render(state, context)
      })
      move.append(timed {
        _ = reduce(&state, .command(.moveDown))
        _ = Screens.render(state, context)
      })
    }
    for (label, key, samples) in [
      ("first filter key (names folded)", "first_key", firstKey),
      ("next filter key", "next_key", nextKey), ("move, filter on", "move", move),
    ] {
      let s = Stats(samples)
      table.rows.append(["TUI \(records.count) records: \(label)", ms(s.median),
                         "p99 \(ms(s.p99)), \(s.count) rounds, with the frame"])
      figures["tui_100k_records_\(key)_s"] = s.median
    }
  }

  /// Opening and scrolling a 1 MB message at 80x24: a long quoted thread, mostly ASCII with
  /// accented paragraphs, as the open tile wraps it (the run loop keeps the wrap in a memo).
  func openLongMessage(_ base: AppState, _ context: RenderContext) throws {
    guard case .loaded(let timeline) = base.timeline, let item = timeline.items.first else {
      throw BenchError("the TUI record has no items to open")
    }
    let quoted = "> Thanks for the figures; we will review them with finance on Thursday and "
      + "come back to you before the end of the quarter with our remarks."
    let accented = "Réponse de Renée : le déploiement à Zürich est confirmé, à l'équipe de jouer."
    let body = (0..<7_000).map { $0 % 10 == 9 ? accented : quoted }.joined(separator: "\n")
    var state = base
    state.width = 80
    state.height = 24
    state.expandedItem = item.id
    state.selectedItem = 0
    state.bodies[item.id] = .loaded(body)
    say("TUI open a \(body.utf8.count / 1024) KiB message")
    var opening: [Double] = []
    for _ in 0..<max(10, options.runs / 10) {
      let fresh = RenderContext(now: context.now, timeZone: context.timeZone, wrapMemo: WrapMemo())
      opening.append(timed { _ = Screens.render(state, fresh) })
    }
    let open = Stats(opening)
    table.rows.append(["TUI open a \(body.utf8.count / 1024) KiB message (80x24)", ms(open.median),
                       "p99 \(ms(open.p99)), \(open.count) opens: wrapped afresh"])
    figures["tui_open_long_message_s"] = open.median
    var scrolling = context
    scrolling.wrapMemo = WrapMemo()
    _ = Screens.render(state, scrolling)
    var samples: [Double] = []
    for k in 0..<options.runs {
      state.bodyScroll = k
      samples.append(timed { _ = Screens.render(state, scrolling) })
    }
    let scroll = Stats(samples)
    table.rows.append(["TUI scroll that message a line", ms(scroll.median),
                       "p99 \(ms(scroll.p99)), \(scroll.count) frames: the wrap kept"])
    figures["tui_scroll_long_message_s"] = scroll.median
  }
}
