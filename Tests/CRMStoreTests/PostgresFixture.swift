#if PostgreSQL
import CRMStore
import CaptureCore
import Foundation
import Logging
import PostgresCRMStore
import PostgresNIO
import TestSupport
import Testing

/// The throwaway PostgreSQL server of scripts/servers/postgres.sh, as the tests use it: a
/// superuser's URL, a fresh database per test, and SQL run as that superuser.
enum PostgresTestServer {
  static let skipped = TestServers.skipped("postgres")
  static let skipComment: Comment = "AUTOCAPTURE_SKIP_SERVERS names postgres"

  static func adminURL() throws -> PostgresURL {
    try PostgresURL(
      parsing: TestServers.value("AUTOCAPTURE_TEST_PG_URL", server: "postgres"), environment: [:])
  }

  private static let logger = Logger(label: "tests") { _ in SwiftLogNoOpLogHandler() }

  /// Runs `statements` as the superuser, on `database` (default: the server's `postgres`).
  static func execute(_ statements: [String], database: String? = nil) throws {
    _ = try rows(statements, database: database)
  }

  /// Runs `statements` as the superuser and returns the last one's rows, each cell as text
  /// (nil for NULL).
  static func rows(_ statements: [String], database: String? = nil) throws -> [[String?]] {
    let url = try adminURL()
    let configuration = PostgresConnection.Configuration(
      host: url.host, port: url.port, username: url.user, password: url.password,
      database: database ?? url.database, tls: .disable)
    let connection = try PostgresConnection.connect(
      on: MultiThreadedEventLoopGroup.singleton.next(), configuration: configuration, id: 1,
      logger: logger
    ).wait()
    defer {
      let closing: EventLoopFuture<Void> = connection.close()
      _ = try? closing.wait()
    }
    var rows: [[String?]] = []
    for sql in statements {
      rows = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait().rows
        .map { row in row.map { cell in (try? cell.decode(String?.self)) ?? nil } }
    }
    return rows
  }

  /// Whether each client connection to `database` now open uses TLS (pg_stat_ssl), by the
  /// process id of its server process.
  static func tlsOfConnections(to database: String) throws -> [String: Bool] {
    var tls: [String: Bool] = [:]
    for row in try rows(["""
      SELECT a.pid::text, s.ssl::text FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
      WHERE a.datname = '\(database)' AND a.backend_type = 'client backend'
      """]) where row.count == 2 {
      tls[row[0] ?? ""] = row[1] == "true"
    }
    return tls
  }

  /// A new, empty database; the URL carries the superuser's name and password.
  static func freshDatabase() throws -> PostgresURL {
    let name = TestServers.uniqueName("ac")
    try execute(["CREATE DATABASE \(name)"])
    var url = try adminURL()
    url.database = name
    return url
  }

  /// A fresh database given the schema by `import` and holding `content`.
  static func store(_ content: CRMContent) throws -> PostgresCRMStore {
    let store = try PostgresCRMStore(url: freshDatabase(), createsSchema: true)
    _ = try store.importData(content.importJSON())
    return store
  }

  static let contractMaker = CRMStoreMaker("PostgreSQL") { try store($0) }
}
#endif
