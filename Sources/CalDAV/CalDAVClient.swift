import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOSSL

/// What went wrong talking to a CalDAV server. None of these carries the password: the
/// URLs they name have no user information, and the user is named apart.
public enum CalDAVError: Error, Equatable, Sendable, CustomStringConvertible {
  /// 401: the server refused this user's login (or asked for one none was given for).
  case unauthorized(server: String, user: String?)
  /// No answer: refused, timed out, name not found, TLS failed.
  case unreachable(server: String, reason: String)
  /// An HTTP status the step cannot go on from.
  case status(url: String, code: Int, doing: String)
  /// The server's answer could not be read (not XML, too deep, too large).
  case malformed(url: String, reason: String)
  /// The password could not be had (the password command failed).
  case password(String)
  /// The URL given cannot be used (scheme, plaintext to another host, a password in it).
  case badURL(String)

  public var description: String {
    switch self {
    case .unauthorized(let server, let user?):
      return "CalDAV server \(server) refused the login of user '\(user)' (HTTP 401): check "
        + "the user in the URL and the password (--caldav-password-command or "
        + "AUTOCAPTURE_CALDAV_PASSWORD)"
    case .unauthorized(let server, nil):
      return "CalDAV server \(server) asks for a login (HTTP 401): put the user in the URL "
        + "(https://USER@HOST/...) and give the password (--caldav-password-command or "
        + "AUTOCAPTURE_CALDAV_PASSWORD)"
    case .unreachable(let server, let reason):
      return "CalDAV server \(server) cannot be reached (\(reason))"
    case .status(let url, let code, let doing):
      return "\(url) answered HTTP \(code) to \(doing)"
    case .malformed(let url, let reason): return "\(url): the server's answer \(reason)"
    case .password(let reason): return reason
    case .badURL(let reason): return reason
    }
  }
}

/// A CalDAV URL as given (`https://USER@HOST/PATH/`), split into the address to ask and the
/// user to log in as.
public struct CalDAVLocation: Hashable, Sendable, CustomStringConvertible {
  /// Without user information.
  public var url: URL
  public var user: String?

  /// Parses `--caldav URL`: http or https; `http://` only to a loopback host, since Basic
  /// authentication sends the password as it is; no password in the URL (it would sit in
  /// shell history, `ps` and the config file).
  public init(_ text: String) throws(CalDAVError) {
    guard var parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(),
          let host = parts.host, !host.isEmpty
    else {
      throw .badURL("'\(text)' is not a CalDAV URL (expected https://USER@HOST/PATH/)")
    }
    guard scheme == "https" || scheme == "http" else {
      throw .badURL("CalDAV URL \(CalDAVLocation.withoutPassword(parts)) must start with https://")
    }
    if parts.password != nil {
      throw .badURL("CalDAV URL \(CalDAVLocation.withoutPassword(parts)) carries a password: give "
        + "it through --caldav-password-command or AUTOCAPTURE_CALDAV_PASSWORD instead")
    }
    if scheme == "http" && !CalDAVLocation.isLoopback(host) {
      throw .badURL("CalDAV URL \(CalDAVLocation.withoutPassword(parts)) is http:// to a host "
        + "that is not this machine: the password would cross the network in clear; use https://")
    }
    user = parts.user  // decoded: `dana%40fastmail.com` is `dana@fastmail.com`
    parts.user = nil
    parts.scheme = scheme
    if parts.path.isEmpty { parts.path = "/" }
    guard let url = parts.url else { throw .badURL("'\(text)' is not a CalDAV URL") }
    self.url = url
  }

  public init(url: URL, user: String?) { self.url = url; self.user = user }

  public var description: String {
    guard let user else { return url.absoluteString }
    var parts = URLComponents(url: url, resolvingAgainstBaseURL: false)
    parts?.user = user
    return parts?.url?.absoluteString ?? url.absoluteString
  }

  /// `host` or `host:port`, as errors name the server.
  var server: String { CalDAVLocation.server(of: url) }

  static func server(of url: URL) -> String {
    guard let host = url.host else { return url.absoluteString }
    return url.port.map { "\(host):\($0)" } ?? host
  }

  static func isLoopback(_ host: String) -> Bool {
    let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
    return h == "localhost" || h == "::1" || h.hasPrefix("127.")
  }

  private static func withoutPassword(_ parts: URLComponents) -> String {
    var p = parts
    p.password = nil
    return p.string ?? "(unreadable URL)"
  }
}

/// One HTTP connection pool to CalDAV servers for one refresh: WebDAV methods, Basic
/// authentication, bounded answers, redirects only within the same server.
final class DAVSession: @unchecked Sendable {
  /// The most read of one answer. A multiget of 50 events is well under a megabyte; a
  /// calendar file is read up to 64 MB (CalendarFiles.maxFileSize).
  static let maximumResponseBytes = 64 << 20
  /// How long one request may take in all. Radicale, loaded, took over 30 s to list 5,000
  /// events for a first sync-collection.
  static let requestTimeout: Int64 = 120

  private let client: HTTPClient
  private let credentials: @Sendable (CalDAVLocation) throws(CalDAVError) -> String?

  /// - Parameters:
  ///   - tlsCAFile: a PEM file of CA certificates to trust besides the system's.
  ///   - password: the password for a location's user, asked only when a user is named.
  init(tlsCAFile: String?,
       password: @escaping @Sendable (CalDAVLocation) throws(CalDAVError) -> String?) throws(CalDAVError) {
    var tls = TLSConfiguration.makeClientConfiguration()
    if let tlsCAFile {
      guard FileManager.default.isReadableFile(atPath: tlsCAFile) else {
        throw .badURL("cannot read the CA file \(tlsCAFile) (--tls-ca-file)")
      }
      tls.additionalTrustRoots = [.file(tlsCAFile)]
    }
    let configuration = HTTPClient.Configuration(
      tlsConfiguration: tls, redirectConfiguration: .disallow,
      timeout: .init(connect: .seconds(5), read: .seconds(90)))
    client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup,
                        configuration: configuration)
    credentials = password
  }

  func shutdown() { try? client.syncShutdown() }

  struct Answer {
    var status: Int
    var body: Data
    /// The URL that answered (after same-server redirects).
    var url: URL
  }

  /// Sends one request and returns the answer, whatever its status but 401 (thrown) and
  /// same-server redirects (followed, at most five).
  func send(_ method: String, _ url: URL, as location: CalDAVLocation, depth: String?,
            body: String?, contentType: String = "application/xml; charset=utf-8")
    throws(CalDAVError) -> Answer
  {
    var target = url
    for _ in 0..<5 {
      var headers = HTTPHeaders()
      headers.add(name: "User-Agent", value: "AutoCapture")
      if let depth { headers.add(name: "Depth", value: depth) }
      if body != nil { headers.add(name: "Content-Type", value: contentType) }
      if let user = location.user, let password = try credentials(location) {
        let token = Data("\(user):\(password)".utf8).base64EncodedString()
        headers.add(name: "Authorization", value: "Basic \(token)")
      }
      let request: HTTPClient.Request
      do {
        request = try HTTPClient.Request(
          url: target.absoluteString, method: HTTPMethod(rawValue: method), headers: headers,
          body: body.map { .string($0) })
      } catch {
        throw .badURL("cannot ask \(target.absoluteString): \(error)")
      }
      let delegate = ResponseAccumulator(request: request,
                                         maxBodySize: DAVSession.maximumResponseBytes)
      let response: HTTPClient.Response
      do {
        response = try client.execute(
          request: request, delegate: delegate,
          deadline: .now() + .seconds(DAVSession.requestTimeout)
        ).futureResult.wait()
      } catch is ResponseAccumulator.ResponseTooBigError {
        throw .malformed(url: target.absoluteString,
                         reason: "is larger than \(DAVSession.maximumResponseBytes >> 20) MB")
      } catch {
        throw .unreachable(server: CalDAVLocation.server(of: target),
                           reason: DAVSession.describe(error))
      }
      let status = Int(response.status.code)
      if status == 401 {
        throw .unauthorized(server: CalDAVLocation.server(of: target), user: location.user)
      }
      if [301, 302, 303, 307, 308].contains(status),
         let location = response.headers.first(name: "Location"),
         let next = URL(string: location, relativeTo: target)?.absoluteURL,
         next.scheme == target.scheme, next.host == target.host, next.port == target.port
      {
        target = next
        continue
      }
      let data = response.body.map { Data($0.readableBytesView) } ?? Data()
      return Answer(status: status, body: data, url: target)
    }
    throw .status(url: url.absoluteString, code: 310, doing: "\(method) (too many redirects)")
  }

  /// A multistatus answer read, or the reason it cannot be.
  func multistatus(_ method: String, _ url: URL, as location: CalDAVLocation, depth: String,
                   body: String) throws(CalDAVError) -> (responses: [DAVResponse], syncToken: String?, url: URL)
  {
    let answer = try send(method, url, as: location, depth: depth, body: body)
    guard answer.status == 207 else {
      throw .status(url: answer.url.absoluteString, code: answer.status, doing: method)
    }
    do {
      let (responses, token) = try DAVResponse.multistatus(DAV.parse(answer.body))
      return (responses, token, answer.url)
    } catch {
      throw .malformed(url: answer.url.absoluteString, reason: error.reason)
    }
  }

  /// A connection failure in a few words: NIO's errors print as type dumps.
  static func describe(_ error: Error) -> String {
    let text = String(describing: error)
    if text.lowercased().contains("timeout") || text.contains("deadlineExceeded") {
      return "timed out"
    }
    if text.contains("connectionRefused") || text.contains("Connection refused") {
      return "connection refused"
    }
    if text.contains("NIOSSL") || text.contains("handshake") || text.contains("certificate") {
      return "TLS failed: \(text.prefix(160))"
    }
    if text.contains("remoteConnectionClosed") { return "the server closed the connection" }
    return String(text.prefix(160))
  }
}
