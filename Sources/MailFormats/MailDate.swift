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
/// year is a separator. The asctime order (`Mon Jan  2 15:04:05 2006`) reads too. Anything
/// else gives nil.
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
      if isLetter(b) {
        var j = i
        var key: UInt32 = 0
        while j < n, isLetter(v[j]) {
          if j - i < 4 { key = key << 8 | UInt32(v[j] | 0x20) }
          j += 1
        }
        let length = j - i
        i = j
        if length >= 3, month < 0, let m = monthNumber(v, at: j - length) {
          month = m
          continue
        }
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

  /// The month (1-12) named by the three letters at `start`, any case.
  static func monthNumber(_ v: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
    let key = UInt32(v[start] | 0x20) << 16 | UInt32(v[start + 1] | 0x20) << 8
      | UInt32(v[start + 2] | 0x20)
    switch key {
    case 0x6A616E: return 1  // jan
    case 0x666562: return 2  // feb
    case 0x6D6172: return 3  // mar
    case 0x617072: return 4  // apr
    case 0x6D6179: return 5  // may
    case 0x6A756E: return 6  // jun
    case 0x6A756C: return 7  // jul
    case 0x617567: return 8  // aug
    case 0x736570: return 9  // sep
    case 0x6F6374: return 10  // oct
    case 0x6E6F76: return 11  // nov
    case 0x646563: return 12  // dec
    default: return nil
    }
  }

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
