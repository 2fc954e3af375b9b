import CRMStore
import CaptureCore
import Foundation
import SQLiteSupport
#if PostgreSQL
import PostgresCRMStore
#endif

/// The CRM database `--db` names: an SQLite file, or a PostgreSQL database given as a
/// `postgresql://` (or `postgres://`) URL in builds with the PostgreSQL trait (team mode).
struct CRMDatabase {
  let store: any CRMStore
  /// How errors and messages name it: the path, or the URL without its password.
  let name: String
  private let closeStore: () throws -> Void

  /// True when `db` is a PostgreSQL URL rather than a path.
  static func isURL(_ db: String) -> Bool {
    let lower = db.lowercased()
    return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
  }

  /// Opens `db` as an existing AutoCapture database (or, with `createsSchema`, gives an
  /// empty one the schema): one connection for a one-shot command, a pool for the TUI.
  /// `tlsCAFile` (`--tls-ca-file`) is a further CA to trust for a PostgreSQL server's TLS.
  static func open(_ db: String, tlsCAFile: String?, connections: SQLiteFiles.Connections,
                   createsSchema: Bool) throws -> CRMDatabase
  {
    if isURL(db) {
      #if PostgreSQL
      let url = try PostgresURL(parsing: db)
      let store = try PostgresCRMStore(url: url, caFile: tlsCAFile, createsSchema: createsSchema)
      return CRMDatabase(store: store, name: url.description, closeStore: { store.close() })
      #else
      throw CLIError("this build of autocapture has no PostgreSQL support (build it with "
        + "--traits PostgreSQL, see the README's Team mode)")
      #endif
    }
    if !createsSchema {
      // Opening a path that does not exist would create an empty database and then report
      // an unknown user; say what is really wrong. Only `import` creates databases.
      guard FileManager.default.fileExists(atPath: db) else {
        throw CLIError("no CRM database at \(db) (create one with: autocapture import FILE.json"
          + " --db \(db))")
      }
    }
    let store = try SQLiteCRMStore(path: db, connections: connections,
                                   createsSchema: createsSchema)
    return CRMDatabase(store: store, name: db, closeStore: { try store.close() })
  }

  /// Imports a CRM import file in one transaction (all of it or nothing).
  func importFile(at url: URL) throws -> ImportSummary {
    let plan = try CRMImporter.plan(fileAt: url)
    switch store {
    case let sqlite as SQLiteCRMStore: return try sqlite.importPlan(plan)
    #if PostgreSQL
    case let postgres as PostgresCRMStore: return try postgres.importPlan(plan)
    #endif
    default: throw CLIError("\(name): this database cannot be imported into")
    }
  }

  func close() throws { try closeStore() }
}
