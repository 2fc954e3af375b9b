import Foundation
import Testing
import TestSupport

/// Sync under kill -9 and under concurrency: every request ends done, pending or failed,
/// the database stays intact, and no activity is duplicated.
@Suite(.serialized, .requires("sqlite3")) struct SyncCrashEndToEndTests {
  typealias F = CaptureFixture

  func trackedFixture(messages: Int) throws -> CaptureFixture {
    var f = try CaptureFixture()
    #expect(try f.importCRM().status == 0)
    let attachment = Data((0..<20_000).map { UInt8(truncatingIfNeeded: $0 &* 31) })
      .base64EncodedString(options: .lineLength76Characters)
      .replacingOccurrences(of: "\r\n", with: "\n")
    for n in 0..<messages {
      let body = "--b\nContent-Type: text/plain\n\nPart \(n)\n--b\n"
        + "Content-Type: application/octet-stream\nContent-Disposition: attachment; "
        + "filename=\"blob\(n).bin\"\nContent-Transfer-Encoding: base64\n\n\(attachment)\n--b--\n"
      try f.message(id: "<crash-\(n)@t>", date: "Fri, 20 Nov 2026 09:\(String(format: "%02d", n)):00 +0000",
                    from: "ann@fabrikam.example",
                    extraHeaders: ["Content-Type: multipart/mixed; boundary=b"],
                    subject: "Crash \(n)", body: body)
    }
    for n in 0..<messages {
      let r = try CLIRunner.run(["track", "--record", "contact:c-ann", "--item",
                                 "mail:<crash-\(n)@t>"] + f.sources())
      #expect(r.status == 0, "\(r.stderr)")
    }
    return f
  }

  func sqlite(_ db: String, _ sql: String) throws -> String {
    let p = Process()
    p.executableURL = try #require(TestEnvironment.executable("sqlite3"),
                                   "sqlite3 is not installed (.ci/install-deps installs it)")
    p.arguments = [db, sql]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  func emailCopies(_ f: CaptureFixture) throws -> [String: Int] {
    let t = try f.timeline("contact:c-ann")
    var copies: [String: Int] = [:]
    for item in F.items(t) where item["state"] as? String == "tracked" {
      if let m = item["messageId"] as? String { copies[m, default: 0] += 1 }
    }
    return copies
  }

  /// Starts `sync` and kills it with SIGKILL right after it reports its `k`-th finished
  /// request, so mid-way through the work (between or inside the next copy's transaction),
  /// never at a moment left to chance.
  func killSync(_ f: CaptureFixture, afterLines k: Int) throws {
    let p = Process()
    p.executableURL = CLIRunner.binary
    p.arguments = ["sync"] + f.sources()
    let out = Pipe()
    p.standardOutput = out
    p.standardError = FileHandle.nullDevice
    try p.run()
    var seen = 0
    let handle = out.fileHandleForReading
    while seen < k {
      let chunk = handle.availableData
      if chunk.isEmpty { break }  // it finished first
      seen += chunk.filter { $0 == UInt8(ascii: "\n") }.count
    }
    kill(p.processIdentifier, SIGKILL)
    p.waitUntilExit()
  }

  func doneCount(_ f: CaptureFixture) throws -> Int {
    Int(try sqlite(f.db, "SELECT count(*) FROM trackRequest WHERE state = 'done';")) ?? -1
  }

  @Test func killingSyncMidwayLosesAndDuplicatesNothing() throws {
    let count = 24
    let f = try trackedFixture(messages: count)
    var generator = SeededGenerator.forTest("killingSyncMidwayLosesAndDuplicatesNothing")
    let seed = "seed \(generator.seed)"
    var interruptedMidway = 0
    var previousDone = 0
    for _ in 0..<16 where count - previousDone > 1 {
      let afterLines = Int.random(in: 1..<(count - previousDone), using: &generator)
      try killSync(f, afterLines: afterLines)
      #expect(try sqlite(f.db, "PRAGMA integrity_check;") == "ok", "\(seed)")
      let done = try doneCount(f)
      #expect(done >= previousDone + afterLines, "\(seed): killed after \(afterLines) lines")
      if done > previousDone && done < count { interruptedMidway += 1 }
      previousDone = done
    }
    // The kills really landed inside syncs, not only before or after them.
    #expect(interruptedMidway > 0, "\(seed)")
    let final = try CLIRunner.run(["sync"] + f.sources())
    #expect(final.status == 0, "\(final.stdout) \(final.stderr)")
    let copies = try emailCopies(f)
    #expect(copies.count == count, "\(seed)")
    #expect(copies.values.allSatisfy { $0 == 1 }, "\(seed)")
    #expect(try doneCount(f) == count)
    #expect(try sqlite(f.db, "PRAGMA integrity_check;") == "ok")
  }

  @Test func twoProcessesSyncingTheSameUserStoreEachItemOnce() throws {
    let count = 8
    let f = try trackedFixture(messages: count)
    let processes = (0..<2).map { _ -> Process in
      let p = Process()
      p.executableURL = CLIRunner.binary
      p.arguments = ["sync"] + f.sources()
      p.standardOutput = FileHandle.nullDevice
      p.standardError = FileHandle.nullDevice
      return p
    }
    for p in processes { try p.run() }
    for p in processes { p.waitUntilExit() }
    _ = try CLIRunner.run(["sync"] + f.sources())  // whatever one of them left pending
    let copies = try emailCopies(f)
    #expect(copies.count == count)
    #expect(copies.values.allSatisfy { $0 == 1 })
  }
}
