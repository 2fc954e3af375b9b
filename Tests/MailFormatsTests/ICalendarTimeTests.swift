import Foundation
@testable import MailFormats
import Testing

@Suite struct ICalendarTimeTests {
  @Test func durationsReadNominalDaysAndExactSeconds() throws {
    #expect(try ICalendarDuration.parse("PT1H30M").get() == .init(days: 0, seconds: 5400))
    #expect(try ICalendarDuration.parse("P1D").get() == .init(days: 1, seconds: 0))
    #expect(try ICalendarDuration.parse("-PT15M").get() == .init(days: 0, seconds: -900))
    #expect(try ICalendarDuration.parse("P2W").get() == .init(days: 14, seconds: 0))
    #expect(try ICalendarDuration.parse("+P1DT2H3S").get() == .init(days: 1, seconds: 7203))
  }

  @Test func malformedDurationsAreRefused() {
    for bad in ["P", "PT", "P1H", "1H", "PT1D", "P1.5D", "PT1H2"] {
      #expect(throws: ICalendarValueError.self, "\(bad)") { try ICalendarDuration.parse(bad).get() }
    }
  }

  @Test func utcTimesAreTakenAsWritten() throws {
    let calendar = ICS.event(["DTSTART:20250301T093000Z", "DTEND:20250301T103000Z"])
    let occurrence = try #require(calendar.occurrences(
      startingIn: ICS.all, timeZone: try ICS.zone("Asia/Tokyo")).first)
    #expect(occurrence.start == (try ICS.date("2025-03-01T09:30:00Z")))
    #expect(occurrence.end == (try ICS.date("2025-03-01T10:30:00Z")))
  }

  @Test func floatingTimesAreReadInTheUsersZone() throws {
    let calendar = ICS.event(["DTSTART:20250301T093000"])
    #expect(try ICS.starts(calendar, userZone: "America/Chicago")
      == [try ICS.date("2025-03-01T15:30:00Z")])
    #expect(try ICS.starts(calendar, userZone: "Europe/Paris")
      == [try ICS.date("2025-03-01T08:30:00Z")])
  }

  @Test func ianaZoneWithoutVtimezoneIsUsed() throws {
    let calendar = ICS.event(["DTSTART;TZID=America/New_York:20250701T090000"])
    #expect(calendar.warnings.isEmpty)
    #expect(try ICS.starts(calendar) == [try ICS.date("2025-07-01T13:00:00Z")])
  }

  @Test func mozillaPrefixedZoneFallsBackToAreaAndCity() throws {
    let calendar = ICS.event(["DTSTART;TZID=/mozilla.org/20050126_1/Europe/Berlin:20250115T090000"])
    #expect(calendar.warnings.isEmpty)
    #expect(try ICS.starts(calendar) == [try ICS.date("2025-01-15T08:00:00Z")])
  }

  /// Windows zone names come from CLDR's whole table: an Outlook-style TZID such as
  /// `Russian Standard Time` without its VTIMEZONE is not read as floating time, hours off.
  @Test(arguments: [
    ("Russian Standard Time", "2025-01-15T06:00:00Z"),
    ("Singapore Standard Time", "2025-01-15T01:00:00Z"),
    ("E. South America Standard Time", "2025-01-15T12:00:00Z"),
    ("US Mountain Standard Time", "2025-01-15T16:00:00Z"),
    ("New Zealand Standard Time", "2025-01-14T20:00:00Z"),
    ("GTB Standard Time", "2025-01-15T07:00:00Z"),
    ("Arabian Standard Time", "2025-01-15T05:00:00Z"),
    ("W. Australia Standard Time", "2025-01-15T01:00:00Z"),
  ])
  func windowsZoneNameWithoutVtimezoneIsPlaced(name: String, utc: String) throws {
    let calendar = ICS.event(["DTSTART;TZID=\"\(name)\":20250115T090000"])
    #expect(calendar.warnings.isEmpty)
    #expect(try ICS.starts(calendar, userZone: "America/Chicago") == [try ICS.date(utc)])
  }

  @Test func everyKnownWindowsZoneNameResolves() throws {
    let unresolved = ICalendarZoneNames.windowsNames.keys.filter {
      ICalendarZoneNames.foundationZone($0) == nil
    }
    #expect(unresolved.isEmpty)
    #expect(ICalendarZoneNames.windowsNames.count > 130)
  }

  @Test func fileTimezoneWinsOverTheIANAZoneOfTheSameName() throws {
    let calendar = ICS.calendar([
      "BEGIN:VTIMEZONE", "TZID:Europe/Berlin", "BEGIN:STANDARD", "DTSTART:19700101T000000",
      "TZOFFSETFROM:+0300", "TZOFFSETTO:+0300", "END:STANDARD", "END:VTIMEZONE",
      "BEGIN:VEVENT", "UID:e", "DTSTART;TZID=Europe/Berlin:20250115T090000", "END:VEVENT",
    ])
    #expect(try ICS.starts(calendar) == [try ICS.date("2025-01-15T06:00:00Z")])
  }

  @Test func vtimezoneRulesGiveDaylightAndStandardOffsets() throws {
    let calendar = ICS.calendar([
      "BEGIN:VTIMEZONE", "TZID:Custom Eastern",
      "BEGIN:DAYLIGHT", "DTSTART:20070311T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
      "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "END:DAYLIGHT",
      "BEGIN:STANDARD", "DTSTART:20071104T020000", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
      "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "END:STANDARD", "END:VTIMEZONE",
      "BEGIN:VEVENT", "UID:a", "DTSTART;TZID=Custom Eastern:20250308T120000", "END:VEVENT",
      "BEGIN:VEVENT", "UID:b", "DTSTART;TZID=Custom Eastern:20250310T120000", "END:VEVENT",
      "BEGIN:VEVENT", "UID:c", "DTSTART;TZID=Custom Eastern:20251103T120000", "END:VEVENT",
    ])
    #expect(try ICS.starts(calendar) == [
      try ICS.date("2025-03-08T17:00:00Z"), try ICS.date("2025-03-10T16:00:00Z"),
      try ICS.date("2025-11-03T17:00:00Z"),
    ])
  }

  @Test func vtimezoneRdateOnsetsAreHonoured() throws {
    let calendar = ICS.calendar([
      "BEGIN:VTIMEZONE", "TZID:Shifty",
      "BEGIN:STANDARD", "DTSTART:20000101T000000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0100",
      "END:STANDARD",
      "BEGIN:DAYLIGHT", "DTSTART:20250601T000000", "RDATE:20260601T000000",
      "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT",
      "BEGIN:STANDARD", "DTSTART:20250901T000000", "RDATE:20260901T000000",
      "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD", "END:VTIMEZONE",
      "BEGIN:VEVENT", "UID:a", "DTSTART;TZID=Shifty:20260715T120000", "END:VEVENT",
      "BEGIN:VEVENT", "UID:b", "DTSTART;TZID=Shifty:20261015T120000", "END:VEVENT",
    ])
    #expect(try ICS.starts(calendar) == [
      try ICS.date("2026-07-15T10:00:00Z"), try ICS.date("2026-10-15T11:00:00Z"),
    ])
  }

  @Test func unknownZoneIsFloatingAndWarned() throws {
    let calendar = ICS.event(["DTSTART;TZID=Nowhere/Special:20250301T093000"])
    #expect(calendar.warnings.contains { $0.contains("TZID 'Nowhere/Special' is unknown") })
    #expect(try ICS.starts(calendar, userZone: "Europe/Paris")
      == [try ICS.date("2025-03-01T08:30:00Z")])
  }

  @Test func allDayEventSpansWholeLocalDays() throws {
    let calendar = ICS.event(["DTSTART;VALUE=DATE:20250310", "DTEND;VALUE=DATE:20250312"])
    let occurrence = try #require(calendar.occurrences(
      startingIn: ICS.all, timeZone: try ICS.zone("America/Los_Angeles")).first)
    #expect(occurrence.isAllDay)
    #expect(occurrence.start == (try ICS.date("2025-03-10T07:00:00Z")))
    #expect(occurrence.end == (try ICS.date("2025-03-12T07:00:00Z")))
  }

  @Test func allDayEventWithoutEndLastsOneDay() throws {
    let calendar = ICS.event(["DTSTART;VALUE=DATE:20250330"])
    let occurrence = try #require(calendar.occurrences(
      startingIn: ICS.all, timeZone: try ICS.zone("Europe/Berlin")).first)
    #expect(occurrence.start == (try ICS.date("2025-03-29T23:00:00Z")))
    // The DST day in Berlin has 23 hours.
    #expect(occurrence.end == (try ICS.date("2025-03-30T22:00:00Z")))
  }

  /// An all-day event whose DTEND repeats its DTSTART (written so by some exporters) is
  /// read as one day, not as no length at all: DTEND is exclusive.
  @Test func allDayEventEndingOnItsStartDayLastsOneDay() throws {
    let calendar = ICS.event(["DTSTART;VALUE=DATE:20250101", "DTEND;VALUE=DATE:20250101"])
    let occurrence = try #require(calendar.occurrences(
      startingIn: ICS.all, timeZone: try ICS.zone("UTC")).first)
    #expect(occurrence.end == (try ICS.date("2025-01-02T00:00:00Z")))
    #expect(calendar.warnings == [
      "VEVENT at line 3 (UID e1): DTEND is DTSTART's day (DTEND is exclusive); read as one day",
    ])
  }

  @Test func durationOfOneDayKeepsTheLocalTimeAcrossDST() throws {
    let calendar = ICS.event(["DTSTART;TZID=Europe/Berlin:20250329T100000", "DURATION:P1D"])
    let occurrence = try #require(calendar.occurrences(
      startingIn: ICS.all, timeZone: try ICS.zone("UTC")).first)
    #expect(occurrence.start == (try ICS.date("2025-03-29T09:00:00Z")))
    #expect(occurrence.end == (try ICS.date("2025-03-30T08:00:00Z")))
  }

  @Test func exactDurationIsAddedToTheStart() throws {
    let calendar = ICS.event(["DTSTART:20250301T093000Z", "DURATION:PT1H30M"])
    let occurrence = try #require(calendar.occurrences(
      startingIn: ICS.all, timeZone: try ICS.zone("UTC")).first)
    #expect(occurrence.end == (try ICS.date("2025-03-01T11:00:00Z")))
  }

  /// A negative DURATION is ignored with a warning, as a DTEND before DTSTART is, rather
  /// than read as written, ending the meeting before it begins.
  @Test func negativeDurationIsIgnoredWithAWarning() throws {
    let calendar = ICS.event(["DTSTART:20250301T093000Z", "DURATION:-PT30M"])
    let occurrence = try #require(calendar.occurrences(
      startingIn: ICS.all, timeZone: try ICS.zone("UTC")).first)
    #expect(occurrence.start == (try ICS.date("2025-03-01T09:30:00Z")))
    #expect(occurrence.end == nil)
    #expect(calendar.warnings == ["VEVENT at line 3 (UID e1): DURATION is negative; ignored"])
  }

  @Test func timeInTheSpringForwardGapUsesTheOffsetBeforeIt() throws {
    let calendar = ICS.event(["DTSTART;TZID=Europe/Berlin:20250330T023000"])
    #expect(try ICS.starts(calendar) == [try ICS.date("2025-03-30T01:30:00Z")])
  }

  @Test func impossibleDatesSkipTheEventWithAReason() throws {
    let calendar = ICS.calendar([
      "BEGIN:VEVENT", "UID:bad", "DTSTART:20250230T100000Z", "END:VEVENT",
      "BEGIN:VEVENT", "UID:good", "DTSTART:20250228T100000Z", "END:VEVENT",
    ])
    #expect(calendar.events.map(\.uid) == ["good"])
    #expect(calendar.skippedEvents.first?.uid == "bad")
    #expect(calendar.skippedEvents.first?.reason.contains("not a real date-time") == true)
  }

  @Test func brokenEndSkipsTheEvent() {
    let calendar = ICS.event(["DTSTART:20250228T100000Z", "DTEND:tomorrow"])
    #expect(calendar.events.isEmpty)
    #expect(calendar.skippedEvents.first?.reason.contains("DTEND") == true)
  }
}
