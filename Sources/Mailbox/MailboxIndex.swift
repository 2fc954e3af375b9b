import CaptureCore
import Foundation
import GRDB
import MailFormats
import SQLiteSupport

/// What one refresh of the private index did.
public struct MailboxIndexSummary: Sendable, Equatable {
  /// Messages (distinct Message-IDs) new to the index.
  public var added = 0
  /// Messages no longer in any indexed file.
  public var removed = 0
  /// Files renamed (flag changes) or moved from `new` to `cur`: updated without reading.
  public var renamed = 0
  /// Message files (or mbox messages) whose header block was read.
  public var parsedFiles = 0
  /// Directories (and mbox files) listed because their mtime changed.
  public var scannedDirectories = 0
  /// Directories (and mbox files) skipped because their mtime (and size) had not changed.
  public var unchangedDirectories = 0
  /// Files and folders that could not be read, with the reason; they are retried next time.
  public var skipped: [MailSourceError] = []
  /// Messages added with a stand-in for what they lack (a date from a Received header or
  /// the file's time), each named once: by the refresh that adds it.
  public var warnings: [MailSourceError] = []
  /// Messages in the index after the refresh.
  public var totalMessages = 0
  public var seconds = 0.0
  /// Of `seconds`, the time spent in write transactions for new messages (one writer
  /// thread; header reading runs on the other cores meanwhile).
  public var writingSeconds = 0.0
  public init() {}
}

/// How far a refresh has come: message files read out of those found new.
public struct MailboxIndexProgress: Sendable, Equatable {
  public var done: Int
  public var total: Int
}

/// The user's mail through the private index: Maildir (Maildir++ and nested folders) and
/// mbox sources, indexed by header facts into SQLite in the user's own index directory.
///
/// Queries never read message files: the `posting` table gives each address's messages
/// newest first, and a k-way merge stops after `limit` distinct messages. Refreshes read
/// only what changed (directory mtimes, file names, mbox size and tail).
public final class MailboxIndex: MailSource, @unchecked Sendable {
  public let indexDirectory: URL
  public let maildirs: [String]
  public let mboxes: [String]
  /// Mail server accounts (IMAP), each a source like a Maildir.
  public let remotes: [any RemoteMailbox]
  let database: any DatabaseWriter
  let lock = NSLock()
  private var lastSummaryStorage: MailboxIndexSummary?
  /// A process that queries while it refreshes (the TUI) reads a mail server's first sync
  /// in the background; a one-shot command waits for it.
  let readsFirstSyncInBackground: Bool
  /// Messages a server-side search found while their account's first sync is unfinished,
  /// by Message-ID, so they can be expanded and tracked before they are indexed.
  var remoteHits: [String: RemoteHit] = [:]
  /// What the background first sync threw, said by the next refresh.
  var backgroundFailure: (any Error)?

  /// The default index directory: `$XDG_DATA_HOME/autocapture/index` when that is an
  /// absolute path, else `~/.local/share/autocapture/index`.
  public static func defaultIndexDirectory(
    environment: (String) -> String? = Environment.value
  ) -> URL {
    if let xdg = Environment.baseDirectory("XDG_DATA_HOME", environment) {
      return URL(fileURLWithPath: xdg).appendingPathComponent("autocapture/index")
    }
    return URL(fileURLWithPath: Environment.homeDirectory(environment))
      .appendingPathComponent(".local/share/autocapture/index")
  }

  /// Opens (creating if needed, readable by the owner only) the index in `indexDirectory`
  /// for these sources. Nothing is read from the sources until `refresh()`.
  /// `connections` is `.single` for a one-shot command, `.pool` for a process that queries
  /// while it refreshes.
  public init(indexDirectory: URL, maildirs: [String], mboxes: [String],
              remotes: [any RemoteMailbox] = [],
              connections: SQLiteFiles.Connections = .pool) throws {
    self.indexDirectory = indexDirectory
    readsFirstSyncInBackground = connections == .pool
    var seenRemotes = Set<String>()
    self.remotes = remotes.filter { seenRemotes.insert($0.id).inserted }
    self.maildirs = MailboxIndex.distinctSources(maildirs)
    self.mboxes = MailboxIndex.distinctSources(mboxes)
    if case .failure = FileSystem.status(indexDirectory.path),
       let failure = FileSystem.makeDirectories(indexDirectory.path, mode: 0o700) {
      let directory = indexDirectory.path
      throw MailSourceError.cannotCreate(
        path: directory, reason: failure.path == directory
          ? failure.reason : "\(failure.path): \(failure.reason)")
    }
    let path = MailboxIndex.databasePath(in: indexDirectory)
    do {
      (database, setAside) = try MailboxIndex.openDatabase(
        path: path, lockPath: indexDirectory.appendingPathComponent("index.lock").path,
        connections: connections)
    } catch let error as MailSourceError {
      throw error
    } catch {
      throw MailSourceError.unreadable(path: path, reason: "\(error)")
    }
  }

  /// The index file opened with the current schema, and what was done when SQLite found it
  /// was no database or a corrupt one. The index is derived data: such a file is set aside
  /// (renamed with its `-wal` and `-shm`, kept for a look) and a new one made, rather than
  /// failing every command until someone deletes it.
  private static func openDatabase(path: String, lockPath: String,
                                   connections: SQLiteFiles.Connections)
    throws -> (any DatabaseWriter, MailSourceError?)
  {
    func open() throws -> any DatabaseWriter {
      let database = try SQLiteFiles.open(path: path, connections: connections,
                                          busyTimeout: 30, access: .ownerOnly)
      let current = try database.read { db in
        try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
      }
      if current != IndexSchema.version {
        try database.write { db in try IndexSchema.create(db) }
      }
      return database
    }
    func isUnusable(_ error: DatabaseError) -> Bool {
      error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT
    }
    do {
      return (try open(), nil)
    } catch let error as DatabaseError where isUnusable(error) {
      // Under the refresh lock, and looked at again: of two processes meeting the broken
      // file, the second finds the new one the first made and sets nothing aside.
      let lock = try IndexLock(path: lockPath)
      defer { withExtendedLifetime(lock) {} }
      do {
        return (try open(), nil)
      } catch let error as DatabaseError where isUnusable(error) {
        let movedTo = try setAsideFile(path)
        let notice = MailSourceError.setAside(
          path: path, reason: error.message ?? "\(error)", movedTo: movedTo)
        return (try open(), notice)
      }
    }
  }

  /// Renames the index file and its `-wal` and `-shm` to the first free name of
  /// `index.sqlite.corrupt`, `index.sqlite.corrupt-2`, ...; returns that name.
  private static func setAsideFile(_ path: String) throws -> String {
    var movedTo = path + ".corrupt"
    var n = 1
    while case .success = FileSystem.status(movedTo) {
      n += 1
      movedTo = path + ".corrupt-\(n)"
    }
    guard rename(path, movedTo) == 0 else {
      throw MailSourceError.unreadable(
        path: path, reason: "cannot set it aside: \(FileSystem.errnoReason(errno))")
    }
    for suffix in ["-wal", "-shm"] { _ = rename(path + suffix, movedTo + suffix) }
    return movedTo
  }

  /// How a source is named in the index: absolute (`~` expanded, a relative path taken
  /// from the working directory as the shell names it), without `.` steps or repeated and
  /// trailing slashes, so one mailbox named two ways is one source and is not dropped and
  /// read again. `..` and symbolic links are kept as named (resolving `..` by text would
  /// change the directory meant when it follows a link), and an empty path stays empty, to
  /// be reported as unreadable.
  static func sourcePath(
    _ path: String, currentDirectory: @autoclosure () -> String = workingDirectory()
  ) -> String {
    guard !path.isEmpty else { return path }
    let expanded = Environment.expandingTilde(path)
    let full = expanded.hasPrefix("/") ? expanded : currentDirectory() + "/" + expanded
    let parts = full.split(separator: "/").filter { $0 != "." }
    return "/" + parts.joined(separator: "/")
  }

  /// The sources, each by `sourcePath`, the first of repeated ones kept.
  static func distinctSources(_ paths: [String]) -> [String] {
    var seen = Set<String>()
    return paths.map { sourcePath($0) }.filter { seen.insert($0).inserted }
  }

  /// The working directory as the shell names it (`$PWD`, when that is the directory we are
  /// in), else as the kernel does: through a symbolic link, `Mail` typed in `~` is then the
  /// same source as `~/Mail`.
  static func workingDirectory() -> String {
    let physical = FileSystem.currentDirectory()
    guard let logical = Environment.value("PWD"), logical.hasPrefix("/"), logical != physical
    else { return physical }
    guard case .success(let named) = FileSystem.status(logical),
          case .success(let current) = FileSystem.status("."),
          named.device == current.device, named.inode == current.inode
    else { return physical }
    return logical
  }

  /// Closes the index file (the WAL is checkpointed when this was its last connection).
  /// The index must not be used afterwards.
  public func close() throws {
    do { try database.close() } catch {
      throw MailSourceError.unreadable(
        path: MailboxIndex.databasePath(in: indexDirectory), reason: "\(error)")
    }
  }

  /// The SQLite file in an index directory; errors name it.
  static func databasePath(in directory: URL) -> String {
    directory.appendingPathComponent("index.sqlite").path
  }

  /// The index file found unreadable and set aside when this instance opened the index;
  /// the next process finds the new file, so this is said once.
  public let setAside: MailSourceError?

  /// The index file set aside, then what the latest refresh skipped, each with its path
  /// and reason, then what it warned of.
  public var problems: [MailSourceError] {
    (setAside.map { [$0] } ?? []) + (lastSummary.map { $0.skipped + $0.warnings } ?? [])
  }

  /// The summary of the latest refresh through this instance.
  public var lastSummary: MailboxIndexSummary? {
    lock.lock()
    defer { lock.unlock() }
    return lastSummaryStorage
  }

  /// Brings the index up to date before a query, except that a mail server's first sync is
  /// not waited for when another refresh is reading it (another process, or this one's
  /// background), nor in a process that queries while it refreshes (then it is started in
  /// the background): meanwhile `newestMessages` asks the server for a record's mail.
  public func refresh(reporting: (@Sendable (_ done: Int, _ total: Int) -> Void)?) throws {
    var progress: (@Sendable (MailboxIndexProgress) -> Void)?
    if let reporting { progress = { reporting($0.done, $0.total) } }
    if let failure = takeBackgroundFailure() { throw failure }
    let unfinished = remotes.isEmpty ? [] : try unfinishedRemotes()
    if !unfinished.isEmpty {
      let lockPath = indexDirectory.appendingPathComponent("index.lock").path
      let free = try IndexLock.ifFree(path: lockPath) != nil
      if !free || readsFirstSyncInBackground {
        if free { startBackgroundRefresh(progress: progress) }
        var summary = MailboxIndexSummary()
        summary.totalMessages = try messageCount()
        // A server the last refresh found unreachable stays said so, with since when.
        summary.skipped = unfinished.map {
          .firstSyncUnderWay(source: $0.remote.id, indexed: summary.totalMessages)
        } + (lastSummary?.skipped.filter(\.isTransient) ?? [])
        setLastSummary(summary)
        return
      }
    }
    _ = try refresh(progress: progress)
  }

  private func setLastSummary(_ summary: MailboxIndexSummary) {
    lock.lock()
    lastSummaryStorage = summary
    lock.unlock()
  }

  private func takeBackgroundFailure() -> (any Error)? {
    lock.lock()
    defer { lock.unlock() }
    let failure = backgroundFailure
    backgroundFailure = nil
    return failure
  }

  /// A whole refresh on a thread of its own; what it throws is said by the next refresh.
  private func startBackgroundRefresh(progress: (@Sendable (MailboxIndexProgress) -> Void)?) {
    Thread { [self] in
      do { _ = try refresh(progress: progress) } catch {
        lock.lock()
        backgroundFailure = error
        lock.unlock()
      }
    }.start()
  }

  /// Messages in the index.
  public func messageCount() throws -> Int {
    try database.read { db in
      try Int.fetchOne(db, sql: "SELECT value FROM stats WHERE key = 'messages'") ?? 0
    }
  }

  // MARK: - Refresh

  /// A message file (or mbox slice) found new: where it is and which directory row owns it.
  ///
  /// Only the directory (shared storage) and the name are stored, 48 bytes plus the name: a
  /// first index of 1M messages holds a million of these. The unique part, flags and folder
  /// are derived when written.
  struct NewFile: Sendable {
    var dirPath: String
    var name: String
    /// Where the message lies in its mbox file; nil for a Maildir file.
    var mboxSlice: MboxSliceRange?
    /// The Maildir unique part, or for an mbox slice its `offset+length` name.
    var uniq: String { mboxSlice == nil ? String(MaildirLayout.uniquePart(of: name)) : name }
    var flags: String { mboxSlice == nil ? MaildirLayout.flags(of: name) : "" }
  }

  struct MboxSliceRange: Sendable {
    var offset: Int64
    var length: Int64
  }

  /// The hashes of unique parts that more than one file name of `entries` has (hash
  /// collisions included). Names whose hash is not in it are certainly unique, so the exact
  /// check needs a set only for those few: a first index of a 1M-file `cur/` holds 8 bytes
  /// per name here instead of a 32-byte `Substring`.
  static func hashesOfRepeatedUniqueParts(_ entries: [FileSystem.Entry]) -> Set<Int64> {
    var once = Set<Int64>(minimumCapacity: entries.count)
    var repeated = Set<Int64>()
    for entry in entries where entry.isDirectory != true {
      let hash = IndexSchema.fnv1a(MaildirLayout.uniquePart(of: entry.name).utf8)
      if !once.insert(hash).inserted { repeated.insert(hash) }
    }
    return repeated
  }

  /// A directory row as stored: its id and what the index recorded of it.
  @dynamicMemberLookup
  struct DirRow: Sendable {
    var id: Int64
    var state: DirState
    subscript<T>(dynamicMember field: KeyPath<DirState, T>) -> T { state[keyPath: field] }
  }

  /// What the index records of a Maildir directory or an mbox file; a planned update is
  /// the state its row takes once all its changes are written.
  struct DirState: Sendable {
    var path: String
    var kind: MailboxFormat
    var root: String
    var folder: String
    var mtimeNanoseconds: Int64?
    var size: Int64?
    var tailHash: Int64?
  }

  /// A Maildir file renamed (a flag change) in its directory: its row takes the new name,
  /// and the file is not read again.
  struct FileMove {
    var fileId: Int64
    var dirPath: String
    var uniq: String
    var name: String
    var flags: String
  }

  /// Everything a refresh will write, found by listing changed directories.
  struct Plan {
    /// Maildir directories of the given sources present this time, planned once each
    /// (a mailbox named twice, or inside another given one, is listed once).
    var seenDirs = Set<String>()
    /// Sources and folders that could not be read this time: what the index has under
    /// them stays.
    var unreadable: [String] = []
    var dirUpdates: [DirState] = []
    var dirRemovals: [Int64] = []
    var moves: [FileMove] = []
    var removals: [Int64] = []
    var additions: [NewFile] = []
    var mboxData: [String: Data] = [:]
    var mboxMtime: [String: Double] = [:]
  }

  /// Brings the index up to date with its sources; `progress` is called from the
  /// refreshing thread as message files are read. Unreadable files and folders are listed
  /// in the summary and keep what the index has of them; sources no longer given (another
  /// `--maildir`, a mailbox taken out of the config) leave the index.
  @discardableResult
  public func refresh(progress: (@Sendable (MailboxIndexProgress) -> Void)?) throws
    -> MailboxIndexSummary
  {
    let started = Date()
    let indexLock = try IndexLock(path: indexDirectory.appendingPathComponent("index.lock").path)
    var summary = MailboxIndexSummary()
    var problems: [MailSourceFailure] = []
    var plan = Plan()
    do {
      let (dirs, interrupted) = try database.read { db in
        (try MailboxIndex.loadDirs(db), try IndexSchema.hasNewPostings(db))
      }
      // A refresh that stopped before its postings were merged left them staged: they go
      // in first, so removals below find every posting where it belongs.
      if interrupted {
        try database.write { db in try IndexSchema.mergeNewPostings(db) }
      }
      for root in maildirs {
        try planMaildir(root: root, dirs: dirs, plan: &plan, summary: &summary,
                        problems: &problems)
      }
      for path in mboxes {
        try planMbox(path: path, known: dirs[path], plan: &plan, summary: &summary,
                     problems: &problems)
      }
      // The index holds what the given sources hold and nothing else: folders gone from a
      // Maildir leave it, and so do mailboxes no longer given (taken out of the config), so
      // their mail stops appearing beside records. Decided by path, whatever source planned
      // a directory before.
      let mboxPaths = Set(mboxes)
      let remoteIds = Set(remotes.map(\.id))
      for row in dirs.values {
        let kept: Bool
        switch row.kind {
        case .mbox: kept = mboxPaths.contains(row.path)
        case .imap: kept = remoteIds.contains(row.root)  // its folders: syncRemote
        case .maildir:
          kept = plan.seenDirs.contains(row.path) || plan.unreadable.contains {
            row.path == $0 || row.path.hasPrefix($0 + "/")
          }
        }
        if !kept {
          plan.removals += try knownFiles(dirId: row.id).values.map(\.id)
          plan.dirRemovals.append(row.id)
        }
      }
      // A bulk load wants the posting and message B-trees in memory and one checkpoint at
      // the end rather than one per 1000 pages written.
      let bulk = plan.additions.count > 5000
      if bulk {
        try database.writeWithoutTransaction { db in
          try db.execute(sql: "PRAGMA cache_size = -24000; PRAGMA wal_autocheckpoint = 0")
        }
      }
      defer {
        if bulk {
          try? database.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
            try db.execute(sql: "PRAGMA cache_size = -2000; PRAGMA wal_autocheckpoint = 1000")
          }
        }
      }
      // Nothing changed on disk: no write transaction at all.
      if !(plan.dirUpdates.isEmpty && plan.dirRemovals.isEmpty && plan.moves.isEmpty
        && plan.removals.isEmpty && plan.additions.isEmpty)
      {
        let structure = try database.write { db in
          try MailboxIndex.writeStructure(db, plan: plan, summary: &summary)
        }
        let failedDirs = try addFiles(
          plan: plan, skipping: structure.movedAdditions,
          removedIds: structure.removedMessageIds, dirIds: structure.dirIds,
          summary: &summary, problems: &problems, progress: progress)
        try database.write { db in
          try MailboxIndex.finishDirs(db, plan: plan, failedDirs: failedDirs)
        }
      }
      var remoteProblems: [MailSourceError] = []
      for remote in remotes {
        try syncRemote(remote, dirs: dirs, summary: &summary, problems: &remoteProblems,
                       progress: progress)
      }
      summary.totalMessages = try messageCount()
      return finish(summary, problems: problems, also: remoteProblems, started: started,
                    lock: indexLock)
    } catch let error as MailSourceError {
      throw error
    } catch {
      throw MailSourceError.unreadable(path: indexDirectory.path, reason: "\(error)")
    }
  }

  private func finish(_ summary: MailboxIndexSummary, problems: [MailSourceFailure],
                      also remoteProblems: [MailSourceError] = [],
                      started: Date, lock indexLock: IndexLock) -> MailboxIndexSummary {
    var summary = summary
    withExtendedLifetime(indexLock) {}
    summary.skipped = problems.map(\.error) + remoteProblems
    summary.seconds = Date().timeIntervalSince(started)
    setLastSummary(summary)
    return summary
  }

  private static func loadDirs(_ db: Database) throws -> [String: DirRow] {
    var out: [String: DirRow] = [:]
    let rows = try Row.fetchCursor(
      db, sql: "SELECT id, path, kind, root, folder, mtime_ns, size, tail_hash FROM dir")
    while let r = try rows.next() {
      let row = DirRow(id: r[0], state: DirState(
        path: r[1], kind: try r.decode(MailboxFormat.self, atIndex: 2), root: r[3], folder: r[4], mtimeNanoseconds: r[5], size: r[6],
        tailHash: r[7]))
      out[row.path] = row
    }
    return out
  }

  func knownFiles(dirId: Int64) throws -> [String: (id: Int64, name: String)] {
    try database.read { db in
      let count = RawStatement(
        try db.cachedStatement(sql: "SELECT count(*) FROM file WHERE dir_id = ?"))
      count.reset()
      count.bind(1, dirId)
      var out: [String: (id: Int64, name: String)] = [:]
      if try count.step() { out.reserveCapacity(Int(count.int64(0))) }
      count.reset()
      let rows = RawStatement(
        try db.cachedStatement(sql: "SELECT id, uniq, name FROM file WHERE dir_id = ?"))
      rows.reset()
      rows.bind(1, dirId)
      while try rows.step() { out[rows.text(1)] = (rows.int64(0), rows.text(2)) }
      rows.reset()
      return out
    }
  }

  /// A directory changed less than this long ago may change again within the same mtime
  /// tick, so its mtime is not recorded and it is listed again next time.
  static let settleSeconds = 2.0

  private func planMaildir(root: String, dirs: [String: DirRow], plan: inout Plan,
                           summary: inout MailboxIndexSummary,
                           problems: inout [MailSourceFailure]) throws {
    if case .failure(let failure) = FileSystem.status(root) {
      problems.append(failure)
      plan.unreadable.append(root)
      return
    }
    let problemsBefore = problems.count
    let folders = MaildirLayout.folders(root: root, problems: &problems)
    if problems.count > problemsBefore, folders.isEmpty,
       problems.last?.path == root {
      plan.unreadable.append(root)  // the root itself cannot be listed: leave what the index has
      return
    }
    plan.unreadable += problems[problemsBefore...].map(\.path)
    let now = Date().timeIntervalSince1970
    for folder in folders {
      for sub in ["cur", "new"] {
        let path = folder.path + "/" + sub
        guard plan.seenDirs.insert(path).inserted else { continue }
        let known = dirs[path]
        let status: FileSystem.Status
        switch FileSystem.status(path) {
        case .failure(let failure):
          if failure.isMissing {
            plan.seenDirs.remove(path)  // gone: its row leaves in the sweep after planning
          } else {
            problems.append(failure)
            plan.unreadable.append(path)
          }
          continue
        case .success(let st):
          status = st
        }
        if let known, known.mtimeNanoseconds == status.mtimeNanoseconds {
          summary.unchangedDirectories += 1
          continue
        }
        let entries: [FileSystem.Entry]
        do {
          entries = try FileSystem.list(path, includeHidden: false)
        } catch {
          problems.append(error)
          plan.unreadable.append(path)
          continue
        }
        summary.scannedDirectories += 1
        var files = try known.map { try knownFiles(dirId: $0.id) } ?? [:]
        // Two names with one unique part (a copy left by a crashed flag change) are one file
        // to the index, as the `file` table has no unique constraint to drop the second.
        let repeatedHashes = MailboxIndex.hashesOfRepeatedUniqueParts(entries)
        var seenRepeated = Set<Substring>()
        for entry in entries where entry.isDirectory != true {
          let name = entry.name
          let uniqPart = MaildirLayout.uniquePart(of: name)
          if !repeatedHashes.isEmpty,
            repeatedHashes.contains(IndexSchema.fnv1a(uniqPart.utf8)),
            !seenRepeated.insert(uniqPart).inserted
          {
            continue
          }
          if !files.isEmpty {
            let uniq = String(uniqPart)
            if let old = files.removeValue(forKey: uniq) {
              if old.name != name {
                plan.moves.append(FileMove(fileId: old.id, dirPath: path, uniq: uniq, name: name,
                                           flags: MaildirLayout.flags(of: name)))
              }
              continue
            }
          }
          plan.additions.append(NewFile(dirPath: path, name: name, mboxSlice: nil))
        }
        plan.removals += files.values.map(\.id)
        let settled = now - status.mtime > MailboxIndex.settleSeconds
        plan.dirUpdates.append(DirState(
          path: path, kind: .maildir, root: root, folder: folder.name,
          mtimeNanoseconds: settled ? status.mtimeNanoseconds : nil, size: nil, tailHash: nil))
      }
    }
  }

  private func planMbox(path: String, known: DirRow?, plan: inout Plan,
                        summary: inout MailboxIndexSummary,
                        problems: inout [MailSourceFailure]) throws {
    let status: FileSystem.Status
    switch FileSystem.status(path) {
    case .failure(let failure):
      // Still named but missing or unreadable (an unmounted disk): reported, and what the
      // index has of it stays, as for a Maildir.
      problems.append(failure)
      return
    case .success(let st):
      status = st
    }
    guard status.isRegular else {
      problems.append(
        MailSourceFailure(path: path, reason: "not an mbox file (not a regular file)"))
      return
    }
    if let known, known.mtimeNanoseconds == status.mtimeNanoseconds, known.size == status.size {
      summary.unchangedDirectories += 1
      return
    }
    let data: Data
    do {
      data = try FileSystem.contents(of: path).data
    } catch {
      problems.append(error)
      return
    }
    summary.scannedDirectories += 1
    let folder = (path as NSString).lastPathComponent
    let (slices, tail, appendOnly, unread): ([MboxLayout.Slice], Int64, Bool, Int) =
      data.withUnsafeBytes { bytes in
      let unread = MboxLayout.bytesBeforeFirstMessage(bytes)
      let tail = MailboxIndex.tailHash(bytes, end: bytes.count)
      if let known, let oldSize = known.size, let oldTail = known.tailHash,
         oldSize < Int64(bytes.count),
         MailboxIndex.tailHash(bytes, end: Int(oldSize)) == oldTail {
        return (MboxLayout.slices(bytes, from: Int(oldSize)), tail, true, unread)
      }
      return (MboxLayout.slices(bytes), tail, false, unread)
    }
    if unread > 0 {
      problems.append(MailSourceFailure(path: path, reason: unread == data.count
        ? "not an mbox: no 'From ' line with a sender and date begins a message (a single "
          + "message saved as a file?); nothing in it was read"
        : "the first \(unread) bytes come before the first 'From ' line and were not read"))
    }
    var files: [String: (id: Int64, name: String)] = [:]
    if let known, !appendOnly { files = try knownFiles(dirId: known.id) }
    for slice in slices {
      let uniq = "\(slice.offset)+\(slice.length)"
      if files.removeValue(forKey: uniq) != nil { continue }
      plan.additions.append(NewFile(
        dirPath: path, name: uniq,
        mboxSlice: MboxSliceRange(offset: Int64(slice.offset), length: Int64(slice.length))))
    }
    plan.removals += files.values.map(\.id)
    plan.mboxData[path] = data
    plan.mboxMtime[path] = status.mtime
    // Bytes left unread keep the file unsettled, so the next run says so again.
    let settled = Date().timeIntervalSince1970 - status.mtime > MailboxIndex.settleSeconds
      && unread == 0
    plan.dirUpdates.append(DirState(
      path: path, kind: .mbox, root: path, folder: folder,
      mtimeNanoseconds: settled ? status.mtimeNanoseconds : nil, size: Int64(data.count),
      tailHash: tail))
  }

  /// FNV-1a of the (up to) 4 KiB before `end`: recognizes an mbox that only grew.
  private static func tailHash(_ bytes: UnsafeRawBufferPointer, end: Int) -> Int64 {
    IndexSchema.fnv1a(bytes[max(0, end - 4096)..<end])
  }

  /// What `writeStructure` wrote, for adding the new files after it.
  struct StructureWritten {
    /// The directory ids by path.
    var dirIds: [String: Int64]
    /// The indexes in `Plan.additions` of files that turned out to be moves.
    var movedAdditions: Set<Int>
    /// The Message-IDs that left the index.
    var removedMessageIds: Set<String>
  }

  /// Writes new directory rows, renames and removals in one transaction.
  ///
  /// A file gone from one directory whose unique part appears in a sibling directory of the
  /// same folder (`new` → `cur`) is moved rather than removed and read again.
  private static func writeStructure(_ db: Database, plan: Plan,
                                     summary: inout MailboxIndexSummary) throws
    -> StructureWritten
  {
    var ids: [String: Int64] = [:]
    let insertDir = try db.makeStatement(sql: """
      INSERT INTO dir(path, kind, root, folder) VALUES (?, ?, ?, ?)
      ON CONFLICT(path) DO UPDATE SET kind = excluded.kind, root = excluded.root,
        folder = excluded.folder
      """)
    let dirId = try db.makeStatement(sql: "SELECT id FROM dir WHERE path = ?")
    for update in plan.dirUpdates {
      try insertDir.execute(arguments: [update.path, update.kind, update.root, update.folder])
      ids[update.path] = try Int64.fetchOne(dirId, arguments: [update.path])
    }
    let move = try db.makeStatement(
      sql: "UPDATE file SET dir_id = ?, uniq = ?, name = ?, flags = ? WHERE id = ?")
    for moved in plan.moves {
      guard let dir = ids[moved.dirPath] else { continue }
      try move.execute(arguments: [dir, moved.uniq, moved.name, moved.flags, moved.fileId])
      summary.renamed += 1
    }
    let remover = try MessageRemover(db)
    // A removed file whose unique part reappears in a sibling directory of the same folder
    // (new → cur) moves instead.
    var additionsByKey: [String: Int] = [:]
    let mayMove = !plan.removals.isEmpty
    for (k, file) in plan.additions.enumerated() where mayMove && file.mboxSlice == nil {
      let folderPath = (file.dirPath as NSString).deletingLastPathComponent
      additionsByKey[folderPath + "\u{0}" + file.uniq] = k
    }
    var movedAdditions = Set<Int>()
    var removedIds = Set<String>()
    var removedCount = 0
    for fileId in plan.removals {
      if let file = try remover.describe(fileId: fileId), file.kind == .maildir,
         let k = additionsByKey[file.folderPath + "\u{0}" + file.uniq],
         !movedAdditions.contains(k),
         let dir = ids[plan.additions[k].dirPath]
      {
        let file = plan.additions[k]
        try move.execute(arguments: [dir, file.uniq, file.name, file.flags, fileId])
        movedAdditions.insert(k)
        summary.renamed += 1
        continue
      }
      if let gone = try remover.removeFile(fileId) {
        removedIds.insert(gone)
        summary.removed += 1
        removedCount += 1
      }
    }
    try MailboxIndex.addToMessageCount(db, -removedCount)
    for id in plan.dirRemovals {
      try db.execute(sql: "DELETE FROM dir WHERE id = ?", arguments: [id])
    }
    return StructureWritten(
      dirIds: ids, movedAdditions: movedAdditions, removedMessageIds: removedIds)
  }

  /// A message file as messages name it: its path, or an mbox's path and the message's
  /// byte offset in it.
  static func describe(_ file: NewFile) -> String {
    guard let slice = file.mboxSlice else { return file.dirPath + "/" + file.name }
    return "\(file.dirPath) (message at byte \(slice.offset))"
  }

  /// Keeps the stored message count in step with rows added or removed in this transaction.
  static func addToMessageCount(_ db: Database, _ delta: Int) throws {
    guard delta != 0 else { return }
    try db.execute(
      sql: "UPDATE stats SET value = value + ? WHERE key = 'messages'", arguments: [delta])
  }

  /// Records each changed directory's mtime now that all its files are written; one with a
  /// file that could not be read keeps no mtime, so the file is tried (and reported) again.
  private static func finishDirs(_ db: Database, plan: Plan, failedDirs: Set<String>) throws {
    let update = try db.makeStatement(
      sql: "UPDATE dir SET mtime_ns = ?, size = ?, tail_hash = ? WHERE path = ?")
    for u in plan.dirUpdates {
      let failed = failedDirs.contains(u.path)
      try update.execute(arguments: [
        failed ? nil : u.mtimeNanoseconds, failed ? nil : u.size, failed ? nil : u.tailHash,
        u.path,
      ])
    }
  }

  /// Reads the new files' header blocks in parallel (a wave at a time, the next wave parsed
  /// while the previous one is written) and writes each wave in its own transaction.
  /// A message removed earlier in the same refresh and added again (an mbox message that
  /// moved to another offset) counts as neither added nor removed.
  private func addFiles(plan: Plan, skipping moved: Set<Int>, removedIds: Set<String>,
                        dirIds: [String: Int64],
                        summary: inout MailboxIndexSummary, problems: inout [MailSourceFailure],
                        progress: (@Sendable (MailboxIndexProgress) -> Void)?) throws
    -> Set<String>
  {
    let files = moved.isEmpty
      ? plan.additions
      : plan.additions.enumerated().filter { !moved.contains($0.offset) }.map(\.element)
    var failedDirs = Set<String>()
    guard !files.isEmpty else { return failedDirs }
    let total = files.count
    progress?(MailboxIndexProgress(done: 0, total: total))
    let waveSize = 2048
    let waves = stride(from: 0, to: total, by: waveSize).map { $0..<min($0 + waveSize, total) }
    let parser = WaveParser(files: files, mboxData: plan.mboxData, mboxMtime: plan.mboxMtime)
    var pending = parser.start(waves[0])
    var addresses: [String: Int64] = [:]
    let folders = Dictionary(plan.dirUpdates.map { ($0.path, $0.folder) }) { a, _ in a }
    // A bulk load commits about once a second rather than once a wave: each commit
    // rewrites the pages its inserts touched, so fewer, larger transactions write less.
    // Every commit still keeps its messages if the refresh is interrupted.
    let commitInterval: TimeInterval = total > 5000 ? 1 : 0
    try database.writeWithoutTransaction { db in
      let rows = try Row.fetchCursor(db, sql: "SELECT id, value FROM address")
      while let r = try rows.next() { addresses[r[1]] = r[0] }
      let writer = try MessageWriter(db)
      var transactionStart: Date? = nil
      var insertedCount = 0
      do {
        for (w, range) in waves.enumerated() {
          let results = pending.wait()
          let writeStart = Date()
          defer { summary.writingSeconds += Date().timeIntervalSince(writeStart) }
          if w + 1 < waves.count { pending = parser.start(waves[w + 1]) }
          if transactionStart == nil {
            try db.execute(sql: "BEGIN IMMEDIATE")
            transactionStart = writeStart
          }
          for (k, result) in zip(range, results) {
            let file = files[k]
            switch result {
            case .failure(let failure):
              problems.append(failure)
              failedDirs.insert(file.dirPath)
            case .success(let header):
              summary.parsedFiles += 1
              guard let dir = dirIds[file.dirPath], let folder = folders[file.dirPath] else {
                continue
              }
              if try writer.add(header, file: file, dirId: dir, folder: folder,
                                addresses: &addresses) {
                insertedCount += 1
                if removedIds.contains(header.messageId) {
                  summary.removed -= 1
                } else {
                  summary.added += 1
                  if let fallback = header.dateFallback {
                    summary.warnings.append(.dateFallback(
                      path: MailboxIndex.describe(file), byReceived: fallback == .received))
                  }
                }
              }
            }
          }
          let last = w + 1 == waves.count
          if let started = transactionStart,
             last || Date().timeIntervalSince(started) >= commitInterval {
            try MailboxIndex.addToMessageCount(db, insertedCount)
            if last { try IndexSchema.mergeNewPostings(db) }
            try db.execute(sql: "COMMIT")
            transactionStart = nil
            insertedCount = 0
          }
          progress?(MailboxIndexProgress(done: range.upperBound, total: total))
        }
      } catch {
        if transactionStart != nil { try? db.execute(sql: "ROLLBACK") }
        throw error
      }
    }
    return failedDirs
  }
}
