import CaptureCore
import Foundation
import Mailbox

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `autocapture index [sources]`: builds or updates the private mailbox index.
///
/// On a terminal it redraws one progress line (count, rate, ETA); otherwise it prints a
/// plain line every tenth of the way, so logs stay readable. It ends with a summary line and
/// one line per file or folder that could not be read.
struct IndexCommand {
  static let spec = CommandSpec(
    name: "index",
    abstract: "Build or update the private index of your mailbox.",
    options: WorkspaceOptions.specs(using: [
      .maildir, .mbox, .imap, .imapPasswordCommand, .tlsCAFile, .indexDir,
    ]),
    run: { try IndexCommand(options: WorkspaceOptions($0)).run() })

  var options: WorkspaceOptions

  func run() throws {
    let workspace = try options.withConfigDefaults(ConfigFile.load())
    guard !workspace.maildir.isEmpty || !workspace.mbox.isEmpty || !workspace.imap.isEmpty
    else {
      throw CLIError("no mailbox to index: pass --maildir DIR, --mbox FILE or --imap URL")
    }
    try workspace.requireSources()
    let remotes = try workspace.remoteMailboxes()
    let directory = workspace.indexDirectoryURL
    let index: MailboxIndex
    let summary: MailboxIndexSummary
    do {
      index = try MailboxIndex(
        indexDirectory: directory, maildirs: workspace.maildir, mboxes: workspace.mbox,
        remotes: remotes, connections: .single)
      if let setAside = index.setAside { Console.error("warning: \(setAside)") }
      let reporter = ProgressReporter(terminal: isatty(STDERR_FILENO) == 1)
      summary = try index.refresh { reporter.report($0) }
      reporter.finish()
      try index.close()
    } catch let error as MailSourceError {
      throw CLIError(error.description)
    }
    Console.line(IndexCommand.summaryLine(summary))
    for problem in summary.skipped {
      Console.line("  skipped: \(problem)")
    }
    for warning in summary.warnings {
      Console.line("  warning: \(warning)")
    }
    OneShot.end(keeping: index)
  }

  static func summaryLine(_ s: MailboxIndexSummary) -> String {
    var parts = ["indexed \(s.added) new messages"]
    if s.removed > 0 { parts.append("removed \(s.removed)") }
    if s.renamed > 0 { parts.append("renamed \(s.renamed) files") }
    parts.append("\(s.totalMessages) in the index")
    if !s.skipped.isEmpty { parts.append("skipped \(s.skipped.count) unreadable") }
    // Two decimals by hand: String(format:) sets up Foundation's formatter (~0.2 ms).
    let hundredths = Int((s.seconds * 100).rounded())
    let fraction = hundredths % 100
    return parts.joined(separator: ", ")
      + " (\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) s)"
  }
}

/// Draws indexing progress on stderr: a redrawn bar on a terminal, tenths otherwise.
final class ProgressReporter: @unchecked Sendable {
  private let terminal: Bool
  private let started = Date()
  private let lock = NSLock()
  private var lastTenth = -1
  private var drew = false

  init(terminal: Bool) { self.terminal = terminal }

  func report(_ p: MailboxIndexProgress) {
    lock.lock()
    defer { lock.unlock() }
    guard p.total > 0 else { return }
    let elapsed = max(Date().timeIntervalSince(started), 0.001)
    let rate = Double(p.done) / elapsed
    let eta = rate > 0 ? Double(p.total - p.done) / rate : 0
    if terminal {
      let width = 24
      let filled = p.done * width / p.total
      let bar = String(repeating: "#", count: filled)
        + String(repeating: ".", count: width - filled)
      let line = String(
        format: "\r[%@] %d/%d messages  %.0f msg/s  ETA %.0f s ", bar, p.done, p.total, rate, eta)
      FileHandle.standardError.write(Data(line.utf8))
      drew = true
    } else {
      let tenth = p.done * 10 / p.total
      guard tenth > lastTenth else { return }
      lastTenth = tenth
      let line = String(
        format: "indexing: %d/%d messages (%d%%), %.0f msg/s\n", p.done, p.total, tenth * 10, rate)
      FileHandle.standardError.write(Data(line.utf8))
    }
  }

  func finish() {
    lock.lock()
    defer { lock.unlock() }
    if drew { FileHandle.standardError.write(Data("\n".utf8)) }
  }
}
