import Foundation
import MailFormats
import Testing

/// Calendars as exporters in the wild write them: events without UID, several RRULEs.
@Suite struct CalendarsFromTheWildTests {
  func calendar(_ events: [[String]]) -> ICalendar {
    ICS.calendar(events.flatMap { ["BEGIN:VEVENT"] + $0 + ["END:VEVENT"] })
  }

  /// RFC 2445 allowed a VEVENT without UID: it is read under a key made from what defines
  /// it, the same on every read, and two such events are never one.
  @Test func eventsWithoutUIDAreReadUnderStableDistinctKeys() throws {
    let lunch = ["DTSTAMP:20250101T000000Z", "DTSTART:20250110T120000Z", "SUMMARY:Lunch"]
    let call = ["DTSTAMP:20250101T000000Z", "DTSTART:20250110T150000Z", "SUMMARY:Call"]
    let first = calendar([lunch, call, lunch])
    #expect(first.events.count == 3)
    #expect(first.skippedEvents.isEmpty)
    let uids = first.events.compactMap(\.uid)
    #expect(uids.count == 3)
    #expect(Set(uids).count == 3, "two same-looking events stay two")
    // Exported again later: another DTSTAMP, the same keys.
    let again = calendar([lunch, call, lunch].map {
      $0.map { $0.hasPrefix("DTSTAMP") ? "DTSTAMP:20250301T000000Z" : $0 } })
    #expect(again.events.compactMap(\.uid) == uids)
    let occurrences = first.occurrences(startingIn: ICS.all, timeZone: try ICS.zone("UTC"))
    #expect(occurrences.count == 3)
  }

  /// RFC 2445 allowed several RRULEs; the occurrences are their union, each start once.
  @Test func severalRRULEsAreAllExpanded() throws {
    let event = ICS.event([
      "DTSTART:20250106T090000Z",
      "RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=3",
      "RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4",
    ])
    #expect(try ICS.starts(event) == [
      "2025-01-06T09:00:00Z", "2025-01-08T09:00:00Z", "2025-01-13T09:00:00Z",
      "2025-01-15T09:00:00Z", "2025-01-20T09:00:00Z",
    ].map { try ICS.date($0) })
    #expect(!event.warnings.contains { $0.contains("RRULE") })
  }

  @Test func anUnreadableRRULEBesideAGoodOneLeavesTheGoodOne() throws {
    let event = ICS.event([
      "DTSTART:20250106T090000Z", "RRULE:FREQ=SOMETIMES", "RRULE:FREQ=DAILY;COUNT=2",
    ])
    #expect(try ICS.starts(event) == ["2025-01-06T09:00:00Z", "2025-01-07T09:00:00Z"]
      .map { try ICS.date($0) })
    #expect(event.warnings.contains { $0.contains("that RRULE is left out") })
  }

  /// A VTIMEZONE that lists the transitions of one winter and spring only, as some
  /// exporters write just the years around their events; `tzid` names it.
  func partialZone(_ tzid: String, event: String) -> ICalendar {
    ICS.calendar([
      "BEGIN:VTIMEZONE", "TZID:\(tzid)",
      "BEGIN:STANDARD", "DTSTART:20231029T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
      "END:STANDARD",
      "BEGIN:DAYLIGHT", "DTSTART:20240331T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
      "END:DAYLIGHT",
      "END:VTIMEZONE",
      "BEGIN:VEVENT", "UID:e", "DTSTART;TZID=\(tzid):\(event)", "END:VEVENT",
    ])
  }

  /// Under a standard name, the system's zone data places what the file's own definition
  /// does not reach (before its first onset, after its last one when no RRULE goes on),
  /// as common calendar clients do; in between the file's definition stands.
  @Test(arguments: [
    ("20240115T100000", "2024-01-15T09:00:00Z"),  // inside what the file lists
    ("20240715T100000", "2024-07-15T08:00:00Z"),  // after its last onset, still summer
    ("20241216T100000", "2024-12-16T09:00:00Z"),  // the next winter: +0100, not +0200
    ("20230116T100000", "2023-01-16T09:00:00Z"),  // the winter before its first onset
    ("20230710T100000", "2023-07-10T08:00:00Z"),  // the summer before it
  ])
  func aStandardZoneListingSomeYearsIsCompletedFromTheSystem(local: String, utc: String)
    throws
  {
    let calendar = partialZone("Europe/Berlin", event: local)
    #expect(try ICS.starts(calendar) == [try ICS.date(utc)])
  }

  /// A name the system does not know has only the file's definition, stretched as before.
  @Test func aCustomZoneListingSomeYearsKeepsItsLastOffset() throws {
    let calendar = partialZone("Berlin (Custom)", event: "20241216T100000")
    #expect(try ICS.starts(calendar) == [try ICS.date("2024-12-16T08:00:00Z")])
  }
}
