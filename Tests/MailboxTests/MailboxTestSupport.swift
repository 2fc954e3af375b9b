import CaptureCore
import Foundation
import Mailbox
import TestSupport

/// A throwaway Maildir and index directory for one test.
struct MailTree {
  let root: URL
  let index: URL

  init(_ label: String = "maildir") throws {
    let base = try Fixtures.temporaryDirectory("mailbox-\(label)")
    root = base.appendingPathComponent("Mail")
    index = base.appendingPathComponent("index")
    for sub in ["cur", "new", "tmp"] {
      try FileManager.default.createDirectory(
        at: root.appendingPathComponent(sub), withIntermediateDirectories: true)
    }
  }

  /// Writes a message file into `folder` (`""` for INBOX, `.Sent`...) and its `sub`
  /// directory, creating the folder's cur/new/tmp as needed; returns its path.
  @discardableResult
  func write(_ text: String, folder: String = "", sub: String = "cur", name: String,
             modified: Date? = nil) throws -> URL {
    let dir = folder.isEmpty ? root : root.appendingPathComponent(folder)
    for s in ["cur", "new", "tmp"] {
      try FileManager.default.createDirectory(
        at: dir.appendingPathComponent(s), withIntermediateDirectories: true)
    }
    let url = dir.appendingPathComponent(sub).appendingPathComponent(name)
    try Data(text.utf8).write(to: url)
    if let modified {
      try FileManager.default.setAttributes([.modificationDate: modified], ofItemAtPath: url.path)
    }
    return url
  }

  /// Sets every directory's mtime an hour back, so the index records them as settled and
  /// a later change is seen by the mtime check alone.
  func settleDirectories() throws {
    let past = Date().addingTimeInterval(-3600)
    let fm = FileManager.default
    guard let walker = fm.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey])
    else { return }
    var dirs = [root]
    for case let url as URL in walker
    where (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true {
      dirs.append(url)
    }
    for d in dirs { try fm.setAttributes([.modificationDate: past], ofItemAtPath: d.path) }
  }

  /// Writes an mbox holding one message `<o@t>` beside the Maildir; returns its URL.
  func writeMbox(named name: String = "Old.mbox") throws -> URL {
    let url = root.deletingLastPathComponent().appendingPathComponent(name)
    try Data(("From a@b Mon Apr 17 09:00:00 2023\n"
      + mailText(id: "<o@t>", date: "Mon, 17 Apr 2023 09:00:00 +0000") + "\n").utf8)
      .write(to: url)
    return url
  }

  func open(mboxes: [String] = []) throws -> MailboxIndex {
    try MailboxIndex(indexDirectory: index, maildirs: [root.path], mboxes: mboxes)
  }
}

/// A simple RFC 5322 message; nil `id` or `date` leaves that header out.
func mailText(id: String?, date: String? = "Tue, 18 Apr 2023 13:38:40 -0500",
              from: String = "Ann Lee <ann@fabrikam.example>",
              to: String = "Dana <dana@contoso.example>", cc: String? = nil,
              subject: String = "Quote", body: String = "Hello.\n") -> String {
  var lines: [String] = []
  if let date { lines.append("Date: \(date)") }
  lines.append("From: \(from)")
  lines.append("To: \(to)")
  if let cc { lines.append("Cc: \(cc)") }
  lines.append("Subject: \(subject)")
  if let id { lines.append("Message-ID: \(id)") }
  return lines.joined(separator: "\n") + "\n\n" + body
}

func address(_ s: String) -> EmailAddress { EmailAddress(normalized: s.lowercased()) }

extension MailboxIndex {
  /// Message-IDs of the newest messages with `addresses`, for compact expectations.
  func ids(_ addresses: [String], limit: Int = 50) throws -> [String] {
    try newestMessages(matching: Set(addresses.map(address)), limit: limit).map(\.messageId)
  }
}
