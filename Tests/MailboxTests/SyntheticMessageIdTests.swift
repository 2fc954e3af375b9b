import CaptureCore
import Foundation
import TestSupport
import Testing

@testable import Mailbox

/// A cron report as a local MTA without Message-ID stamping delivers it: two runs in the
/// same second have byte-identical header blocks; only the body (the job's output) differs.
func cronReport(body: String) -> String {
  mailText(id: nil, date: "Mon, 6 Jan 2025 03:00:01 +0100",
           from: "Cron Daemon <root@build.fabrikam.example>",
           to: "ops@fabrikam.example", subject: "Cron <root@build> /usr/local/bin/backup",
           body: body)
}

/// Writes `text` as an mbox named `Archive.mbox` in a fresh directory; returns its path and
/// an index over it.
func mboxIndex(_ text: String, label: String) throws -> (MailboxIndex, String) {
  let dir = try Fixtures.temporaryDirectory(label)
  let path = dir.appendingPathComponent("Archive.mbox").path
  try Data(text.utf8).write(to: URL(fileURLWithPath: path))
  let index = try MailboxIndex(
    indexDirectory: dir.appendingPathComponent("index"), maildirs: [], mboxes: [path])
  return (index, path)
}

/// Messages without a Message-ID are told apart by their whole bytes, as notmuch does.
@Suite struct MessagesWithoutMessageId {
  @Test func twoMaildirFilesWithOneHeaderBlockButDifferentBodiesAreTwoItems() throws {
    let tree = try MailTree("noid-bodies")
    try tree.write(cronReport(body: "backup: 1204 files, 0 errors\n"), name: "1.M1P1.host:2,S")
    try tree.write(cronReport(body: "backup: disk full, 17 files left\n"),
                   name: "2.M2P2.host:2,S")
    let index = try tree.open()
    try index.refresh()
    #expect(try index.ids(["ops@fabrikam.example"]).count == 2)
    #expect(try index.messageCount() == 2)
  }

  /// The header-block reader reads 8 KiB at a time: the rest of the file must count too.
  @Test func bodiesThatDifferOnlyPastTheFirstReadAreTwoItems() throws {
    let tree = try MailTree("noid-long")
    let log = (1...600).map { "rsync: sent file \($0) of 600\n" }.joined()
    try tree.write(cronReport(body: log + "backup: done\n"), name: "1.M1P1.host:2,S")
    try tree.write(cronReport(body: log + "backup: FAILED\n"), name: "2.M2P2.host:2,S")
    let index = try tree.open()
    try index.refresh()
    #expect(try index.messageCount() == 2)
  }

  @Test func theSameFileWithoutMessageIdInTwoFoldersIsStillOneItem() throws {
    let tree = try MailTree("noid-copy")
    let report = cronReport(body: "backup: 1204 files, 0 errors\n")
    try tree.write(report, name: "1.M1P1.host:2,S")
    try tree.write(report, folder: ".Archive", name: "2.M2P2.host:2,S")
    let index = try tree.open()
    try index.refresh()
    #expect(try index.messageCount() == 1)
  }

  @Test func twoMboxMessagesWithOneHeaderBlockButDifferentBodiesAreTwoItems() throws {
    let text = ["backup: 1204 files, 0 errors\n", "backup: disk full, 17 files left\n"]
      .map { "From root@build.fabrikam.example Mon Jan  6 03:00:01 2025\n"
        + cronReport(body: $0) + "\n" }
      .joined()
    let (index, _) = try mboxIndex(text, label: "noid-mbox")
    try index.refresh()
    #expect(try index.ids(["ops@fabrikam.example"]).count == 2)
  }

  /// Deleting an earlier message moves the later one to another offset: it is read again
  /// and must come back with the same id, so it is neither added nor removed.
  @Test func anMboxMessageWithoutMessageIdKeepsItsIdWhenItMoves() throws {
    let first = "From ann@fabrikam.example Mon Jan  6 02:00:00 2025\n"
      + mailText(id: "<first@t>", to: "ops@fabrikam.example") + "\n"
    let report = "From root@build.fabrikam.example Mon Jan  6 03:00:01 2025\n"
      + cronReport(body: "backup: 1204 files, 0 errors\n") + "\n"
    let (index, path) = try mboxIndex(first + report, label: "noid-move")
    try index.refresh()
    let before = try index.ids(["root@build.fabrikam.example"])
    try Data(report.utf8).write(to: URL(fileURLWithPath: path))
    let summary = try index.refresh(progress: nil)
    #expect(summary.removed == 1)
    #expect(summary.added == 0)
    #expect(before.count == 1)
    #expect(try index.ids(["root@build.fabrikam.example"]) == before)
  }

  /// The mbox copy has its body's `From ` line quoted; the Maildir copy does not.
  @Test func aMessageWithoutMessageIdInAnMboxAndInAMaildirIsOneItem() throws {
    let tree = try MailTree("noid-both")
    let report = cronReport(body: "backup: 3 files\nFrom here on, weekly runs only.\n")
    try tree.write(report, name: "1.M1P1.host:2,S")
    let mbox = tree.root.deletingLastPathComponent().appendingPathComponent("Cron.mbox")
    let quoted = report.replacingOccurrences(of: "\nFrom here", with: "\n>From here")
    try Data(("From root@build.fabrikam.example Mon Jan  6 03:00:01 2025\n" + quoted + "\n")
      .utf8).write(to: mbox)
    let index = try tree.open(mboxes: [mbox.path])
    try index.refresh()
    #expect(try index.messageCount() == 1)
  }

  @Test func theSyntheticIdHashesTheHeaderBlockAndTheBodyTogether() {
    let whole = Array(cronReport(body: "backup: done\n").utf8)
    let hash = whole.withUnsafeBytes { IndexSchema.fnv1a($0) }
    let split = whole.withUnsafeBytes { bytes in
      IndexSchema.fnv1a(bytes[40...], continuing: IndexSchema.fnv1a(bytes[..<40]))
    }
    #expect(hash == split)
    #expect(IndexedHeader.syntheticMessageId(hash: hash).hasSuffix("@autocapture.invalid>"))
  }
}

/// An email without Message-ID tracked while the index named such messages by a hash of
/// their header block (index schema 3 and before) still meets its activity after the
/// index is built again with ids from the whole message.
@Suite struct ActivitiesTrackedUnderTheOlderSyntheticId {
  static let now = Date(timeIntervalSince1970: 1_736_200_000)  // 2025-01-06T21:46:40Z
  static let dana = User(
    id: "dana", name: "Dana", emails: [address("ops@fabrikam.example")],
    mailbox: MailboxSettings(syncMethod: .serverSideSync, approved: true, testEnabled: true))
  static let fabrikam = RecordRef(type: .account, id: "a-fab")
  static let root = RecordRef(type: .contact, id: "c-root")

  /// A cron report in a fresh Maildir, a store whose activity tracked it under the id the
  /// header block gave it, regarding the contact, and the service over both.
  static func world(_ label: String) throws -> (TimelineService, InMemoryCRMStore) {
    let report = cronReport(body: "backup: 1204 files, 0 errors\n")
    let tree = try MailTree(label)
    try tree.write(report, name: "1.M1P1.host:2,S")
    let block = Array(report.utf8.prefix(through: report.utf8.firstRange(of: "\n\n".utf8)!
      .lowerBound))
    let formerId = IndexedHeader.syntheticMessageId(hash: IndexSchema.fnv1a(block))
    let store = InMemoryCRMStore(CRMContent(
      users: [dana],
      accounts: [Account(id: "a-fab", name: "Fabrikam", emails: [], primaryContact: "c-root")],
      contacts: [Contact(id: "c-root", name: "Cron",
                         emails: [address("root@build.fabrikam.example")],
                         parentAccount: "a-fab")],
      activities: [
        Activity(id: "act-cron", kind: .email, regarding: [root],
                 subject: "Cron <root@build> /usr/local/bin/backup",
                 at: Date(timeIntervalSince1970: 1_736_128_801), owner: "dana",
                 messageId: formerId, direction: .incoming,
                 from: address("root@build.fabrikam.example"),
                 to: [address("ops@fabrikam.example")], body: "backup: 1204 files, 0 errors"),
      ]))
    let service = TimelineService(store: store, mail: try tree.open(), calendar: nil,
                                  timeZone: .gmt)
    return (service, store)
  }

  @Test func theTrackedEmailShowsOnceAsTracked() throws {
    let (service, _) = try Self.world("former-id")
    let items = try service.timeline(for: Self.root, user: Self.dana, now: Self.now).items
    #expect(items.map(\.id) == ["act-cron"])
    #expect(items.map(\.state.name) == ["tracked"])
  }

  /// From a record the activity does not regard yet, tracking links that record to it
  /// rather than copying the message a second time under its new id.
  @Test func trackingItFromASecondRecordLinksTheSameActivity() throws {
    let (service, store) = try Self.world("former-id-link")
    let items = try service.timeline(for: Self.fabrikam, user: Self.dana, now: Self.now).items
    #expect(items.count == 1)
    let item = try #require(items.first)
    _ = try service.track(itemId: item.id, record: Self.fabrikam, user: Self.dana,
                          now: Self.now)
    let results = try service.syncPending(user: Self.dana, now: Self.now)
    #expect(results.map(\.state) == [.done(activityId: "act-cron")])
    let emails = try store.activities(regarding: Self.fabrikam).filter { $0.kind == .email }
    #expect(emails.map(\.id) == ["act-cron"])
    #expect(try store.activity(id: "act-cron")?.regarding == [Self.root, Self.fabrikam])
  }
}
