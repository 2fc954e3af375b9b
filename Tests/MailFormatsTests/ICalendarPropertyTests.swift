import Foundation
import MailFormats
import PropertyBased
import Testing

/// Properties checked on generated inputs rather than picked examples.
@Suite struct ICalendarPropertyTests {
  @Test func dayNumbersAndCivilDatesRoundTrip() async {
    await propertyCheck(count: 500, input: Gen.int(in: -800_000...800_000)) { day in
      let civil = ICalendarLocalDateTime.civil(fromDayNumber: day)
      #expect(ICalendarLocalDateTime.dayNumber(year: civil.year, month: civil.month,
                                               day: civil.day) == day)
      #expect(civil.day >= 1 && civil.day <= ICalendarLocalDateTime.daysInMonth(
        year: civil.year, month: civil.month))
    }
  }

  @Test func weekdaysAgreeWithFoundation() async throws {
    let utc = try ICS.zone("UTC")
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = utc
    await propertyCheck(count: 300, input: Gen.int(in: -50_000...80_000)) { day in
      let date = Date(timeIntervalSince1970: Double(day) * 86_400)
      // Foundation: 1 = Sunday ... 7 = Saturday; ours: 1 = Monday ... 7 = Sunday.
      let foundation = calendar.component(.weekday, from: date)
      #expect(ICalendarLocalDateTime.weekday(ofDayNumber: day) == (foundation + 5) % 7 + 1)
    }
  }

  @Test func countedSeriesHaveExactlyCountOccurrencesInOrder() async {
    let rules = ["FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,WE", "FREQ=MONTHLY;BYDAY=-1FR",
                 "FREQ=MONTHLY;BYMONTHDAY=1,15", "FREQ=YEARLY;BYMONTH=2,8"]
    await propertyCheck(count: 100, input: Gen.element(of: rules), Gen.int(in: 1...4),
                        Gen.int(in: 1...40)) { chosen, interval, count in
      let rule = chosen ?? "FREQ=DAILY"
      let calendar = ICS.event(["DTSTART;TZID=America/Sao_Paulo:20210104T083000",
                                "RRULE:\(rule);INTERVAL=\(interval);COUNT=\(count)"])
      // Up to 2201: forty yearly occurrences every four years reach past 2150.
      let window = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 7.3e9)
      let starts = calendar.occurrences(startingIn: window, timeZone: .gmt).map(\.start)
      #expect(starts.count == count, "\(rule);INTERVAL=\(interval);COUNT=\(count)")
      #expect(starts == starts.sorted() && Set(starts).count == starts.count)
    }
  }

  @Test func arbitraryTextNeverStopsTheParser() async {
    let pieces = ["BEGIN:VEVENT", "END:VEVENT", "BEGIN:VCALENDAR", "END:VCALENDAR",
                  "BEGIN:VTIMEZONE", "DTSTART", "RRULE:FREQ=", "DAILY", "TZID=", ";", ":", ",",
                  "\"", "\\", "\r\n", "\n", "\r", " ", "\t", "^", "=", "2025", "0101T",
                  "100000", "Z", "UID:", "EXDATE", "RECURRENCE-ID", "BYDAY=", "-1FR", "COUNT=",
                  "\u{FEFF}", "\u{0}", "é"]
    await propertyCheck(count: 300, input: Gen.element(of: pieces).array(of: 0...60)) { parts in
      let calendar = ICalendar.parse(parts.compactMap { $0 }.joined())
      let occurrences = calendar.occurrences(startingIn: ICS.all,
                                             timeZone: TimeZone(secondsFromGMT: 3600) ?? .gmt)
      #expect(occurrences.count <= 100_000)
      #expect(calendar.skippedEvents.allSatisfy { !$0.reason.isEmpty })
    }
  }
}
