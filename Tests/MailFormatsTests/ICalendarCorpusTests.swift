import Foundation
import MailFormats
import TestSupport
import Testing

/// Third-party .ics files (`Tests/Corpus/calendar/icalendar`), read as they are.
@Suite struct ICalendarCorpusTests {
  static let corpus = Fixtures.corpus.appendingPathComponent("calendar/icalendar")
  static let everything = Date(timeIntervalSince1970: -2_000_000_000)
    ... Date(timeIntervalSince1970: 4_000_000_000)

  static func allFiles() -> [URL] {
    let walker = FileManager.default.enumerator(at: corpus, includingPropertiesForKeys: nil)
    var files: [URL] = []
    while let url = walker?.nextObject() as? URL {
      if url.pathExtension == "ics" { files.append(url) }
    }
    return files.sorted { $0.path < $1.path }
  }

  static func calendar(_ relative: String) throws -> ICalendar {
    ICalendar.parse(try Data(contentsOf: corpus.appendingPathComponent(relative)))
  }

  static func zone(_ id: String) throws -> TimeZone { try #require(TimeZone(identifier: id)) }

  static func utc(_ text: String) throws -> Date {
    try #require(ISO8601DateFormatter().date(from: text), "bad test date \(text)")
  }

  @Test func everyFileIsReadAndExpandedWithoutCrashOrHang() throws {
    let files = Self.allFiles()
    #expect(files.count >= 160)
    let utc = try Self.zone("UTC")
    var occurrences = 0
    for url in files {
      let calendar = ICalendar.parse(try Data(contentsOf: url))
      occurrences += calendar.occurrences(startingIn: Self.everything, timeZone: utc).count
    }
    #expect(occurrences > 1_000)
  }

  @Test func filesThatAreNotICalendarSayWhy() throws {
    let zeroChar = try Self.calendar("calendars/fuzz_testcase_0_char_in_component_name.ics")
    #expect(zeroChar.problem?.contains("no iCalendar component") == true)
    let badMonth = try Self.calendar("calendars/fuzz_testcase_invalid_month.ics")
    #expect(badMonth.problem == "no iCalendar component (found V)")
  }

  @Test func loneCarriageReturnInAFuzzedTimezoneIsContained() throws {
    let calendar = try Self.calendar("calendars/fuzz_testcase_vtimezone_lone_cr.ics")
    #expect(calendar.problem == nil)
    #expect(calendar.timezones.isEmpty)
    #expect(calendar.warnings.contains { $0.contains("has no usable observance") })
  }

  @Test func uppercaseMailtoAttendeesAreAddresses() throws {
    let calendar = try Self.calendar("calendars/property_params.ics")
    #expect(calendar.method == "REQUEST")
    let event = try #require(calendar.events.first)
    #expect(event.attendees.map(\.address) == [
      "rembrand@xs4all.nl", "rembrand@daxlab.com", "rembspam@xs4all.nl",
    ])
    #expect(event.attendees.map(\.name) == ["RembrandXS", "RembrandDX", "RembrandSB"])
    #expect(event.organizer?.address == "rembrand@daxlab.com")
  }

  @Test func allDayEventStartsAtMidnightInTheUsersZone() throws {
    let calendar = try Self.calendar("calendars/property_params.ics")
    let amsterdam = try Self.zone("Europe/Amsterdam")
    let occurrence = try #require(
      calendar.occurrences(startingIn: Self.everything, timeZone: amsterdam).first)
    #expect(occurrence.isAllDay)
    #expect(occurrence.start == (try Self.utc("2012-08-13T22:00:00Z")))
    #expect(occurrence.end == (try Self.utc("2012-08-14T22:00:00Z")))
    #expect(occurrence.recurrenceId == nil)
  }

  @Test func emptyCalendarIsUnderstoodAndHoldsNothing() throws {
    let calendar = try Self.calendar("calendars/empty.ics")
    #expect(calendar.problem == nil)
    #expect(calendar.events.isEmpty && calendar.skippedEvents.isEmpty)
  }

  @Test func byteOrderMarkIsIgnored() throws {
    let calendar = try Self.calendar("calendars/bom_calendar.ics")
    #expect(calendar.problem == nil)
    #expect(calendar.warnings.isEmpty)
    #expect(calendar.skippedEvents.isEmpty)
  }

  @Test func escapedCommonNamesAreUnescaped() throws {
    let expected = [
      "event_with_escaped_character1.ics": "Society, 2014",
      "event_with_escaped_character2.ics": "Society\\ 2014",
      "event_with_escaped_character3.ics": "Society; 2014",
      "event_with_escaped_character4.ics": "Society: 2014",
    ]
    for (file, name) in expected {
      let text = try String(contentsOf: Self.corpus.appendingPathComponent("events/\(file)"),
                            encoding: .utf8)
      let organizer = try #require(ICalendarReader.parse(text).components.first?
        .property("ORGANIZER"), "\(file)")
      let address = ICalendarAddress.parse(organizer)
      #expect(address.name == name, "\(file)")
      #expect(address.address == nil, "'that' is no address (\(file))")
    }
  }

  @Test func organizerWithoutMailtoIsStillAnAddress() throws {
    let text = try String(contentsOf: Self.corpus.appendingPathComponent("freebusy/example.ics"),
                          encoding: .utf8)
    let organizer = try #require(ICalendarReader.parse(text).components.first?
      .property("ORGANIZER"))
    #expect(ICalendarAddress.parse(organizer).address == "jsmith@example.com")
  }

  @Test func customTimezoneDefinitionPlacesSummerAndWinterTimes() throws {
    let calendar = try Self.calendar("calendars/america_new_york.ics")
    let zone = try #require(calendar.timezones["custom_America/New_York"])
    let summer = try Self.utc("2014-08-29T12:00:00Z")
    let winter = try Self.utc("2014-01-15T12:00:00Z")
    #expect(zone.offset(atUTC: Int64(summer.timeIntervalSince1970)) == -4 * 3600)
    #expect(zone.offset(atUTC: Int64(winter.timeIntervalSince1970)) == -5 * 3600)
    let utc = try Self.zone("UTC")
    let occurrence = try #require(
      calendar.occurrences(startingIn: Self.everything, timeZone: utc).first)
    #expect(occurrence.start == summer)
    #expect(occurrence.end == (try Self.utc("2014-08-29T14:00:00Z")))
  }

  @Test func timezoneNamedLikeAnOffsetUsesItsDefinition() throws {
    let calendar = try Self.calendar("calendars/issue_218_bad_tzid.ics")
    #expect(calendar.warnings.isEmpty)
    let occurrence = try #require(
      calendar.occurrences(startingIn: Self.everything, timeZone: try Self.zone("UTC")).first)
    #expect(occurrence.start == (try Self.utc("2017-02-28T12:00:00Z")))
    #expect(occurrence.status == "CONFIRMED")
  }

  @Test func vendorPrefixedTimezoneNamesFallBackToTheIANAName() throws {
    let calendar = try Self.calendar("calendars/issue_313_globally_unique_tzid.ics")
    #expect(calendar.warnings.isEmpty)
    let starts = Dictionary(uniqueKeysWithValues: calendar
      .occurrences(startingIn: Self.everything, timeZone: try Self.zone("Asia/Tokyo"))
      .map { ($0.uid ?? "", $0.start) })
    #expect(starts["libical-evolution@issue-313"] == (try Self.utc("2020-04-26T12:00:00Z")))
    #expect(starts["mozilla-lightning@issue-313"] == (try Self.utc("2020-04-26T18:00:00Z")))
    #expect(starts["multipart-olson@issue-313"] == (try Self.utc("2020-04-26T17:00:00Z")))
  }

  @Test func unknownTimezoneIsReadAsFloatingWithAWarning() throws {
    let calendar = try Self.calendar("calendars/issue_526_calendar_with_event_subset.ics")
    #expect(calendar.warnings.contains { $0.contains("'Western/Central Europe' is unknown") })
    let helsinki = try Self.zone("Europe/Helsinki")
    let occurrence = try #require(
      calendar.occurrences(startingIn: Self.everything, timeZone: helsinki).first)
    // 2021-11-01 16:00 read in the user's zone (UTC+2 in November).
    #expect(occurrence.start == (try Self.utc("2021-11-01T14:00:00Z")))
  }

  @Test func ambiguousWallClockTakesTheFirstInstant() throws {
    let calendar = try Self.calendar("calendars/issue_722_timezone_transition_ambiguity.ics")
    let starts = Dictionary(uniqueKeysWithValues: calendar
      .occurrences(startingIn: Self.everything, timeZone: try Self.zone("UTC"))
      .map { ($0.uid ?? "", $0.start) })
    #expect(starts["3"] == (try Self.utc("2024-05-04T19:00:01Z")))
    #expect(starts["2"] == (try Self.utc("2024-05-04T22:00:01Z")))
  }

  @Test func invalidRuleFrequencyLeavesASingleOccurrenceAndAWarning() throws {
    let calendar = try Self.calendar("calendars/issue_1081_invalid_rrule_freq.ics")
    let occurrences = calendar.occurrences(startingIn: Self.everything,
                                           timeZone: try Self.zone("UTC"))
    #expect(occurrences.count == 1)
    #expect(occurrences.first?.recurrenceId == nil)
    #expect(calendar.warnings.contains { $0.contains("INVALID_TYPE_CAUSES_ERROR") })
  }

  @Test func eventWithAnEmptyParameterIsSkippedWithItsReason() throws {
    let calendar = try Self.calendar("calendars/broken_ical.ics")
    #expect(calendar.problem == nil)
    #expect(calendar.events.isEmpty)
    let skipped = try #require(calendar.skippedEvents.first)
    #expect(skipped.uid == "abc")
    #expect(skipped.reason.contains("DTSTART has an empty parameter"))
  }

  @Test func eventWithAnInvalidStartIsSkippedWithItsReason() throws {
    let calendar = try Self.calendar("calendars/broken_dtstart.ics")
    let skipped = try #require(calendar.skippedEvents.first)
    #expect(skipped.uid == "test-123")
    #expect(skipped.reason.contains("'INVALID-DATE' is not a date-time"))
  }

  @Test func impracticalDurationSkipsTheEvent() throws {
    let calendar = try Self.calendar("calendars/invalid_duration.ics")
    #expect(calendar.events.isEmpty)
    #expect(calendar.skippedEvents.first?.reason.contains("too long a duration") == true)
  }

  @Test func emptyExdateIsIgnoredAndTheEventKept() throws {
    let calendar = try Self.calendar("calendars/parsing_error.ics")
    #expect(calendar.events.count == 2)
    #expect(calendar.warnings.contains { $0.contains("EXDATE ''") })
  }

  @Test func bigBadCalendarSkipsEveryEventWithoutStart() throws {
    let calendar = try Self.calendar("calendars/big_bad_calendar.ics")
    #expect(calendar.events.isEmpty)
    #expect(calendar.skippedEvents.count > 10)
    #expect(calendar.skippedEvents.allSatisfy { $0.reason == "no DTSTART" })
  }

  @Test func utcExdatesRemoveOccurrencesOfAFloatingDailySeries() throws {
    let calendar = try Self.calendar("events/event_with_recurrence.ics")
    let occurrences = calendar.occurrences(startingIn: Self.everything,
                                           timeZone: try Self.zone("UTC"))
    #expect(occurrences.count == 97)
    let days = Set(occurrences.map { Int($0.start.timeIntervalSince1970) / 86_400 })
    let april2 = Int(try Self.utc("1996-04-02T00:00:00Z").timeIntervalSince1970) / 86_400
    #expect(!days.contains(april2) && !days.contains(april2 + 1) && !days.contains(april2 + 2))
    #expect(days.contains(april2 + 3))
  }

  @Test func weeklySeriesWithUntilAndZonedExdates() throws {
    let calendar = try Self.calendar("events/issue_112_missing_tzinfo_on_exdate.ics")
    let occurrences = calendar.occurrences(startingIn: Self.everything,
                                           timeZone: try Self.zone("UTC"))
    #expect(occurrences.count == 11)
    #expect(occurrences.allSatisfy {
      Int($0.start.timeIntervalSince1970) % 86_400 == 16 * 3600
    })
    #expect(!occurrences.contains { $0.start == (try? Self.utc("2013-10-11T16:00:00Z")) })
    #expect(occurrences.last?.start == (try Self.utc("2013-10-19T16:00:00Z")))
  }

  @Test func exdatesOnSeparateLinesAreAllApplied() throws {
    let calendar = try Self.calendar("events/event_with_recurrence_exdates_on_different_lines.ics")
    let occurrences = calendar.occurrences(startingIn: Self.everything,
                                           timeZone: try Self.zone("UTC"))
    #expect(occurrences.count == 10)
    #expect(occurrences.last?.start == (try Self.utc("2012-07-03T08:00:00Z")))
  }

  @Test func rdatePeriodAddsAnOccurrenceWithItsOwnEnd() throws {
    let calendar = try Self.calendar("events/issue_156_RDATE_with_PERIOD.ics")
    let occurrences = calendar.occurrences(startingIn: Self.everything,
                                           timeZone: try Self.zone("UTC"))
    #expect(occurrences.count == 2)
    #expect(occurrences.last?.start == (try Self.utc("1997-01-01T18:00:00Z")))
    #expect(occurrences.last?.end == (try Self.utc("1997-01-02T07:00:00Z")))
  }

  @Test func overrideMovesOneOccurrenceOfTheSeries() throws {
    let calendar = try Self.calendar("calendars/rfc_7265_appendix_example_2_ical.ics")
    let occurrences = calendar.occurrences(startingIn: Self.everything,
                                           timeZone: try Self.zone("UTC"))
    #expect(occurrences.count == 6)
    let moved = try #require(occurrences.first { $0.isOverride })
    #expect(moved.recurrenceId == (try Self.utc("2006-01-04T17:00:00Z")))
    #expect(moved.start == (try Self.utc("2006-01-04T19:00:00Z")))
    #expect(moved.end == (try Self.utc("2006-01-04T20:00:00Z")))
    #expect(!occurrences.contains { $0.start == (try? Self.utc("2006-01-04T17:00:00Z")) })
  }

  @Test func overrideWithoutItsSeriesIsStillAnOccurrence() throws {
    let calendar = try Self.calendar("calendars/issue_1231_recurrence.ics")
    let occurrence = try #require(calendar.occurrences(
      startingIn: Self.everything, timeZone: try Self.zone("UTC")).first)
    #expect(occurrence.recurrenceId == (try Self.utc("2025-04-28T16:05:00Z")))
  }

  @Test func weeklySeriesInAPrefixedZoneKeepsItsLocalHourAcrossDST() throws {
    let calendar = try Self.calendar("calendars/issue_466_convert_tzid_with_slash.ics")
    let window = try Self.utc("2022-10-20T00:00:00Z")...Self.utc("2022-11-06T00:00:00Z")
    let starts = calendar.occurrences(startingIn: window, timeZone: try Self.zone("UTC"))
      .map(\.start)
    #expect(starts == [
      try Self.utc("2022-10-21T18:00:00Z"), try Self.utc("2022-10-28T18:00:00Z"),
      try Self.utc("2022-11-04T19:00:00Z"),
    ])
  }

  @Test func endlessWorkdaySeriesIsExpandedOnlyAroundTheWindow() throws {
    let calendar = try Self.calendar("calendars/x_location.ics")
    let window = try Self.utc("2026-11-20T12:00:00Z")...Self.utc("2026-11-26T12:00:00Z")
    let expansion = calendar.expandOccurrences(startingIn: window,
                                               timeZone: try Self.zone("UTC"))
    #expect(expansion.warnings.isEmpty)
    // Fri 20 (14:00 Zurich = 13:00Z, after the window opens), Mon 23 ... Thu 26 (13:00Z >
    // 12:00Z: outside).
    #expect(expansion.occurrences.map(\.start) == [
      try Self.utc("2026-11-20T13:00:00Z"), try Self.utc("2026-11-23T13:00:00Z"),
      try Self.utc("2026-11-24T13:00:00Z"), try Self.utc("2026-11-25T13:00:00Z"),
    ])
  }
}
