import Foundation
import Testing
@testable import MailFormats

@Suite struct MailDateTests {
  /// Seconds since 1970 of a parsed date, for exact comparisons.
  func seconds(_ s: String) -> Int? {
    MailDate.parse(s).map { Int($0.timeIntervalSince1970) }
  }

  @Test func fullRFC5322Date() {
    #expect(seconds("Tue, 1 Jul 2003 10:52:37 +0200") == 1_057_049_557)
  }

  @Test func weekdayAndSecondsAreOptional() {
    #expect(seconds("1 Jul 2003 10:52 +0200") == 1_057_049_520)
    #expect(seconds("Tue 1 Jul 2003 10:52:37 +0200") == 1_057_049_557)
  }

  @Test func twoDigitYearsBelowFiftyAreThisCentury() {
    #expect(seconds("Fri, 9 Nov 01 01:08:47 +0000") == 1_005_268_127)
    #expect(seconds("31 Dec 99 23:59 +0000") == 946_684_740)
  }

  @Test func threeDigitYearsCountFrom1900() {
    #expect(seconds("31 Dec 099 23:59 +0000") == 946_684_740)
  }

  @Test func obsoleteZoneNamesHaveTheirOffsets() {
    let utc = seconds("1 Jul 2003 10:52:37 +0000")
    #expect(seconds("1 Jul 2003 10:52:37 GMT") == utc)
    #expect(seconds("1 Jul 2003 10:52:37 UT") == utc)
    #expect(seconds("1 Jul 2003 10:52:37 Z") == utc)
    #expect(seconds("1 Jul 2003 03:52:37 PDT") == utc)
    #expect(seconds("1 Jul 2003 02:52:37 PST") == utc)
    #expect(seconds("1 Jul 2003 05:52:37 EST") == utc)
    #expect(seconds("1 Jul 2003 06:52:37 EDT") == utc)
    #expect(seconds("1 Jul 2003 04:52:37 CST") == utc)
    #expect(seconds("1 Jul 2003 03:52:37 MST") == utc)
  }

  @Test func militaryZoneLettersCountAsUTC() {
    #expect(seconds("1 Jul 2003 10:52:37 A") == seconds("1 Jul 2003 10:52:37 -0000"))
  }

  @Test func trailingCommentAndExtraWhitespaceAreIgnored() {
    #expect(seconds("  Tue,   1  Jul   2003  10:52:37   +0200   (CEST) ") == 1_057_049_557)
  }

  @Test func numericZoneWinsOverAZoneNameNextToIt() {
    #expect(seconds("Tue, 1 Jul 2003 10:52:37 GMT+0200") == 1_057_049_557)
  }

  @Test func fourDigitZoneWithoutSignIsReadAsEastOfUTC() {
    // Seen from old mailers that drop the `+`; the year is already known, so it is a zone.
    #expect(seconds("Tue, 1 Jul 2003 10:52:37 0200") == 1_057_049_557)
    #expect(seconds("Tue, 1 Jul 2003 10:52:37 2003") == nil)
  }

  @Test func zoneWithColonBetweenHoursAndMinutesIsRead() {
    #expect(seconds("Tue, 1 Jul 2003 14:22:37 +05:30") == 1_057_049_557)
    #expect(seconds("Tue, 1 Jul 2003 10:52:37 GMT+02:00") == 1_057_049_557)
  }

  @Test func hyphensBetweenDayMonthAndYearAreSeparatorsNotAZone() {
    #expect(seconds("Tue, 1-Jul-2003 10:52:37 +0200") == 1_057_049_557)
    #expect(seconds("Tuesday, 01-Jul-03 08:52:37 GMT") == 1_057_049_557)
  }

  @Test func numericZoneOfADateWithoutTimeIsRead() {
    #expect(seconds("1 Jul 2003 +0200") == 1_057_010_400)
  }

  @Test func fractionalSecondsAreIgnored() {
    #expect(seconds("Tue, 1 Jul 2003 10:52:37.250 +0200") == 1_057_049_557)
  }

  @Test func asctimeOrderIsRead() {
    #expect(seconds("Tue Jul  1 08:52:37 2003") == 1_057_049_557)
  }

  @Test func leapDayIsValidOnlyInLeapYears() {
    #expect(seconds("29 Feb 2000 00:00:00 +0000") == 951_782_400)
    #expect(seconds("29 Feb 1900 00:00:00 +0000") == nil)
  }

  @Test func datesBeforeTheEpochAreNegative() {
    #expect(seconds("1 Jan 1969 00:00:00 +0000") == -31_536_000)
  }

  @Test func unparsableDatesGiveNil() {
    for s in ["", "yesterday", "32 Jan 2003 10:00", "1 Foo 2003 10:00", "1 Jan 2003 25:00",
              "Jan 2003", "1 Jan 2003 10:00 +0260"] {
      #expect(MailDate.parse(s) == nil, "\(s)")
    }
  }

  @Test func daysFromCivilMatchesKnownDays() {
    #expect(MailDate.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
    #expect(MailDate.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
    #expect(MailDate.daysFromCivil(year: 1600, month: 1, day: 1) == -135_140)
  }
}
