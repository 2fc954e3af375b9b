import AutoCaptureApp
import CaptureCore
import Foundation
import Testing

@Suite struct DateTextTests {
  static let utc = TimeZone(identifier: "UTC") ?? .gmt
  static func at(_ s: String) -> Date { ISO8601.parse(s) ?? Date(timeIntervalSince1970: 0) }
  static let now = at("2026-11-23T12:00:00Z")  // a Monday

  /// An all-day meeting (the demo's workshop) shows its day, not "Tue 00:00 – 00:00".
  @Test func anAllDayMeetingIsItsDayWithoutTimes() {
    let start = Self.at("2026-11-24T00:00:00Z"), end = Self.at("2026-11-25T00:00:00Z")
    #expect(DateText.span(start, end: end, isAllDay: true, timeZone: Self.utc)
      == "Tue 24 Nov 2026, all day")
    #expect(DateText.span(start, end: nil, isAllDay: true, timeZone: Self.utc)
      == "Tue 24 Nov 2026, all day")
    #expect(DateText.day(start, now: Self.now, timeZone: Self.utc) == "Tue")
  }

  @Test func anAllDayMeetingOverSeveralDaysEndsOnItsLastDay() {
    let start = Self.at("2026-11-24T00:00:00Z"), end = Self.at("2026-11-27T00:00:00Z")
    #expect(DateText.span(start, end: end, isAllDay: true, timeZone: Self.utc)
      == "Tue 24 Nov 2026 – Thu 26 Nov 2026, all day")
  }

  @Test func aTimedMeetingShowsItsEndTimeAndTheEndDayWhenItIsAnother() {
    #expect(DateText.span(Self.at("2026-11-24T09:00:00Z"), end: Self.at("2026-11-24T09:30:00Z"),
                          isAllDay: false, timeZone: Self.utc)
      == "Tue 24 Nov 2026 09:00 – 09:30")
    #expect(DateText.span(Self.at("2026-11-24T22:00:00Z"), end: Self.at("2026-11-25T01:00:00Z"),
                          isAllDay: false, timeZone: Self.utc)
      == "Tue 24 Nov 2026 22:00 – Wed 25 Nov 2026 01:00")
  }

  @Test func aTimedMeetingEndingBeforeItStartsShowsOnlyItsStart() {
    #expect(DateText.span(Self.at("2026-11-24T09:00:00Z"), end: Self.at("2026-11-24T08:00:00Z"),
                          isAllDay: false, timeZone: Self.utc)
      == "Tue 24 Nov 2026 09:00")
  }

  @Test func dayAndTimeFollowTheZone() {
    let tokyo = TimeZone(identifier: "Asia/Tokyo") ?? Self.utc
    // 23:30 UTC on Monday is 08:30 on Tuesday in Tokyo.
    let date = Self.at("2026-11-23T23:30:00Z")
    #expect(DateText.onCalendar(date, now: Self.now, timeZone: tokyo) == "Tue 08:30")
    #expect(DateText.onCalendar(date, now: Self.now, timeZone: Self.utc) == "today 23:30")
  }

  @Test func recentMailIsAgoAndOlderMailIsADate() {
    #expect(DateText.relative(Self.at("2026-11-23T10:00:00Z"), now: Self.now,
                              timeZone: Self.utc) == "2h ago")
    #expect(DateText.relative(Self.at("2026-11-12T10:00:00Z"), now: Self.now,
                              timeZone: Self.utc) == "12 Nov")
    #expect(DateText.relative(Self.at("2025-11-12T10:00:00Z"), now: Self.now,
                              timeZone: Self.utc) == "12 Nov 2025")
  }
}
