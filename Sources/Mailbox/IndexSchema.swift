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
/// - `file`: one row per message file or mbox slice, naming its message.
/// - `message`: one row per Message-ID (copies in two folders share it) with the tile facts.
/// - `stats`: the message count, kept by each write (counting 100k rows costs ~6 ms).
/// - `posting`: (address, date, message) for every From/To/Cc address, WITHOUT ROWID so the
///   primary key is the table and `ORDER BY date DESC` per address is a backward scan.
enum IndexSchema {
  static let version = 2

  static func create(_ db: Database) throws {
    let found = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
    if found > version {
      throw MailSourceError.malformed(
        path: db.configuration.label ?? "index",
        reason: "written by a newer AutoCapture (index schema \(found)); upgrade to use it")
    }
    if found == version { return }
    // Version 1 differs only by the missing `stats` table, which the script below adds.
    try db.execute(sql: """
      CREATE TABLE IF NOT EXISTS dir(
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        root TEXT NOT NULL,
        folder TEXT NOT NULL,
        mtime_ns INTEGER,
        size INTEGER,
        tail_hash INTEGER);
      CREATE TABLE IF NOT EXISTS message(
        id INTEGER PRIMARY KEY,
        mid TEXT NOT NULL UNIQUE,
        date REAL NOT NULL,
        date_fallback INTEGER NOT NULL,
        subject TEXT NOT NULL,
        from_addr TEXT,
        from_name TEXT,
        to_list TEXT NOT NULL,
        cc_list TEXT NOT NULL,
        folder TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS file(
        id INTEGER PRIMARY KEY,
        dir_id INTEGER NOT NULL,
        uniq TEXT NOT NULL,
        name TEXT NOT NULL,
        flags TEXT NOT NULL,
        offset INTEGER,
        length INTEGER,
        message INTEGER NOT NULL,
        UNIQUE(dir_id, uniq));
      CREATE INDEX IF NOT EXISTS file_by_message ON file(message);
      CREATE TABLE IF NOT EXISTS address(id INTEGER PRIMARY KEY, value TEXT NOT NULL UNIQUE);
      CREATE TABLE IF NOT EXISTS posting(
        address INTEGER NOT NULL,
        date REAL NOT NULL,
        message INTEGER NOT NULL,
        PRIMARY KEY(address, date, message)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS stats(key TEXT PRIMARY KEY, value INTEGER NOT NULL);
      INSERT OR IGNORE INTO stats(key, value) VALUES ('messages', (SELECT count(*) FROM message));
      PRAGMA user_version = \(version);
      """)
  }
}

/// An exclusive `flock` on a file, held while one refresh writes the index.
///
/// Two processes (or two `MailboxIndex` instances) refreshing at once then take turns: the
/// second finds the work done and only checks directory mtimes. Queries do not take it.
final class IndexLock {
  private let fd: Int32

  init(path: String) throws {
    let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    guard fd >= 0 else {
      throw MailSourceError.unreadable(path: path, reason: FileSystem.errnoReason(errno))
    }
    while flock(fd, LOCK_EX) != 0 {
      if errno == EINTR { continue }
      let reason = FileSystem.errnoReason(errno)
      close(fd)
      throw MailSourceError.unreadable(path: path, reason: "cannot lock: \(reason)")
    }
    self.fd = fd
  }

  deinit {
    flock(fd, LOCK_UN)
    close(fd)
  }
}
