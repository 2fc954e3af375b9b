import Foundation
import GRDB
import GRDBSQLite

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// How AutoCapture opens its SQLite files (the shared CRM database and the private index).
///
/// Both are WAL databases, so readers never block the one writer, across processes too.
public enum SQLiteFiles {
  /// Which GRDB connection set a process needs.
  public enum Connections: Sendable {
    /// A `DatabasePool`: a writer plus concurrent readers. For long-lived processes (the
    /// TUI) that query while a background sync or index refresh writes.
    case pool
    /// One `DatabaseQueue` connection, for one-shot commands (`timeline`, `index`, `sync`).
    ///
    /// A pool opens a second connection for reads, and when the `-wal` file is missing
    /// (SQLite deletes it when the last connection closes) it commits a dummy transaction to
    /// create it, which the closing checkpoint then copies back and fsyncs. That cost about
    /// 3 ms per database per process (`strace`: 8 fdatasyncs for one `timeline --json`); one
    /// connection that only reads writes nothing and syncs nothing. Its `-wal` and `-shm`
    /// files are kept (the WAL emptied) when it closes, so the next command does not create
    /// and delete them again.
    case single
  }

  /// Who may read a database file AutoCapture creates.
  public enum Access: Sendable {
    /// The owner alone (0600), whatever the umask; a file an older version left readable
    /// by others, and its `-wal` and `-shm`, are narrowed to that. For the private index.
    case ownerOnly
    /// A new file is created 0600 too; an existing file keeps the mode it was given, so a
    /// team that shares one file on one machine can open it to a group (the CRM database).
    case ownerOnlyWhenCreated
  }

  /// Opens (creating when missing) the WAL database at `path`.
  ///
  /// A new file is put in WAL mode whichever connection set opens it; the mode is then
  /// stored in the file. Writers use `synchronous = NORMAL`, the usual choice with WAL: a
  /// commit may be lost to a power cut, but the file stays consistent. SQLite gives the
  /// `-wal` and `-shm` files the database file's mode.
  public static func open(
    path: String, connections: Connections, busyTimeout: Double, foreignKeys: Bool = false,
    access: Access = .ownerOnlyWhenCreated
  ) throws -> any DatabaseWriter {
    prepareFile(path, access: access)
    var config = Configuration()
    config.label = path
    config.busyMode = .timeout(busyTimeout)
    config.foreignKeysEnabled = foreignKeys
    switch connections {
    case .pool:
      return try DatabasePool(path: path, configuration: config)
    case .single:
      config.prepareDatabase { db in
        try db.execute(sql: "PRAGMA synchronous = NORMAL")
        // Keep the -wal and -shm files when closing (emptied, not deleted): creating and
        // deleting two files per database was a measurable part of a one-shot command.
        var persist: Int32 = 1
        _ = sqlite3_file_control(db.sqliteConnection, nil, SQLITE_FCNTL_PERSIST_WAL, &persist)
        try db.execute(sql: "PRAGMA journal_size_limit = 0")
      }
      let queue = try DatabaseQueue(path: path, configuration: config)
      try queue.writeWithoutTransaction { db in
        // Reading the mode of a WAL file writes nothing; only a new file is switched.
        if try String.fetchOne(db, sql: "PRAGMA journal_mode")?.lowercased() != "wal" {
          _ = try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL")
        }
      }
      return queue
    }
  }

  /// Creates `path` empty with mode 0600 when it is missing (whatever the umask) and, for
  /// `.ownerOnly`, narrows the modes of the file and its `-wal` and `-shm` to 0600.
  static func prepareFile(_ path: String, access: Access) {
    #if canImport(Glibc)
      let fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    #else
      let fd = Darwin.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
    #endif
    if fd >= 0 {
      fchmod(fd, 0o600)
      close(fd)
    }
    guard access == .ownerOnly else { return }
    for file in [path, path + "-wal", path + "-shm"] {
      var info = stat()
      if stat(file, &info) == 0, info.st_mode & 0o077 != 0 {
        chmod(file, info.st_mode & 0o700)
      }
    }
  }
}
