@testable import CalDAV
import CaptureCore
import Foundation
import Mailbox
import Testing
import TestSupport

/// Discovery, incremental sync and faults against a real Radicale.
@Suite(.enabled(if: !Radicale.skipped, Radicale.skipNote), .serialized)
struct CalDAVSyncTests {
  let server: Radicale
  let indexDir: URL
  static let dana: Set<EmailAddress> = [EmailAddress.parse("dana@contoso.example")!]
  static let window = ISO8601.parse("2026-11-20T00:00:00Z")!...ISO8601.parse("2026-11-27T00:00:00Z")!

  init() throws {
    server = try Radicale()
    indexDir = try Fixtures.temporaryDirectory("autocapture-caldav")
  }

  func calendars(_ urls: [String], files: [String] = [], password: String? = nil)
    throws -> CalDAVCalendars
  {
    let locations = try urls.map { try CalDAVLocation($0) }
    let secret = password ?? server.password
    return CalDAVCalendars(locations: locations, files: files, indexDirectory: indexDir,
                           tlsCAFile: nil, refreshInterval: 0,
                           password: { () throws(CalDAVError) in secret })
  }

  func meetings(_ source: CalDAVCalendars) throws -> [CapturedMeeting] {
    try source.meetings(matching: Self.dana, startingIn: Self.window, timeZone: .gmt)
  }

  func session() throws -> DAVSession {
    let password = server.password
    return try DAVSession(tlsCAFile: nil) { _ throws(CalDAVError) in password }
  }

  @Test func discoveryFindsTheCalendarsOfAHomeFromThePrincipalTheRootAndTheHome() throws {
    let user = "bo"  // a home of its own, so other tests' calendars do not show
    let home = "/\(user)/"
    let one = try server.makeCalendar(home: user)
    let two = try server.makeCalendar(home: user)
    let password = server.password
    let session = try DAVSession(tlsCAFile: nil) { _ throws(CalDAVError) in password }
    defer { session.shutdown() }
    let expected = [one, two].map { URL(string: $0, relativeTo: server.root)!.absoluteURL }
      .sorted { $0.absoluteString < $1.absoluteString }
    for start in ["/", home] {
      let location = try CalDAVLocation(server.url(start, user: user))
      let found = try CalDAVDiscovery.collections(at: location, session: session)
      #expect(found == expected, "from \(start)")
    }
    let location = try CalDAVLocation(server.url(one, user: user))
    #expect(try CalDAVDiscovery.collections(at: location, session: session)
      == [URL(string: one, relativeTo: server.root)!.absoluteURL])
  }

  @Test func syncCollectionFetchesOnlyWhatChanged() throws {
    let cal = try server.makeCalendar()
    try server.put(cal, "a.ics", Radicale.event(uid: "a@t", start: "20261123T100000Z",
                                                summary: "A"))
    try server.put(cal, "b.ics", Radicale.event(uid: "b@t", start: "20261123T110000Z",
                                                summary: "B"))
    try server.put(cal, "c.ics", Radicale.event(uid: "c@t", start: "20261123T120000Z",
                                                summary: "C"))
    let source = try calendars([server.url(cal)])
    #expect(try meetings(source).map(\.uid) == ["a@t", "b@t", "c@t"])
    #expect(source.lastOutcome.fetched == 3)
    #expect(source.lastOutcome.usedSyncCollection)

    _ = try meetings(source)
    #expect(source.lastOutcome.fetched == 0)
    #expect(source.lastOutcome.deleted == 0)

    try server.put(cal, "b.ics", Radicale.event(uid: "b@t", start: "20261123T110000Z",
                                                summary: "B moved", extra: "SEQUENCE:1\n"))
    try server.delete(cal, "c.ics")
    try server.put(cal, "d.ics", Radicale.event(uid: "d@t", start: "20261124T090000Z",
                                                summary: "D"))
    let after = try meetings(source)
    #expect(source.lastOutcome.fetched == 2)
    #expect(source.lastOutcome.deleted == 1)
    #expect(after.map(\.uid) == ["a@t", "b@t", "d@t"])
    #expect(after.first { $0.uid == "b@t" }?.summary == "B moved")
    #expect(after.first { $0.uid == "a@t" }?.source == server.root.absoluteString
      .dropLast() + cal + "a.ics")
    #expect(source.problems.isEmpty, "\(source.problems)")
    // Private: the copy is the user's alone.
    var info = stat()
    #expect(stat(indexDir.appendingPathComponent("caldav").path, &info) == 0)
    #expect(info.st_mode & 0o777 == 0o700)
  }

  @Test func calendarQueryWithETagsWhereThereIsNoSyncCollection() throws {
    let cal = try server.makeCalendar()
    try server.put(cal, "a.ics", Radicale.event(uid: "qa@t", start: "20261123T100000Z",
                                                summary: "A"))
    try server.put(cal, "far.ics", Radicale.event(uid: "far@t", start: "20300101T100000Z",
                                                  summary: "Far away"))
    let source = try calendars([server.url(cal)])
    source.useSyncCollection = false
    #expect(try meetings(source).map(\.uid) == ["qa@t"])
    #expect(source.lastOutcome.fetched == 1, "only the event in the range")
    #expect(!source.lastOutcome.usedSyncCollection)
    _ = try meetings(source)
    #expect(source.lastOutcome.fetched == 0)
    try server.put(cal, "a.ics", Radicale.event(uid: "qa@t", start: "20261123T100000Z",
                                                summary: "A again", extra: "SEQUENCE:2\n"))
    try server.put(cal, "b.ics", Radicale.event(uid: "qb@t", start: "20261123T130000Z",
                                                summary: "B"))
    #expect(try meetings(source).map(\.summary) == ["A again", "B"])
    #expect(source.lastOutcome.fetched == 2)
    try server.delete(cal, "b.ics")
    #expect(try meetings(source).map(\.uid) == ["qa@t"])
    #expect(source.lastOutcome.deleted == 1)
  }

  @Test func recurrenceOverridesCancellationsAndZonesReadAsFromFiles() throws {
    let text = """
      BEGIN:VTIMEZONE
      TZID:Europe/Berlin
      BEGIN:STANDARD
      DTSTART:19701025T030000
      TZOFFSETFROM:+0200
      TZOFFSETTO:+0100
      RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
      END:STANDARD
      BEGIN:DAYLIGHT
      DTSTART:19700329T020000
      TZOFFSETFROM:+0100
      TZOFFSETTO:+0200
      RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
      END:DAYLIGHT
      END:VTIMEZONE
      BEGIN:VEVENT
      UID:daily@t
      DTSTAMP:20261101T000000Z
      DTSTART;TZID=Europe/Berlin:20261101T090000
      DURATION:PT30M
      RRULE:FREQ=DAILY
      EXDATE;TZID=Europe/Berlin:20261122T090000
      SUMMARY:Stand-up
      ORGANIZER:mailto:ann@fabrikam.example
      ATTENDEE:mailto:dana@contoso.example
      END:VEVENT
      BEGIN:VEVENT
      UID:daily@t
      DTSTAMP:20261101T000000Z
      RECURRENCE-ID;TZID=Europe/Berlin:20261123T090000
      DTSTART;TZID=Europe/Berlin:20261123T140000
      DURATION:PT30M
      SUMMARY:Stand-up (moved)
      ORGANIZER:mailto:ann@fabrikam.example
      ATTENDEE:mailto:dana@contoso.example
      END:VEVENT
      BEGIN:VEVENT
      UID:daily@t
      DTSTAMP:20261101T000000Z
      RECURRENCE-ID;TZID=Europe/Berlin:20261124T090000
      DTSTART;TZID=Europe/Berlin:20261124T090000
      STATUS:CANCELLED
      SUMMARY:Stand-up
      ORGANIZER:mailto:ann@fabrikam.example
      ATTENDEE:mailto:dana@contoso.example
      END:VEVENT

      """
    let cal = try server.makeCalendar()
    try server.put(cal, "daily.ics", text)
    let folder = try Fixtures.temporaryDirectory("autocapture-caldav-files")
    try Radicale.calendarText(text).write(
      to: folder.appendingPathComponent("daily.ics"), atomically: true, encoding: .utf8)
    let fromFiles = try CalendarFiles(paths: [folder.path])
      .meetings(matching: Self.dana, startingIn: Self.window, timeZone: .gmt)
    let fromServer = try meetings(try calendars([server.url(cal)]))
    func key(_ m: CapturedMeeting) -> String {
      "\(ItemID.meeting(uid: m.uid, recurrenceId: m.recurrenceId).text) \(m.start) \(m.summary)"
    }
    #expect(fromServer.map(key) == fromFiles.map(key))
    // 20–26 November, less the 22nd (EXDATE) and the 24th (cancelled); the 23rd moved.
    #expect(fromServer.count == 5)
    #expect(fromServer.contains { $0.summary == "Stand-up (moved)"
      && ISO8601.format($0.start) == "2026-11-23T13:00:00Z" })
  }

  @Test func aRefusedLoginNamesTheServerAndUserButNotThePassword() throws {
    let cal = try server.makeCalendar()
    let wrong = "not-the-password-\(UUID().uuidString)"
    let source = try calendars([server.url(cal)], password: wrong)
    do {
      _ = try meetings(source)
      Issue.record("a wrong password was accepted")
    } catch let error as CalDAVError {
      let text = "\(error)"
      #expect(text.contains(server.host))
      #expect(text.contains("'\(server.user)'"))
      #expect(text.contains("401"))
      #expect(!text.contains(wrong))
      #expect(!text.contains("\n"))
    }
  }

  @Test func aServerThatStoppedLeavesTheCopyWithANoticeSinceWhen() throws {
    let cal = try server.makeCalendar()
    try server.put(cal, "a.ics", Radicale.event(uid: "gone@t", start: "20261123T100000Z",
                                                summary: "Still here"))
    let relay = try Relay(to: server.root.port ?? 80)
    let url = "http://\(server.user)@127.0.0.1:\(relay.port)\(cal)"
    let first = try calendars([url])
    #expect(try meetings(first).map(\.uid) == ["gone@t"])
    #expect(first.problems.isEmpty, "\(first.problems)")
    relay.stop()
    let later = try calendars([url])
    #expect(try meetings(later).map(\.uid) == ["gone@t"])
    let notice = try #require(later.problems.first).description
    #expect(notice.contains("cannot be reached"))
    #expect(notice.contains("as read on 20"))
  }

  @Test func aResourceTheParserWarnsAboutIsNamedByItsURLAndTheRestIsRead() throws {
    let cal = try server.makeCalendar()
    try server.put(cal, "good.ics", Radicale.event(uid: "good@t", start: "20261123T100000Z",
                                                   summary: "Good"))
    try server.put(cal, "odd.ics", Radicale.event(
      uid: "odd@t", start: "20261123T110000Z", summary: "Odd",
      extra: "RRULE:FREQ=DAILY;INTERVAL=99999\n"))
    let source = try calendars([server.url(cal)])
    let found = try meetings(source)
    #expect(found.map(\.uid).contains("good@t"))
    #expect(source.problems.contains { "\($0)".contains(cal + "odd.ics") }, "\(source.problems)")
  }
}

/// A TCP relay to a local port, run by python3 (as scripts/servers use), that the test can
/// stop: a server that goes away without stopping the shared one.
final class Relay {
  let process = Process()
  let port: Int

  init(to target: Int) throws {
    let script = """
      import socket, sys, threading
      s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
      s.bind(("127.0.0.1", 0)); s.listen(16)
      print(s.getsockname()[1], flush=True)
      def pipe(a, b):
          try:
              while True:
                  d = a.recv(65536)
                  if not d: break
                  b.sendall(d)
          except OSError: pass
          finally:
              for x in (a, b):
                  try: x.shutdown(socket.SHUT_RDWR)
                  except OSError: pass
      while True:
          c, _ = s.accept()
          u = socket.create_connection(("127.0.0.1", \(target)))
          threading.Thread(target=pipe, args=(c, u), daemon=True).start()
          threading.Thread(target=pipe, args=(u, c), daemon=True).start()
      """
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script]
    let out = Pipe()
    process.standardOutput = out
    try process.run()
    var line = Data()
    while !line.contains(UInt8(ascii: "\n")) {
      let chunk = out.fileHandleForReading.availableData
      if chunk.isEmpty { break }
      line += chunk
    }
    port = Int(String(decoding: line, as: UTF8.self)
      .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
  }

  /// SIGKILL: the test process may hand its children SIGTERM ignored.
  func stop() {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
  }

  deinit { if process.isRunning { stop() } }
}
