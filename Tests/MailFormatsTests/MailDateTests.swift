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

  static let english = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                        "Nov", "Dec"]

  /// Month names and abbreviations mailers write in German, French, Spanish, Italian, Dutch
  /// and Portuguese, by month, as they are spelled (accents, any case, a trailing dot).
  static let localizedMonths: [(month: Int, names: [String])] = [
    (1, ["Januar", "Jänner", "janv.", "janvier", "ene", "enero", "gen", "gennaio", "januari",
         "janeiro", "JANV."]),
    (2, ["Februar", "févr.", "février", "FÉVR", "feb.", "febrero", "febbraio", "februari",
         "fev", "fevereiro"]),
    (3, ["Mär", "Mrz", "März", "mars", "marzo", "mrt", "maart", "março", "MRZ."]),
    (4, ["avr.", "avril", "abr", "abril", "aprile", "april"]),
    (5, ["Mai", "mai", "mayo", "mag", "maggio", "mei", "maio", "MAI"]),
    (6, ["Juni", "juin", "junio", "giu", "giugno", "junho"]),
    (7, ["Juli", "juil.", "juillet", "julio", "lug", "luglio", "julho"]),
    (8, ["août", "aout", "ago", "agosto", "augustus", "August"]),
    (9, ["sept.", "Sept", "septembre", "septiembre", "set", "settembre", "setembro"]),
    (10, ["Okt", "Oktober", "oct.", "octobre", "octubre", "ott", "ottobre", "okt", "out",
          "outubro"]),
    (11, ["nov.", "novembre", "noviembre", "novembro"]),
    (12, ["Dez", "Dezember", "déc.", "décembre", "dic", "diciembre", "dicembre", "dezembro",
          "DÉC"]),
  ]

  @Test func monthNamesInOtherLanguagesAreRead() {
    for (month, names) in Self.localizedMonths {
      let english = seconds("15 \(Self.english[month - 1]) 2021 10:00:00 +0100")
      #expect(english != nil)
      for name in names {
        #expect(seconds("15 \(name) 2021 10:00:00 +0100") == english, "\(name)")
      }
    }
  }

  @Test func localizedDatesAsMailersWriteThemAreRead() {
    let march2 = seconds("Tue, 2 Mar 2021 10:00:00 +0100")
    #expect(march2 != nil)
    for date in ["Di, 2 Mär 2021 10:00:00 +0100", "Di., 2. März 2021 10:00:00 +0100",
                 "mar., 2 mars 2021 10:00:00 +0100", "mardi 2 mars 2021 10:00:00 +0100",
                 "mar, 2 mar 2021 10:00:00 +0100", "martes, 2 de marzo de 2021 10:00:00 +0100",
                 "martedì 2 marzo 2021 10:00:00 +0100", "di 2 mrt 2021 10:00:00 +0100",
                 "ter, 2 de março de 2021 10:00:00 +0100", "Tue Mar  2 10:00:00 2021 +0100"] {
      #expect(seconds(date) == march2, "\(date)")
    }
  }

  @Test func monthNamesInLatin1BytesAreRead() {
    // `Mär` and `déc.` as a mailer writing Latin-1 sends them.
    let march = Array("2 M".utf8) + [0xE4] + Array("r 2021 10:00:00 +0100".utf8)
    let december = Array("2 d".utf8) + [0xE9] + Array("c. 2021 10:00:00 +0100".utf8)
    #expect(march.withUnsafeBufferPointer { MailDate.parse($0) }
      == MailDate.parse("2 Mar 2021 10:00:00 +0100"))
    #expect(december.withUnsafeBufferPointer { MailDate.parse($0) }
      == MailDate.parse("2 Dec 2021 10:00:00 +0100"))
  }

  /// `mar` is March in English, Spanish, Italian and Portuguese, and Tuesday in French,
  /// Spanish and Italian.
  @Test func marIsTuesdayOnlyWhenAnotherMonthIsNamed() {
    #expect(seconds("Mar, 12 Ene 2021 10:00:00 +0100") == seconds("12 Jan 2021 10:00:00 +0100"))
    #expect(seconds("mar., 12 janv. 2021 10:00:00 +0100")
      == seconds("12 Jan 2021 10:00:00 +0100"))
    #expect(seconds("12 Mar 2021 10:00:00 +0100") == seconds("12 March 2021 10:00:00 +0100"))
    #expect(seconds("Fri, 12 Mar 2021 10:00:00 +0100") != nil)
    #expect(seconds("Mar 12 10:00:00 2021") == seconds("12 Mar 2021 10:00:00 +0000"))
  }

  @Test func weekdayNamesAreNotMonths() {
    // Full weekday names starting like an English month: not March.
    #expect(seconds("martes, 12 2021 10:00:00 +0100") == nil)
    #expect(seconds("Mardi 12 2021 10:00:00 +0100") == nil)
    #expect(seconds("martes, 12 ene 2021 10:00:00 +0100")
      == seconds("12 Jan 2021 10:00:00 +0100"))
  }

  @Test func englishWordsStartingWithAMonthStillCount() {
    #expect(seconds("1 Sept 2003 10:00 +0000") == seconds("1 Sep 2003 10:00 +0000"))
    #expect(seconds("1 Augusti 2003 10:00 +0000") == seconds("1 Aug 2003 10:00 +0000"))
    #expect(seconds("1 Octob 2003 10:00 +0000") == seconds("1 Oct 2003 10:00 +0000"))
  }

  @Test func daysFromCivilMatchesKnownDays() {
    #expect(MailDate.daysFromCivil(year: 1970, month: 1, day: 1) == 0)
    #expect(MailDate.daysFromCivil(year: 2000, month: 3, day: 1) == 11_017)
    #expect(MailDate.daysFromCivil(year: 1600, month: 1, day: 1) == -135_140)
  }
}
