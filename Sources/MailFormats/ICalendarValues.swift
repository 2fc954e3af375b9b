import Foundation

/// A wall-clock date and time with no zone: what a DATE or DATE-TIME value literally says.
///
/// Recurrence is computed on these (RFC 5545 expands rules in the event's local time), and
/// only the final occurrences are placed on the time line through a zone. Plain integer
/// arithmetic keeps it exact and independent of the machine's calendar settings.
public struct ICalendarLocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
  public var year: Int
  public var month: Int
  public var day: Int
  public var hour: Int
  public var minute: Int
  public var second: Int

  public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
    self.year = year; self.month = month; self.day = day
    self.hour = hour; self.minute = minute; self.second = second
  }

  /// Days since 1970-01-01 of a proleptic Gregorian date (valid for any year).
  public static func dayNumber(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  /// The date of a day number (inverse of `dayNumber`).
  public static func civil(fromDayNumber z0: Int) -> (year: Int, month: Int, day: Int) {
    let z = z0 + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let day = doy - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
  }

  public static func isLeapYear(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

  public static func daysInMonth(year: Int, month: Int) -> Int {
    switch month {
    case 2: return isLeapYear(year) ? 29 : 28
    case 4, 6, 9, 11: return 30
    default: return 31
    }
  }

  public var dayNumber: Int { Self.dayNumber(year: year, month: month, day: day) }
  /// ISO weekday: 1 = Monday ... 7 = Sunday.
  public var weekday: Int { Self.weekday(ofDayNumber: dayNumber) }
  public static func weekday(ofDayNumber n: Int) -> Int {
    // 1970-01-01 was a Thursday (4).
    ((n + 3) % 7 + 7) % 7 + 1
  }
  public var secondOfDay: Int { hour * 3600 + minute * 60 + second }

  /// Seconds since 1970-01-01T00:00:00 reading the wall clock as if it were UTC.
  public var secondsAsUTC: Int64 { Int64(dayNumber) * 86_400 + Int64(secondOfDay) }

  public init(secondsAsUTC s: Int64) {
    let days = Int((s >= 0 ? s : s - 86_399) / 86_400)
    let rest = Int(s - Int64(days) * 86_400)
    let d = Self.civil(fromDayNumber: days)
    self.init(year: d.year, month: d.month, day: d.day, hour: rest / 3600,
              minute: rest / 60 % 60, second: rest % 60)
  }

  /// The same wall clock moved by a whole number of days.
  public func addingDays(_ n: Int) -> ICalendarLocalDateTime {
    let d = Self.civil(fromDayNumber: dayNumber + n)
    return ICalendarLocalDateTime(year: d.year, month: d.month, day: d.day, hour: hour,
                                  minute: minute, second: second)
  }

  /// True when the fields name a real date and time (second 60 allowed for leap seconds).
  public var isValid: Bool {
    month >= 1 && month <= 12 && day >= 1 && day <= Self.daysInMonth(year: year, month: month)
      && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 60
  }

  public static func < (a: Self, b: Self) -> Bool {
    (a.year, a.month, a.day, a.hour, a.minute, a.second)
      < (b.year, b.month, b.day, b.hour, b.minute, b.second)
  }

  public var description: String {
    String(format: "%04d-%02d-%02dT%02d:%02d:%02d", year, month, day, hour, minute, second)
  }
}

/// A DATE or DATE-TIME value as written, with how its wall clock is to be placed in time.
public struct ICalendarDateTime: Hashable, Sendable, CustomStringConvertible {
  public enum Zone: Hashable, Sendable {
    /// `...Z`: the wall clock is UTC.
    case utc
    /// No zone: read in the user's time zone.
    case floating
    /// `TZID=`: resolved through the file's VTIMEZONE or the IANA database.
    case named(String)
  }
  public var local: ICalendarLocalDateTime
  /// A DATE value (all-day): the time fields are zero.
  public var isDate: Bool
  public var zone: Zone

  public init(local: ICalendarLocalDateTime, isDate: Bool, zone: Zone) {
    self.local = local; self.isDate = isDate; self.zone = zone
  }

  public var description: String {
    switch zone {
    case .utc: return local.description + "Z"
    case .floating: return isDate ? String(local.description.prefix(10)) : local.description
    case .named(let z): return "\(local) \(z)"
    }
  }

  /// Reads `20140829T080000`, `20140829T080000Z` or `20140829` (VALUE=DATE, or an 8-digit
  /// value). `tzid` is the property's TZID parameter; it is ignored for UTC and DATE values.
  public static func parse(_ raw: String, tzid: String?, valueType: String?)
    -> Result<ICalendarDateTime, ICalendarValueError>
  {
    let s = raw.trimmingCharacters(in: .whitespaces)
    let digits = Array(s.utf8)
    func number(_ r: Range<Int>) -> Int? {
      var n = 0
      for i in r {
        guard i < digits.count, digits[i] >= 48, digits[i] <= 57 else { return nil }
        n = n * 10 + Int(digits[i] - 48)
      }
      return n
    }
    let wantsDate = valueType?.uppercased() == "DATE"
    if digits.count == 8 {
      guard let y = number(0..<4), let m = number(4..<6), let d = number(6..<8) else {
        return .failure(.init("'\(s)' is not a date"))
      }
      let local = ICalendarLocalDateTime(year: y, month: m, day: d)
      guard local.isValid else { return .failure(.init("'\(s)' is not a real date")) }
      return .success(ICalendarDateTime(local: local, isDate: true, zone: .floating))
    }
    if wantsDate { return .failure(.init("'\(s)' is not a date (VALUE=DATE)")) }
    guard digits.count == 15 || (digits.count == 16 && (digits[15] == 90 || digits[15] == 122)),
          digits[8] == 84 || digits[8] == 116,
          let y = number(0..<4), let m = number(4..<6), let d = number(6..<8),
          let hh = number(9..<11), let mm = number(11..<13), let ss = number(13..<15)
    else { return .failure(.init("'\(ICalendarReader.printable(s))' is not a date-time")) }
    let local = ICalendarLocalDateTime(year: y, month: m, day: d, hour: hh, minute: mm,
                                       second: ss)
    guard local.isValid else { return .failure(.init("'\(s)' is not a real date-time")) }
    let zone: Zone
    if digits.count == 16 {
      zone = .utc
    } else if let tzid, !tzid.isEmpty {
      zone = .named(tzid)
    } else {
      zone = .floating
    }
    return .success(ICalendarDateTime(local: local, isDate: false, zone: zone))
  }
}

/// Why a value could not be read.
public struct ICalendarValueError: Error, Hashable, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ description: String) { self.description = description }
}

/// A DURATION value (RFC 5545 3.3.6): nominal days and weeks stay days (so that one day
/// across a DST change is 23 or 25 hours), hours to seconds are exact.
public struct ICalendarDuration: Hashable, Sendable {
  /// Days (weeks counted as 7 days); negative for a negative duration.
  public var days: Int
  /// Exact seconds (hours, minutes, seconds); negative for a negative duration.
  public var seconds: Int

  public init(days: Int, seconds: Int) { self.days = days; self.seconds = seconds }

  /// Reads `PT1H30M`, `P1D`, `-PT15M`, `P2W`, `+P1DT2H`.
  ///
  /// Each unit at most once and in the order W, D, H, M, S; numbers of at most 9 digits; a
  /// total of at most about 10,000 years (3,660,000 days). Sums use overflow-reporting
  /// arithmetic all the same.
  public static func parse(_ raw: String) -> Result<ICalendarDuration, ICalendarValueError> {
    // The longest valid value, `+P999999999DT999999999H999999999M999999999S`, has 44 bytes.
    guard raw.utf8.count <= 64 else {
      return .failure(.init("'\(ICalendarReader.printable(raw))' is not a duration"))
    }
    let s = raw.trimmingCharacters(in: .whitespaces).uppercased()
    func invalid() -> Result<ICalendarDuration, ICalendarValueError> {
      .failure(.init("'\(s)' is not a duration"))
    }
    var chars = Substring(s)
    var sign = 1
    if chars.first == "-" { sign = -1; chars = chars.dropFirst() }
    else if chars.first == "+" { chars = chars.dropFirst() }
    guard chars.first == "P" else { return invalid() }
    chars = chars.dropFirst()
    var days = 0, seconds = 0
    var inTime = false
    var number = ""
    var sawComponent = false
    /// Units in the order they may come; each one read moves past it.
    var units: ArraySlice<(unit: Character, inTime: Bool, days: Int, seconds: Int)> = [
      ("W", false, 7, 0), ("D", false, 1, 0), ("H", true, 0, 3600), ("M", true, 0, 60),
      ("S", true, 0, 1),
    ][...]
    let limitDays = 3_660_000
    for c in chars {
      if c.isASCII, c.isNumber {
        number.append(c)
        guard number.count <= 9 else { return .failure(.init("'\(s)' is too long a duration")) }
        continue
      }
      if c == "T" {
        guard !inTime, number.isEmpty else { return invalid() }
        inTime = true
        continue
      }
      guard let n = Int(number), let at = units.firstIndex(where: { $0.unit == c }),
            units[at].inTime == inTime
      else { return invalid() }
      number = ""
      sawComponent = true
      let unit = units[at]
      units = units[(at + 1)...]
      let (d, dayOverflow) = n.multipliedReportingOverflow(by: unit.days)
      let (t, secondOverflow) = n.multipliedReportingOverflow(by: unit.seconds)
      let (newDays, daySumOverflow) = days.addingReportingOverflow(d)
      let (newSeconds, secondSumOverflow) = seconds.addingReportingOverflow(t)
      guard !(dayOverflow || secondOverflow || daySumOverflow || secondSumOverflow),
            newDays + newSeconds / 86_400 <= limitDays
      else { return .failure(.init("'\(s)' is too long a duration")) }
      days = newDays
      seconds = newSeconds
    }
    guard number.isEmpty, sawComponent else { return invalid() }
    return .success(ICalendarDuration(days: sign * days, seconds: sign * seconds))
  }
}

/// A UTC offset value (`+0100`, `-0500`, `+053000`), in seconds.
enum ICalendarUTCOffset {
  static func parse(_ raw: String) -> Int? {
    let s = Array(raw.trimmingCharacters(in: .whitespaces).utf8)
    guard s.count == 5 || s.count == 7, s[0] == 43 || s[0] == 45 else { return nil }
    var parts: [Int] = []
    var i = 1
    while i + 1 < s.count {
      guard (48...57).contains(s[i]), (48...57).contains(s[i + 1]) else { return nil }
      parts.append(Int(s[i] - 48) * 10 + Int(s[i + 1] - 48))
      i += 2
    }
    guard parts[0] <= 23, parts[1] <= 59, parts.count < 3 || parts[2] <= 59 else { return nil }
    let total = parts[0] * 3600 + parts[1] * 60 + (parts.count > 2 ? parts[2] : 0)
    return s[0] == 45 ? -total : total
  }
}
