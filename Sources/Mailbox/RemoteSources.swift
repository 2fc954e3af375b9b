import CaptureCore
import Foundation
import GRDB

/// A mail server account the index reads over the network (IMAP), implemented outside
/// this target so that Mailbox builds without a network stack. Calls block; one refresh
/// or message read uses it at a time.
public protocol RemoteMailbox: AnyObject, Sendable {
  /// Names the account in the index and in messages, without a password:
  /// `imaps://dana@imap.example:993`. Messages indexed under another id leave the index.
  var id: String { get }
  /// The folders capture reads, by their server names (drafts, trash and junk left out).
  func capturedFolders() throws(RemoteMailboxError) -> [String]
  /// Opens `folder` read-only and tells its UIDVALIDITY, UIDNEXT and message count; given
  /// what an earlier read knew (`known`), a server with QRESYNC also tells the UIDs
  /// expunged since.
  func open(folder: String, known: RemoteFolderKnown?) throws(RemoteMailboxError)
    -> RemoteFolderStatus
  /// The UIDs in the folder opened last, ascending.
  func uids() throws(RemoteMailboxError) -> [UInt32]
  /// The UIDs in the folder opened last from `first` on, ascending.
  func uids(from first: UInt32) throws(RemoteMailboxError) -> [UInt32]
  /// The header fields the index reads (Message-ID, Date, From, To, Cc, Subject) of these
  /// messages of the folder opened last, as a header block, with their arrival time.
  func headers(uids: [UInt32]) throws(RemoteMailboxError) -> [RemoteHeader]
  /// The UIDs of `folder`'s messages with any of `addresses` in From, To or Cc by the
  /// server's search (which matches substrings: the caller checks the headers), with the
  /// folder's UIDVALIDITY. Does not change the folder `open` opened.
  func search(folder: String, addresses: [String]) throws(RemoteMailboxError)
    -> (uidValidity: UInt32, uids: [UInt32])
  /// `headers(uids:)` of `folder` rather than the folder opened last, while its UIDVALIDITY
  /// is still `uidValidity` (else none).
  func headers(folder: String, uidValidity: UInt32, uids: [UInt32])
    throws(RemoteMailboxError) -> [RemoteHeader]
  /// A folder's name as the user reads it (IMAP's modified UTF-7 decoded: `Entw&APw-rfe`
  /// is `Entwürfe`), for the index's folder column and messages; the server name stays the
  /// key the server is asked by.
  func displayName(ofFolder folder: String) -> String
  /// One whole message of `folder` as stored (CRLF line ends), while the folder's
  /// UIDVALIDITY is still `uidValidity`; nil when it is gone. Over `limit` bytes it throws
  /// `.tooLarge`.
  func message(folder: String, uidValidity: UInt32, uid: UInt32, limit: Int64)
    throws(RemoteMailboxError) -> Data?
}

extension RemoteMailbox {
  public func displayName(ofFolder folder: String) -> String { folder }
}

public struct RemoteFolderStatus: Sendable, Equatable {
  public var uidValidity: UInt32
  /// The next UID the server will give; nil when it does not say.
  public var uidNext: UInt32?
  public var messages: Int
  /// The folder's HIGHESTMODSEQ (CONDSTORE), when the server keeps one.
  public var highestModSeq: UInt64?
  /// The UIDs expunged since the `known` state `open` was given, when the server could
  /// tell (QRESYNC); nil otherwise.
  public var vanished: [UInt32]?
  public init(uidValidity: UInt32, uidNext: UInt32?, messages: Int,
              highestModSeq: UInt64? = nil, vanished: [UInt32]? = nil) {
    self.uidValidity = uidValidity; self.uidNext = uidNext; self.messages = messages
    self.highestModSeq = highestModSeq; self.vanished = vanished
  }
}

/// A folder as the index last read it whole: what QRESYNC asks the server's changes since.
public struct RemoteFolderKnown: Sendable, Equatable {
  public var uidValidity: UInt32
  public var highestModSeq: UInt64
  public init(uidValidity: UInt32, highestModSeq: UInt64) {
    self.uidValidity = uidValidity; self.highestModSeq = highestModSeq
  }
}

public struct RemoteHeader: Sendable, Equatable {
  public var uid: UInt32
  public var headerBlock: Data
  /// When the server received the message: the date of a message without a usable Date.
  public var internalDate: Date?
  public init(uid: UInt32, headerBlock: Data, internalDate: Date?) {
    self.uid = uid; self.headerBlock = headerBlock; self.internalDate = internalDate
  }
}

public enum RemoteMailboxError: Error, Equatable, Sendable {
  /// The server cannot be reached now (refused, timed out, dropped): the index keeps what
  /// it has.
  case unreachable(String)
  /// The server refused the login (`dana@imap.example`).
  case authenticationFailed(account: String)
  /// Anything else, in words naming no password.
  case failed(String)
  case tooLarge(size: Int64, limit: Int64)
}

extension MailboxIndex {
  /// How many header blocks one UID FETCH asks for: large enough that round trips do not
  /// dominate, small enough that a dropped connection loses little and progress moves.
  static let remoteBatch = 500

  /// Brings the index up to date with one server account, folder by folder.
  ///
  /// Each folder is a `dir` row of kind `imap`: `path` is the account id and the folder's
  /// server name, `folder` its name as the user reads it, `mtime_ns` the folder's UIDVALIDITY and `size` the UIDNEXT up to which it is
  /// fully read (NULL while a first read is under way, so an interrupted one resumes), and
  /// `tail_hash` the message count then. A folder whose UIDVALIDITY, UIDNEXT and count
  /// are unchanged costs one EXAMINE; otherwise `UID SEARCH ALL` tells which UIDs came and
  /// went (expunges are noticed so), and a new UIDVALIDITY drops the folder's old UIDs and
  /// reads it again. A server that cannot be reached leaves the index as it was and is
  /// reported with the time it was first found unreachable.
  func syncRemote(_ remote: any RemoteMailbox, dirs: [String: DirRow],
                  summary: inout MailboxIndexSummary, problems: inout [MailSourceError],
                  progress: (@Sendable (MailboxIndexProgress) -> Void)?) throws {
    let outcome = Result { () throws(RemoteMailboxError) in
      try syncRemoteFolders(remote, dirs: dirs, summary: &summary, progress: progress)
    }
    let key = MailboxIndex.downKey(remote)
    switch outcome {
    case .success:
      try database.write { db in
        try db.execute(sql: "DELETE FROM stats WHERE key = ?", arguments: [key])
      }
    case .failure(.unreachable(let reason)):
      problems.append(try unreachable(remote, reason: reason))
    case .failure(.authenticationFailed(let account)):
      throw MailSourceError.authenticationFailed(account: account)
    case .failure(.failed(let reason)):
      problems.append(.unreadable(path: remote.id, reason: reason))
    case .failure(.tooLarge(let size, let limit)):
      problems.append(.tooLarge(path: remote.id, size: size, limit: limit))
    }
  }

  /// Where a server folder's HIGHESTMODSEQ at its last whole read is kept (in `stats`,
  /// beside the folder's row rather than in it, so the index file needs no new schema).
  static func modSeqKey(_ dirPath: String) -> String { "highestmodseq " + dirPath }

  private static func downKey(_ remote: any RemoteMailbox) -> String {
    "unreachable-since " + remote.id
  }

  /// `remote` found unreachable now: the error saying since when, the time it was first
  /// found so (kept until a sync succeeds) recorded now if this is the first time.
  func unreachable(_ remote: any RemoteMailbox, reason: String) throws -> MailSourceError {
    let key = MailboxIndex.downKey(remote)
    let since: Date = try database.write { db in
      if let first = try Int64.fetchOne(
        db, sql: "SELECT value FROM stats WHERE key = ?", arguments: [key]) {
        return Date(timeIntervalSince1970: TimeInterval(first))
      }
      let now = Date()
      try db.execute(sql: "INSERT INTO stats(key, value) VALUES (?, ?)",
                     arguments: [key, Int64(now.timeIntervalSince1970)])
      return now
    }
    return .unreachable(source: remote.id, reason: reason, since: since)
  }

  private func syncRemoteFolders(_ remote: any RemoteMailbox, dirs: [String: DirRow],
                                 summary: inout MailboxIndexSummary,
                                 progress: (@Sendable (MailboxIndexProgress) -> Void)?)
    throws(RemoteMailboxError)
  {
    let folders = try remote.capturedFolders()
    let prefix = remote.id + "/"
    let listed = Set(folders.map { prefix + $0 })
    do {
      // Folders gone from the server (or now excluded) leave with their messages.
      let gone = dirs.values.filter { $0.kind == .imap && $0.root == remote.id
        && !listed.contains($0.path) }
      if !gone.isEmpty {
        let removed = try database.write { db in
          try MailboxIndex.removeRemoteFiles(db, dirIds: gone.map(\.id), uids: nil)
        }
        summary.removed += removed
      }
    } catch {
      throw .failed("cannot update the index: \(error)")
    }
    for folder in folders {
      let path = prefix + folder
      var known = dirs[path]
      let modSeqKey = MailboxIndex.modSeqKey(path)
      // What the last whole read knew, for QRESYNC: only of a folder read whole.
      var knownModSeq: Int64?
      do {
        knownModSeq = try known?.size == nil ? nil : database.read { db in
          try Int64.fetchOne(db, sql: "SELECT value FROM stats WHERE key = ?",
                             arguments: [modSeqKey])
        }
      } catch {
        throw .failed("cannot read the index: \(error)")
      }
      let status = try remote.open(folder: folder, known: known.flatMap { k in
        guard let modSeq = knownModSeq, let validity = k.mtimeNanoseconds,
          let v = UInt32(exactly: validity), let m = UInt64(exactly: modSeq) else { return nil }
        return RemoteFolderKnown(uidValidity: v, highestModSeq: m)
      })
      let newModSeq = status.highestModSeq.flatMap { Int64(exactly: $0) }
      if let k = known, k.mtimeNanoseconds != Int64(status.uidValidity) {
        // A new UIDVALIDITY: the old UIDs mean nothing now.
        do {
          summary.removed += try database.write { db in
            try MailboxIndex.removeRemoteFiles(db, dirIds: [k.id], uids: nil)
          }
        } catch {
          throw .failed("cannot update the index: \(error)")
        }
        known = nil
      }
      let fileCount: Int
      var files: [String: (id: Int64, name: String)] = [:]
      do {
        files = try known.map { try knownFiles(dirId: $0.id) } ?? [:]
        fileCount = files.count
      } catch {
        throw .failed("cannot read the index: \(error)")
      }
      if let known, let next = status.uidNext, known.size == Int64(next),
         fileCount == status.messages {
        summary.unchangedDirectories += 1
        // Flags changed only: kept, so the next QRESYNC asks about less.
        if let newModSeq, newModSeq != knownModSeq, knownModSeq != nil {
          do {
            try database.write { db in
              try db.execute(sql: "UPDATE stats SET value = ? WHERE key = ?",
                             arguments: [newModSeq, modSeqKey])
            }
          } catch {
            throw .failed("cannot update the index: \(error)")
          }
        }
        continue
      }
      summary.scannedDirectories += 1
      var removedUIDs: [Int64] = []
      var additions: [UInt32] = []
      var remaining = 0
      // QRESYNC named what was expunged since the last whole read; what is new lies from
      // the UIDNEXT then on. A count that does not add up falls back to listing every UID.
      var delta = false
      if let vanished = status.vanished, let next = known?.size, let first = UInt32(exactly: next) {
        let gone = Set(vanished)
        let removed = files.filter { UInt32($0.key).map(gone.contains) ?? true }
        let added = try remote.uids(from: first).filter { files[String($0)] == nil }
        if files.count - removed.count + added.count == status.messages {
          removedUIDs = removed.map(\.value.id)
          additions = added
          remaining = status.messages
          delta = true
        }
      }
      if !delta {
        let uids = status.messages == 0 ? [] : try remote.uids()
        let present = Set(uids)
        for (uniq, file) in files where UInt32(uniq).map({ !present.contains($0) }) ?? true {
          removedUIDs.append(file.id)
        }
        additions = uids.filter { files[String($0)] == nil }
        remaining = uids.count
      }
      let dirId: Int64
      do {
        dirId = try database.write { db in
          try db.execute(sql: """
            INSERT INTO dir(path, kind, root, folder, mtime_ns) VALUES (?, 'imap', ?, ?, ?)
            ON CONFLICT(path) DO UPDATE SET mtime_ns = excluded.mtime_ns, size = NULL
            """, arguments: [path, remote.id, remote.displayName(ofFolder: folder),
                             Int64(status.uidValidity)])
          return try Int64.fetchOne(db, sql: "SELECT id FROM dir WHERE path = ?",
                                    arguments: [path]) ?? 0
        }
        if !removedUIDs.isEmpty {
          summary.removed += try database.write { db in
            try MailboxIndex.removeRemoteFiles(db, dirIds: [], uids: removedUIDs)
          }
        }
      } catch {
        throw .failed("cannot update the index: \(error)")
      }
      try addRemoteMessages(remote, folder: folder, dirId: dirId, uids: additions,
                            summary: &summary, progress: progress)
      do {
        try database.write { db in
          try db.execute(sql: "UPDATE dir SET size = ?, tail_hash = ? WHERE id = ?",
                         arguments: [status.uidNext.map { Int64($0) }, remaining, dirId])
          if let newModSeq {
            try db.execute(sql: "INSERT OR REPLACE INTO stats(key, value) VALUES (?, ?)",
                           arguments: [modSeqKey, newModSeq])
          } else {
            try db.execute(sql: "DELETE FROM stats WHERE key = ?", arguments: [modSeqKey])
          }
        }
      } catch {
        throw .failed("cannot update the index: \(error)")
      }
    }
  }

  /// Fetches the header blocks of `uids` in batches, each written in its own transaction
  /// so a dropped connection keeps what was read.
  private func addRemoteMessages(_ remote: any RemoteMailbox, folder: String, dirId: Int64,
                                 uids: [UInt32], summary: inout MailboxIndexSummary,
                                 progress: (@Sendable (MailboxIndexProgress) -> Void)?)
    throws(RemoteMailboxError)
  {
    guard !uids.isEmpty else { return }
    progress?(MailboxIndexProgress(done: 0, total: uids.count))
    var done = 0
    var addresses: [String: Int64]
    do {
      addresses = try database.read { db in
        var out: [String: Int64] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT id, value FROM address")
        while let r = try rows.next() { out[r[1]] = r[0] }
        return out
      }
    } catch {
      throw .failed("cannot read the index: \(error)")
    }
    for start in stride(from: 0, to: uids.count, by: MailboxIndex.remoteBatch) {
      let batch = Array(uids[start..<min(start + MailboxIndex.remoteBatch, uids.count)])
      let headers = try remote.headers(uids: batch)
      var parsed: [(RemoteHeader, IndexedHeader)] = []
      for header in headers {
        let indexed = header.headerBlock.withUnsafeBytes { block in
          Result { () throws(MailSourceFailure) in
            var h = try IndexedHeader(
              headerBlock: block,
              mtime: (header.internalDate ?? Date(timeIntervalSince1970: 0))
                .timeIntervalSince1970,
              wholeMessageHash: { () throws(MailSourceFailure) in
                try MailboxIndex.remoteWholeMessageHash(
                  remote, folder: folder, uid: header.uid)
              })
            // No index before schema 4 read IMAP, and this block holds only the fields asked
            // for: it names no activity.
            h.formerMessageId = nil
            return h
          }
        }
        switch indexed {
        case .success(let h): parsed.append((header, h))
        case .failure(let failure): throw .failed(failure.reason)
        }
      }
      do {
        let added = try database.write { db in
          let writer = try MessageWriter(db)
          var added = 0
          for (remoteHeader, h) in parsed {
            let name = String(remoteHeader.uid)
            if try writer.add(h, file: NewFile(dirPath: "", name: name, mboxSlice: nil),
                              dirId: dirId, folder: remote.displayName(ofFolder: folder),
                              addresses: &addresses) {
              added += 1
            }
          }
          try MailboxIndex.addToMessageCount(db, added)
          try IndexSchema.mergeNewPostings(db)
          return added
        }
        summary.added += added
        summary.parsedFiles += parsed.count
      } catch {
        throw .failed("cannot update the index: \(error)")
      }
      done += batch.count
      progress?(MailboxIndexProgress(done: done, total: uids.count))
    }
  }

  /// The synthetic id's hash of a message without Message-ID, as a Maildir copy of it would
  /// get: servers send CRLF line ends, a Maildir file has LF.
  static func remoteWholeMessageHash(_ remote: any RemoteMailbox, folder: String, uid: UInt32)
    throws(MailSourceFailure) -> Int64
  {
    do {
      guard let data = try remote.message(
        folder: folder, uidValidity: 0, uid: uid, limit: maximumMessageBytes)
      else {
        throw MailSourceFailure(path: remote.id + "/" + remote.displayName(ofFolder: folder),
                                reason: "message gone")
      }
      return IndexSchema.fnv1a(withoutCarriageReturns(data))
    } catch let failure as MailSourceFailure {
      throw failure
    } catch {
      throw MailSourceFailure(path: remote.id + "/" + remote.displayName(ofFolder: folder),
                              reason: "\(error)")
    }
  }

  /// CRLF line ends as LF.
  static func withoutCarriageReturns(_ data: Data) -> Data {
    var out = Data(capacity: data.count)
    var previousCR = false
    for byte in data {
      if previousCR && byte != 0x0A { out.append(0x0D) }
      previousCR = byte == 0x0D
      if !previousCR { out.append(byte) }
    }
    if previousCR { out.append(0x0D) }
    return out
  }

  /// Removes the file rows of these directories (and the directories), or these file
  /// rows, with their messages when no other file holds them; returns the messages removed.
  private static func removeRemoteFiles(_ db: Database, dirIds: [Int64], uids fileIds: [Int64]?)
    throws -> Int
  {
    let remover = try MessageRemover(db)
    var ids = fileIds ?? []
    for dir in dirIds {
      ids += try Int64.fetchAll(db, sql: "SELECT id FROM file WHERE dir_id = ?", arguments: [dir])
    }
    var removed = 0
    for id in ids where try remover.removeFile(id) != nil { removed += 1 }
    try addToMessageCount(db, -removed)
    if fileIds == nil {
      for dir in dirIds {
        if let path = try String.fetchOne(db, sql: "SELECT path FROM dir WHERE id = ?",
                                          arguments: [dir]) {
          try db.execute(sql: "DELETE FROM stats WHERE key = ?", arguments: [modSeqKey(path)])
        }
        try db.execute(sql: "DELETE FROM dir WHERE id = ?", arguments: [dir])
      }
    }
    return removed
  }
}

/// A message a server-side search found for a record while its account's first sync had not
/// reached it: shown from its header, and read from the server when expanded or tracked.
struct RemoteHit: Sendable {
  var remoteId: String
  /// The server's name of the folder (its display name is the email's).
  var folder: String
  var uidValidity: UInt32
  var uid: UInt32
  var email: CapturedEmail
}

extension MailboxIndex {
  /// How many addresses one UID SEARCH names (three search keys each): a record's address
  /// set can be large (an account's contacts), and one command stays a few kilobytes.
  static let searchAddressesPerCommand = 16
  /// The most messages of one folder whose headers a search reads: those that arrived last
  /// (highest UIDs), a batch, enough for the timeline's newest items.
  static let searchHeadersPerFolder = remoteBatch

  /// The accounts whose first sync is unfinished (no folder read, or one read only in
  /// part), each with the folders it has read whole.
  func unfinishedRemotes() throws -> [(remote: any RemoteMailbox, complete: Set<String>)] {
    let rows = try database.read { db in
      try Row.fetchAll(db, sql: "SELECT root, path, size FROM dir WHERE kind = 'imap'")
    }
    return remotes.compactMap { remote in
      let own = rows.filter { ($0[0] as String) == remote.id }
      let complete = own.filter { ($0[2] as Int64?) != nil }
      guard own.isEmpty || complete.count < own.count else { return nil }
      // The server names, from the paths.
      let prefixLength = remote.id.count + 1
      return (remote, Set(complete.map { String(($0[1] as String).dropFirst(prefixLength)) }))
    }
  }

  /// The messages with any of `addresses` in From, To or Cc in the folders of unfinished
  /// accounts not yet read whole, by the server's search; kept as `remoteHits`. A server
  /// that cannot be searched adds nothing: its state is the refresh's to report.
  func searchUnfinishedRemotes(_ addresses: Set<EmailAddress>) throws -> [CapturedEmail] {
    let unfinished = remotes.isEmpty ? [] : try unfinishedRemotes()
    guard !unfinished.isEmpty, !addresses.isEmpty else { return [] }
    let wanted = addresses.map(\.value).sorted()
    var found: [RemoteHit] = []
    for (remote, complete) in unfinished {
      do throws(RemoteMailboxError) {
        for folder in try remote.capturedFolders() where !complete.contains(folder) {
          var validity: UInt32?
          var uids = Set<UInt32>()
          for start in stride(from: 0, to: wanted.count, by: MailboxIndex.searchAddressesPerCommand) {
            let chunk = Array(wanted[start..<min(start + MailboxIndex.searchAddressesPerCommand,
                                                 wanted.count)])
            let result = try remote.search(folder: folder, addresses: chunk)
            // A UIDVALIDITY changed between two searches makes the UIDs of the first stale.
            if let validity, validity != result.uidValidity { uids = [] }
            validity = result.uidValidity
            uids.formUnion(result.uids)
          }
          guard let validity, !uids.isEmpty else { continue }
          let newest = Array(uids.sorted().suffix(MailboxIndex.searchHeadersPerFolder))
          for header in try remote.headers(folder: folder, uidValidity: validity, uids: newest) {
            guard let email = MailboxIndex.searchedEmail(remote, folder: folder, header),
              [email.from].compactMap({ $0 }).contains(where: addresses.contains)
                || email.to.contains(where: addresses.contains)
                || email.cc.contains(where: addresses.contains)
            else { continue }
            found.append(RemoteHit(remoteId: remote.id, folder: folder, uidValidity: validity,
                                   uid: header.uid, email: email))
          }
        }
      } catch {
        continue
      }
    }
    lock.lock()
    for hit in found { remoteHits[hit.email.messageId] = hit }
    lock.unlock()
    return found.map(\.email)
  }

  /// A searched message's header as the index would hold it; nil when it cannot be read
  /// (the sync will report it when it reaches the message).
  private static func searchedEmail(_ remote: any RemoteMailbox, folder: String,
                                    _ header: RemoteHeader) -> CapturedEmail? {
    let indexed = header.headerBlock.withUnsafeBytes { block in
      try? IndexedHeader(
        headerBlock: block,
        mtime: (header.internalDate ?? Date(timeIntervalSince1970: 0)).timeIntervalSince1970,
        wholeMessageHash: { () throws(MailSourceFailure) in
          try MailboxIndex.remoteWholeMessageHash(remote, folder: folder, uid: header.uid)
        })
    }
    guard var h = indexed else { return nil }
    h.formerMessageId = nil
    return MailboxIndex.captured(h, folder: remote.displayName(ofFolder: folder))
  }

  /// A searched message found by Message-ID, while the index does not hold it yet.
  func remoteHit(messageId: String) -> RemoteHit? {
    lock.lock()
    defer { lock.unlock() }
    return remoteHits[messageId]
  }
}
