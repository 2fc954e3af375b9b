import CaptureCore
import Foundation
import DemoWorkspace
@testable import Mailbox
import TestSupport
import Testing

@Suite struct IncrementalRefresh {
  /// A settled tree of `count` messages, indexed once.
  func indexedTree(_ label: String, count: Int = 5) throws -> (MailTree, MailboxIndex) {
    let tree = try MailTree(label)
    for k in 0..<count {
      try tree.write(mailText(id: "<m\(k)@t>", date: "Tue, 18 Apr 2023 13:38:\(10 + k) -0500"),
                     name: "u\(k):2,S")
    }
    try tree.settleDirectories()
    let index = try tree.open()
    let first = try index.refresh(progress: nil)
    #expect(first.added == count)
    #expect(first.parsedFiles == count)
    return (tree, index)
  }

  @Test func nothingChangedReadsNoFileAndListsNoDirectory() throws {
    let (_, index) = try indexedTree("same")
    let again = try index.refresh(progress: nil)
    #expect(again.parsedFiles == 0)
    #expect(again.scannedDirectories == 0)
    #expect(again.unchangedDirectories == 2)
    #expect(again.totalMessages == 5)
  }

  @Test func aNewFileIsTheOnlyOneRead() throws {
    let (tree, index) = try indexedTree("add")
    try tree.write(mailText(id: "<new@t>", date: "Wed, 19 Apr 2023 09:00:00 +0000"),
                   sub: "new", name: "fresh")
    let summary = try index.refresh(progress: nil)
    #expect(summary.parsedFiles == 1)
    #expect(summary.added == 1)
    #expect(summary.totalMessages == 6)
    #expect(try index.ids(["ann@fabrikam.example"], limit: 1) == ["<new@t>"])
  }

  @Test func aRemovedFileLeavesTheIndex() throws {
    let (tree, index) = try indexedTree("remove")
    try FileManager.default.removeItem(at: tree.root.appendingPathComponent("cur/u2:2,S"))
    let summary = try index.refresh(progress: nil)
    #expect(summary.removed == 1)
    #expect(summary.parsedFiles == 0)
    #expect(try !index.ids(["ann@fabrikam.example"]).contains("<m2@t>"))
    #expect(try index.messageCount() == 4)
  }

  @Test func aFlagChangeIsARenameNotANewMessage() throws {
    let (tree, index) = try indexedTree("rename")
    let cur = tree.root.appendingPathComponent("cur")
    try FileManager.default.moveItem(
      at: cur.appendingPathComponent("u1:2,S"), to: cur.appendingPathComponent("u1:2,RS"))
    let summary = try index.refresh(progress: nil)
    #expect(summary.renamed == 1)
    #expect(summary.parsedFiles == 0)
    #expect(summary.added == 0 && summary.removed == 0)
    #expect(try index.message(messageId: "<m1@t>").header.messageId == "<m1@t>")
  }

  @Test func aMoveFromNewToCurIsARename() throws {
    let tree = try MailTree("newcur")
    try tree.write(mailText(id: "<d@t>"), sub: "new", name: "delivered")
    try tree.settleDirectories()
    let index = try tree.open()
    try index.refresh()
    try FileManager.default.moveItem(
      at: tree.root.appendingPathComponent("new/delivered"),
      to: tree.root.appendingPathComponent("cur/delivered:2,S"))
    let summary = try index.refresh(progress: nil)
    #expect(summary.renamed == 1)
    #expect(summary.parsedFiles == 0)
    let body = try index.message(messageId: "<d@t>").plainText
    #expect(body.trimmingCharacters(in: .whitespacesAndNewlines) == "Hello.")
  }

  @Test func aRemovedFolderTakesItsMessagesAlong() throws {
    let (tree, index) = try indexedTree("folder")
    try tree.write(mailText(id: "<s@t>"), folder: ".Sent", name: "s1:2,S")
    #expect(try index.refresh(progress: nil).added == 1)
    try FileManager.default.removeItem(at: tree.root.appendingPathComponent(".Sent"))
    let summary = try index.refresh(progress: nil)
    #expect(summary.removed == 1)
    #expect(try index.messageCount() == 5)
  }

  @Test func aMailboxNoLongerGivenLeavesTheIndexAndTheOthersStay() throws {
    let work = try MailTree("work")
    let home = try MailTree("home")
    try work.write(mailText(id: "<w@t>", date: "Tue, 18 Apr 2023 10:00:00 +0000"), name: "w:2,S")
    try home.write(mailText(id: "<h@t>", date: "Tue, 18 Apr 2023 11:00:00 +0000"), name: "h:2,S")
    try home.write(mailText(id: "<h2@t>", date: "Tue, 18 Apr 2023 12:00:00 +0000"),
                   folder: ".Sent", name: "h2:2,S")
    // The same message in both mailboxes stays while one of them still holds it.
    let shared = mailText(id: "<both@t>", date: "Tue, 18 Apr 2023 09:00:00 +0000")
    try work.write(shared, name: "b:2,S")
    try home.write(shared, name: "b:2,S")
    let mbox = try home.writeMbox()
    let both = try MailboxIndex(
      indexDirectory: work.index, maildirs: [work.root.path, home.root.path], mboxes: [mbox.path])
    #expect(try both.refresh(progress: nil).added == 5)
    let everyone = ["ann@fabrikam.example"]
    #expect(try both.ids(everyone) == ["<h2@t>", "<h@t>", "<w@t>", "<both@t>", "<o@t>"])

    let workOnly = try MailboxIndex(indexDirectory: work.index, maildirs: [work.root.path],
                                    mboxes: [])
    let summary = try workOnly.refresh(progress: nil)
    #expect(summary.removed == 3)
    #expect(summary.parsedFiles == 0)
    #expect(summary.totalMessages == 2)
    #expect(try workOnly.ids(everyone) == ["<w@t>", "<both@t>"])
    #expect(throws: MailSourceError.self) { try workOnly.message(messageId: "<h@t>") }
    #expect(try workOnly.message(messageId: "<both@t>").header.messageId == "<both@t>")
    // Given again, the mailbox is read again.
    #expect(try both.refresh(progress: nil).added == 3)
    #expect(try both.ids(everyone).count == 5)
  }

  @Test func theDefaultIndexIsInTheDataDirectoryAndAnEmptyHomeCountsAsUnset() {
    func index(_ variables: [String: String]) -> String {
      MailboxIndex.defaultIndexDirectory { variables[$0] }.path
    }
    #expect(index(["XDG_DATA_HOME": "/d", "HOME": "/h"]) == "/d/autocapture/index")
    #expect(index(["HOME": "/h"]) == "/h/.local/share/autocapture/index")
    #expect(index(["HOME": "", "XDG_DATA_HOME": ""]) == index([:]))
    // A relative XDG_DATA_HOME is invalid (XDG Base Directory spec): the default stands.
    #expect(index(["XDG_DATA_HOME": "data", "HOME": "/h"]) == "/h/.local/share/autocapture/index")
  }

  @Test func aSourceIsNamedByItsAbsoluteNormalizedPath() throws {
    #expect(MailboxIndex.sourcePath("Mail/", currentDirectory: "/home/dana") == "/home/dana/Mail")
    #expect(MailboxIndex.sourcePath("./Mail/.", currentDirectory: "/w/") == "/w/Mail")
    #expect(MailboxIndex.sourcePath("/srv//mail/./dana/", currentDirectory: "/x")
      == "/srv/mail/dana")
    // `..` after a symbolic link is another directory than the text suggests: kept.
    #expect(MailboxIndex.sourcePath("link/../Mail", currentDirectory: "/x") == "/x/link/../Mail")
    #expect(MailboxIndex.sourcePath("/", currentDirectory: "/x") == "/")
    #expect(MailboxIndex.sourcePath("", currentDirectory: "/x") == "")
    let home = try #require(ProcessInfo.processInfo.environment["HOME"])
    #expect(MailboxIndex.sourcePath("~/Mail", currentDirectory: "/x")
      == (home == "/" ? "" : home) + "/Mail")
    #expect(MailboxIndex.sourcePath("Ma ïl", currentDirectory: "/x") == "/x/Ma ïl")
    #expect(MailboxIndex.distinctSources(["/m/A", "/m/A/", "/m/./A", "/m/B"]) == ["/m/A", "/m/B"])
    // The working directory used for relative sources is the directory we are in.
    var named = stat(), here = stat()
    #expect(stat(MailboxIndex.workingDirectory(), &named) == 0 && stat(".", &here) == 0)
    #expect(named.st_dev == here.st_dev && named.st_ino == here.st_ino)
  }

  @Test func oneMailboxNamedAnotherWayIsTheSameSource() throws {
    let (tree, _) = try indexedTree("spelling")
    let spelled = tree.root.deletingLastPathComponent().path + "/./Mail//"
    let index = try MailboxIndex(indexDirectory: tree.index, maildirs: [spelled], mboxes: [])
    let summary = try index.refresh(progress: nil)
    #expect(summary.removed == 0)
    #expect(summary.parsedFiles == 0)
    #expect(summary.totalMessages == 5)
  }

  @Test func aMailboxInsideAnotherIsOneSourceWhicheverIsGiven() throws {
    let tree = try MailTree("nested")
    try tree.write(mailText(id: "<i@t>", date: "Tue, 18 Apr 2023 10:00:00 +0000"), name: "i:2,S")
    try tree.write(mailText(id: "<w1@t>", date: "Tue, 18 Apr 2023 11:00:00 +0000"),
                   folder: ".Work", name: "w1:2,S")
    try tree.write(mailText(id: "<w2@t>", date: "Tue, 18 Apr 2023 12:00:00 +0000"),
                   folder: ".Work", name: "w2:2,S")
    try tree.settleDirectories()
    let work = tree.root.appendingPathComponent(".Work").path
    func open(_ roots: [String]) throws -> MailboxIndex {
      try MailboxIndex(indexDirectory: tree.index, maildirs: roots, mboxes: [])
    }
    let everyone = ["ann@fabrikam.example"]
    #expect(try open([tree.root.path]).refresh(progress: nil).added == 3)
    // Only the folder inside: the rest leaves, the folder's own messages stay unread.
    let inner = try open([work]).refresh(progress: nil)
    #expect(inner.removed == 1 && inner.parsedFiles == 0 && inner.totalMessages == 2)
    #expect(try open([work]).ids(everyone) == ["<w2@t>", "<w1@t>"])
    // Both at once: every directory is planned once, so a deleted file leaves once.
    let both = try open([tree.root.path, work, tree.root.path + "/."])
    let again = try both.refresh(progress: nil)
    #expect(again.added == 1 && again.parsedFiles == 1 && again.totalMessages == 3)
    try FileManager.default.removeItem(
      at: tree.root.appendingPathComponent(".Work/cur/w1:2,S"))
    let removal = try both.refresh(progress: nil)
    #expect(removal.removed == 1 && removal.totalMessages == 2)
    #expect(try both.ids(everyone) == ["<w2@t>", "<i@t>"])
    // Back to the outer one only: nothing to read, nothing lost.
    let outer = try open([tree.root.path]).refresh(progress: nil)
    #expect(outer.parsedFiles == 0 && outer.removed == 0 && outer.totalMessages == 2)
  }

  /// `index` reports a FIFO left in `cur/` rather than wait on it forever.
  @Test func aFifoInAMaildirIsReportedNotWaitedOn() throws {
    let tree = try MailTree("fifo")
    try tree.write(mailText(id: "<a@t>"), name: "1.M1P1.host:2,S")
    let fifo = tree.root.appendingPathComponent("cur/2.M2P2.host:2,S")
    #expect(mkfifo(fifo.path, 0o600) == 0)
    let summary = try tree.open().refresh(progress: nil)
    #expect(summary.added == 1)
    #expect(summary.skipped.map(\.description).contains {
      $0.contains(fifo.path) && $0.contains("not a regular file") })
  }

  /// A header block over 1 MiB is reported, not cut silently, losing the From: after it.
  @Test func aHeaderBlockOverOneMebibyteIsReportedNotCutSilently() throws {
    let tree = try MailTree("huge-header")
    let filler = "X-Big: " + String(repeating: "a", count: 2 << 20) + "\n"
    let huge = try tree.write(filler + mailText(id: "<big@t>"), name: "1.M1P1.host:2,S")
    try tree.write(mailText(id: "<a@t>"), name: "2.M2P2.host:2,S")
    let summary = try tree.open().refresh(progress: nil)
    #expect(summary.added == 1)
    #expect(summary.skipped.map(\.description).contains {
      $0.contains(huge.path) && $0.contains("longer than 1 MiB") })
  }

  @Test func anMboxThatIsADirectoryIsReported() throws {
    let tree = try MailTree("mbox-dir")
    let summary = try tree.open(mboxes: [tree.root.path + "/cur"]).refresh(progress: nil)
    #expect(summary.skipped.map(\.description).contains { $0.contains("not an mbox file") })
  }

  /// A file in the index's path is named, not answered with "NSCocoaErrorDomain error 512".
  @Test func anIndexDirectoryThatCannotBeMadeNamesWhatIsInTheWay() throws {
    let tree = try MailTree("index-blocked")
    let file = tree.root.deletingLastPathComponent().appendingPathComponent("a-file")
    try Data("x".utf8).write(to: file)
    let index = file.appendingPathComponent("index")
    #expect(throws: MailSourceError.cannotCreate(
      path: index.path, reason: "\(file.path): not a directory")) {
      try MailboxIndex(indexDirectory: index, maildirs: [tree.root.path], mboxes: [])
    }
    let nested = tree.root.deletingLastPathComponent().appendingPathComponent("x/y/index")
    _ = try MailboxIndex(indexDirectory: nested, maildirs: [tree.root.path], mboxes: [])
    #expect(FileManager.default.fileExists(atPath: nested.path))
  }

  /// The TUI shows a first index's progress through the `MailSource` protocol.
  @Test func aRefreshReportsHowManyNewMessagesItHasRead() throws {
    let tree = try MailTree("reporting")
    for k in 0..<3 { try tree.write(mailText(id: "<r\(k)@t>"), name: "r\(k):2,S") }
    let heard = Heard()
    let source: any MailSource = try tree.open()
    try source.refresh { done, total in heard.add(done, total) }
    #expect(heard.calls.first?.0 == 0)
    #expect(heard.calls.last?.0 == 3)
    #expect(heard.calls.allSatisfy { $0.1 == 3 })
    try source.refresh { done, total in heard.add(done, total) }
    #expect(heard.calls.count == 2)  // nothing new: nothing to report
  }

  /// A message saved as a file and named as an mbox is reported on every run, not
  /// indexed as nothing without a word.
  @Test func aFileThatIsNotAnMboxIsReportedAgainOnEachRun() throws {
    let tree = try MailTree("not-mbox")
    let eml = tree.root.deletingLastPathComponent().appendingPathComponent("quote.eml")
    try Data(mailText(id: "<e@t>").utf8).write(to: eml)
    let index = try tree.open(mboxes: [eml.path])
    for _ in 0..<2 {
      let summary = try index.refresh(progress: nil)
      #expect(summary.skipped.map(\.description).contains {
        $0.contains(eml.path) && $0.contains("not an mbox") })
    }
  }

  @Test func textBeforeTheFirstMessageOfAnMboxIsReportedAndTheMessagesKept() throws {
    let tree = try MailTree("mbox-prefix")
    let mbox = try tree.writeMbox()
    let messages = try Data(contentsOf: mbox)
    try (Data("\u{FEFF}Exported by Mailer 1.0\n\n".utf8) + messages).write(to: mbox)
    let summary = try tree.open(mboxes: [mbox.path]).refresh(progress: nil)
    #expect(summary.skipped.map(\.description).contains {
      $0.contains(mbox.path) && $0.contains("the first 27 bytes come before") })
    #expect(try tree.open(mboxes: [mbox.path]).ids(["ann@fabrikam.example"]).contains("<o@t>"))
  }

  @Test func blankLinesBeforeTheFirstMessageAreNotReported() throws {
    let tree = try MailTree("mbox-blank")
    let mbox = try tree.writeMbox()
    try (Data("\n\r\n".utf8) + Data(contentsOf: mbox)).write(to: mbox)
    #expect(try tree.open(mboxes: [mbox.path]).refresh(progress: nil).skipped.isEmpty)
  }

  @Test func anMboxStillGivenButGoneForNowKeepsItsMessages() throws {
    let tree = try MailTree("mbox-gone")
    let mbox = try tree.writeMbox()
    let index = try tree.open(mboxes: [mbox.path])
    #expect(try index.refresh(progress: nil).added == 1)
    let away = mbox.deletingLastPathComponent().appendingPathComponent("Old.mbox.away")
    try FileManager.default.moveItem(at: mbox, to: away)
    let summary = try index.refresh(progress: nil)
    #expect(summary.removed == 0)
    #expect(summary.skipped.count == 1)
    #expect(summary.skipped.first?.description.contains(mbox.path) == true)
    #expect(try index.ids(["ann@fabrikam.example"]) == ["<o@t>"])
  }

  @Test func aMailboxStillGivenButGoneForNowKeepsItsMessages() throws {
    // An unmounted disk or a renamed folder: the user still names it, so nothing is dropped.
    let (tree, index) = try indexedTree("unmounted")
    let away = tree.root.deletingLastPathComponent().appendingPathComponent("Mail.away")
    try FileManager.default.moveItem(at: tree.root, to: away)
    let summary = try index.refresh(progress: nil)
    #expect(summary.removed == 0)
    #expect(summary.skipped.count == 1)
    #expect(summary.skipped.first?.description.contains(tree.root.path) == true)
    #expect(try index.messageCount() == 5)
    try FileManager.default.moveItem(at: away, to: tree.root)
    #expect(try index.refresh(progress: nil).parsedFiles == 0)
  }

  @Test func anIndexOfAPartialTreeIsCompletedByTheNextRefresh() throws {
    // An interrupted first run leaves some committed batches; the next run adds the rest.
    let tree = try MailTree("partial")
    for k in 0..<30 {
      try tree.write(mailText(id: "<p\(k)@t>", date: "Tue, 18 Apr 2023 13:\(10 + k):00 -0500"),
                     name: "p\(k):2,")
    }
    let index = try tree.open()
    try index.refresh()
    #expect(try index.messageCount() == 30)
    for k in 30..<60 {
      try tree.write(mailText(id: "<p\(k)@t>", date: "Tue, 18 Apr 2023 14:\(k - 30 + 10):00 -0500"),
                     name: "p\(k):2,")
    }
    let summary = try index.refresh(progress: nil)
    #expect(summary.parsedFiles == 30)
    #expect(try index.messageCount() == 60)
    #expect(try index.ids(["ann@fabrikam.example"], limit: 2) == ["<p59@t>", "<p58@t>"])
  }

  @Test func twoIndexesRefreshingTheSameDirectoryAtOnceAgree() throws {
    let tree = try MailTree("concurrent")
    for k in 0..<400 {
      try tree.write(
        mailText(id: "<c\(k)@t>", date: "Tue, 18 Apr 2023 \(10 + k / 60):\(10 + k % 50):00 -0500",
                 to: "P\(k % 7) <p\(k % 7)@t.example>"),
        name: "c\(k):2,S")
    }
    let a = try tree.open()
    let b = try tree.open()
    let results = ConcurrentResults()
    DispatchQueue.concurrentPerform(iterations: 2) { k in
      do {
        let s = try (k == 0 ? a : b).refresh(progress: nil)
        results.append(s)
      } catch {
        results.fail("\(error)")
      }
    }
    #expect(results.errors.isEmpty)
    #expect(results.summaries.map(\.added).reduce(0, +) == 400)
    #expect(try a.messageCount() == 400)
    let expected = try MailboxIndex(
      indexDirectory: tree.index.deletingLastPathComponent().appendingPathComponent("solo"),
      maildirs: [tree.root.path], mboxes: [])
    try expected.refresh()
    for p in 0..<7 {
      #expect(try a.ids(["p\(p)@t.example"]) == expected.ids(["p\(p)@t.example"]))
    }
  }
}

/// Collects results from concurrent refreshes.
final class ConcurrentResults: @unchecked Sendable {
  private let lock = NSLock()
  private(set) var summaries: [MailboxIndexSummary] = []
  private(set) var errors: [String] = []
  func append(_ s: MailboxIndexSummary) { lock.lock(); summaries.append(s); lock.unlock() }
  func fail(_ e: String) { lock.lock(); errors.append(e); lock.unlock() }
}

@Suite struct GeneratorTruth {
  /// The synthetic mailbox's own answer for its sample address sets, checked message for
  /// message: its truth comes from the addresses it wrote, not from any parser.
  @Test func newestFiftyMatchTheGeneratorsTruthForEverySampleSet() throws {
    let base = try Fixtures.temporaryDirectory("gen")
    defer { try? FileManager.default.removeItem(at: base) }
    let maildir = base.appendingPathComponent("Mail")
    let truth = try SyntheticMailbox(seed: 7, contacts: 300, messages: 2000)
      .write(into: maildir)
    let index = try MailboxIndex(
      indexDirectory: base.appendingPathComponent("index"), maildirs: [maildir.path], mboxes: [])
    let summary = try index.refresh(progress: nil)
    #expect(summary.added == 2000)
    #expect(summary.skipped.isEmpty)
    #expect(truth.sets.count == 4)
    for (name, addresses) in truth.sets.sorted(by: { $0.key < $1.key }) {
      let expected = try #require(truth.truth[name])
      #expect(expected.matches > 0, "set \(name) names no message: the test would prove nothing")
      let found = try index.ids(addresses, limit: 50)
      let firstDifference = zip(found, expected.newest50).enumerated()
        .first { $0.element.0 != $0.element.1 }
      #expect(found.count == expected.newest50.count, "set \(name)")
      if let (position, (got, want)) = firstDifference {
        Issue.record("set \(name): position \(position) has \(got), the generator says \(want)")
      }
    }
  }

  /// A corpus written in two runs (the second "delivering" messages 500 and on, with the same
  /// span) is the same bytes as one written at once, and the delivered part's truth leads.
  @Test func deliveredMessagesContinueTheCorpusByteForByte() throws {
    let base = try Fixtures.temporaryDirectory("gen")
    defer { try? FileManager.default.removeItem(at: base) }
    let whole = base.appendingPathComponent("Whole")
    let wholeTruth = try SyntheticMailbox(seed: 3, contacts: 100, messages: 600).write(into: whole)
    let split = base.appendingPathComponent("Split")
    try SyntheticMailbox(seed: 3, contacts: 100, messages: 500, spanMessages: 600)
      .write(into: split)
    let delivered = try SyntheticMailbox(seed: 3, contacts: 100, messages: 600, startIndex: 500,
                                         spanMessages: 600).write(into: split)
    func files(_ root: URL) throws -> [String: Data] {
      var all: [String: Data] = [:]
      for sub in ["cur", "new"] {
        let dir = root.appendingPathComponent(sub)
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
          all[sub + "/" + name] = try Data(contentsOf: dir.appendingPathComponent(name))
        }
      }
      return all
    }
    let wholeFiles = try files(whole)
    #expect(wholeFiles.count == 600)
    #expect(try files(split) == wholeFiles)
    let one = try #require(delivered.truth["one"]?.newest50.first)
    #expect(wholeTruth.truth["one"]?.newest50.first == one)
  }
}

/// What a progress callback heard, from whichever thread.
final class Heard: @unchecked Sendable {
  private let lock = NSLock()
  private var list: [(Int, Int)] = []
  func add(_ done: Int, _ total: Int) { lock.withLock { list.append((done, total)) } }
  var calls: [(Int, Int)] { lock.withLock { list } }
}
