import CaptureCore
import Foundation
import Testing
import TestSupport

@testable import Mailbox

/// A mail server account held in memory, as `RemoteMailbox` sees one: the index's side of
/// QRESYNC and of the first sync in the background, which Dovecot cannot be made to pause in.
final class MemoryRemote: RemoteMailbox, @unchecked Sendable {
  let id = "imaps://dana@imap.test:993"
  private let lock = NSLock()
  private var messages: [UInt32: String] = [:]
  private var nextUID: UInt32 = 1
  private var modSeq: UInt64 = 1
  private var vanishedAt: [UInt32: UInt64] = [:]
  /// Calls made, by name: `uids`, `uids(from:)`, `search`, `headers`.
  private(set) var calls: [String] = []
  /// While closed, `headers(uids:)` (the sync's FETCH) waits.
  let gate = DispatchSemaphore(value: 0)
  var gated = false
  /// While true, the server cannot be reached.
  var down = false

  private func locked<T>(_ body: () -> T) -> T {
    lock.lock()
    defer { lock.unlock() }
    return body()
  }

  func add(from: String, subject: String, id: String) {
    locked {
      messages[nextUID] = "Message-ID: <\(id)>\r\nFrom: \(from)\r\nTo: dana@contoso.example\r\n"
        + "Subject: \(subject)\r\nDate: Fri, 20 Nov 2026 09:00:0\(nextUID % 10) +0000\r\n\r\nBody of \(id).\r\n"
      nextUID += 1
      modSeq += 1
    }
  }

  func expunge(_ uid: UInt32) {
    locked {
      messages[uid] = nil
      modSeq += 1
      vanishedAt[uid] = modSeq
    }
  }

  func called(_ name: String) -> Int { locked { calls.filter { $0 == name }.count } }

  func capturedFolders() throws(RemoteMailboxError) -> [String] {
    if locked({ down }) { throw .unreachable("cannot connect to imap.test:993") }
    return ["INBOX"]
  }

  func open(folder: String, known: RemoteFolderKnown?) throws(RemoteMailboxError)
    -> RemoteFolderStatus
  {
    locked {
      RemoteFolderStatus(
        uidValidity: 7, uidNext: nextUID, messages: messages.count, highestModSeq: modSeq,
        vanished: known.map { k in vanishedAt.filter { $0.value > k.highestModSeq }.keys.sorted() })
    }
  }

  func uids() throws(RemoteMailboxError) -> [UInt32] {
    locked { calls.append("uids"); return messages.keys.sorted() }
  }

  func uids(from first: UInt32) throws(RemoteMailboxError) -> [UInt32] {
    locked { calls.append("uids(from:)"); return messages.keys.filter { $0 >= first }.sorted() }
  }

  func headers(uids: [UInt32]) throws(RemoteMailboxError) -> [RemoteHeader] {
    if locked({ gated }) { gate.wait() }
    return try headers(folder: "INBOX", uidValidity: 7, uids: uids)
  }

  func search(folder: String, addresses: [String]) throws(RemoteMailboxError)
    -> (uidValidity: UInt32, uids: [UInt32])
  {
    locked {
      calls.append("search")
      // Substrings, as IMAP servers match.
      return (7, messages.filter { m in addresses.contains { m.value.contains($0) } }.keys.sorted())
    }
  }

  func headers(folder: String, uidValidity: UInt32, uids: [UInt32]) throws(RemoteMailboxError)
    -> [RemoteHeader]
  {
    locked {
      calls.append("headers")
      return uids.compactMap { uid in
        messages[uid].map { text in
          let header = text.components(separatedBy: "\r\n\r\n")[0] + "\r\n\r\n"
          return RemoteHeader(uid: uid, headerBlock: Data(header.utf8), internalDate: nil)
        }
      }
    }
  }

  func message(folder: String, uidValidity: UInt32, uid: UInt32, limit: Int64)
    throws(RemoteMailboxError) -> Data?
  {
    locked { messages[uid].map { Data($0.utf8) } }
  }
}

@Suite struct RemoteMailboxSyncTests {
  let ann: Set<EmailAddress> = [try! EmailAddress("ann@fabrikam.example")]

  func index(_ remote: MemoryRemote, pooled: Bool) throws -> MailboxIndex {
    try MailboxIndex(
      indexDirectory: try Fixtures.temporaryDirectory("remote-sync"), maildirs: [], mboxes: [],
      remotes: [remote], connections: pooled ? .pool : .single)
  }

  @Test func aFolderReadWholeIsBroughtUpToDateFromWhatVanishedAndTheUIDsAfterUIDNext() throws {
    let remote = MemoryRemote()
    for n in 1...4 { remote.add(from: "ann@fabrikam.example", subject: "m\(n)", id: "m\(n)@t") }
    let index = try index(remote, pooled: false)
    try index.refresh()
    #expect(remote.called("uids") == 1)

    remote.expunge(2)
    remote.add(from: "ann@fabrikam.example", subject: "m5", id: "m5@t")
    let summary = try index.refresh(progress: nil)
    #expect(summary.added == 1 && summary.removed == 1)
    // QRESYNC's answer sufficed: every UID was not listed again.
    #expect(remote.called("uids") == 1 && remote.called("uids(from:)") == 1)
    #expect(try index.newestMessages(matching: ann, limit: 10).map(\.messageId).sorted()
      == ["<m1@t>", "<m3@t>", "<m4@t>", "<m5@t>"])

    // Nothing new: one look at the folder, no listing at all.
    _ = try index.refresh(progress: nil)
    #expect(remote.called("uids") == 1 && remote.called("uids(from:)") == 1)
  }

  @Test func aPooledIndexReadsTheFirstSyncInTheBackgroundAndAnswersByASearchMeanwhile() throws {
    let remote = MemoryRemote()
    remote.add(from: "Ann <ann@fabrikam.example>", subject: "Deal", id: "deal@t")
    remote.add(from: "joann@fabrikam.example", subject: "Not hers", id: "other@t")
    remote.add(from: "bo@fabrikam.example", subject: "Bo's", id: "bo@t")
    remote.gated = true
    let index = try index(remote, pooled: true)

    // The refresh returns at once; the background sync waits at its first FETCH.
    try index.refresh()
    #expect(index.problems.map(\.description).contains {
      $0.contains("still being indexed for the first time (0 messages in the index so far)")
    })
    let found = try index.newestMessages(matching: ann, limit: 10)
    // The server's substring match also finds joann: the header check leaves her out.
    #expect(found.map(\.messageId) == ["<deal@t>"])
    #expect(try index.message(messageId: "<deal@t>").plainText.contains("Body of deal@t"))

    remote.gate.signal()
    let deadline = Date().addingTimeInterval(20)
    while try !index.unfinishedRemotes().isEmpty, Date() < deadline {
      Thread.sleep(forTimeInterval: 0.05)
    }
    #expect(try index.messageCount() == 3)
    // Read whole now: the index answers, the server is not searched.
    let searches = remote.called("search")
    try index.refresh()
    #expect(try index.newestMessages(matching: ann, limit: 10).map(\.messageId) == ["<deal@t>"])
    #expect(remote.called("search") == searches)
    #expect(index.problems.isEmpty)
  }

  @Test func aServerDownBeforeItsFirstSyncIsSaidUnreachableBesideTheFirstSyncNotice() throws {
    let remote = MemoryRemote()
    remote.add(from: "ann@fabrikam.example", subject: "Deal", id: "deal@t")
    remote.down = true
    let index = try index(remote, pooled: true)
    try index.refresh()
    // The background attempt finds the server down; the next refresh says so.
    let deadline = Date().addingTimeInterval(20)
    while index.lastSummary?.skipped.contains(where: \.isTransient) != true, Date() < deadline {
      Thread.sleep(forTimeInterval: 0.05)
    }
    try index.refresh()
    let problems = index.problems.map(\.description)
    #expect(problems.contains { $0.contains("still being indexed for the first time") })
    #expect(problems.contains { $0.contains("unreachable since") }, "\(problems)")
    #expect(try index.newestMessages(matching: ann, limit: 10).isEmpty)
  }
}
