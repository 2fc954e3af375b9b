import CRMStore
import CaptureCore
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// Blocking access to one PostgreSQL database for the synchronous `CRMStore` protocol.
///
/// postgres-nio's futures run on this store's own one-thread event loop group, and every
/// call waits for its future on the calling thread (the main thread of a command, the TUI's
/// background queues), which is never that event loop's thread. Connections are kept in a
/// small pool so the TUI can read while a sync writes; one that the server closed (a
/// restart) is dropped and replaced on the next call.
final class PostgresConnections: @unchecked Sendable {
  let url: PostgresURL
  private let group: MultiThreadedEventLoopGroup
  private let configuration: PostgresConnection.Configuration
  private let logger: Logger
  private let lock = NSLock()
  private var idle: [PostgresConnection] = []
  private var nextId = 0
  private var closed = false

  init(url: PostgresURL, caFile: String?) throws {
    self.url = url
    let tls: PostgresConnection.Configuration.TLS
    do {
      tls = try Self.tls(url, caFile: caFile)
    } catch {
      throw CRMError.invalid("cannot set up TLS for PostgreSQL server \(url.server): \(error)")
    }
    var configuration = PostgresConnection.Configuration(
      host: url.host, port: url.port, username: url.user, password: url.password,
      database: url.database, tls: tls)
    configuration.options.connectTimeout = .seconds(10)
    // SNI takes a name, never an address; with an address the certificate is checked
    // against the address connected to.
    if url.sslMode != .disable, !Self.isIPAddress(url.host) {
      configuration.options.tlsServerName = url.host
    }
    self.configuration = configuration
    logger = Logger(label: "autocapture.postgres") { _ in SwiftLogNoOpLogHandler() }
    group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
  }

  static func isIPAddress(_ host: String) -> Bool {
    var v4 = in_addr(), v6 = in6_addr()
    return inet_pton(AF_INET, host, &v4) == 1 || inet_pton(AF_INET6, host, &v6) == 1
  }

  /// libpq's sslmodes: `prefer` and `allow` try TLS without checking the certificate,
  /// `require` insists on TLS without checking it either, `verify-ca` checks the chain and
  /// `verify-full` the chain and the host name. The chain is checked against the URL's
  /// `sslrootcert` when it names one (only that CA, as libpq does), else the system's
  /// roots; `caFile` (`--tls-ca-file`, as for IMAP and CalDAV) is trusted as well.
  static func tls(_ url: PostgresURL, caFile: String?) throws -> PostgresConnection.Configuration.TLS {
    var config = TLSConfiguration.makeClientConfiguration()
    switch url.sslMode {
    case .disable: return .disable
    case .allow, .prefer, .require: config.certificateVerification = .none
    case .verifyCA: config.certificateVerification = .noHostnameVerification
    case .verifyFull: config.certificateVerification = .fullVerification
    }
    if let rootCert = url.caFile {
      config.trustRoots = .file(rootCert)
    }
    if let caFile {
      config.additionalTrustRoots = [.file(caFile)]
    }
    let context = try NIOSSLContext(configuration: config)
    return url.sslMode == .prefer || url.sslMode == .allow ? .prefer(context) : .require(context)
  }

  deinit { shutdown() }

  /// Closes every connection and stops the event loop.
  func shutdown() {
    lock.lock()
    let connections = idle
    idle = []
    let wasClosed = closed
    closed = true
    lock.unlock()
    guard !wasClosed else { return }
    for connection in connections {
      let closing: EventLoopFuture<Void> = connection.close()
      _ = try? closing.wait()
    }
    try? group.syncShutdownGracefully()
  }

  // MARK: - Connections

  private func connect() throws -> PostgresConnection {
    lock.lock()
    nextId += 1
    let id = nextId
    lock.unlock()
    do {
      return try PostgresConnection.connect(
        on: group.next(), configuration: configuration, id: id, logger: logger
      ).wait()
    } catch {
      throw translate(error)
    }
  }

  /// A connection of its own for LISTEN, outside the pool.
  func connectForListening() async throws -> PostgresConnection {
    try await PostgresConnection.connect(
      on: group.next(), configuration: configuration, id: 0, logger: logger
    ).get()
  }

  private func checkOut() throws -> PostgresConnection {
    lock.lock()
    while let connection = idle.popLast() {
      if !connection.isClosed { lock.unlock(); return connection }
    }
    lock.unlock()
    return try connect()
  }

  /// Closes without waiting: the connection is of no further use either way.
  private func closeQuietly(_ connection: PostgresConnection) {
    let _: EventLoopFuture<Void> = connection.close()
  }

  private func checkIn(_ connection: PostgresConnection) {
    lock.lock()
    if !closed, !connection.isClosed, idle.count < 4 {
      idle.append(connection)
      lock.unlock()
    } else {
      lock.unlock()
      closeQuietly(connection)
    }
  }

  /// Runs `body` on a connection of the pool. A connection whose call failed for a reason
  /// other than the server refusing a statement is closed rather than reused.
  func withConnection<T>(_ body: (PostgresSession) throws -> T) throws -> T {
    let connection = try checkOut()
    do {
      let result = try body(PostgresSession(connection: connection, logger: logger))
      checkIn(connection)
      return result
    } catch {
      if Self.leavesConnectionUsable(error) { checkIn(connection) } else { closeQuietly(connection) }
      throw translate(error)
    }
  }

  /// A read of one statement or more that needs no transaction; tried once more on a fresh
  /// connection when the pooled one turns out dead (the server restarted since).
  func read<T>(_ body: (PostgresSession) throws -> T) throws -> T {
    do { return try withConnection(body) } catch CRMError.unavailable {
      return try withConnection(body)
    }
  }

  /// Runs `body` in one transaction: all of it is written or none. An error inside rolls
  /// back; a connection lost before COMMIT's answer leaves the outcome to the server
  /// (everything or nothing), and the error says the server was lost.
  func transaction<T>(_ body: (PostgresSession) throws -> T) throws -> T {
    try withConnection { session in
      try session.execute("BEGIN")
      do {
        let result = try body(session)
        try session.execute("COMMIT")
        return result
      } catch {
        if Self.leavesConnectionUsable(error) { _ = try? session.execute("ROLLBACK") }
        throw error
      }
    }
  }

  /// A statement the server refused, or an error of ours, leaves the connection usable;
  /// a lost connection or a protocol failure does not.
  static func leavesConnectionUsable(_ error: any Error) -> Bool {
    if let error = error as? PSQLError { return error.serverInfo != nil }
    return !(error is IOError || error is ChannelError || error is NIOConnectionError)
  }

  // MARK: - Errors

  /// Turns postgres-nio's errors into one line naming the server (never the password).
  func translate(_ error: any Error) -> any Error {
    if error is CRMError || error is ImportError {
      return error
    }
    let underlying = (error as? PSQLError)?.underlying ?? error
    if let extra = underlying as? NIOSSLExtraError {
      // verify-full: a trusted chain, issued for another host.
      return CRMError.invalid("TLS with PostgreSQL server \(url.server) failed: "
        + (extra == .failedToValidateHostname
          ? "its certificate is not for \(url.host) (sslmode=\(url.sslMode.rawValue))"
          : "\(extra)"))
    }
    if let tls = underlying as? NIOSSLError {
      let untrusted = "\(tls)".contains("CERTIFICATE_VERIFY_FAILED")
      return CRMError.invalid("TLS with PostgreSQL server \(url.server) failed: "
        + (untrusted ? "its certificate is not trusted (sslmode=\(url.sslMode.rawValue); name "
          + "the CA that signed it with --tls-ca-file PATH or sslrootcert=PATH)"
          : "the handshake failed"))
    }
    guard let psql = error as? PSQLError else {
      if let io = error as? IOError {
        return CRMError.unavailable(
          "cannot reach PostgreSQL server \(url.server): \(io.description)")
      }
      if error is NIOConnectionError || error is ChannelError {
        return CRMError.unavailable(
          "cannot reach PostgreSQL server \(url.server): \(Self.reason(error))")
      }
      return error
    }
    if let info = psql.serverInfo {
      let message = info[.message] ?? "error"
      switch info[.sqlState] ?? "" {
      case "3D000":
        return CRMError.invalid(
          "PostgreSQL server \(url.server) has no database '\(url.database)'")
      case "28P01", "28000":
        return CRMError.invalid(
          "PostgreSQL server \(url.server) refused the login of '\(url.user)': \(message)")
      case "57P01", "57P02", "57P03":
        return CRMError.unavailable(
          "PostgreSQL server \(url.server) is restarting or shutting down (\(message)); "
            + "nothing was half-written, try again")
      case "40001", "40P01", "55P03":
        return CRMError.busy("PostgreSQL server \(url.server): \(message)")
      default:
        return CRMError.invalid("PostgreSQL server \(url.server): \(message)")
      }
    }
    switch psql.code {
    case .connectionError:
      return CRMError.unavailable(
        "cannot reach PostgreSQL server \(url.server)"
          + (psql.underlying.map { ": \(Self.reason($0))" } ?? ""))
    case .serverClosedConnection, .uncleanShutdown, .clientClosedConnection:
      return CRMError.unavailable(
        "lost the connection to PostgreSQL server \(url.server) (it restarted or the network "
          + "dropped); nothing was half-written, try again")
    case .authMechanismRequiresPassword:
      return CRMError.invalid(
        "PostgreSQL server \(url.server) wants a password for '\(url.user)' (give it in the "
          + "URL, PGPASSWORD or ~/.pgpass)")
    case .sslUnsupported:
      return CRMError.invalid(
        "PostgreSQL server \(url.server) does not offer TLS, which sslmode=\(url.sslMode.rawValue) "
          + "requires")
    case .failedToAddSSLHandler:
      return CRMError.invalid("TLS with PostgreSQL server \(url.server) failed"
        + (psql.underlying.map { ": \(Self.reason($0))" } ?? ""))
    default:
      return CRMError.invalid("PostgreSQL server \(url.server): \(psql.code)"
        + (psql.underlying.map { " (\(Self.reason($0)))" } ?? ""))
    }
  }

  static func reason(_ error: any Error) -> String {
    if let error = error as? NIOConnectionError {
      return error.connectionErrors.first.map { "\($0.error)" } ?? "no address to connect to"
    }
    if let error = error as? NIOSSLError { return "\(error)" }
    return "\(error)"
  }
}

/// One connection, for the duration of a call.
struct PostgresSession {
  let connection: PostgresConnection
  let logger: Logger

  @discardableResult
  func query(_ query: PostgresQuery) throws -> [PostgresRow] {
    try connection.query(query, logger: logger).wait().rows
  }

  /// How many rows a statement changed.
  func update(_ query: PostgresQuery) throws -> Int {
    try connection.query(query, logger: logger).wait().metadata.rows ?? 0
  }

  func execute(_ sql: String) throws {
    _ = try connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).wait()
  }

  func one<T: PostgresDecodable>(_ query: PostgresQuery, as type: T.Type = T.self) throws -> T? {
    try self.query(query).first.map { try $0.decode(T.self) }
  }
}

/// Reads a row's cells in column order.
struct Cells {
  let row: PostgresRandomAccessRow
  var index = 0
  init(_ row: PostgresRow) { self.row = row.makeRandomAccess() }

  mutating func next<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T {
    defer { index += 1 }
    return try row[index].decode(T.self)
  }
}
