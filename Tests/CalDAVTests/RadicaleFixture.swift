@testable import CalDAV
import Foundation
import Testing
import TestSupport

/// The Radicale server scripts/servers/radicale.sh starts, and calendars made on it for one
/// test each (MKCALENDAR, PUT, DELETE), under the test user's home.
struct Radicale {
  /// True when scripts/test was told not to start Radicale: the tests that need it skip.
  static var skipped: Bool {
    let names = (ProcessInfo.processInfo.environment["AUTOCAPTURE_SKIP_SERVERS"] ?? "")
      .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    return names.contains("radicale") || names.contains("all")
  }

  static let skipNote: Comment = "Radicale not started (AUTOCAPTURE_SKIP_SERVERS)"

  let root: URL
  let user: String
  let password: String

  /// The server from the environment scripts/test exports; missing variables fail the
  /// test, since a skipped server is said through AUTOCAPTURE_SKIP_SERVERS.
  init() throws {
    let env = ProcessInfo.processInfo.environment
    let url = try #require(env["AUTOCAPTURE_TEST_CALDAV_URL"],
                           "AUTOCAPTURE_TEST_CALDAV_URL is not set: run the tests with scripts/test")
    root = try #require(URL(string: url))
    user = try #require(env["AUTOCAPTURE_TEST_CALDAV_USER"])
    password = try #require(env["AUTOCAPTURE_TEST_CALDAV_PASSWORD"])
  }

  var host: String { "\(root.host ?? "127.0.0.1"):\(root.port ?? 80)" }

  /// `http://USER@HOST:PORT/PATH`.
  func url(_ path: String, user: String? = nil) -> String {
    "http://\(user ?? self.user)@\(host)\(path)"
  }

  func send(_ method: String, _ path: String, body: String? = nil, as login: String? = nil,
            contentType: String = "text/calendar; charset=utf-8") throws -> Int {
    let location = CalDAVLocation(url: root, user: login ?? user)
    let password = self.password
    let session = try DAVSession(tlsCAFile: nil) { _ throws(CalDAVError) in password }
    defer { session.shutdown() }
    let target = URL(string: path, relativeTo: root)!.absoluteURL
    return try session.send(method, target, as: location, depth: nil, body: body,
                            contentType: contentType).status
  }

  /// A new empty calendar; returns its path (`/dana/<uuid>/`).
  func makeCalendar(home: String? = nil) throws -> String {
    let path = "/\(home ?? user)/\(UUID().uuidString.lowercased())/"
    let status = try send("MKCALENDAR", path, body: nil, as: home)
    #expect(status == 201, "MKCALENDAR \(path): \(status)")
    return path
  }

  /// Stores one event file in `calendar`, as `name`.
  func put(_ calendar: String, _ name: String, _ body: String) throws {
    let status = try send("PUT", calendar + name, body: Radicale.calendarText(body))
    #expect([201, 204].contains(status), "PUT \(name): \(status)")
  }

  func delete(_ calendar: String, _ name: String) throws {
    let status = try send("DELETE", calendar + name)
    #expect([200, 204].contains(status), "DELETE \(name): \(status)")
  }

  /// VEVENTs wrapped in a VCALENDAR, CRLF lines.
  static func calendarText(_ body: String) -> String {
    ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//AutoCapture tests//EN\n" + body
      + "END:VCALENDAR\n").replacingOccurrences(of: "\n", with: "\r\n")
  }

  static func event(uid: String, start: String, summary: String,
                    organizer: String = "ann@fabrikam.example",
                    attendee: String = "dana@contoso.example", extra: String = "") -> String {
    """
    BEGIN:VEVENT
    UID:\(uid)
    DTSTAMP:20261101T000000Z
    DTSTART:\(start)
    DURATION:PT30M
    SUMMARY:\(summary)
    ORGANIZER:mailto:\(organizer)
    ATTENDEE:mailto:\(attendee)
    \(extra)END:VEVENT

    """
  }
}
