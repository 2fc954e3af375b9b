import CaptureCore
import Foundation
import GRDB
import MailFormats

extension MaildirLayout {
  /// The drafts, trash and junk folders under `root`, with their subfolders: the folders
  /// `folders(root:problems:)` leaves out. Folders that cannot be listed are passed over.
  static func excludedFolders(root: String) -> [Folder] {
    guard let entries = try? FileSystem.list(root, includeHidden: true) else { return [] }
    var out: [Folder] = []
    var problems: [MailSourceFailure] = []
    for entry in entries.sorted(by: { $0.name < $1.name }) {
      let name = entry.name
      guard name != "cur", name != "new", name != "tmp", isExcluded(folderName: name),
            FileSystem.isDirectory(root, entry) else { continue }
      if name.hasPrefix(".") {
        out.append(Folder(name: name, path: root + "/" + name))
      } else {
        nested(root + "/" + name, name: name, depth: 1, into: &out, problems: &problems)
      }
    }
    return out
  }
}

extension MailboxIndex {
  /// The header facts the index holds for this Message-ID, without reading any file.
  public func indexedMessage(messageId: String) throws -> CapturedEmail? {
    do {
      return try database.read { db in
        try Row.fetchOne(db, sql: """
          SELECT \(MailboxIndex.messageColumns) FROM message WHERE mid_hash = ? AND mid = ?
          """, arguments: [IndexSchema.midHash(messageId), messageId]
        ).map(MailboxIndex.captured)
      }
    } catch {
      throw MailSourceError.unreadable(path: indexDirectory.path, reason: "\(error)")
    }
  }

  /// The drafts, trash or junk folder of a Maildir holding this Message-ID (`Trash`,
  /// `Deleted Items/Old`), read now file by file: such folders are never indexed, and only
  /// `why` asks. An mbox is read whole, so it has none; IMAP folders are not looked at.
  public func excludedFolder(holding messageId: String) throws -> String? {
    for root in maildirs {
      for folder in MaildirLayout.excludedFolders(root: root) {
        for sub in ["cur", "new"] {
          let dir = folder.path + "/" + sub
          guard let entries = try? FileSystem.list(dir, includeHidden: false) else { continue }
          for entry in entries.sorted(by: { $0.name < $1.name }) {
            guard let (data, status) = try? FileSystem.contents(
              of: dir + "/" + entry.name, limit: MailboxIndex.maximumMessageBytes)
            else { continue }
            let header = try? data.withUnsafeBytes { bytes throws(MailSourceFailure) in
              let end = HeaderBlockReader.headerEnd(bytes) ?? bytes.count
              return try IndexedHeader(
                headerBlock: UnsafeRawBufferPointer(rebasing: bytes[0..<end]),
                mtime: status.mtime, wholeMessageHash: { IndexSchema.fnv1a(bytes) })
            }
            if header?.messageId == messageId {
              return folder.name.hasPrefix(".") ? String(folder.name.dropFirst()) : folder.name
            }
          }
        }
      }
    }
    return nil
  }
}
