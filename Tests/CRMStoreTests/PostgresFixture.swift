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
    for sql in statements {
      _ = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
    }
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
