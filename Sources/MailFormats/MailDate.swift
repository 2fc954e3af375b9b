import Foundation

/// Parses RFC 5322 dates, obsolete forms included, straight from bytes.
///
/// Why by hand: `DateFormatter` costs tens of microseconds per call and knows one layout;
/// indexing needs a few hundred nanoseconds and mail in the wild uses many layouts. Accepted:
/// an optional weekday (with or without comma), day, month name, year (two digits: 00-49 →
/// 20xx, 50-99 → 19xx; three digits: + 1900), `hh:mm[:ss[.fff]]`, a numeric zone (also
/// `+hh:mm`, and `hhmm` without its sign after the year) or an obsolete zone name (UT, GMT,
/// Z, EST/EDT, CST/CDT, MST/MDT, PST/PDT; military letters and unknown names count as -0000
/// per RFC 5322 4.3), comments and extra whitespace anywhere; `-` between day, month and
/// year is a separator. The asctime order (`Mon Jan  2 15:04:05 2006`) reads too. Month
/// names may also be German, French, Spanish, Italian, Dutch or Portuguese (see
/// `monthName`). Anything else gives nil.
public enum MailDate {
  /// Parses a Date header value.
  public static func parse(_ value: String) -> Date? {
    Array(value.utf8).withUnsafeBufferPointer { parse($0) }
  }

  /// Parses Date header bytes.
  public static func parse(_ v: UnsafeBufferPointer<UInt8>) -> Date? {
    guard let s = secondsSince1970(v) else { return nil }
    return Date(timeIntervalSince1970: TimeInterval(s))
  }

  /// The instant as seconds since 1970-01-01T00:00:00Z, or nil when unparsable.
  static func secondsSince1970(_ v: UnsafeBufferPointer<UInt8>) -> Int? {
    let n = v.count
    var day = -1, month = -1, year = -1, yearDigits = 0
    // Whether `month` came from a name that is also a weekday (`mar`), so that a later
    // month name replaces it.
    var monthMayBeWeekday = false
    var hour = -1, minute = 0, second = 0
    var zoneSeconds = 0
    var zoneSet = false
    var numericZoneSet = false
    var pm: Bool? = nil
    var i = 0
    while i < n {
      let b = v[i]
      if b == 0x28 {  // comment, possibly nested
        var depth = 0
        while i < n {
          if v[i] == 0x5C { i += 2; continue }
          if v[i] == 0x28 { depth += 1 }
          if v[i] == 0x29 { depth -= 1; if depth == 0 { i += 1; break } }
          i += 1
        }
        continue
      }
      if isDigit(b) {
        let (value, digits, end) = readNumber(v, from: i)
        guard digits <= 9 else { return nil }
        i = end
        if i < n, v[i] == 0x3A {  // time
          guard hour < 0 else { return nil }
          hour = value
          guard digits <= 2, i + 1 < n, isDigit(v[i + 1]) else { return nil }
          let (m, md, mEnd) = readNumber(v, from: i + 1)
          guard md <= 2 else { return nil }
          minute = m
          i = mEnd
          if i + 1 < n, v[i] == 0x3A, isDigit(v[i + 1]) {
            let (s, sd, sEnd) = readNumber(v, from: i + 1)
            guard sd <= 2 else { return nil }
            second = s
            i = sEnd
            // Fractional seconds (`:37.250`), written by some mailers: dropped.
            if i + 1 < n, v[i] == 0x2E || v[i] == 0x2C, isDigit(v[i + 1]) {
              i = readNumber(v, from: i + 1).end
            }
          }
          continue
        }
        // Four digits after a time and a year, without a sign: a zone whose `+` was dropped
        // (only a real offset, up to 14 hours: a repeated year stays an error).
        if digits == 4, year >= 0, hour >= 0, !numericZoneSet {
          guard value / 100 <= 14, value % 100 < 60 else { return nil }
          zoneSeconds = (value / 100 * 3600 + value % 100 * 60)
          zoneSet = true
          numericZoneSet = true
          continue
        }
        if digits >= 3 {
          guard year < 0 else { return nil }
          year = value; yearDigits = digits
        } else if day < 0 {
          day = value
        } else if year < 0 {
          year = value; yearDigits = digits
        } else {
          return nil
        }
        continue
      }
      // A sign starts a zone once the time (or, without a time, the year) is read; before
      // that a `-` separates day, month and year (`1-Jul-2003`).
      if (b == 0x2B || b == 0x2D), i + 1 < n, isDigit(v[i + 1]), hour >= 0 || year >= 0 {
        let (value, digits, end) = readNumber(v, from: i + 1)
        i = end
        guard !numericZoneSet else { continue }
        let hh: Int
        var mm: Int
        switch digits {
        case 4: hh = value / 100; mm = value % 100
        case 1, 2: hh = value; mm = 0
        default: return nil
        }
        // `+05:30`: hours and minutes split by a colon.
        if digits <= 2, i + 2 < n, v[i] == 0x3A, isDigit(v[i + 1]) {
          let (minutes, minuteDigits, minutesEnd) = readNumber(v, from: i + 1)
          guard minuteDigits == 2 else { return nil }
          mm = minutes
          i = minutesEnd
        }
        guard mm < 60 else { return nil }
        zoneSeconds = (hh * 3600 + mm * 60) * (b == 0x2D ? -1 : 1)
        zoneSet = true
        numericZoneSet = true
        continue
      }
      if let word = Word(v, at: i) {
        i = word.end
        if let name = monthName(word) {
          if name.month > 0, month < 0 || (monthMayBeWeekday && !name.mayBeWeekday) {
            month = name.month
            monthMayBeWeekday = name.mayBeWeekday
          }
          continue
        }
        // Zones, `am` and `pm` are ASCII.
        guard word.isASCII else { continue }
        let key = word.firstFour, length = word.length
        if let offset = zoneOffset(key: key, length: length) {
          if !zoneSet { zoneSeconds = offset; zoneSet = true }
          continue
        }
        if length == 2, key == 0x616D { pm = false }  // am
        if length == 2, key == 0x706D { pm = true }  // pm
        continue  // weekday names and unknown words
      }
      i += 1
    }
    guard day >= 1, month >= 1, year >= 0 else { return nil }
    if hour < 0 { hour = 0 }
    if let pm {
      if pm, hour < 12 { hour += 12 } else if !pm, hour == 12 { hour = 0 }
    }
    switch yearDigits {
    case 1, 2: year += year < 50 ? 2000 : 1900
    case 3: year += 1900
    default: break
    }
    guard year >= 1, year <= 9999, day <= daysInMonth(year: year, month: month),
          hour <= 23, minute <= 59, second <= 60 else { return nil }
    let days = daysFromCivil(year: year, month: month, day: day)
    return days * 86400 + hour * 3600 + minute * 60 + second - zoneSeconds
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date; the same arithmetic iCalendar
  /// values use.
  public static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
    ICalendarLocalDateTime.dayNumber(year: year, month: month, day: day)
  }

  static func daysInMonth(year: Int, month: Int) -> Int {
    ICalendarLocalDateTime.daysInMonth(year: year, month: month)
  }

  @inline(__always)
  static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

  @inline(__always)
  static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

  @inline(__always)
  static func readNumber(
    _ v: UnsafeBufferPointer<UInt8>, from start: Int
  ) -> (value: Int, digits: Int, end: Int) {
    var i = start
    var value = 0
    while i < v.count, isDigit(v[i]) {
      if i - start < 10 { value = value * 10 + Int(v[i] - 0x30) }
      i += 1
    }
    return (value, i - start, i)
  }

  /// A run of letters in a date, read case- and accent-blind: ASCII letters, and the
  /// accented Latin letters of U+00C0-U+00FF in UTF-8 or as single Latin-1 bytes (`Mär`,
  /// `déc.`, `août` as mailers write them in either).
  struct Word {
    /// The offset after the word.
    var end: Int
    /// How many letters.
    var length = 0
    /// Up to 12 letters folded to `a`-`z`, five bits each; nil when longer or holding a
    /// letter with no plain form (`ß`, `æ`, or one outside Latin-1).
    var folded: UInt64? = 0
    /// The first four letters folded, a byte each, as zone names are matched.
    var firstFour: UInt32 = 0
    var isASCII = true

    init?(_ v: UnsafeBufferPointer<UInt8>, at start: Int) {
      end = start
      while end < v.count, let (letter, width) = MailDate.letter(v, at: end) {
        if width > 1 || v[end] >= 0x80 { isASCII = false }
        if length < 4 { firstFour = firstFour << 8 | UInt32(letter) }
        if let f = folded, length < 12, letter != 0x3F {
          folded = f << 5 | UInt64(letter - 0x60)
        } else {
          folded = nil
        }
        length += 1
        end += width
      }
      if length == 0 { return nil }
    }

    /// The first three letters folded, when they are plain letters.
    var firstThree: UInt64? {
      guard length > 3, let f = folded, length <= 12 else { return nil }
      return f >> UInt64(5 * (length - 3))
    }
  }

  /// The letter at `i` folded to lowercase ASCII (`?` for a letter with no plain form) and
  /// its width in bytes, or nil for anything else.
  @inline(__always)
  static func letter(_ v: UnsafeBufferPointer<UInt8>, at i: Int) -> (UInt8, Int)? {
    let b = v[i]
    if isLetter(b) { return (b | 0x20, 1) }
    guard b >= 0xC0 else { return nil }
    if i + 1 < v.count, v[i + 1] & 0xC0 == 0x80, b <= 0xDF {
      // Two-byte UTF-8: U+00C0-U+00FF folds; U+0080-U+00BF (a no-break space, signs) is
      // no letter; the rest (Polish, Greek, Cyrillic) are letters with no plain form.
      if b == 0xC2 { return nil }
      guard b == 0xC3 else { return (0x3F, 2) }
      let folded = latinFolding[Int(v[i + 1] & 0x1F)]
      return folded == UInt8(ascii: ".") ? nil : (folded, 2)
    }
    let folded = latinFolding[Int(b & 0x1F)]  // one Latin-1 byte
    return folded == UInt8(ascii: ".") ? nil : (folded, 1)
  }

  /// U+00C0-U+00DF (and, case aside, U+00E0-U+00FF) without their accents; `?` for a letter
  /// with no plain form, `.` for the two signs (`×`, `÷`).
  static let latinFolding = Array("aaaaaa?ceeeeiiii?nooooo.ouuuuy??".utf8)

  /// What a name in a date means: a month (1-12), or 0 for a weekday; `mayBeWeekday` for a
  /// month name that is also a weekday somewhere (`mar`: March, and Tuesday in French,
  /// Spanish and Italian), which gives way to another month name in the same date.
  struct MonthName {
    var month: Int
    var mayBeWeekday = false
    /// English abbreviations also match as the start of a longer unknown word (`Octob`,
    /// `Augusti`), as they always have.
    var matchesAsPrefix = false
  }

  /// The month a word names, or a weekday (month 0), or nil for any other word.
  ///
  /// Why more than English: some mailers write the Date header in the sender's language,
  /// and such a message would otherwise lose its date to a fallback. German, French,
  /// Spanish, Italian, Dutch and Portuguese names and abbreviations are read; English stays
  /// the standard, and no other language's name means a different English month.
  static func monthName(_ word: Word) -> MonthName? {
    guard word.length >= 3 else { return nil }
    if let f = word.folded, let name = monthNames[f] { return name }
    if let f = word.firstThree, let name = monthNames[f], name.matchesAsPrefix { return name }
    return nil
  }

  /// Month and weekday names by their folded letters (accents dropped: `févr.` is `fevr`).
  static let monthNames: [UInt64: MonthName] = {
    let months = [
      "jan january januar janner januari janv janvier ene enero gen gennaio janeiro",
      "feb february februar feber februari fevr fevrier febrero febbraio fev fevereiro",
      "mar march marz maerz mrz maart mrt mars marzo marco",
      "apr april avr avril abr abril aprile",
      "may mai mei mayo mag maggio maio",
      "jun june juni juin junio giu giugno junho",
      "jul july juli juil juillet julio lug luglio julho",
      "aug august augustus aout ago agosto",
      "sep sept september septembre septiembre setiembre set settembre setembro",
      "oct october okt oktober octobre octubre ott ottobre out outubro",
      "nov november novembre noviembre novembro",
      "dec december dez dezember decembre dic diciembre dicembre dezembro",
    ]
    let weekdays = [
      "mon monday tue tues tuesday wed wednesday thu thur thurs thursday fri friday",
      "sat saturday sun sunday",
      "montag dienstag mittwoch donnerstag freitag samstag sonnabend sonntag",
      "lun lundi mar mardi mer mercredi jeu jeudi ven vendredi sam samedi dim dimanche",
      "lunes martes mie miercoles jue jueves vie viernes sab sabado dom domingo",
      "lunedi martedi mercoledi gio giovedi venerdi sabato domenica",
      "maandag dinsdag woensdag donderdag vrijdag zaterdag zondag",
      "seg segunda ter terca qua quarta qui quinta sex sexta",
    ]
    func key(_ name: Substring) -> UInt64 {
      name.utf8.reduce(0) { $0 << 5 | UInt64($1 - 0x60) }
    }
    var table: [UInt64: MonthName] = [:]
    for (index, names) in months.enumerated() {
      for (position, name) in names.split(separator: " ").enumerated() {
        table[key(name)] = MonthName(month: index + 1, matchesAsPrefix: position == 0)
      }
    }
    for name in weekdays.joined(separator: " ").split(separator: " ") {
      if table[key(name)] != nil {
        table[key(name)]?.mayBeWeekday = true
      } else {
        table[key(name)] = MonthName(month: 0)
      }
    }
    return table
  }()

  /// The offset in seconds of an obsolete zone name (`key` packs up to four lowercase
  /// letters); military letters count as -0000 (RFC 5322 4.3).
  static func zoneOffset(key: UInt32, length: Int) -> Int? {
    switch (length, key) {
    case (1, _): return key == 0x6A ? nil : 0  // "j" is not a zone
    case (2, 0x7574): return 0  // ut
    case (3, 0x757463), (3, 0x676D74): return 0  // utc, gmt
    case (3, 0x657374): return -5 * 3600
    case (3, 0x656474): return -4 * 3600
    case (3, 0x637374): return -6 * 3600
    case (3, 0x636474): return -5 * 3600
    case (3, 0x6D7374): return -7 * 3600
    case (3, 0x6D6474): return -6 * 3600
    case (3, 0x707374): return -8 * 3600
    case (3, 0x706474): return -7 * 3600
    default: return nil
    }
  }
}
