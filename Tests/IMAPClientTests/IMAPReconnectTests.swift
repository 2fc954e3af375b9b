import Foundation
import IMAPClient
import IMAPMailbox
import Mailbox
import Testing
import TestSupport

/// Reconnecting to the Dovecot of scripts/servers/dovecot.sh through a forwarder the test
/// cuts, with the waits recorded instead of slept and a clock the test moves.
@Suite(.enabled(if: !TestServers.skipped("dovecot"),
                "AUTOCAPTURE_SKIP_SERVERS names dovecot: the IMAP tests are skipped"))
struct IMAPReconnectTests {
  final class Recorder: @unchecked Sendable {
    private let lock = NSLock()
    private var recordedSleeps: [TimeInterval] = []
    private var time = Date(timeIntervalSince1970: 1_800_000_000)
    private func locked<T>(_ body: () -> T) -> T {
      lock.lock()
      defer { lock.unlock() }
      return body()
    }
    var sleeps: [TimeInterval] { locked { recordedSleeps } }
    var now: Date { locked { time } }
    func sleep(_ t: TimeInterval) { locked { recordedSleeps.append(t) } }
    func advance(_ t: TimeInterval) { locked { time += t } }
  }

  /// A mailbox of a test user through `forwarder`; only read, so any user will do: the last,
  /// which the end-to-end tests reach only when they need every one.
  func mailbox(_ forwarder: TCPForwarder, _ recorder: Recorder) throws -> IMAPMailbox {
    let users = try TestServers.value("AUTOCAPTURE_TEST_IMAP_USERS", server: "dovecot")
    let password = try TestServers.value("AUTOCAPTURE_TEST_IMAP_PASSWORD", server: "dovecot")
    let ca = try TestServers.value("AUTOCAPTURE_TEST_IMAP_CA_FILE", server: "dovecot")
    let user = String(users.split(separator: ",").last ?? "")
    return IMAPMailbox(
      account: try IMAPAccount.parse("imaps://\(user)@localhost:\(forwarder.port)"),
      password: { password }, caFile: ca, timeoutSeconds: 10,
      reconnect: IMAPReconnectPolicy(attempts: 4, firstDelay: 0.25, maximumDelay: 0.5,
                                     firstCoolOff: 15, maximumCoolOff: 40),
      clock: { recorder.now }, sleep: { recorder.sleep($0) })
  }

  func imapsPort() throws -> Int {
    try #require(Int(try TestServers.value("AUTOCAPTURE_TEST_IMAPS_PORT", server: "dovecot")))
  }

  func unreachableReason(_ body: () throws -> Void) -> String? {
    do { try body() } catch RemoteMailboxError.unreachable(let reason) { return reason } catch {}
    return nil
  }

  @Test func oneConnectionServesEveryCallAndARefusedOneIsTriedWithGrowingWaitsThenRests()
    throws
  {
    let forwarder = try TCPForwarder(to: try imapsPort())
    let recorder = Recorder()
    let mailbox = try mailbox(forwarder, recorder)
    #expect(try mailbox.capturedFolders().contains("INBOX"))
    _ = try mailbox.open(folder: "INBOX", known: nil)
    _ = try mailbox.uids()
    #expect(forwarder.connections == 1)
    #expect(recorder.sleeps.isEmpty)

    forwarder.cutOff()
    let reason = unreachableReason { _ = try mailbox.capturedFolders() }
    #expect(reason?.contains("cannot connect to localhost:\(forwarder.port)") == true,
            "\(reason ?? "no unreachable")")
    // Four attempts: waits of 0.25 s, then doubled, at most 0.5 s.
    #expect(recorder.sleeps == [0.25, 0.5, 0.5])

    // Back, but within the cool-off: not tried, the last reason said at once.
    try forwarder.restore()
    let connections = forwarder.connections
    #expect(unreachableReason { _ = try mailbox.capturedFolders() } == reason)
    #expect(forwarder.connections == connections)
    #expect(recorder.sleeps.count == 3)

    recorder.advance(16)
    #expect(try mailbox.capturedFolders().contains("INBOX"))
    #expect(forwarder.connections == connections + 1)
  }

  @Test func theCoolOffDoublesWithEachCallThatGivesUpAndEndsWithASuccess() throws {
    let forwarder = try TCPForwarder(to: try imapsPort())
    let recorder = Recorder()
    let mailbox = try mailbox(forwarder, recorder)
    forwarder.cutOff()
    #expect(unreachableReason { _ = try mailbox.capturedFolders() } != nil)
    recorder.advance(16)
    #expect(unreachableReason { _ = try mailbox.capturedFolders() } != nil)
    #expect(recorder.sleeps.count == 6)
    // The second cool-off is 30 s: at 16 s nothing is tried.
    recorder.advance(16)
    #expect(unreachableReason { _ = try mailbox.capturedFolders() } != nil)
    #expect(recorder.sleeps.count == 6)
    try forwarder.restore()
    recorder.advance(15)
    #expect(try mailbox.capturedFolders().contains("INBOX"))
    // Reachable again: the next failure starts from the first cool-off.
    forwarder.cutOff()
    #expect(unreachableReason { _ = try mailbox.capturedFolders() } != nil)
    try forwarder.restore()
    recorder.advance(16)
    #expect(try mailbox.capturedFolders().contains("INBOX"))
  }

  @Test func thePolicysWaitsGrowToTheirCaps() {
    let p = IMAPReconnectPolicy()
    #expect((2...7).map { p.delay(beforeAttempt: $0) } == [0.25, 0.5, 1, 2, 4, 4])
    #expect((1...7).map { p.coolOff(afterFailures: $0) } == [15, 30, 60, 120, 240, 300, 300])
    #expect(p.coolOff(afterFailures: Int.max) == 300)
    #expect(IMAPReconnectPolicy(attempts: 0).attempts == 1)
  }
}

/// CONDSTORE/QRESYNC against Dovecot, which offers both.
@Suite(.enabled(if: !TestServers.skipped("dovecot"),
                "AUTOCAPTURE_SKIP_SERVERS names dovecot: the IMAP tests are skipped"))
struct IMAPQResyncTests {
  /// One message file in a Maildir folder's cur/, as Dovecot reads it.
  func write(_ dir: URL, _ n: Int) throws {
    let cur = dir.appendingPathComponent("cur")
    try FileManager.default.createDirectory(at: cur, withIntermediateDirectories: true)
    for sub in ["new", "tmp"] {
      try FileManager.default.createDirectory(
        at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
    let text = "Message-ID: <q\(n)@t>\nFrom: ann@fabrikam.example\nTo: dana@contoso.example\n"
      + "Subject: \(n)\nDate: Fri, 20 Nov 2026 09:00:00 +0000\n\nHello.\n"
    try text.write(to: cur.appendingPathComponent("17000\(n).M\(n)P1.q:2,S"), atomically: true,
                   encoding: .utf8)
  }

  @Test func examiningWithTheKnownModSeqNamesWhatVanishedAndTheNewUIDsFollowUIDNext() throws {
    let users = try TestServers.value("AUTOCAPTURE_TEST_IMAP_USERS", server: "dovecot")
    let root = try TestServers.value("AUTOCAPTURE_TEST_IMAP_MAIL_ROOT", server: "dovecot")
    let port = try TestServers.value("AUTOCAPTURE_TEST_IMAPS_PORT", server: "dovecot")
    // The end-to-end tests hand out users from the first on; this one writes the last but one.
    let userList = users.split(separator: ",").map(String.init)
    let user = try #require(userList.dropLast().last)
    let mail = URL(fileURLWithPath: root).appendingPathComponent(user)
    for name in (try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? [] {
      try FileManager.default.removeItem(at: mail.appendingPathComponent(name))
    }
    for n in 1...3 { try write(mail, n) }
    let mailbox = IMAPMailbox(
      account: try IMAPAccount.parse("imaps://\(user)@localhost:\(port)"),
      password: { (try? TestServers.value("AUTOCAPTURE_TEST_IMAP_PASSWORD", server: "dovecot")) ?? "" },
      caFile: try TestServers.value("AUTOCAPTURE_TEST_IMAP_CA_FILE", server: "dovecot"))
    let first = try mailbox.open(folder: "INBOX", known: nil)
    #expect(first.messages == 3 && first.vanished == nil)
    let modSeq = try #require(first.highestModSeq)
    let next = try #require(first.uidNext)
    let uids = try mailbox.uids()
    #expect(uids.count == 3)

    // The second message goes, a fourth comes.
    let cur = mail.appendingPathComponent("cur")
    for name in try FileManager.default.contentsOfDirectory(atPath: cur.path)
    where name.hasPrefix("170002.") {
      try FileManager.default.removeItem(at: cur.appendingPathComponent(name))
    }
    try write(mail, 4)
    let known = RemoteFolderKnown(uidValidity: first.uidValidity, highestModSeq: modSeq)
    let second = try mailbox.open(folder: "INBOX", known: known)
    #expect(second.messages == 3)
    #expect(second.vanished == [uids[1]])
    #expect((second.highestModSeq ?? 0) > modSeq)
    let added = try mailbox.uids(from: next)
    #expect(added.count == 1 && added[0] >= next)
    // Nothing new since: nothing vanished, no UID from the new UIDNEXT on.
    let third = try mailbox.open(folder: "INBOX", known: RemoteFolderKnown(
      uidValidity: second.uidValidity, highestModSeq: try #require(second.highestModSeq)))
    #expect(third.vanished == [])
    #expect(try mailbox.uids(from: try #require(second.uidNext)) == [])
  }
}
