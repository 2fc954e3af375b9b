import Foundation
@testable import MailFormats
import Testing

/// Calendar text crafted to trap, overflow the stack or burn CPU: every case must end quickly
/// with a bounded result and a warning, never a crash.
@Suite struct HostileCalendarTests {
  let utc = TimeZone(identifier: "UTC")!

  // MARK: - Numbers

  /// `abs(Int.min)` traps: an ordinal or day number of -2^63 must be refused, not negated.
  @Test(arguments: [
    ("FREQ=MONTHLY;BYMONTHDAY=-9223372036854775808", "BYMONTHDAY"),
    ("FREQ=MONTHLY;BYDAY=-9223372036854775808MO", "BYDAY"),
    ("FREQ=DAILY;BYHOUR=-9223372036854775808", "BYHOUR"),
    ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=-9223372036854775808", "BYSETPOS"),
    ("FREQ=DAILY;INTERVAL=-9223372036854775808", "INTERVAL"),
    ("FREQ=DAILY;COUNT=-9223372036854775808", "COUNT"),
  ])
  func extremeRuleNumbersAreRefused(rule: String, part: String) throws {
    // The 155-byte invitation, with the rule under test.
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20250101T100000Z\r\n"
      + "RRULE:\(rule)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    let calendar = ICalendar.parse(text)
    #expect(calendar.warnings.contains { $0.contains("RRULE \(part)") })
    #expect(try ICS.starts(calendar) == [try ICS.date("2025-01-01T10:00:00Z")])
  }

  /// Hours add up: a DURATION that repeats `999999999H` overflowed the seconds.
  @Test func durationRepeatingAUnitIsRefused() {
    let long = "PT" + String(repeating: "999999999H", count: 2_600_000)
    guard case .failure(let error) = ICalendarDuration.parse(long) else {
      Issue.record("a 26 MB duration was read"); return
    }
    #expect(error.description.count < 200)
    #expect(ICalendarDuration.parse("PT1H1H") == .failure(.init("'PT1H1H' is not a duration")))
    #expect(ICalendarDuration.parse("P1DT1H30M5S")
      == .success(ICalendarDuration(days: 1, seconds: 5405)))
  }

  @Test func durationBeyondTheLimitSkipsTheEventWithAShortReason() {
    let calendar = ICS.event(["DTSTART:20250101T100000Z", "DURATION:P999999999W"])
    #expect(calendar.events.isEmpty)
    #expect(calendar.skippedEvents.map(\.reason)
      == ["DURATION 'P999999999W' is too long a duration"])
  }

  @Test func unreadableUTCOffsetsAreWarned() throws {
    let calendar = ICS.calendar([
      "BEGIN:VTIMEZONE", "TZID:Odd",
      "BEGIN:STANDARD", "DTSTART:20000101T000000", "TZOFFSETFROM:+2400", "TZOFFSETTO:+0100",
      "END:STANDARD",
      "BEGIN:DAYLIGHT", "DTSTART:20000601T000000", "TZOFFSETFROM:+0100",
      "TZOFFSETTO:-9223372036854775808", "END:DAYLIGHT", "END:VTIMEZONE",
      "BEGIN:VEVENT", "UID:a", "DTSTART;TZID=Odd:20250715T120000", "END:VEVENT",
    ])
    #expect(calendar.warnings.contains { $0.contains("STANDARD of VTIMEZONE Odd")
      && $0.contains("TZOFFSETFROM") })
    #expect(calendar.warnings.contains { $0.contains("DAYLIGHT of VTIMEZONE Odd")
      && $0.contains("TZOFFSETTO") })
    #expect(try ICS.starts(calendar) == [try ICS.date("2025-07-15T11:00:00Z")])
  }

  @Test func firstAndLastYearsAreExpandedWithoutOverflow() throws {
    let calendar = ICS.calendar([
      "BEGIN:VEVENT", "UID:a", "DTSTART:00000229T000000Z", "RRULE:FREQ=YEARLY;INTERVAL=10000",
      "DURATION:P3660000D", "END:VEVENT",
      "BEGIN:VEVENT", "UID:b", "DTSTART:99991231T235959Z", "RRULE:FREQ=DAILY;COUNT=3",
      "END:VEVENT",
    ])
    // From before the year 0 to just after the last DTSTART's series.
    let wide = Date(timeIntervalSince1970: -70_000_000_000)...Date(
      timeIntervalSince1970: 253_405_000_000)
    let occurrences = calendar.occurrences(startingIn: wide, timeZone: utc)
    #expect(occurrences.map(\.uid) == ["a", "b", "b", "b"])
  }

  // MARK: - Nesting

  /// 400 KB of `BEGIN:X`: one level per line recursed and overflowed the stack.
  @Test func deepNestingIsCutAtTheCapWithAWarning() {
    let text = "BEGIN:VCALENDAR\r\n" + String(repeating: "BEGIN:X\r\n", count: 45_000)
    let calendar = ICalendar.parse(text)
    #expect(calendar.warnings.contains { $0.contains("nested deeper than 16") })
    #expect(calendar.warnings.count < 40)
  }

  @Test func eventsAroundADroppedDeepNestAreStillRead() {
    let deep = Array(repeating: "BEGIN:X-DEEP", count: 5_000)
      + ["BEGIN:VEVENT", "UID:lost", "DTSTART:20250101T100000Z", "END:VEVENT"]
      + Array(repeating: "END:X-DEEP", count: 5_000)
    let wrapped = Array(repeating: "BEGIN:X-WRAP", count: 14)
      + ["BEGIN:VEVENT", "UID:wrapped", "DTSTART:20250102T100000Z", "END:VEVENT"]
      + Array(repeating: "END:X-WRAP", count: 14)
    let calendar = ICS.calendar(deep + wrapped + [
      "BEGIN:VEVENT", "UID:after", "DTSTART:20250103T100000Z", "END:VEVENT",
    ])
    #expect(calendar.events.map(\.uid) == ["wrapped", "after"])
    #expect(calendar.warnings.filter { $0.contains("nested deeper than 16") }.count == 1)
  }

  // MARK: - Work

  /// An observance with 1,440 onsets a day: the zone is read at a fixed offset instead.
  @Test(.timeLimit(.minutes(1)))
  func timeZoneWithTooManyOnsetsFallsBackToAFixedOffset() throws {
    let hours = (0...23).map(String.init).joined(separator: ",")
    let minutes = (0...59).map(String.init).joined(separator: ",")
    let events = (1...10).map { day in
      ["BEGIN:VEVENT", "UID:e\(day)", "DTSTART;TZID=Bomb:202507\(10 + day)T120000",
       "RRULE:FREQ=DAILY;COUNT=3", "END:VEVENT"]
    }.flatMap { $0 }
    let observances = (1...4).map { n in
      ["BEGIN:DAYLIGHT", "DTSTART:2000010\(n)T000000",
       "RRULE:FREQ=DAILY;BYHOUR=\(hours);BYMINUTE=\(minutes)",
       "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT"]
    }.flatMap { $0 }
    let calendar = ICS.calendar([
      "BEGIN:VTIMEZONE", "TZID:Bomb", "BEGIN:STANDARD", "DTSTART:19700101T000000",
      "TZOFFSETFROM:+0100", "TZOFFSETTO:+0100", "END:STANDARD",
    ] + observances + ["END:VTIMEZONE"] + events)
    #expect(calendar.warnings.contains {
      $0.contains("VTIMEZONE Bomb") && $0.contains("fixed offset +0100")
    })
    let starts = try ICS.starts(calendar)
    #expect(starts.count == 30)
    #expect(starts.first == (try ICS.date("2025-07-11T11:00:00Z")))
  }

  @Test func zoneOffsetsComeFromItsOnsetTable() throws {
    let zone = ICalendarTimeZone(tzid: "Z", observances: [
      .init(isDaylight: false, start: ICalendarLocalDateTime(year: 1601, month: 10, day: 28,
                                                              hour: 3),
            offsetFrom: 7200, offsetTo: 3600,
            rule: try ICalendarRecurrenceRule.parse("FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU").get(),
            rdates: []),
      .init(isDaylight: true, start: ICalendarLocalDateTime(year: 1601, month: 3, day: 25,
                                                             hour: 2),
            offsetFrom: 3600, offsetTo: 7200,
            rule: try ICalendarRecurrenceRule.parse("FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU").get(),
            rdates: []),
    ])
    #expect(zone.fallback == nil)
    // Past the table the offset in force at its end stays.
    let summer2250 = ICalendarLocalDateTime(year: 2250, month: 7, day: 1).secondsAsUTC
    #expect(zone.offset(atUTC: summer2250) == 3600)
    let summer2025 = ICalendarLocalDateTime(year: 2025, month: 7, day: 1).secondsAsUTC
    #expect(zone.offset(atUTC: summer2025) == 7200)
  }

  /// Every month, day, hour and minute of every year from year 1: 535,680 times a year.
  @Test(.timeLimit(.minutes(1)))
  func yearlyRuleWithTooManyTimesStopsWithAWarning() throws {
    let list = { (r: ClosedRange<Int>) in r.map(String.init).joined(separator: ",") }
    let calendar = ICS.event([
      "DTSTART:00010101T000000Z",
      "RRULE:FREQ=YEARLY;BYMONTH=\(list(1...12));BYMONTHDAY=\(list(1...31));"
        + "BYHOUR=\(list(0...23));BYMINUTE=\(list(0...59))",
    ])
    let window = try ICS.date("2026-01-01T00:00:00Z")...ICS.date("2026-01-08T00:00:00Z")
    let expansion = calendar.expandOccurrences(startingIn: window, timeZone: utc)
    #expect(expansion.occurrences.isEmpty)
    #expect(expansion.warnings.contains {
      $0.contains("UID e1") && $0.contains("100000 candidate times")
    })
  }

  @Test func candidatesAreBoundedAcrossTheEventsOfAFile() throws {
    let hours = (0...23).map(String.init).joined(separator: ",")
    let calendar = ICS.calendar((1...3).flatMap { n in
      ["BEGIN:VEVENT", "UID:e\(n)", "DTSTART:20250101T000000Z",
       "RRULE:FREQ=DAILY;BYHOUR=\(hours)", "END:VEVENT"]
    })
    let window = try ICS.date("2025-01-01T00:00:00Z")...ICS.date("2025-01-30T23:59:59Z")
    var expander = ICalendarOccurrenceExpander(calendar: calendar, userZone: utc, window: window)
    expander.candidateBudget = 1_000
    let expansion = expander.run()
    let counts = Dictionary(grouping: expansion.occurrences, by: { $0.uid ?? "" })
      .mapValues(\.count)
    #expect(counts["e1"] == 720)
    #expect((counts["e2"] ?? 0) < 720)
    #expect(counts["e3"] == 1)
    #expect(expansion.warnings.contains { $0.contains("UID e3") })
  }
}
