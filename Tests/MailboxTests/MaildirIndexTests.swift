import CaptureCore
import Foundation
import Mailbox
import TestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#endif

@Suite struct MaildirFolderRules {
  @Test(arguments: [
    ".Drafts", ".Trash", ".Deleted Items", ".Deleted Messages", ".Junk", ".Junk E-mail",
    ".Spam", ".trash", ".DRAFTS", ".junk e-mail", ".Trash.2025", ".Spam.Old.Stuff",
    "Drafts", "Trash/2025",
  ])
  func draftsTrashAndJunkFoldersAndTheirSubfoldersAreExcluded(name: String) {
    #expect(MaildirLayout.isExcluded(folderName: name))
  }

  @Test(arguments: [".Sent", ".Archive.2024", ".Trashy", ".Sent.Trash", ".Junkmail", "INBOX",
                    "Archive/Trash"])
  func otherFoldersAreCaptured(name: String) {
    #expect(!MaildirLayout.isExcluded(folderName: name))
  }

  @Test func indexingSkipsExcludedFoldersButReadsTheOthers() throws {
    let tree = try MailTree("folders")
    let excluded = [".Drafts", ".Trash", ".Deleted Items", ".Deleted Messages", ".Junk",
                    ".Junk E-mail", ".Spam", ".TRASH.2025", ".junk.old"]
    for (k, folder) in excluded.enumerated() {
      try tree.write(mailText(id: "<x\(k)@t>"), folder: folder, name: "x\(k):2,S")
    }
    let included = ["", ".Sent", ".Archive.2024", ".Trashy"]
    for (k, folder) in included.enumerated() {
      try tree.write(mailText(id: "<in\(k)@t>"), folder: folder, name: "in\(k):2,S")
    }
    let index = try tree.open()
    try index.refresh()
    #expect(try index.ids(["ann@fabrikam.example"]).sorted()
      == ["<in0@t>", "<in1@t>", "<in2@t>", "<in3@t>"])
  }

  @Test func plainNestedFoldersAreReadWithTheirPathAsName() throws {
    let tree = try MailTree("nested")
    try tree.write(mailText(id: "<n@t>"), folder: "Archive/2024", name: "n:2,")
    try tree.write(mailText(id: "<t@t>"), folder: "Trash/Old", name: "t:2,")
    let index = try tree.open()
    try index.refresh()
    let found = try index.newestMessages(matching: [address("ann@fabrikam.example")], limit: 5)
    #expect(found.map(\.messageId) == ["<n@t>"])
    #expect(found.first?.folder == "Archive/2024")
  }

  @Test func fileNamesGiveUniquePartAndFlags() {
    #expect(MaildirLayout.uniquePart(of: "1681843120.M0P1000Q0.host:2,FS") ==
      "1681843120.M0P1000Q0.host")
    #expect(MaildirLayout.flags(of: "1681843120.M0P1000Q0.host:2,FS") == "FS")
    #expect(MaildirLayout.flags(of: "1681843120.M0P1000Q0.host") == "")
  }
}

@Suite struct MaildirIndexing {
  @Test func messagesInCurAndNewAreIndexedAndTmpIsIgnored() throws {
    let tree = try MailTree("curnew")
    try tree.write(mailText(id: "<cur@t>"), sub: "cur", name: "a:2,S")
    try tree.write(mailText(id: "<new@t>"), sub: "new", name: "b")
    try tree.write(mailText(id: "<tmp@t>"), sub: "tmp", name: "c")
    let index = try tree.open()
    try index.refresh()
    #expect(try index.ids(["ann@fabrikam.example"]).sorted() == ["<cur@t>", "<new@t>"])
  }

  @Test func queryMatchesFromToAndCcButNotOtherHeaders() throws {
    let tree = try MailTree("roles")
    try tree.write(mailText(id: "<from@t>", from: "X <x@t.example>"), name: "1")
    try tree.write(mailText(id: "<to@t>", to: "x@t.example, Y <y@t.example>"), name: "2")
    try tree.write(mailText(id: "<cc@t>", cc: "Big X <X@T.example>"), name: "3")
    try tree.write("Reply-To: x@t.example\n" + mailText(id: "<reply@t>"), name: "4")
    let index = try tree.open()
    try index.refresh()
    #expect(try index.ids(["x@t.example"]).sorted() == ["<cc@t>", "<from@t>", "<to@t>"])
  }

  @Test func equalDatesAreOrderedByMessageIdAscendingAndLimitHolds() throws {
    let tree = try MailTree("ties")
    let same = "Tue, 18 Apr 2023 13:38:40 -0500"
    for id in ["<c@t>", "<a@t>", "<d@t>", "<b@t>"] {
      try tree.write(mailText(id: id, date: same), name: String(id.dropFirst().prefix(1)))
    }
    try tree.write(mailText(id: "<newer@t>", date: "Wed, 19 Apr 2023 09:00:00 +0000"), name: "n")
    try tree.write(mailText(id: "<older@t>", date: "Mon, 17 Apr 2023 09:00:00 +0000"), name: "o")
    let index = try tree.open()
    try index.refresh()
    #expect(try index.ids(["ann@fabrikam.example"]) ==
      ["<newer@t>", "<a@t>", "<b@t>", "<c@t>", "<d@t>", "<older@t>"])
    #expect(try index.ids(["ann@fabrikam.example"], limit: 3) == ["<newer@t>", "<a@t>", "<b@t>"])
  }

  @Test func theSameMessageInTwoFoldersIsOneItem() throws {
    let tree = try MailTree("dup")
    try tree.write(mailText(id: "<same@t>"), name: "1:2,S")
    try tree.write(mailText(id: "<same@t>"), folder: ".Archive", name: "2:2,S")
    try tree.write(mailText(id: "<other@t>", date: "Mon, 17 Apr 2023 09:00:00 +0000"),
                   folder: ".Archive", name: "3:2,S")
    let index = try tree.open()
    try index.refresh()
    #expect(try index.ids(["ann@fabrikam.example"]) == ["<same@t>", "<other@t>"])
    #expect(try index.messageCount() == 2)
  }

  @Test func aMessageWithoutMessageIdGetsTheSameSyntheticIdInEveryIndex() throws {
    let tree = try MailTree("noid")
    try tree.write(mailText(id: nil, subject: "No id"), name: "1:2,")
    let first = try tree.open()
    try first.refresh()
    let other = try MailboxIndex(
      indexDirectory: tree.index.deletingLastPathComponent().appendingPathComponent("index2"),
      maildirs: [tree.root.path], mboxes: [])
    try other.refresh()
    let a = try first.ids(["ann@fabrikam.example"])
    let b = try other.ids(["ann@fabrikam.example"])
    #expect(a.count == 1)
    #expect(a == b)
    #expect(a.first?.hasSuffix("@autocapture.invalid>") == true)
  }

  @Test func aMessageWithoutDateTakesTheFileMtimeAndIsFlagged() throws {
    let tree = try MailTree("nodate")
    let mtime = Date(timeIntervalSince1970: 1_600_000_000)
    try tree.write(mailText(id: "<nodate@t>", date: nil), name: "1", modified: mtime)
    try tree.write(mailText(id: "<bad@t>", date: "someday soon"), name: "2", modified: mtime)
    let index = try tree.open()
    try index.refresh()
    let found = try index.newestMessages(matching: [address("ann@fabrikam.example")], limit: 5)
    #expect(found.map(\.messageId) == ["<bad@t>", "<nodate@t>"])
    #expect(found.allSatisfy { $0.dateIsFallback && $0.date == mtime })
  }

  @Test func tileFieldsComeFromTheHeaders() throws {
    let tree = try MailTree("fields")
    try tree.write(mailText(id: "<f@t>", from: "Ann Lee <Ann@Fabrikam.example>",
                            to: "Dana <dana@contoso.example>", cc: "Bo <bo@x.example>",
                            subject: "Pricing"), folder: ".Sent", name: "1:2,S")
    let index = try tree.open()
    try index.refresh()
    let m = try #require(
      try index.newestMessages(matching: [address("bo@x.example")], limit: 1).first)
    #expect(m.subject == "Pricing")
    #expect(m.from == address("ann@fabrikam.example"))
    #expect(m.fromName == "Ann Lee")
    #expect(m.to == [address("dana@contoso.example")])
    #expect(m.cc == [address("bo@x.example")])
    #expect(m.folder == ".Sent")
    #expect(!m.dateIsFallback)
    #expect(m.date == Date(timeIntervalSince1970: 1_681_843_120))
  }

  @Test func aWholeMessageIsReadFromItsFileEvenAfterAFlagRename() throws {
    let tree = try MailTree("read")
    let url = try tree.write(mailText(id: "<r@t>", body: "The body text.\n"), name: "r1:2,")
    let index = try tree.open()
    try index.refresh()
    let renamed = url.deletingLastPathComponent().appendingPathComponent("r1:2,S")
    try FileManager.default.moveItem(atPath: url.path, toPath: renamed.path)
    let content = try index.message(messageId: "<r@t>")
    #expect(content.plainText.contains("The body text."))
    #expect(content.header.messageId == "<r@t>")
  }

  @Test func aVanishedFileIsReportedByPathAndAnUnknownIdAsNotFound() throws {
    let tree = try MailTree("gone")
    let url = try tree.write(mailText(id: "<g@t>"), name: "g1:2,")
    let index = try tree.open()
    try index.refresh()
    try FileManager.default.removeItem(at: url)
    #expect(throws: MailSourceError.unreadable(
      path: url.path, reason: "the file is gone from the mailbox")) {
      try index.message(messageId: "<g@t>")
    }
    #expect(throws: MailSourceError.messageNotFound("<nope@t>")) {
      try index.message(messageId: "<nope@t>")
    }
  }
}

@Suite struct UnreadableMail {
  @Test func anUnreadableFileIsReportedCountedAndRetried() throws {
    let tree = try MailTree("badfile")
    try tree.write(mailText(id: "<ok@t>"), name: "ok")
    // A dangling symlink cannot be opened even by root.
    let dangling = tree.root.appendingPathComponent("cur/dangling:2,S")
    try FileManager.default.createSymbolicLink(
      atPath: dangling.path, withDestinationPath: "/nonexistent/autocapture-test")
    let index = try tree.open()
    let first = try index.refresh(progress: nil)
    #expect(first.added == 1)
    #expect(first.skipped.count == 1)
    #expect(first.skipped.first.map { "\($0)" }?.contains(dangling.path) == true)
    let second = try index.refresh(progress: nil)
    #expect(second.skipped.count == 1)
  }

  @Test func aFolderThatCannotBeListedIsReportedAndTheRestIndexed() throws {
    let tree = try MailTree("badfolder")
    try tree.write(mailText(id: "<ok@t>"), name: "ok")
    let broken = tree.root.appendingPathComponent(".Broken")
    try FileManager.default.createDirectory(at: broken, withIntermediateDirectories: true)
    // `cur` is a plain file here, so listing it fails for every user.
    try Data("not a directory".utf8).write(to: broken.appendingPathComponent("cur"))
    let index = try tree.open()
    let summary = try index.refresh(progress: nil)
    #expect(summary.added == 1)
    #expect(summary.skipped == [
      .unreadable(path: broken.appendingPathComponent("cur").path, reason: "Not a directory"),
    ])
  }

  // Root reads any file whatever its mode says: there the check cannot fail, so it is
  // skipped, and the skip is reported.
  @Test(.disabled(if: TestEnvironment.runsAsRoot, "root reads files without read permission"))
  func filesAndFoldersWithoutReadPermissionAreReported() throws {
    let tree = try MailTree("perm")
    try tree.write(mailText(id: "<ok@t>"), name: "ok")
    let locked = try tree.write(mailText(id: "<locked@t>"), name: "locked")
    try tree.write(mailText(id: "<hidden@t>"), folder: ".Private", name: "p")
    let privateCur = tree.root.appendingPathComponent(".Private/cur")
    chmod(locked.path, 0)
    chmod(privateCur.path, 0)
    defer {
      chmod(locked.path, 0o644)
      chmod(privateCur.path, 0o755)
    }
    let index = try tree.open()
    let summary = try index.refresh(progress: nil)
    #expect(summary.added == 1)
    #expect(Set(summary.skipped.map { "\($0)" }) == [
      "cannot read \(locked.path): Permission denied",
      "cannot read \(privateCur.path): Permission denied",
    ])
  }
}

@Suite struct InternationalDomainsInTheIndex {
  /// A contact written `anna@müller.de` meets mail sent to `anna@xn--mller-kva.de`, and
  /// the reverse: the index keeps one form of each domain.
  @Test func eitherFormOfADomainFindsMailWrittenInTheOther() throws {
    let tree = try MailTree("idn")
    try tree.write(mailText(id: "<ace@t>", date: "Tue, 18 Apr 2023 09:00:00 +0000",
                            from: "Anna <anna@xn--mller-kva.de>"), name: "a:2,S")
    try tree.write(mailText(id: "<utf8@t>", date: "Wed, 19 Apr 2023 09:00:00 +0000",
                            from: "Anna <anna@müller.de>"), name: "b:2,S")
    let index = try tree.open()
    try index.refresh(progress: nil)
    let unicode = try EmailAddress("anna@müller.de")
    let ascii = try EmailAddress("anna@xn--mller-kva.de")
    for asked in [unicode, ascii] {
      let found = try index.newestMessages(matching: [asked], limit: 50)
      #expect(found.map(\.messageId) == ["<utf8@t>", "<ace@t>"])
      #expect(found.allSatisfy { $0.from?.value == "anna@müller.de" }, "shown in Unicode")
    }
  }
}
