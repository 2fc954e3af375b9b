import CaptureCore
import Foundation
import GRDB
import MailFormats

extension MailboxIndex {
  /// The `limit` newest messages with any of `addresses` in From, To or Cc, without reading
  /// any message file.
  ///
  /// Each address's postings are read newest first (a backward scan of the posting primary
  /// key) and merged; the merge stops once `limit` distinct messages are taken and the next
  /// posting is older than the last one taken, so messages tied on that date all compete
  /// and the tie is settled by Message-ID ascending.
  public func newestMessages(matching addresses: Set<EmailAddress>, limit: Int) throws
    -> [CapturedEmail]
  {
    guard limit > 0, !addresses.isEmpty else { return [] }
    do {
      let indexed = try database.read { db in try MailboxIndex.newest(db, addresses, limit) }
      // A mail server's first sync unfinished: what its search finds joins the index's.
      let searched = try searchUnfinishedRemotes(addresses)
      guard !searched.isEmpty else { return indexed }
      var seen = Set(indexed.map(\.messageId))
      let merged = indexed + searched.filter { seen.insert($0.messageId).inserted }
      return Array(merged.sorted {
        $0.date != $1.date ? $0.date > $1.date : $0.messageId < $1.messageId
      }.prefix(limit))
    } catch let error as MailSourceError {
      throw error
    } catch {
      throw MailSourceError.unreadable(path: indexDirectory.path, reason: "\(error)")
    }
  }

  /// Counts distinct messages over the postings of `addresses` and stops at `bound`: one
  /// index range per address, so a count costs at most `bound` times the addresses.
  public func countMessages(matching addresses: Set<EmailAddress>, bound: Int) throws -> Int {
    guard bound > 0, !addresses.isEmpty else { return 0 }
    do {
      return try database.read { db in
        let lookup = try db.cachedStatement(sql: "SELECT id FROM address WHERE value = ?")
        var ids: [Int64] = []
        for a in addresses {
          if let id = try Int64.fetchOne(lookup, arguments: [a.value]) { ids.append(id) }
        }
        guard !ids.isEmpty else { return 0 }
        let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
        return try Int.fetchOne(db, sql: """
          SELECT count(*) FROM (SELECT DISTINCT message FROM posting
            WHERE address IN (\(marks)) LIMIT ?)
          """, arguments: StatementArguments(ids + [Int64(bound)])) ?? 0
      }
    } catch let error as MailSourceError {
      throw error
    } catch {
      throw MailSourceError.unreadable(path: indexDirectory.path, reason: "\(error)")
    }
  }

  private static func newest(_ db: Database, _ addresses: Set<EmailAddress>, _ limit: Int)
    throws -> [CapturedEmail]
  {
    let lookup = try db.cachedStatement(sql: "SELECT id FROM address WHERE value = ?")
    var ids: [Int64] = []
    for a in addresses {
      if let id = try Int64.fetchOne(lookup, arguments: [a.value]) { ids.append(id) }
    }
    // One cursor per address; each needs its own statement, cached per slot.
    var cursors: [RowCursor] = []
    var heads: [(date: Double, message: Int64)] = []
    for (slot, id) in ids.enumerated() {
      let statement = try db.cachedStatement(
        sql: "SELECT date, message FROM posting WHERE address = ? ORDER BY date DESC -- \(slot)")
      let cursor = try Row.fetchCursor(statement, arguments: [id])
      if let row = try cursor.next() {
        cursors.append(cursor)
        heads.append((row[0], row[1]))
      }
    }
    var chosen: [Int64] = []
    var seen = Set<Int64>()
    var boundary: Double? = nil
    while !heads.isEmpty {
      var best = 0
      for k in 1..<heads.count where heads[k].date > heads[best].date { best = k }
      let head = heads[best]
      if let boundary, head.date < boundary { break }
      if seen.insert(head.message).inserted {
        chosen.append(head.message)
        if chosen.count == limit { boundary = head.date }
      }
      if let row = try cursors[best].next() {
        heads[best] = (row[0], row[1])
      } else {
        heads.remove(at: best)
        cursors.remove(at: best)
      }
    }
    let fetch = try db.cachedStatement(sql: """
      SELECT \(messageColumns) FROM message WHERE id = ?
      """)
    var out: [CapturedEmail] = []
    out.reserveCapacity(chosen.count)
    for id in chosen {
      if let row = try Row.fetchOne(fetch, arguments: [id]) { out.append(captured(row)) }
    }
    out.sort { a, b in
      a.date != b.date ? a.date > b.date : a.messageId < b.messageId
    }
    if out.count > limit { out.removeLast(out.count - limit) }
    return out
  }

  /// The columns of `message` that `captured(_:)` reads, in its order.
  static let messageColumns = """
    mid, date, date_fallback, subject, from_addr, from_name, to_list, cc_list, folder,
      former_mid, refs
    """

  /// A `CapturedEmail` from a message row (`messageColumns`).
  static func captured(_ row: Row) -> CapturedEmail {
    func list(_ text: String) -> [EmailAddress] {
      text.split(separator: ",").map { EmailAddress(normalized: String($0)) }
    }
    let from: String? = row[4]
    return CapturedEmail(
      messageId: row[0], date: Date(timeIntervalSince1970: row[1]), dateIsFallback: row[2],
      subject: row[3], from: from.map { EmailAddress(normalized: $0) }, fromName: row[5],
      to: list(row[6]), cc: list(row[7]), folder: FileSystem.displayPath(row[8]),
      formerMessageId: row[9],
      references: (row[10] as String?).map { $0.split(separator: " ").map(String.init) } ?? [])
  }

  /// The `limit` newest messages whose In-Reply-To or References names any of
  /// `messageIds`: per id, its newest `limit` references (a backward scan of the
  /// `reference` key), each checked against the message's own `refs`.
  public func replies(to messageIds: Set<String>, limit: Int) throws -> [CapturedEmail] {
    guard limit > 0, !messageIds.isEmpty else { return [] }
    do {
      return try database.read { db in
        let lookup = try db.cachedStatement(sql: """
          SELECT message FROM reference WHERE ref_hash = ? ORDER BY date DESC LIMIT ?
          """)
        let fetch = try db.cachedStatement(
          sql: "SELECT \(MailboxIndex.messageColumns) FROM message WHERE id = ?")
        var seen = Set<Int64>()
        var out: [CapturedEmail] = []
        for messageId in messageIds.sorted() {
          for row in try Int64.fetchAll(
            lookup, arguments: [IndexSchema.midHash(messageId), limit])
          where seen.insert(row).inserted {
            guard let found = try Row.fetchOne(fetch, arguments: [row]) else { continue }
            let email = MailboxIndex.captured(found)
            if email.references.contains(where: messageIds.contains) { out.append(email) }
          }
        }
        return MailboxIndex.newestFirst(out, limit: limit)
      }
    } catch {
      throw MailSourceError.unreadable(path: indexDirectory.path, reason: "\(error)")
    }
  }

  /// The `limit` newest messages that name any id in In-Reply-To or References.
  public func newestReplies(limit: Int) throws -> [CapturedEmail] {
    guard limit > 0 else { return [] }
    do {
      return try database.read { db in
        MailboxIndex.newestFirst(try Row.fetchAll(db, sql: """
          SELECT \(MailboxIndex.messageColumns) FROM message INDEXED BY message_reply_by_date
          WHERE refs IS NOT NULL ORDER BY date DESC LIMIT ?
          """, arguments: [limit]).map(MailboxIndex.captured), limit: limit)
      }
    } catch {
      throw MailSourceError.unreadable(path: indexDirectory.path, reason: "\(error)")
    }
  }

  /// Newest first, equal dates by Message-ID ascending, at most `limit`.
  static func newestFirst(_ emails: [CapturedEmail], limit: Int) -> [CapturedEmail] {
    Array(emails.sorted { a, b in
      a.date != b.date ? a.date > b.date : a.messageId < b.messageId
    }.prefix(limit))
  }

  /// The most of one message `message(messageId:)` reads: a message is read whole into
  /// memory, and a larger file in a mailbox is more likely a mistake or an attack than mail
  /// (common servers refuse mail over 25 to 50 MB).
  public static let maximumMessageBytes: Int64 = 50 << 20

  /// The whole message with this Message-ID, read from its file (or mbox slice) now: the
  /// header and the body of one file, since two files may carry one Message-ID and hold
  /// different messages.
  ///
  /// The files are tried in the order they were indexed. A Maildir file renamed since the
  /// last refresh (a flag change, or moved from `new` to `cur`) is found by its unique part;
  /// a file that now holds another Message-ID is passed over. A message whose files are all
  /// gone reports the path it was expected at; one over `maximumMessageBytes` is refused.
  public func message(messageId: String) throws -> MessageContent {
    struct Location {
      var kind: MailboxFormat
      var dirPath: String
      var folder: String
      var name: String
      var uniq: String
      var offset: Int64?
      var length: Int64?
      /// A server folder's UIDVALIDITY when the message was indexed.
      var uidValidity: Int64?
      var root: String
      /// The date indexed, the fallback of a server message without a usable Date (its
      /// arrival time, which reading the message again does not tell).
      var indexedDate: Double
    }
    let indexedLocations: [Location] = try database.read { db in
      let files = try Row.fetchAll(db, sql: """
        SELECT d.kind, d.path, d.folder, f.name, f.uniq, f.offset, f.length, d.mtime_ns, d.root,
          m.date
        FROM message m JOIN file f ON f.message = m.id JOIN dir d ON d.id = f.dir_id
        WHERE m.mid_hash = ? AND m.mid = ? ORDER BY f.id
        """, arguments: [IndexSchema.midHash(messageId), messageId])
      return try files.map {
        Location(kind: try $0.decode(MailboxFormat.self, atIndex: 0), dirPath: $0[1],
                 folder: $0[2], name: $0[3], uniq: $0[4], offset: $0[5], length: $0[6],
                 uidValidity: $0[7], root: $0[8], indexedDate: $0[9])
      }
    }
    var locations = indexedLocations
    // Found by a server-side search and not indexed yet: read from where the search saw it.
    if let hit = remoteHit(messageId: messageId) {
      locations.append(Location(
        kind: .imap, dirPath: hit.remoteId + "/" + hit.folder, folder: hit.email.folder,
        name: String(hit.uid), uniq: String(hit.uid), offset: nil, length: nil,
        uidValidity: Int64(hit.uidValidity), root: hit.remoteId,
        indexedDate: hit.email.date.timeIntervalSince1970))
    }
    var lastFailure = MailSourceError.messageNotFound(messageId)
    for location in locations {
      do {
        let data: Data
        let mtime: Double
        if location.kind == .imap {
          // The server's name of the folder is the path's after the account id.
          guard let remote = remotes.first(where: { $0.id == location.root }),
            location.dirPath.hasPrefix(location.root + "/"),
            let found = try readRemote(
              remote, String(location.dirPath.dropFirst(location.root.count + 1)),
              location.uidValidity, location.name, indexedDate: location.indexedDate)
          else { continue }
          (data, mtime) = found
        } else if location.kind == .mbox, let offset = location.offset,
          let length = location.length
        {
          (data, mtime) = try MailboxIndex.readSlice(
            path: location.dirPath, offset: offset, length: length)
        } else {
          (data, mtime) = try MailboxIndex.readMaildirFile(
            dirPath: location.dirPath, name: location.name, uniq: location.uniq)
        }
        let header = try data.withUnsafeBytes { bytes throws(MailSourceFailure) in
          let end = HeaderBlockReader.headerEnd(bytes) ?? bytes.count
          return try IndexedHeader(
            headerBlock: UnsafeRawBufferPointer(rebasing: bytes[0..<end]), mtime: mtime,
            wholeMessageHash: {
              location.kind == .imap
                ? IndexSchema.fnv1a(MailboxIndex.withoutCarriageReturns(data))
                : IndexSchema.fnv1a(bytes)
            })
        }
        guard header.messageId == messageId else { continue }
        let body = MessageBody.extract(from: data)
        return MessageContent(
          header: MailboxIndex.captured(header, folder: location.folder), plainText: body.text,
          attachments: body.attachments.map {
            AttachmentContent(
              info: AttachmentInfo(name: $0.name, contentType: $0.contentType, size: $0.data.count),
              data: $0.data)
          })
      } catch let error as MailSourceError {
        lastFailure = error
      } catch let failure as MailSourceFailure {
        lastFailure = failure.error
      } catch {
        lastFailure = .unreadable(path: location.dirPath, reason: "\(error)")
      }
    }
    throw lastFailure
  }

  /// A message's bytes from its server folder, and its arrival time as its fallback date;
  /// nil when the server no longer has it there.
  private func readRemote(_ remote: any RemoteMailbox, _ folder: String, _ uidValidity: Int64?,
                          _ name: String, indexedDate: Double) throws -> (Data, Double)? {
    guard let uidValidity, let validity = UInt32(exactly: uidValidity), let uid = UInt32(name)
    else { return nil }
    let path = remote.id + "/" + remote.displayName(ofFolder: folder)
    do {
      guard let data = try remote.message(
        folder: folder, uidValidity: validity, uid: uid, limit: MailboxIndex.maximumMessageBytes)
      else { return nil }
      return (data, indexedDate)
    } catch .tooLarge(let size, let limit) {
      throw MailSourceError.tooLarge(path: path, size: size, limit: limit)
    } catch .unreachable(let reason) {
      // The server, not the message: a track request waits for a later sync.
      throw try unreachable(remote, reason: reason)
    } catch .failed(let reason) {
      throw MailSourceError.unreadable(path: path, reason: reason)
    } catch .authenticationFailed(let account) {
      throw MailSourceError.authenticationFailed(account: account)
    }
  }

  /// A `CapturedEmail` from a header read from a file in `folder`.
  static func captured(_ h: IndexedHeader, folder: String) -> CapturedEmail {
    CapturedEmail(
      messageId: h.messageId, date: Date(timeIntervalSince1970: h.date),
      dateIsFallback: h.dateIsFallback, subject: h.subject,
      from: h.from.map { EmailAddress(normalized: $0) }, fromName: h.fromName,
      to: h.to.map { EmailAddress(normalized: $0) }, cc: h.cc.map { EmailAddress(normalized: $0) },
      folder: FileSystem.displayPath(folder), formerMessageId: h.formerMessageId,
      references: h.references)
  }

  /// An mbox message's bytes, its `From ` quoting undone, and the mbox file's mtime.
  private static func readSlice(path: String, offset: Int64, length: Int64) throws
    -> (Data, Double)
  {
    guard length <= maximumMessageBytes else {
      throw MailSourceError.tooLarge(path: path, size: length, limit: maximumMessageBytes)
    }
    let fd = FileSystem.openForReading(path)
    guard fd >= 0 else { throw MailSourceFailure(path: path, errno: errno).error }
    let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    do {
      let status: FileSystem.Status
      switch FileSystem.status(descriptor: handle.fileDescriptor, path: path) {
      case .success(let found): status = found
      case .failure(let failure): throw failure.error
      }
      try handle.seek(toOffset: UInt64(offset))
      let data = try handle.read(upToCount: Int(length)) ?? Data()
      guard data.count == Int(length) else {
        throw MailSourceError.unreadable(
          path: path, reason: "the mbox changed since it was indexed (message at byte \(offset))")
      }
      return (MboxLayout.unquoted(data), status.mtime)
    } catch let error as MailSourceError {
      throw error
    } catch {
      throw MailSourceError.unreadable(path: path, reason: "\(error)")
    }
  }

  /// A Maildir file's bytes and mtime, looked for under its unique part in `cur` and `new`
  /// when its name changed.
  private static func readMaildirFile(dirPath: String, name: String, uniq: String)
    throws(MailSourceFailure) -> (Data, Double)
  {
    let path = dirPath + "/" + name
    let failure: MailSourceFailure
    do {
      let (data, status) = try FileSystem.contents(of: path, limit: maximumMessageBytes)
      return (data, status.mtime)
    } catch {
      guard error.isMissing else { throw error }
      failure = error
    }
    let folderPath = (dirPath as NSString).deletingLastPathComponent
    for sub in ["cur", "new"] {
      let dir = folderPath + "/" + sub
      guard let entries = try? FileSystem.list(dir, includeHidden: false) else { continue }
      for entry in entries where MaildirLayout.uniquePart(of: entry.name) == uniq {
        do {
          let (data, status) = try FileSystem.contents(
            of: dir + "/" + entry.name, limit: maximumMessageBytes)
          return (data, status.mtime)
        } catch {
          if !error.isMissing { throw error }
        }
      }
    }
    let exists = (try? FileSystem.status(path).get()) != nil
    throw MailSourceFailure(
      path: path, reason: exists ? failure.reason : "the file is gone from the mailbox")
  }
}
