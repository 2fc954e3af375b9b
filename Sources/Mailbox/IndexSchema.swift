import CaptureCore
import Foundation
import GRDB

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The private index's SQLite schema.
///
/// SQLite (through GRDB) rather than a custom file: it gives crash-safe transactions (an
/// interrupted refresh keeps every committed batch), WAL readers that never block the one
/// writer, and a B-tree `posting` table that answers "newest postings of this address"
/// with one index seek. Addresses are interned (`address.id`), so the postings table holds
/// three numbers per (address, message) pair and stays small.
///
/// - `dir`: one row per Maildir `cur`/`new` directory or mbox file, with the mtime (and for
///   mbox the size and a hash of the tail) seen when it was last fully indexed; NULL mtime
///   means "look again".
/// - `file`: one row per message file or mbox slice, naming its message; found by directory.
/// - `message`: one row per Message-ID (copies in two folders share it) with the tile facts,
///   found by a 64-bit hash of the Message-ID (`mid_hash`, then `mid` compared).
/// - `stats`: the message count, kept by each write (counting 100k rows costs ~6 ms).
/// - `posting`: (address, date, message) for every From/To/Cc address, WITHOUT ROWID so the
///   primary key is the table and `ORDER BY date DESC` per address is a backward scan.
/// - `posting_new`: postings of messages added by the refresh under way, appended in arrival
///   order and moved into `posting` in key order when the refresh ends (or, after a crash,
///   when the next one starts).
/// - `reference`: (hash of a Message-ID, date, message) for every id a message's In-Reply-To
///   or References names (`MessageReferences`: at most 20, each at most 250 bytes), so the
///   replies to a tracked email are found newest first by one index seek; staged in
///   `reference_new` as postings are. `message.refs` keeps the same ids, space-separated,
///   to check a hash's match and to tell which tracked email a reply answers.
///
/// Why the last three are shaped so (measured on 100k and 1M generated messages): every
/// index that takes inserts in random key order rewrites most of its pages at each commit,
/// and once such trees outgrow the page cache each insert reads and writes a page. With a
/// text `UNIQUE(mid)`, a `UNIQUE(dir_id, uniq)` and postings inserted as they came, a first
/// index wrote 19 times the final file size. The Message-ID hash index is a sixth of the
/// text one; files need no uniqueness index (a refresh adds a name to a directory once, and
/// refreshes take turns through `flock`); postings are sorted once.
///
/// The index is derived data: a file with an older schema is emptied and filled again by
/// the next refresh rather than migrated. A change in what is stored, not only in the
/// tables, takes a new version too: schema 4 names a message without Message-ID by a hash
/// of its whole bytes (schema 3 hashed its header block, which merged messages that
/// differed only in their bodies); schema 5 keeps an internationalized domain in its
/// Unicode form, however the message wrote it; schema 6 keeps schema 3's header-block id of
/// such a message beside it (`former_mid`), which activities tracked before carry; schema 7
/// keeps the ids of In-Reply-To and References (`refs`, `reference`).
enum IndexSchema {
  static let version = 7

  static func create(_ db: Database) throws {
    let found = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
    if found > version {
      throw MailSourceError.malformed(
        path: db.configuration.label ?? "index",
        reason: "written by a newer AutoCapture (index schema \(found)); upgrade to use it")
    }
    if found == version { return }
    try db.execute(sql: """
      DROP TABLE IF EXISTS posting;
      DROP TABLE IF EXISTS posting_new;
      DROP TABLE IF EXISTS file;
      DROP TABLE IF EXISTS message;
      DROP TABLE IF EXISTS address;
      DROP TABLE IF EXISTS dir;
      DROP TABLE IF EXISTS stats;
      DROP TABLE IF EXISTS reference;
      DROP TABLE IF EXISTS reference_new;
      CREATE TABLE dir(
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        root TEXT NOT NULL,
        folder TEXT NOT NULL,
        mtime_ns INTEGER,
        size INTEGER,
        tail_hash INTEGER);
      CREATE TABLE message(
        id INTEGER PRIMARY KEY,
        mid TEXT NOT NULL,
        mid_hash INTEGER NOT NULL,
        former_mid TEXT,
        date REAL NOT NULL,
        date_fallback INTEGER NOT NULL,
        subject TEXT NOT NULL,
        from_addr TEXT,
        from_name TEXT,
        to_list TEXT NOT NULL,
        cc_list TEXT NOT NULL,
        folder TEXT NOT NULL,
        refs TEXT);
      CREATE INDEX message_by_mid_hash ON message(mid_hash);
      CREATE INDEX message_reply_by_date ON message(date) WHERE refs IS NOT NULL;
      CREATE TABLE reference(
        ref_hash INTEGER NOT NULL,
        date REAL NOT NULL,
        message INTEGER NOT NULL,
        PRIMARY KEY(ref_hash, date, message)) WITHOUT ROWID;
      CREATE TABLE reference_new(ref_hash INTEGER NOT NULL, date REAL NOT NULL,
        message INTEGER NOT NULL);
      CREATE TABLE file(
        id INTEGER PRIMARY KEY,
        dir_id INTEGER NOT NULL,
        uniq TEXT NOT NULL,
        name TEXT NOT NULL,
        flags TEXT NOT NULL,
        offset INTEGER,
        length INTEGER,
        message INTEGER NOT NULL);
      CREATE INDEX file_by_dir ON file(dir_id);
      CREATE INDEX file_by_message ON file(message);
      CREATE TABLE address(id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
      CREATE TABLE posting(
        address INTEGER NOT NULL,
        date REAL NOT NULL,
        message INTEGER NOT NULL,
        PRIMARY KEY(address, date, message)) WITHOUT ROWID;
      CREATE TABLE posting_new(address INTEGER NOT NULL, date REAL NOT NULL,
        message INTEGER NOT NULL);
      CREATE TABLE stats(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT INTO stats(key, value) VALUES ('messages', 0);
      PRAGMA user_version = \(version);
      """)
  }

  /// FNV-1a (64-bit) of a Message-ID's UTF-8: the key `message` rows are found by.
  static func midHash(_ messageId: String) -> Int64 { fnv1a(messageId.utf8) }

  /// FNV-1a's 64-bit offset basis: the hash of no bytes.
  static let fnv1aStart = Int64(bitPattern: 0xcbf2_9ce4_8422_2325)

  /// FNV-1a, 64-bit: fast, and spread well enough for keys and change checks.
  ///
  /// `continuing` is the hash of the bytes before these, so a file read in pieces hashes
  /// as it would in one piece.
  static func fnv1a(_ bytes: some Sequence<UInt8>, continuing start: Int64 = fnv1aStart)
    -> Int64
  {
    var hash = UInt64(bitPattern: start)
    for byte in bytes {
      hash ^= UInt64(byte)
      hash &*= 0x0000_0100_0000_01B3
    }
    return Int64(bitPattern: hash)
  }

  /// Moves the postings of newly added messages into `posting`, in key order.
  static func mergeNewPostings(_ db: Database) throws {
    try db.execute(sql: """
      INSERT OR IGNORE INTO posting(address, date, message)
        SELECT address, date, message FROM posting_new ORDER BY address, date, message;
      DELETE FROM posting_new;
      INSERT OR IGNORE INTO reference(ref_hash, date, message)
        SELECT ref_hash, date, message FROM reference_new ORDER BY ref_hash, date, message;
      DELETE FROM reference_new;
      """)
  }

  /// Whether a refresh left postings unmerged (it was interrupted).
  static func hasNewPostings(_ db: Database) throws -> Bool {
    try Bool.fetchOne(db, sql: """
      SELECT EXISTS (SELECT 1 FROM posting_new) OR EXISTS (SELECT 1 FROM reference_new)
      """) ?? false
  }
}

/// An exclusive `flock` on a file, held while one refresh writes the index.
///
/// Two processes (or two `MailboxIndex` instances) refreshing at once then take turns: the
/// second finds the work done and only checks directory mtimes. Queries do not take it.
final class IndexLock {
  private let fd: Int32

  private init(fd: Int32) { self.fd = fd }

  /// Waits for the lock.
  convenience init(path: String) throws {
    // Waiting, `take` returns a descriptor or throws.
    self.init(fd: try IndexLock.take(path, waiting: true) ?? -1)
  }

  /// The lock when no other refresh holds it (in this process or another), else nil.
  static func ifFree(path: String) throws -> IndexLock? {
    try take(path, waiting: false).map { IndexLock(fd: $0) }
  }

  private static func take(_ path: String, waiting: Bool) throws -> Int32? {
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw MailSourceError.unreadable(path: path, reason: FileSystem.errnoReason(errno))
    }
    while flock(fd, waiting ? LOCK_EX : LOCK_EX | LOCK_NB) != 0 {
      if errno == EINTR { continue }
      let error = errno
      close(fd)
      if !waiting && error == EWOULDBLOCK { return nil }
      throw MailSourceError.unreadable(
        path: path, reason: "cannot lock: \(FileSystem.errnoReason(error))")
    }
    return fd
  }

  deinit {
    flock(fd, LOCK_UN)
    close(fd)
  }
}

/// The format of an indexed source. Stored as its raw text in `dir.kind`: that text is part
/// of the schema, so a case may be renamed but its raw value may not.
enum MailboxFormat: String, Sendable, DatabaseValueConvertible {
  case maildir
  case mbox
  /// A folder on an IMAP server (RemoteSources).
  case imap
}
