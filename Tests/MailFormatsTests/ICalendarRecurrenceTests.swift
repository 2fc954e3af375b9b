import Foundation
import MailFormats
import Testing

@Suite struct ICalendarRecurrenceTests {
  /// Starts of a UTC series `rule` from `start` (a UTC date-time value like 20250131T100000Z).
  func series(_ start: String, _ rule: String, extra: [String] = []) throws -> [Date] {
    try ICS.starts(ICS.event(["DTSTART:\(start)", "RRULE:\(rule)"] + extra))
  }

  func dates(_ texts: [String]) throws -> [Date] { try texts.map { try ICS.date($0) } }

  @Test func dailyWithIntervalAndCount() throws {
    #expect(try series("20250101T100000Z", "FREQ=DAILY;INTERVAL=2;COUNT=3") == dates([
      "2025-01-01T10:00:00Z", "2025-01-03T10:00:00Z", "2025-01-05T10:00:00Z",
    ]))
  }

  @Test func dailyLimitedByMonth() throws {
    #expect(try series("20250130T100000Z", "FREQ=DAILY;BYMONTH=1,3;COUNT=4") == dates([
      "2025-01-30T10:00:00Z", "2025-01-31T10:00:00Z", "2025-03-01T10:00:00Z",
      "2025-03-02T10:00:00Z",
    ]))
  }

  @Test func weeklyOnSeveralDays() throws {
    #expect(try series("20250106T090000Z", "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=5") == dates([
      "2025-01-06T09:00:00Z", "2025-01-08T09:00:00Z", "2025-01-10T09:00:00Z",
      "2025-01-13T09:00:00Z", "2025-01-15T09:00:00Z",
    ]))
  }

  @Test func weekStartChangesBiweeklyRules() throws {
    // RFC 5545 3.3.10: the same rule gives different days with WKST=MO and WKST=SU.
    let monday = try series("19970805T090000Z",
                            "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO")
    #expect(monday == (try dates(["1997-08-05T09:00:00Z", "1997-08-10T09:00:00Z",
                                  "1997-08-19T09:00:00Z", "1997-08-24T09:00:00Z"])))
    let sunday = try series("19970805T090000Z",
                            "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU")
    #expect(sunday == (try dates(["1997-08-05T09:00:00Z", "1997-08-17T09:00:00Z",
                                  "1997-08-19T09:00:00Z", "1997-08-31T09:00:00Z"])))
  }

  @Test func monthlyOnTheLastFriday() throws {
    #expect(try series("20250131T150000Z", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=5") == dates([
      "2025-01-31T15:00:00Z", "2025-02-28T15:00:00Z", "2025-03-28T15:00:00Z",
      "2025-04-25T15:00:00Z", "2025-05-30T15:00:00Z",
    ]))
  }

  @Test func monthlyOnTheSecondMonday() throws {
    #expect(try series("20250113T080000Z", "FREQ=MONTHLY;BYDAY=2MO;COUNT=3") == dates([
      "2025-01-13T08:00:00Z", "2025-02-10T08:00:00Z", "2025-03-10T08:00:00Z",
    ]))
  }

  @Test func monthlyOnTheLastDayOfTheMonth() throws {
    #expect(try series("20250131T080000Z", "FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=4") == dates([
      "2025-01-31T08:00:00Z", "2025-02-28T08:00:00Z", "2025-03-31T08:00:00Z",
      "2025-04-30T08:00:00Z",
    ]))
  }

  @Test func monthlyOnThe31stSkipsShortMonths() throws {
    #expect(try series("20250131T080000Z", "FREQ=MONTHLY;COUNT=4") == dates([
      "2025-01-31T08:00:00Z", "2025-03-31T08:00:00Z", "2025-05-31T08:00:00Z",
      "2025-07-31T08:00:00Z",
    ]))
  }

  @Test func monthlyFridayThe13th() throws {
    #expect(try series("20250613T120000Z", "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13;COUNT=3")
      == dates(["2025-06-13T12:00:00Z", "2026-02-13T12:00:00Z", "2026-03-13T12:00:00Z"]))
  }

  @Test func monthlyLastWorkdayWithSetPosition() throws {
    #expect(try series("20250131T170000Z",
                       "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1;COUNT=3") == dates([
      "2025-01-31T17:00:00Z", "2025-02-28T17:00:00Z", "2025-03-31T17:00:00Z",
    ]))
  }

  @Test func yearlyOnTheSecondSundayOfMarch() throws {
    #expect(try series("20250309T100000Z", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU;COUNT=3") == dates([
      "2025-03-09T10:00:00Z", "2026-03-08T10:00:00Z", "2027-03-14T10:00:00Z",
    ]))
  }

  @Test func yearlyOnAnOrdinalWeekdayOfTheYear() throws {
    // The 20th Monday of the year (RFC 5545 example).
    #expect(try series("19970519T090000Z", "FREQ=YEARLY;BYDAY=20MO;COUNT=3") == dates([
      "1997-05-19T09:00:00Z", "1998-05-18T09:00:00Z", "1999-05-17T09:00:00Z",
    ]))
  }

  /// Starts of a series in America/New_York, as the RFC 5545 3.8.5.3 examples are written.
  func newYorkSeries(_ start: String, _ rule: String) throws -> [Date] {
    try ICS.starts(ICS.event(["DTSTART;TZID=America/New_York:\(start)", "RRULE:\(rule)"]))
  }

  @Test func yearlyOnTheMondayOfWeekTwenty() throws {
    // RFC 5545 3.8.5.3: "Monday of week number 20 (where the default start of the week is
    // Monday), forever".
    let starts = try newYorkSeries("19970512T090000", "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO")
    #expect(Array(starts.prefix(3)) == (try dates([
      "1997-05-12T13:00:00Z", "1998-05-11T13:00:00Z", "1999-05-17T13:00:00Z",
    ])))
  }

  @Test func yearlyOnTheTwentiethMondayInNewYork() throws {
    // RFC 5545 3.8.5.3: "Every 20th Monday of the year, forever".
    let starts = try newYorkSeries("19970519T090000", "FREQ=YEARLY;BYDAY=20MO")
    #expect(Array(starts.prefix(3)) == (try dates([
      "1997-05-19T13:00:00Z", "1998-05-18T13:00:00Z", "1999-05-17T13:00:00Z",
    ])))
  }

  @Test func everyThirdYearOnTheFirstHundredthAndTwoHundredthDay() throws {
    // RFC 5545 3.8.5.3: 9:00 in New York, EST in January and EDT in April and July.
    #expect(try newYorkSeries("19970101T090000",
                              "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200") == dates([
      "1997-01-01T14:00:00Z", "1997-04-10T13:00:00Z", "1997-07-19T13:00:00Z",
      "2000-01-01T14:00:00Z", "2000-04-09T13:00:00Z", "2000-07-18T13:00:00Z",
      "2003-01-01T14:00:00Z", "2003-04-10T13:00:00Z", "2003-07-19T13:00:00Z",
      "2006-01-01T14:00:00Z",
    ]))
  }

  @Test func weekStartDecidesWhichWeekIsTheFirst() throws {
    // 2025 begins on a Wednesday: its first week from Monday runs Dec 30 to Jan 5, from
    // Sunday Dec 29 to Jan 4 (each has at least four days of 2025).
    #expect(try series("20241229T100000Z", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=SU;WKST=SU;COUNT=3")
      == dates(["2024-12-29T10:00:00Z", "2026-01-04T10:00:00Z", "2027-01-03T10:00:00Z"]))
    #expect(try series("20250105T100000Z", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=SU;WKST=MO;COUNT=3")
      == dates(["2025-01-05T10:00:00Z", "2026-01-04T10:00:00Z", "2027-01-10T10:00:00Z"]))
    #expect(try series("20250101T000000Z", "FREQ=YEARLY;BYWEEKNO=1;BYDAY=MO,SU;WKST=SU;COUNT=5")
      == dates(["2025-01-01T00:00:00Z", "2026-01-04T00:00:00Z", "2026-01-05T00:00:00Z",
                "2027-01-03T00:00:00Z", "2027-01-04T00:00:00Z"]))
  }

  @Test func negativeWeekNumbersCountFromTheLastWeek() throws {
    // 2026 has 53 weeks (it begins on a Thursday), 2025 and 2027 have 52.
    #expect(try series("20251225T100000Z", "FREQ=YEARLY;BYWEEKNO=-1;BYDAY=TH;COUNT=3") == dates([
      "2025-12-25T10:00:00Z", "2026-12-31T10:00:00Z", "2027-12-30T10:00:00Z",
    ]))
    #expect(try series("20261228T100000Z", "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO;COUNT=3") == dates([
      "2026-12-28T10:00:00Z", "2032-12-27T10:00:00Z", "2037-12-28T10:00:00Z",
    ]))
  }

  @Test func weekNumberWithoutWeekdayKeepsTheStartsWeekday() throws {
    #expect(try series("19970512T090000Z", "FREQ=YEARLY;BYWEEKNO=20;COUNT=3") == dates([
      "1997-05-12T09:00:00Z", "1998-05-11T09:00:00Z", "1999-05-17T09:00:00Z",
    ]))
  }

  @Test func ordinalWeekdaysWithWeekNumbersCountInTheYear() throws {
    #expect(try series("20270111T000000Z", "FREQ=YEARLY;BYWEEKNO=2,-2;BYDAY=2MO;COUNT=3")
      == dates(["2027-01-11T00:00:00Z", "2028-01-10T00:00:00Z", "2029-01-08T00:00:00Z"]))
  }

  @Test func negativeYearDaysCountFromTheEndOfTheYear() throws {
    #expect(try series("20241231T100000Z", "FREQ=YEARLY;BYYEARDAY=-1;COUNT=3") == dates([
      "2024-12-31T10:00:00Z", "2025-12-31T10:00:00Z", "2026-12-31T10:00:00Z",
    ]))
    // Day 366 and day -366 exist only in leap years.
    #expect(try series("20241231T100000Z", "FREQ=YEARLY;BYYEARDAY=366;COUNT=3") == dates([
      "2024-12-31T10:00:00Z", "2028-12-31T10:00:00Z", "2032-12-31T10:00:00Z",
    ]))
    #expect(try series("20240101T100000Z", "FREQ=YEARLY;BYYEARDAY=-366;COUNT=3") == dates([
      "2024-01-01T10:00:00Z", "2028-01-01T10:00:00Z", "2032-01-01T10:00:00Z",
    ]))
  }

  @Test func monthLimitsYearDays() throws {
    #expect(try series("19970410T090000Z", "FREQ=YEARLY;BYYEARDAY=1,100,200;BYMONTH=4;COUNT=3")
      == dates(["1997-04-10T09:00:00Z", "1998-04-10T09:00:00Z", "1999-04-10T09:00:00Z"]))
  }

  @Test func yearDayLimitsAnHourlyRule() throws {
    #expect(try series("20250101T000000Z", "FREQ=HOURLY;INTERVAL=12;BYYEARDAY=1;COUNT=3")
      == dates(["2025-01-01T00:00:00Z", "2025-01-01T12:00:00Z", "2026-01-01T00:00:00Z"]))
  }

  @Test(arguments: [
    ("FREQ=YEARLY;BYWEEKNO=54", "BYWEEKNO value '54' is out of range"),
    ("FREQ=YEARLY;BYWEEKNO=0", "BYWEEKNO value '0' is out of range"),
    ("FREQ=YEARLY;BYWEEKNO=-54", "BYWEEKNO value '-54' is out of range"),
    ("FREQ=YEARLY;BYYEARDAY=367", "BYYEARDAY value '367' is out of range"),
    ("FREQ=YEARLY;BYYEARDAY=-367", "BYYEARDAY value '-367' is out of range"),
    ("FREQ=YEARLY;BYYEARDAY=0", "BYYEARDAY value '0' is out of range"),
    ("FREQ=YEARLY;BYYEARDAY=99999999999999999999", "is out of range"),
    ("FREQ=MONTHLY;BYWEEKNO=20", "BYWEEKNO needs FREQ=YEARLY"),
    ("FREQ=DAILY;BYYEARDAY=1", "BYYEARDAY is not allowed with FREQ=DAILY"),
    ("FREQ=MONTHLY;BYYEARDAY=1", "BYYEARDAY is not allowed with FREQ=MONTHLY"),
  ])
  func weekNumbersAndYearDaysOutOfRangeLeaveASingleOccurrence(rule: String, warning: String)
    throws
  {
    let calendar = ICS.event(["DTSTART:20250101T100000Z", "RRULE:\(rule)"])
    #expect(try ICS.starts(calendar) == dates(["2025-01-01T10:00:00Z"]))
    #expect(calendar.warnings.contains { $0.contains(warning) }, "\(calendar.warnings)")
  }

  /// Every day of the year at every minute: 527,040 times in one year.
  @Test(.timeLimit(.minutes(1)))
  func yearDaysWithTooManyTimesStopWithAWarning() throws {
    let list = { (r: ClosedRange<Int>) in r.map(String.init).joined(separator: ",") }
    let calendar = ICS.event([
      "DTSTART:20250101T000000Z",
      "RRULE:FREQ=YEARLY;BYYEARDAY=\(list(1...366));BYWEEKNO=\(list(1...53));"
        + "BYHOUR=\(list(0...23));BYMINUTE=\(list(0...59))",
    ])
    let window = try ICS.date("2026-01-01T00:00:00Z")...ICS.date("2026-01-08T00:00:00Z")
    let expansion = calendar.expandOccurrences(startingIn: window, timeZone: try ICS.zone("UTC"))
    #expect(expansion.occurrences.isEmpty)
    #expect(expansion.warnings.contains { $0.contains("100000 candidate times") })
  }

  @Test func yearlyOnTheTwentyNinthOfFebruarySkipsCommonYears() throws {
    #expect(try series("20240229T100000Z", "FREQ=YEARLY;COUNT=2") == dates([
      "2024-02-29T10:00:00Z", "2028-02-29T10:00:00Z",
    ]))
  }

  @Test func byHourExpandsTimesOfDay() throws {
    #expect(try series("20250101T090000Z", "FREQ=DAILY;BYHOUR=9,15;COUNT=3") == dates([
      "2025-01-01T09:00:00Z", "2025-01-01T15:00:00Z", "2025-01-02T09:00:00Z",
    ]))
  }

  @Test func untilInUTCIsInclusive() throws {
    #expect(try series("20250101T100000Z", "FREQ=DAILY;UNTIL=20250103T100000Z") == dates([
      "2025-01-01T10:00:00Z", "2025-01-02T10:00:00Z", "2025-01-03T10:00:00Z",
    ]))
  }

  @Test func untilAsADateEndsAnAllDaySeries() throws {
    let calendar = ICS.event(["DTSTART;VALUE=DATE:20250101", "RRULE:FREQ=DAILY;UNTIL=20250103"])
    #expect(try ICS.starts(calendar) == dates([
      "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z", "2025-01-03T00:00:00Z",
    ]))
  }

  @Test func weeklyMeetingStaysAtItsLocalHourAcrossDST() throws {
    let calendar = ICS.event(["DTSTART;TZID=Europe/Berlin:20250320T100000",
                              "RRULE:FREQ=WEEKLY;COUNT=3"])
    #expect(try ICS.starts(calendar) == dates([
      "2025-03-20T09:00:00Z", "2025-03-27T09:00:00Z", "2025-04-03T08:00:00Z",
    ]))
  }

  @Test func exdateRemovesOneOccurrence() throws {
    #expect(try series("20250101T100000Z", "FREQ=DAILY;COUNT=3",
                       extra: ["EXDATE:20250102T100000Z"]) == dates([
      "2025-01-01T10:00:00Z", "2025-01-03T10:00:00Z",
    ]))
  }

  @Test func zonedExdateMatchesTheLocalOccurrence() throws {
    let calendar = ICS.event(["DTSTART;TZID=Europe/Berlin:20250101T100000",
                              "RRULE:FREQ=DAILY;COUNT=3",
                              "EXDATE;TZID=Europe/Berlin:20250103T100000"])
    #expect(try ICS.starts(calendar) == dates(["2025-01-01T09:00:00Z", "2025-01-02T09:00:00Z"]))
  }

  /// An EXDATE written without TZID on a zoned series is read in the series' zone, not the
  /// user's: for a user elsewhere it would match nothing and the excluded meeting come
  /// back. (The same answer when the zones agree.)
  @Test func floatingExdateOfAZonedSeriesIsReadInTheSeriesZone() throws {
    let calendar = ICS.event(["DTSTART;TZID=Europe/Berlin:20250101T100000",
                              "RRULE:FREQ=DAILY;COUNT=3", "EXDATE:20250102T100000"])
    let expected = try dates(["2025-01-01T09:00:00Z", "2025-01-03T09:00:00Z"])
    #expect(try ICS.starts(calendar, userZone: "America/Chicago") == expected)
    #expect(try ICS.starts(calendar, userZone: "Europe/Berlin") == expected)
  }

  @Test func floatingRecurrenceIdOfAZonedSeriesReplacesItsOccurrence() throws {
    let calendar = ICS.calendar([
      "BEGIN:VEVENT", "UID:w", "DTSTART;TZID=Europe/Berlin:20250106T100000",
      "RRULE:FREQ=WEEKLY;COUNT=3", "END:VEVENT",
      "BEGIN:VEVENT", "UID:w", "RECURRENCE-ID:20250113T100000",
      "DTSTART;TZID=Europe/Berlin:20250113T150000", "END:VEVENT",
    ])
    #expect(try ICS.starts(calendar, userZone: "Asia/Tokyo") == dates([
      "2025-01-06T09:00:00Z", "2025-01-13T14:00:00Z", "2025-01-20T09:00:00Z",
    ]))
  }

  @Test func rdateAddsOneOccurrence() throws {
    let calendar = ICS.event(["DTSTART:20250101T100000Z", "DTEND:20250101T110000Z",
                              "RRULE:FREQ=DAILY;COUNT=2", "RDATE:20250110T140000Z"])
    let occurrences = calendar.occurrences(startingIn: ICS.all, timeZone: try ICS.zone("UTC"))
    #expect(occurrences.map(\.start) == (try dates([
      "2025-01-01T10:00:00Z", "2025-01-02T10:00:00Z", "2025-01-10T14:00:00Z",
    ])))
    #expect(occurrences.last?.end == (try ICS.date("2025-01-10T15:00:00Z")))
    #expect(occurrences.last?.recurrenceId == occurrences.last?.start)
  }

  @Test func recurringOccurrencesCarryTheirOriginalStartAsRecurrenceId() throws {
    let calendar = ICS.event(["DTSTART:20250101T100000Z", "RRULE:FREQ=DAILY;COUNT=2"])
    let occurrences = calendar.occurrences(startingIn: ICS.all, timeZone: try ICS.zone("UTC"))
    #expect(occurrences.map(\.recurrenceId) == occurrences.map(\.start))
  }

  @Test func invalidRuleLeavesASingleOccurrenceAndAWarning() throws {
    let calendar = ICS.event(["DTSTART:20250101T100000Z", "RRULE:FREQ=DAILY;BYMONTH=13"])
    #expect(try ICS.starts(calendar) == dates(["2025-01-01T10:00:00Z"]))
    #expect(calendar.warnings.contains { $0.contains("BYMONTH value '13' is out of range") })
  }

  /// An RRULE part with nothing around its '=' (`;=;`, as a writer that joins empty
  /// pairs leaves it) is reported, not a crash on an out-of-range index.
  @Test func ruleWithAnEmptyPartIsReportedInsteadOfCrashing() throws {
    let calendar = ICS.event(["DTSTART:20250101T100000Z", "RRULE:FREQ=DAILY;=;COUNT=3"])
    #expect(try ICS.starts(calendar) == dates(["2025-01-01T10:00:00Z"]))
    #expect(calendar.warnings.contains { $0.contains("RRULE part '=' has no name") })
  }

  @Test func timezoneRuleWithAnEmptyPartIsReportedInsteadOfCrashing() throws {
    let calendar = ICS.calendar([
      "BEGIN:VTIMEZONE", "TZID:Custom", "BEGIN:STANDARD", "DTSTART:19701025T030000",
      "RRULE:FREQ=YEARLY;=;BYMONTH=10;BYDAY=-1SU", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
      "END:STANDARD", "END:VTIMEZONE",
      "BEGIN:VEVENT", "UID:e1", "DTSTART;TZID=Custom:20250115T100000", "END:VEVENT",
    ])
    #expect(try ICS.starts(calendar) == dates(["2025-01-15T09:00:00Z"]))
    #expect(calendar.warnings.contains { $0.contains("RRULE part '=' has no name") })
  }

  /// A rule with both COUNT and UNTIL (forbidden by RFC 5545 3.3.10, but written by some
  /// generators) is not dropped whole, showing the meeting once: both limits apply,
  /// whichever ends the series first.
  @Test func ruleWithBothCountAndUntilEndsAtTheFirstLimitReached() throws {
    let byUntil = ICS.event(["DTSTART:20250101T100000Z",
                             "RRULE:FREQ=DAILY;COUNT=10;UNTIL=20250103T100000Z"])
    #expect(try ICS.starts(byUntil) == dates([
      "2025-01-01T10:00:00Z", "2025-01-02T10:00:00Z", "2025-01-03T10:00:00Z",
    ]))
    #expect(byUntil.warnings == [
      "VEVENT at line 3 (UID e1): RRULE has both COUNT and UNTIL; the first limit reached ends it",
    ])
    let byCount = ICS.event(["DTSTART:20250101T100000Z",
                             "RRULE:FREQ=DAILY;UNTIL=20251231T100000Z;COUNT=2"])
    #expect(try ICS.starts(byCount) == dates(["2025-01-01T10:00:00Z", "2025-01-02T10:00:00Z"]))
  }

  /// Hourly series are expanded, not kept as their first occurrence, so one begun in
  /// 2020 shows this week's meetings.
  @Test func hourlyWithIntervalAcrossMidnight() throws {
    #expect(try series("20250101T220000Z", "FREQ=HOURLY;INTERVAL=3;COUNT=4") == dates([
      "2025-01-01T22:00:00Z", "2025-01-02T01:00:00Z", "2025-01-02T04:00:00Z",
      "2025-01-02T07:00:00Z",
    ]))
  }

  @Test func hourlyLimitedByHourAndDayExpandedByMinute() throws {
    // BYHOUR and BYDAY limit an hourly rule, BYMINUTE expands it (RFC 5545 3.3.10).
    #expect(try series("20250106T090000Z", "FREQ=HOURLY;BYHOUR=9,10;BYDAY=MO;COUNT=3")
      == dates(["2025-01-06T09:00:00Z", "2025-01-06T10:00:00Z", "2025-01-13T09:00:00Z"]))
    #expect(try series("20250101T100000Z", "FREQ=HOURLY;BYMINUTE=0,30;COUNT=3") == dates([
      "2025-01-01T10:00:00Z", "2025-01-01T10:30:00Z", "2025-01-01T11:00:00Z",
    ]))
  }

  @Test func anHourlySeriesBegunYearsAgoIsFoundInAWindowToday() throws {
    let calendar = ICS.event(["DTSTART:20200101T000000Z", "RRULE:FREQ=HOURLY;INTERVAL=6"])
    let from = try ICS.date("2026-11-23T00:00:00Z"), to = try ICS.date("2026-11-24T00:00:00Z")
    let starts = calendar.occurrences(startingIn: from...to, timeZone: try ICS.zone("UTC"))
      .map(\.start)
    #expect(starts == (try dates(["2026-11-23T00:00:00Z", "2026-11-23T06:00:00Z",
                                  "2026-11-23T12:00:00Z", "2026-11-23T18:00:00Z",
                                  "2026-11-24T00:00:00Z"])))
    #expect(calendar.warnings.isEmpty)
  }

  @Test func minutelyRuleIsReportedUnsupported() throws {
    let calendar = ICS.event(["DTSTART:20250101T100000Z", "RRULE:FREQ=MINUTELY;COUNT=5"])
    #expect(try ICS.starts(calendar).count == 1)
    #expect(calendar.warnings.contains { $0.contains("FREQ=MINUTELY is not supported") })
  }

  @Test func ruleAskingForTooManyTimesADayIsReportedUnsupported() throws {
    let minutes = (0...59).map(String.init).joined(separator: ",")
    let calendar = ICS.event(["DTSTART:20250101T100000Z",
                              "RRULE:FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12;"
                                + "BYMINUTE=\(minutes);BYSECOND=0,30"])
    #expect(try ICS.starts(calendar).count == 1)
    #expect(calendar.warnings.contains { $0.contains("1560 times a day") })
  }

  @Test func endlessDailySeriesFromLongAgoGivesJustTheWindow() throws {
    let calendar = ICS.event(["DTSTART;TZID=Europe/Berlin:19900101T090000",
                              "RRULE:FREQ=DAILY"])
    let window = try ICS.date("2026-11-20T08:00:00Z")...ICS.date("2026-11-26T08:00:00Z")
    let expansion = calendar.expandOccurrences(startingIn: window,
                                               timeZone: try ICS.zone("UTC"))
    #expect(expansion.warnings.isEmpty)
    #expect(expansion.occurrences.map(\.start) == (try (20...26).map {
      try ICS.date("2026-11-\($0)T08:00:00Z")
    }))
  }

  /// Rules that give as many times in every period jump to the window rather than walk
  /// period by period from their start, where an hourly series begun in 2000 would hit the
  /// walking cap and lose this week's meetings, and a daily one from 1900 take 0.3 s.
  @Test func countedHourlySeriesBegunLongAgoReachesTheWindow() throws {
    let calendar = ICS.event(["DTSTART:20000101T100000Z", "RRULE:FREQ=HOURLY;COUNT=999999999"])
    let window = try ICS.date("2026-11-20T00:00:00Z")...ICS.date("2026-11-20T05:30:00Z")
    let expansion = calendar.expandOccurrences(startingIn: window, timeZone: try ICS.zone("UTC"))
    #expect(expansion.warnings.isEmpty)
    #expect(expansion.occurrences.map(\.start) == (try (0...5).map {
      try ICS.date("2026-11-20T0\($0):00:00Z")
    }))
  }

  @Test func countedDailySeriesFromTheYear1000IsFoundInAWindowToday() throws {
    let calendar = ICS.event(["DTSTART:10000101T090000Z", "RRULE:FREQ=DAILY;COUNT=999999999"])
    let window = try ICS.date("2026-11-20T00:00:00Z")...ICS.date("2026-11-26T00:00:00Z")
    let expansion = calendar.expandOccurrences(startingIn: window, timeZone: try ICS.zone("UTC"))
    #expect(expansion.warnings.isEmpty)
    #expect(expansion.occurrences.count == 6)
  }

  @Test func countedWeeklySeriesEndsOnItsLastOccurrenceAfterAJump() throws {
    // Monday, Wednesday and Friday from 3 January 2000: the 3000th is in the 1000th week.
    let calendar = ICS.event(["DTSTART:20000103T100000Z",
                              "RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=3000"])
    let window = try ICS.date("2019-02-24T00:00:00Z")...ICS.date("2019-03-06T00:00:00Z")
    #expect(calendar.occurrences(startingIn: window, timeZone: try ICS.zone("UTC"))
      .map(\.start) == (try dates([
        "2019-02-25T10:00:00Z", "2019-02-27T10:00:00Z", "2019-03-01T10:00:00Z",
      ])))
  }

  @Test func countedDailySeriesWithSeveralTimesADayEndsOnItsLastOccurrence() throws {
    // Two a day from 1 January 2000 at 09:00: the 10001st is 09:00 on day 5000.
    let calendar = ICS.event(["DTSTART:20000101T090000Z",
                              "RRULE:FREQ=DAILY;BYHOUR=9,15;COUNT=10001"])
    let window = try ICS.date("2013-09-08T00:00:00Z")...ICS.date("2013-09-11T00:00:00Z")
    #expect(calendar.occurrences(startingIn: window, timeZone: try ICS.zone("UTC"))
      .map(\.start) == (try dates([
        "2013-09-08T09:00:00Z", "2013-09-08T15:00:00Z", "2013-09-09T09:00:00Z",
      ])))
  }

  @Test func countedSeriesTooLongToWalkStopsWithAWarning() throws {
    // Only November days: not the same number of times in every period, so it is walked.
    let calendar = ICS.event(["DTSTART:10000101T090000Z",
                              "RRULE:FREQ=DAILY;BYMONTH=11;COUNT=999999999"])
    let window = try ICS.date("2026-11-20T00:00:00Z")...ICS.date("2026-11-26T00:00:00Z")
    let expansion = calendar.expandOccurrences(startingIn: window, timeZone: try ICS.zone("UTC"))
    #expect(expansion.occurrences.isEmpty)
    #expect(expansion.warnings.contains { $0.contains("recurrence stopped after") })
  }

  @Test func overrideMovesAnOccurrenceIntoTheWindow() throws {
    let calendar = ICS.calendar([
      "BEGIN:VEVENT", "UID:w", "DTSTART:20250106T100000Z", "RRULE:FREQ=WEEKLY;COUNT=4",
      "SUMMARY:Weekly", "END:VEVENT",
      "BEGIN:VEVENT", "UID:w", "RECURRENCE-ID:20250113T100000Z", "DTSTART:20250121T100000Z",
      "SUMMARY:Moved", "END:VEVENT",
    ])
    let window = try ICS.date("2025-01-19T00:00:00Z")...ICS.date("2025-01-22T00:00:00Z")
    let occurrences = calendar.occurrences(startingIn: window, timeZone: try ICS.zone("UTC"))
    #expect(occurrences.map(\.start) == (try dates(["2025-01-20T10:00:00Z",
                                                    "2025-01-21T10:00:00Z"])))
    #expect(occurrences.last?.summary == "Moved")
    #expect(occurrences.last?.recurrenceId == (try ICS.date("2025-01-13T10:00:00Z")))
  }

  @Test func overrideMovesAnOccurrenceOutOfTheWindow() throws {
    let calendar = ICS.calendar([
      "BEGIN:VEVENT", "UID:w", "DTSTART:20250106T100000Z", "RRULE:FREQ=WEEKLY;COUNT=4",
      "END:VEVENT",
      "BEGIN:VEVENT", "UID:w", "RECURRENCE-ID:20250113T100000Z", "DTSTART:20250301T100000Z",
      "END:VEVENT",
    ])
    let window = try ICS.date("2025-01-12T00:00:00Z")...ICS.date("2025-01-14T00:00:00Z")
    #expect(calendar.occurrences(startingIn: window, timeZone: try ICS.zone("UTC")).isEmpty)
  }

  @Test func twoOverridesOfOneOccurrenceLeaveTheHigherSequence() throws {
    let calendar = ICS.calendar([
      "BEGIN:VEVENT", "UID:w", "DTSTART:20250106T100000Z", "RRULE:FREQ=WEEKLY;COUNT=2",
      "END:VEVENT",
      "BEGIN:VEVENT", "UID:w", "RECURRENCE-ID:20250113T100000Z", "DTSTART:20250113T150000Z",
      "SEQUENCE:3", "END:VEVENT",
      "BEGIN:VEVENT", "UID:w", "RECURRENCE-ID:20250113T100000Z", "DTSTART:20250113T120000Z",
      "SEQUENCE:2", "END:VEVENT",
    ])
    #expect(try ICS.starts(calendar) == dates(["2025-01-06T10:00:00Z", "2025-01-13T15:00:00Z"]))
  }

  @Test func cancelledOverrideMarksOnlyThatOccurrence() throws {
    let calendar = ICS.calendar([
      "BEGIN:VEVENT", "UID:w", "DTSTART:20250106T100000Z", "RRULE:FREQ=WEEKLY;COUNT=3",
      "END:VEVENT",
      "BEGIN:VEVENT", "UID:w", "RECURRENCE-ID:20250113T100000Z", "DTSTART:20250113T100000Z",
      "STATUS:CANCELLED", "END:VEVENT",
    ])
    let occurrences = calendar.occurrences(startingIn: ICS.all, timeZone: try ICS.zone("UTC"))
    #expect(occurrences.map(\.isCancelled) == [false, true, false])
    #expect(occurrences[1].start == (try ICS.date("2025-01-13T10:00:00Z")))
  }

  /// `RANGE=THISANDFUTURE` overrides every later occurrence, not only its own: after "move
  /// this and all following" the later meetings take the new time and title.
  @Test func thisAndFutureOverrideMovesEveryLaterOccurrence() throws {
    let calendar = ICS.calendar([
      "BEGIN:VEVENT", "UID:w", "DTSTART:20250106T100000Z", "DTEND:20250106T110000Z",
      "SUMMARY:Sync", "RRULE:FREQ=WEEKLY;COUNT=4", "END:VEVENT",
      "BEGIN:VEVENT", "UID:w", "RECURRENCE-ID;RANGE=THISANDFUTURE:20250113T100000Z",
      "DTSTART:20250113T120000Z", "DTEND:20250113T123000Z", "SUMMARY:Sync (new time)",
      "SEQUENCE:1", "END:VEVENT",
    ])
    let expansion = calendar.expandOccurrences(startingIn: ICS.all, timeZone: try ICS.zone("UTC"))
    let occurrences = expansion.occurrences
    #expect(occurrences.map(\.start) == (try dates([
      "2025-01-06T10:00:00Z", "2025-01-13T12:00:00Z", "2025-01-20T12:00:00Z",
      "2025-01-27T12:00:00Z",
    ])))
    #expect(occurrences.map(\.end) == (try dates([
      "2025-01-06T11:00:00Z", "2025-01-13T12:30:00Z", "2025-01-20T12:30:00Z",
      "2025-01-27T12:30:00Z",
    ])))
    #expect(occurrences.map(\.recurrenceId) == (try dates([
      "2025-01-06T10:00:00Z", "2025-01-13T10:00:00Z", "2025-01-20T10:00:00Z",
      "2025-01-27T10:00:00Z",
    ])))
    #expect(occurrences.map(\.summary) == ["Sync", "Sync (new time)", "Sync (new time)",
                                            "Sync (new time)"])
    #expect(occurrences.map(\.sequence) == [0, 1, 1, 1])
    #expect(expansion.warnings.isEmpty)
  }

  @Test func thisAndFutureShiftKeepsTheLocalHourAcrossDST() throws {
    let calendar = ICS.calendar([
      "BEGIN:VEVENT", "UID:w", "DTSTART;TZID=Europe/Berlin:20250310T100000",
      "RRULE:FREQ=WEEKLY;COUNT=4", "END:VEVENT",
      "BEGIN:VEVENT", "UID:w", "RECURRENCE-ID;RANGE=THISANDFUTURE;TZID=Europe/Berlin:"
        + "20250317T100000", "DTSTART;TZID=Europe/Berlin:20250317T140000", "END:VEVENT",
    ])
    // Berlin moves to summer time on 30 March: 14:00 is 13:00Z before, 12:00Z after.
    #expect(try ICS.starts(calendar) == dates([
      "2025-03-10T09:00:00Z", "2025-03-17T13:00:00Z", "2025-03-24T13:00:00Z",
      "2025-03-31T12:00:00Z",
    ]))
  }

  @Test func thisAndFutureShiftBringsALaterOccurrenceIntoTheWindow() throws {
    let calendar = ICS.calendar([
      "BEGIN:VEVENT", "UID:w", "DTSTART:20250106T100000Z", "RRULE:FREQ=WEEKLY",
      "END:VEVENT",
      "BEGIN:VEVENT", "UID:w", "RECURRENCE-ID;RANGE=THISANDFUTURE:20250113T100000Z",
      "DTSTART:20250116T100000Z", "END:VEVENT",
    ])
    let window = try ICS.date("2025-01-23T00:00:00Z")...ICS.date("2025-01-23T23:59:59Z")
    let occurrences = calendar.occurrences(startingIn: window, timeZone: try ICS.zone("UTC"))
    #expect(occurrences.map(\.start) == [try ICS.date("2025-01-23T10:00:00Z")])
    #expect(occurrences.map(\.recurrenceId) == [try ICS.date("2025-01-20T10:00:00Z")])
  }

  @Test func windowIncludesBothEndsExactly() throws {
    let calendar = ICS.event(["DTSTART:20250101T100000Z", "RRULE:FREQ=DAILY;COUNT=3"])
    let utc = try ICS.zone("UTC")
    let exact = try ICS.date("2025-01-01T10:00:00Z")...ICS.date("2025-01-03T10:00:00Z")
    #expect(calendar.occurrences(startingIn: exact, timeZone: utc).count == 3)
    let inner = try ICS.date("2025-01-01T10:00:01Z")...ICS.date("2025-01-03T09:59:59Z")
    #expect(calendar.occurrences(startingIn: inner, timeZone: utc).count == 1)
  }

  @Test(arguments: [
    "FREQ=DAILY", "FREQ=DAILY;INTERVAL=3", "FREQ=WEEKLY;BYDAY=MO,TH",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU", "FREQ=MONTHLY;BYDAY=-1FR",
    "FREQ=MONTHLY;INTERVAL=5;BYMONTHDAY=31", "FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
    "FREQ=YEARLY;INTERVAL=4", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=1",
    "FREQ=DAILY;UNTIL=20291231T000000Z", "FREQ=YEARLY;BYWEEKNO=1,2,20,-1;BYDAY=MO,SU;WKST=SU",
    "FREQ=YEARLY;BYYEARDAY=1,-1,100,-100,200;INTERVAL=2",
  ])
  func jumpingToTheWindowGivesWhatWalkingFromTheStartGives(rule: String) throws {
    let calendar = ICS.event(["DTSTART;TZID=Europe/Berlin:20190715T093000", "RRULE:\(rule)"])
    let utc = try ICS.zone("UTC")
    let first = try ICS.date("2019-07-01T00:00:00Z")
    let walked = calendar.occurrences(startingIn: first...first.addingTimeInterval(4.2e8),
                                      timeZone: utc).map(\.start)
    #expect(walked.count > 3)
    // Six-day windows at uneven steps from mid-2019 to 2032.
    var lower = try ICS.date("2019-07-20T07:31:00Z")
    while lower < first.addingTimeInterval(4.1e8) {
      let window = lower...lower.addingTimeInterval(6 * 86_400)
      let jumped = calendar.occurrences(startingIn: window, timeZone: utc).map(\.start)
      #expect(jumped == walked.filter { window.contains($0) }, "\(rule) in \(window)")
      lower = lower.addingTimeInterval(8_388_607)  // about 97 days
    }
  }
}
