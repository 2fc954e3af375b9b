import DemoWorkspace
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The benchmark's command line: where the corpus, truth and tools are, and how often to run.
///
/// Parsed by hand so the suite needs nothing beyond the package's own targets.
struct BenchOptions {
  var corpus: String?
  var truth: String?
  var messages = 100_000
  var runs = 100
  var processRuns = 10
  var binary: String?
  var work: String?
  var jsonOut: String?
  var seed = 42
  var contacts = 20_000
  /// `team` only (TeamBench): the PostgreSQL server, and the load's people and items.
  var pgURL: String?
  var users = 20
  var items = 100

  static let usage = """
    usage: AutoCaptureBench [--corpus DIR] [--truth T.json] [--messages N] [--runs 100]
                            [--process-runs 10] [--binary PATH]
                            [--work DIR] [--json-out FILE]
           AutoCaptureBench generate --out DIR --messages N [--seed 42] [--contacts 20000]
                            [--start-index K --span-messages M] [--truth T.json]
      --corpus DIR     the Maildir (generated with seed 42, 20000 contacts when missing)
      --truth FILE     that corpus's ground truth (written when it is generated)
      --binary PATH    the release `autocapture` (default .build/release/autocapture)
      --work DIR       keep the index, CRM database and import file here (default: temp)
      --json-out FILE  also write the figures as JSON (for Benchmarks/bench-vs-notmuch)
           AutoCaptureBench team --pg-url postgresql://USER@HOST:PORT/DB[?sslmode=...]
                            [--users 20] [--items 100] [the options of the first form]
      --pg-url URL     a role that may create databases (password from PGPASSWORD or
                       ~/.pgpass); two databases are made for the run and dropped after it
      --users, --items the load: how many people track how many items each, at once
    """

  static func parse(_ arguments: [String]) throws -> BenchOptions {
    var o = BenchOptions()
    var k = 0
    func value(_ name: String) throws -> String {
      k += 1
      guard k < arguments.count else { throw BenchError("\(name) needs a value") }
      return arguments[k]
    }
    func number(_ name: String) throws -> Int {
      let text = try value(name)
      guard let n = Int(text), n > 0 else {
        throw BenchError("\(name) wants a positive whole number, got '\(text)'")
      }
      return n
    }
    while k < arguments.count {
      let a = arguments[k]
      switch a {
      case "--corpus": o.corpus = try value(a)
      case "--truth": o.truth = try value(a)
      case "--messages": o.messages = try number(a)
      case "--runs": o.runs = try number(a)
      case "--process-runs": o.processRuns = try number(a)
      case "--binary": o.binary = try value(a)
      case "--work": o.work = try value(a)
      case "--json-out": o.jsonOut = try value(a)
      case "--seed": o.seed = try number(a)
      case "--contacts": o.contacts = try number(a)
      case "--pg-url": o.pgURL = try value(a)
      case "--users": o.users = try number(a)
      case "--items": o.items = try number(a)
      case "-h", "--help":
        print(usage)
        exit(0)
      default: throw BenchError("unknown argument '\(a)'\n\(usage)")
      }
      k += 1
    }
    return o
  }
}

struct BenchError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// The repository's root, found from this source file (`Benchmarks/AutoCaptureBench/` lies
/// two folders below it), so `.build/release` resolves from any directory.
let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .deletingLastPathComponent().deletingLastPathComponent()

/// Monotonic seconds taken by `body`.
func timed(_ body: () throws -> Void) rethrows -> Double {
  let start = DispatchTime.now().uptimeNanoseconds
  try body()
  return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Median and 99th percentile (nearest rank) of a sample.
struct Stats {
  var median: Double
  var p99: Double
  var min: Double
  var count: Int

  init(_ samples: [Double]) {
    let s = samples.sorted()
    count = s.count
    min = s.first ?? .nan
    if s.isEmpty {
      median = .nan
      p99 = .nan
    } else {
      median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
      let rank = Int((0.99 * Double(s.count)).rounded(.up))
      p99 = s[Swift.max(0, Swift.min(s.count - 1, rank - 1))]
    }
  }
}

/// Peak resident set size of this process so far, in MiB (getrusage ru_maxrss).
func peakRSSMiB() -> Double {
  var usage = rusage()
  #if canImport(Darwin)
    getrusage(RUSAGE_SELF, &usage)
    return Double(usage.ru_maxrss) / 1_048_576  // bytes on Darwin
  #else
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // KiB on Linux
  #endif
}

/// User plus system CPU seconds of this process so far (all threads), to tell work from
/// waiting for a core on a loaded machine.
func cpuSeconds() -> Double {
  var usage = rusage()
  #if canImport(Darwin)
    getrusage(RUSAGE_SELF, &usage)
  #else
    getrusage(RUSAGE_SELF.rawValue, &usage)
  #endif
  func s(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
  return s(usage.ru_utime) + s(usage.ru_stime)
}

/// Current resident set size in MiB (Linux /proc), to tell the first index's growth from
/// what the process held before it.
func currentRSSMiB() -> Double? {
  guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else {
    return nil
  }
  for line in text.split(separator: "\n") where line.hasPrefix("VmRSS:") {
    let kib = line.split(separator: " ").compactMap { Double($0) }.first
    return kib.map { $0 / 1024 }
  }
  return nil
}

/// Runs a program to the end; throws with its stderr when it fails.
@discardableResult
func runProgram(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
         captureOutput: Bool = true) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  if let environment { process.environment = environment }
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = captureOutput ? out : FileHandle.nullDevice
  process.standardError = err
  try process.run()
  // Read before waiting so a full pipe cannot block the child.
  let outData = captureOutput ? out.fileHandleForReading.readDataToEndOfFile() : Data()
  let errData = err.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    let message = String(decoding: errData, as: UTF8.self)
    throw BenchError("\(executable) \(arguments.joined(separator: " ")) exited "
      + "\(process.terminationStatus): \(message)")
  }
  return String(decoding: outData, as: UTF8.self)
}

/// Wall time of one whole run of a program, output discarded (as `hyperfine -N` does).
///
/// Spawned with posix_spawn directly: Foundation's `Process` adds tens of milliseconds on
/// Linux, which would be charged to the program measured.
func timedSpawn(_ executable: String, _ arguments: [String], environment: [String: String])
  throws -> Double
{
  let argv: [UnsafeMutablePointer<CChar>?] =
    ([executable] + arguments).map { strdup($0) } + [nil]
  let envp: [UnsafeMutablePointer<CChar>?] =
    environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
  defer {
    for p in argv { free(p) }
    for p in envp { free(p) }
  }
  var actions = posix_spawn_file_actions_t()
  posix_spawn_file_actions_init(&actions)
  defer { posix_spawn_file_actions_destroy(&actions) }
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
  var pid: pid_t = 0
  let start = DispatchTime.now().uptimeNanoseconds
  let rc = posix_spawn(&pid, executable, &actions, nil, argv, envp)
  guard rc == 0 else {
    throw BenchError("cannot start \(executable): \(String(cString: strerror(rc)))")
  }
  var status: Int32 = 0
  while waitpid(pid, &status, 0) < 0, errno == EINTR {}
  let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  guard status == 0 else {
    throw BenchError("\(executable) \(arguments.joined(separator: " ")) failed "
      + "(wait status \(status))")
  }
  return seconds
}

/// The generator's ground truth (`gen_maildir.py --truth`).
struct Truth: Decodable {
  struct SetTruth: Decodable {
    var matches: Int
    var newest50: [String]
  }
  var owner: [String]
  var messages: Int
  var sets: [String: [String]]
  var truth: [String: SetTruth]

  /// Set names in the order PERFORMANCE.md lists them, then any others by name.
  var orderedSetNames: [String] {
    let known = ["one", "one_rare", "five", "fifty"]
    return known.filter { sets[$0] != nil } + sets.keys.filter { !known.contains($0) }.sorted()
  }
}

/// A fixed-width text table.
struct Table {
  var header: [String]
  var rows: [[String]] = []

  func render() -> String {
    var widths = header.map(\.count)
    for row in rows {
      for (k, cell) in row.enumerated() where k < widths.count {
        widths[k] = Swift.max(widths[k], cell.count)
      }
    }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { k, c in
        k == 0 ? c.padding(toLength: widths[k], withPad: " ", startingAt: 0)
          : String(repeating: " ", count: widths[k] - c.count) + c
      }.joined(separator: "  ")
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    var out = [line(header), rule]
    out += rows.map(line)
    return out.joined(separator: "\n")
  }
}

func ms(_ seconds: Double) -> String { String(format: "%.3f ms", seconds * 1000) }
func secs(_ seconds: Double) -> String { String(format: "%.3f s", seconds) }

/// Writes a synthetic corpus (SyntheticMailbox) and, when asked, its truth as JSON.
func generateCorpus(seed: Int, contacts: Int, messages: Int, startIndex: Int = 0,
                    spanMessages: Int? = nil, into directory: String, truth: String?) throws {
  let result = try SyntheticMailbox(seed: UInt64(seed), contacts: contacts, messages: messages,
                                    startIndex: startIndex, spanMessages: spanMessages)
    .write(into: URL(fileURLWithPath: directory))
  guard let truth else { return }
  let encoder = JSONEncoder()
  encoder.outputFormatting = [.sortedKeys]
  // Written aside and renamed, so an interrupted run leaves no truth for a partial corpus.
  try encoder.encode(result).write(to: URL(fileURLWithPath: truth + ".partial"))
  try? FileManager.default.removeItem(atPath: truth)
  try FileManager.default.moveItem(atPath: truth + ".partial", toPath: truth)
}

/// `AutoCaptureBench generate`: the corpus for Benchmarks/bench-vs-notmuch and by hand.
func generateCommand(_ arguments: [String]) throws {
  var out: String?
  var truth: String?
  var messages: Int?
  var seed = 42, contacts = 20_000, start = 0
  var span: Int?
  var k = 0
  func number(_ name: String) throws -> Int {
    k += 1
    guard k < arguments.count, let n = Int(arguments[k]), n >= 0 else {
      throw BenchError("\(name) wants a whole number")
    }
    return n
  }
  while k < arguments.count {
    switch arguments[k] {
    case "--out": k += 1; out = k < arguments.count ? arguments[k] : nil
    case "--truth": k += 1; truth = k < arguments.count ? arguments[k] : nil
    case "--messages": messages = try number("--messages")
    case "--seed": seed = try number("--seed")
    case "--contacts": contacts = try number("--contacts")
    case "--start-index": start = try number("--start-index")
    case "--span-messages": span = try number("--span-messages")
    default: throw BenchError("generate: unknown argument '\(arguments[k])'\n\(BenchOptions.usage)")
    }
    k += 1
  }
  guard let out, let messages else {
    throw BenchError("generate needs --out DIR and --messages N\n\(BenchOptions.usage)")
  }
  try generateCorpus(seed: seed, contacts: contacts, messages: messages, startIndex: start,
                     spanMessages: span, into: out, truth: truth)
}

/// Prints a run's title, the load average before and now, and its table; writes its figures
/// as JSON to `jsonOut` when given.
func printReport(_ title: String, loadBefore: String, table: Table, figures: [String: Any],
                 jsonOut: String?) throws {
  print(title)
  print("load average before \(loadBefore), after \(currentLoadAverage()); "
    + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
  print(table.render())
  if let jsonOut {
    let data = try JSONSerialization.data(
      withJSONObject: figures, options: [.prettyPrinted, .sortedKeys])
    try data.write(to: URL(fileURLWithPath: jsonOut))
  }
}

/// The 1-, 5- and 15-minute load averages.
func currentLoadAverage() -> String {
  (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))
    .map { $0.split(separator: " ").prefix(3).joined(separator: " ") } ?? "unknown"
}
