import CaptureCore
import Foundation

/// A `--db postgresql://USER[:PASSWORD]@HOST[:PORT]/DBNAME[?sslmode=...]` (or `postgres://`)
/// read as libpq reads it: the password from the URL, else `PGPASSWORD`, else the password
/// file (`PGPASSFILE`, default `~/.pgpass`). Its `description` never shows the password.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
  public enum SSLMode: String, Sendable, CaseIterable {
    case disable, allow, prefer, require
    case verifyCA = "verify-ca"
    case verifyFull = "verify-full"
  }

  public var user: String
  public var password: String?
  public var host: String
  public var port: Int
  public var database: String
  public var sslMode: SSLMode
  /// `sslrootcert`: a CA certificate (PEM) to trust for `verify-ca` and `verify-full`.
  public var caFile: String?

  /// True when `text` names a PostgreSQL database rather than an SQLite file.
  public static func isPostgres(_ text: String) -> Bool {
    let lower = text.lowercased()
    return lower.hasPrefix("postgresql://") || lower.hasPrefix("postgres://")
  }

  /// `HOST:PORT`, as errors name the server.
  public var server: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

  /// The URL without its password: `postgresql://dana@db.example:5432/crm`.
  public var description: String { "postgresql://\(user)@\(server)/\(database)" }

  public init(parsing text: String,
              environment: [String: String] = ProcessInfo.processInfo.environment) throws {
    // Never echo `text`: it may hold the password.
    func bad(_ why: String) -> CRMError {
      CRMError.invalid("bad PostgreSQL URL: \(why) (expected postgresql://USER[:PASSWORD]@HOST"
        + "[:PORT]/DBNAME[?sslmode=...])")
    }
    guard Self.isPostgres(text), let components = URLComponents(string: text) else {
      throw bad("not a URL")
    }
    guard var host = components.host, !host.isEmpty else { throw bad("no host") }
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    self.host = host
    port = components.port ?? 5432
    guard (1...65535).contains(port) else { throw bad("port out of range") }
    let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
    guard !path.isEmpty, !path.contains("/") else { throw bad("no database name") }
    database = path
    guard let user = components.user ?? environment["PGUSER"], !user.isEmpty else {
      throw bad("no user")
    }
    self.user = user
    sslMode = .prefer
    for item in components.queryItems ?? [] {
      switch item.name {
      case "sslmode":
        guard let mode = item.value.flatMap(SSLMode.init(rawValue:)) else {
          throw bad("sslmode must be one of "
            + SSLMode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        sslMode = mode
      case "sslrootcert":
        caFile = item.value.map { Environment.expandingTilde($0) }
      case "application_name", "connect_timeout":
        continue
      default:
        throw bad("unknown parameter '\(item.name)'")
      }
    }
    password = components.password
      ?? environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
      ?? Self.passwordFile(environment: environment).flatMap {
        Self.password(in: $0, host: host, port: port, database: path, user: user)
      }
  }

  /// The password file's text, when it exists and only its owner may read it (libpq ignores
  /// a group- or world-readable one, since anyone could have put a password there for you).
  static func passwordFile(environment: [String: String]) -> String? {
    let path = environment["PGPASSFILE"].flatMap { $0.isEmpty ? nil : $0 }
      ?? Environment.expandingTilde("~/.pgpass")
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
          attributes[.type] as? FileAttributeType == .typeRegular
    else { return nil }
    if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 { return nil }
    return try? String(contentsOfFile: path, encoding: .utf8)
  }

  /// The first `hostname:port:database:username:password` line that matches (`*` matches
  /// anything, `\:` and `\\` escape), as libpq reads `~/.pgpass`.
  static func password(in file: String, host: String, port: Int, database: String,
                       user: String) -> String? {
    let wanted = [host, String(port), database, user]
    for line in file.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
      var fields: [String] = [], field = "", escaped = false
      for character in line {
        if escaped { field.append(character); escaped = false }
        else if character == "\\" { escaped = true }
        else if character == ":" && fields.count < 4 { fields.append(field); field = "" }
        else { field.append(character) }
      }
      fields.append(field)
      guard fields.count == 5 else { continue }
      let matches = zip(fields.prefix(4), wanted).allSatisfy { pattern, value in
        pattern == "*" || pattern == value
      }
      if matches { return fields[4] }
    }
    return nil
  }
}
