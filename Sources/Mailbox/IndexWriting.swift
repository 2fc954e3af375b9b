import CaptureCore
import Foundation
import GRDB

/// Adds parsed messages to the index inside the refresh's write transaction.
///
/// A Message-ID already in the index (the same message in another folder) only gains a file
/// row; a new one gets its message row and one staged posting (`posting_new`) per distinct
/// From/To/Cc address, which the refresh moves into `posting` when it ends.
struct MessageWriter {
  private let db: Database
  private let insertMessage: RawStatement
  private let findMessage: RawStatement
  private let insertFile: RawStatement
  private let insertAddress: RawStatement
  private let insertPosting: RawStatement
  private let insertReference: RawStatement

  init(_ db: Database) throws {
    self.db = db
    insertMessage = RawStatement(try db.cachedStatement(sql: """
      INSERT INTO message(mid, mid_hash, date, date_fallback, subject, from_addr, from_name,
        to_list, cc_list, folder, former_mid, refs) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      """))
    findMessage = RawStatement(try db.cachedStatement(
      sql: "SELECT id FROM message WHERE mid_hash = ? AND mid = ?"))
    insertFile = RawStatement(try db.cachedStatement(sql: """
      INSERT INTO file(dir_id, uniq, name, flags, offset, length, message)
      VALUES (?, ?, ?, ?, ?, ?, ?)
      """))
    insertAddress = RawStatement(
      try db.cachedStatement(sql: "INSERT INTO address(value) VALUES (?)"))
    insertPosting = RawStatement(try db.cachedStatement(
      sql: "INSERT INTO posting_new(address, date, message) VALUES (?, ?, ?)"))
    insertReference = RawStatement(try db.cachedStatement(
      sql: "INSERT INTO reference_new(ref_hash, date, message) VALUES (?, ?, ?)"))
  }

  /// Stores one file's message; true when the Message-ID was new to the index.
  func add(_ h: IndexedHeader, file: MailboxIndex.NewFile, dirId: Int64, folder: String,
           addresses: inout [String: Int64]) throws -> Bool {
    let midHash = IndexSchema.midHash(h.messageId)
    findMessage.reset()
    findMessage.bind(1, midHash)
    findMessage.bind(2, h.messageId)
    let known = try findMessage.step() ? findMessage.int64(0) : nil
    findMessage.reset()
    let messageRow: Int64
    if let known {
      messageRow = known
    } else {
      let m = insertMessage
      m.reset()
      m.bind(1, h.messageId)
      m.bind(2, midHash)
      m.bind(3, h.date)
      m.bind(4, Int64(h.dateIsFallback ? 1 : 0))
      m.bind(5, h.subject)
      m.bind(6, h.from)
      m.bind(7, h.fromName)
      m.bind(8, h.to.joined(separator: ","))
      m.bind(9, h.cc.joined(separator: ","))
      m.bind(10, folder)
      m.bind(11, h.formerMessageId)
      m.bind(12, h.references.isEmpty ? nil : h.references.joined(separator: " "))
      try m.run()
      messageRow = db.lastInsertedRowID
      for reference in h.references {
        let r = insertReference
        r.reset()
        r.bind(1, IndexSchema.midHash(reference))
        r.bind(2, h.date)
        r.bind(3, messageRow)
        try r.run()
      }
      for a in h.allAddresses {
        let addressRow: Int64
        if let interned = addresses[a] {
          addressRow = interned
        } else {
          insertAddress.reset()
          insertAddress.bind(1, a)
          try insertAddress.run()
          addressRow = db.lastInsertedRowID
          addresses[a] = addressRow
        }
        let p = insertPosting
        p.reset()
        p.bind(1, addressRow)
        p.bind(2, h.date)
        p.bind(3, messageRow)
        try p.run()
      }
    }
    let f = insertFile
    f.reset()
    f.bind(1, dirId)
    f.bind(2, file.uniq)
    f.bind(3, file.name)
    f.bind(4, file.flags)
    f.bind(5, file.mboxSlice?.offset)
    f.bind(6, file.mboxSlice?.length)
    f.bind(7, messageRow)
    try f.run()
    return known == nil
  }
}

/// Removes files from the index, and their message when no other file holds it.
struct MessageRemover {
  private let db: Database
  private let describeFile: Statement
  private let fileMessage: Statement
  private let deleteFile: Statement
  private let otherFile: Statement
  private let messageFacts: Statement
  private let addressId: Statement
  private let deletePosting: Statement
  private let deleteReference: Statement
  private let deleteMessage: Statement
  private let refolder: Statement

  init(_ db: Database) throws {
    self.db = db
    describeFile = try db.cachedStatement(sql: """
      SELECT d.path, f.uniq, d.kind FROM file f JOIN dir d ON d.id = f.dir_id WHERE f.id = ?
      """)
    fileMessage = try db.cachedStatement(sql: "SELECT message FROM file WHERE id = ?")
    deleteFile = try db.cachedStatement(sql: "DELETE FROM file WHERE id = ?")
    otherFile = try db.cachedStatement(sql: """
      SELECT d.folder FROM file f JOIN dir d ON d.id = f.dir_id WHERE f.message = ? LIMIT 1
      """)
    messageFacts = try db.cachedStatement(
      sql: "SELECT date, from_addr, to_list, cc_list, mid, refs FROM message WHERE id = ?")
    addressId = try db.cachedStatement(sql: "SELECT id FROM address WHERE value = ?")
    deletePosting = try db.cachedStatement(
      sql: "DELETE FROM posting WHERE address = ? AND date = ? AND message = ?")
    deleteReference = try db.cachedStatement(
      sql: "DELETE FROM reference WHERE ref_hash = ? AND date = ? AND message = ?")
    deleteMessage = try db.cachedStatement(sql: "DELETE FROM message WHERE id = ?")
    refolder = try db.cachedStatement(sql: "UPDATE message SET folder = ? WHERE id = ?")
  }

  /// Where an indexed file is, to recognize it when it reappears in a sibling directory.
  struct FileDescription {
    /// The folder directory (parent of `cur`/`new`).
    var folderPath: String
    var uniq: String
    var kind: MailboxFormat
  }

  func describe(fileId: Int64) throws -> FileDescription? {
    guard let row = try Row.fetchOne(describeFile, arguments: [fileId]) else { return nil }
    let dirPath: String = row[0]
    return FileDescription(
      folderPath: (dirPath as NSString).deletingLastPathComponent, uniq: row[1],
      kind: try row.decode(MailboxFormat.self, atIndex: 2))
  }

  /// Deletes a file row; returns its Message-ID when the message left the index with it.
  func removeFile(_ fileId: Int64) throws -> String? {
    guard let message = try Int64.fetchOne(fileMessage, arguments: [fileId]) else {
      return nil
    }
    try deleteFile.execute(arguments: [fileId])
    if let folder = try String.fetchOne(otherFile, arguments: [message]) {
      try refolder.execute(arguments: [folder, message])
      return nil
    }
    var messageId: String? = nil
    if let facts = try Row.fetchOne(messageFacts, arguments: [message]) {
      messageId = facts[4]
      let date: Double = facts[0]
      var all: [String] = []
      if let from: String = facts[1] { all.append(from) }
      for column in [2, 3] {
        let list: String = facts[column]
        all += list.split(separator: ",").map(String.init)
      }
      for a in Set(all) {
        guard let id = try Int64.fetchOne(addressId, arguments: [a]) else { continue }
        try deletePosting.execute(arguments: [id, date, message])
      }
      let refs: String? = facts[5]
      for reference in Set((refs ?? "").split(separator: " ")) {
        try deleteReference.execute(
          arguments: [IndexSchema.midHash(String(reference)), date, message])
      }
    }
    try deleteMessage.execute(arguments: [message])
    return messageId
  }
}

/// The results of reading one wave of new files, filled by worker threads.
final class PendingWave: @unchecked Sendable {
  private let group = DispatchGroup()
  /// Written at distinct indexes by the workers, read only after `wait()`.
  private let results: UnsafeMutableBufferPointer<Result<IndexedHeader, MailSourceFailure>>

  init(count: Int) {
    results = .allocate(capacity: count)
    results.initialize(
      repeating: .failure(MailSourceFailure(path: "", reason: "not read")))
  }

  deinit {
    results.deinitialize()
    results.deallocate()
  }

  func set(_ index: Int, _ value: Result<IndexedHeader, MailSourceFailure>) {
    results[index] = value
  }

  func enter() { group.enter() }
  func leave() { group.leave() }

  func wait() -> [Result<IndexedHeader, MailSourceFailure>] {
    group.wait()
    return Array(results)
  }
}

/// Reads header blocks of new files on several threads, one wave at a time, in the
/// background.
///
/// Many more threads than cores (four per core, at least eight): when the mail is not in the
/// page cache, reading is waiting on the disk, and more requests in flight keep it busy. A
/// first index of 1M generated messages, most of whose files had left this VM's small page
/// cache, took 58 s with one thread per core; alternating runs on 2 cores then gave 49–58 s
/// with four threads, 35–46 s with eight and 43–47 s with sixteen. At 100k with the files
/// cached the count makes no difference (2.4–2.6 s).
struct WaveParser: Sendable {
  let files: [MailboxIndex.NewFile]
  let mboxData: [String: Data]
  let mboxMtime: [String: Double]

  static let readerCount = max(8, 4 * ProcessInfo.processInfo.activeProcessorCount)

  func start(_ range: Range<Int>) -> PendingWave {
    let wave = PendingWave(count: range.count)
    let next = WorkCounter(range.lowerBound)
    let chunk = 16
    for _ in 0..<min(Self.readerCount, max(1, range.count / chunk)) {
      wave.enter()
      Thread {
        var reader = HeaderBlockReader()
        defer { reader.deallocate() }
        while case let first = next.take(chunk), first < range.upperBound {
          for k in first..<min(first + chunk, range.upperBound) {
            wave.set(k - range.lowerBound, parse(files[k], reader: &reader))
          }
        }
        wave.leave()
      }.start()
    }
    return wave
  }

  private func parse(_ file: MailboxIndex.NewFile, reader: inout HeaderBlockReader)
    -> Result<IndexedHeader, MailSourceFailure>
  {
    if let slice = file.mboxSlice {
      let offset = slice.offset, length = slice.length
      guard let data = mboxData[file.dirPath] else {
        return .failure(MailSourceFailure(path: file.dirPath, reason: "mbox not read"))
      }
      let mtime = mboxMtime[file.dirPath] ?? 0
      return data.withUnsafeBytes { all in
        let lo = min(Int(offset), all.count)
        let hi = min(lo + Int(length), all.count)
        let slice = UnsafeRawBufferPointer(rebasing: all[lo..<hi])
        let end = HeaderBlockReader.headerEnd(slice) ?? slice.count
        // Without a Message-ID, the message as it is shown (its `From ` quoting undone) is
        // hashed, so the same message saved in a Maildir gets the same id.
        return Result { () throws(MailSourceFailure) in
          try IndexedHeader(
            headerBlock: UnsafeRawBufferPointer(rebasing: slice[0..<end]), mtime: mtime,
            wholeMessageHash: { IndexSchema.fnv1a(MboxLayout.unquoted(Data(slice))) })
        }
      }
    }
    do {
      return .success(try reader.withHeaderBlock(path: file.dirPath + "/" + file.name) {
        block, mtime, wholeFileHash throws(MailSourceFailure) in
        try IndexedHeader(headerBlock: block, mtime: mtime, wholeMessageHash: wholeFileHash)
      })
    } catch {
      return .failure(error)
    }
  }
}

/// Hands out consecutive runs of indexes to reader threads.
final class WorkCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var nextIndex: Int

  init(_ start: Int) { nextIndex = start }

  /// The first index of the next `count` indexes.
  func take(_ count: Int) -> Int {
    lock.lock()
    defer { lock.unlock() }
    let first = nextIndex
    nextIndex += count
    return first
  }
}
