import Foundation

/// A calendar date without a time or zone (proleptic Gregorian).
///
/// The demo computes every date with integer arithmetic instead of `Calendar` so the generated
/// bytes depend only on `now` and the user's zone, never on the machine's locale or tz data.
struct CivilDate: Hashable, Sendable {
  var year: Int
  var month: Int
  var day: Int

  /// Days since 1970-01-01 (Howard Hinnant's days-from-civil).
  var dayNumber: Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (month + 9) % 12
    let doy = (153 * mp + 2) / 5 + day - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146_097 + doe - 719_468
  }

  init(year: Int, month: Int, day: Int) {
    self.year = year; self.month = month; self.day = day
  }

  init(dayNumber: Int) {
    let z = dayNumber + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let doe = z - era * 146_097
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    day = doy - (153 * mp + 2) / 5 + 1
    month = mp < 10 ? mp + 3 : mp - 9
    year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  }

  /// 0 = Sunday ... 6 = Saturday.
  var weekday: Int { ((dayNumber % 7) + 11) % 7 }

  func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

  /// `20261123`, the iCalendar DATE form.
  var basic: String { String(format: "%04d%02d%02d", year, month, day) }

  /// The instant this date's wall-clock time names when read as UTC.
  func naiveSeconds(hour: Int, minute: Int = 0) -> Int {
    dayNumber * 86_400 + hour * 3600 + minute * 60
  }
}

/// A time zone the demo writes dates in: the user's, Central European, or a fixed offset.
enum DemoZone: Hashable, Sendable {
  case user
  /// Europe/Berlin rules (CET/CEST, EU summer time), matching the VTIMEZONE the demo writes.
  case centralEurope
  case fixed(minutes: Int)
}

/// Turns instants into the text forms the mail and calendar formats need.
struct DemoClock: Sendable {
  /// `now`, floored to the whole minute so generated times look hand-made.
  let now: Date
  let userZone: TimeZone

  init(now: Date, userZone: TimeZone) {
    let seconds = now.timeIntervalSince1970
    self.now = Date(timeIntervalSince1970: (seconds / 60).rounded(.down) * 60)
    self.userZone = userZone
  }

  /// Offset from UTC in seconds of `zone` at the instant `date`.
  func offset(of zone: DemoZone, at date: Date) -> Int {
    switch zone {
    case .user: return userZone.secondsFromGMT(for: date)
    case .fixed(let minutes): return minutes * 60
    case .centralEurope:
      let t = Int(date.timeIntervalSince1970.rounded(.down))
      let year = CivilDate(dayNumber: t / 86_400).year
      let start = Self.lastSunday(year: year, month: 3).naiveSeconds(hour: 1)
      let end = Self.lastSunday(year: year, month: 10).naiveSeconds(hour: 1)
      return (t >= start && t < end) ? 7200 : 3600
    }
  }

  static func lastSunday(year: Int, month: Int) -> CivilDate {
    let firstOfNext = month == 12
      ? CivilDate(year: year + 1, month: 1, day: 1)
      : CivilDate(year: year, month: month + 1, day: 1)
    let last = firstOfNext.adding(days: -1)
    return last.adding(days: -last.weekday)
  }

  /// The calendar date of `date` as seen in `zone`.
  func localDate(_ date: Date, in zone: DemoZone) -> CivilDate {
    let t = Int(date.timeIntervalSince1970.rounded(.down)) + offset(of: zone, at: date)
    return CivilDate(dayNumber: Int((Double(t) / 86_400).rounded(.down)))
  }

  /// The instant of a wall-clock time in `zone`.
  func instant(_ date: CivilDate, hour: Int, minute: Int = 0, in zone: DemoZone) -> Date {
    let naive = Double(date.naiveSeconds(hour: hour, minute: minute))
    let first = offset(of: zone, at: Date(timeIntervalSince1970: naive))
    let second = offset(of: zone, at: Date(timeIntervalSince1970: naive - Double(first)))
    return Date(timeIntervalSince1970: naive - Double(second))
  }

  /// Today's date in the user's zone.
  var userToday: CivilDate { localDate(now, in: .user) }

  /// The working day (Monday to Friday, user's zone) about `calendarDays` before today:
  /// the same span counted in working days (5 for every 7), at least one, so mail reads as
  /// sent during the week and is never dated today or later.
  func workdayBefore(calendarDays: Int) -> CivilDate {
    let wanted = max(1, (calendarDays * 5 + 3) / 7)
    var day = userToday
    var counted = 0
    while counted < wanted {
      day = day.adding(days: -1)
      if (1...5).contains(day.weekday) { counted += 1 }
    }
    return day
  }

  /// RFC 5322 date-time with a numeric zone: `Mon, 23 Nov 2026 10:52:00 +0100`.
  func rfc5322(_ date: Date, in zone: DemoZone) -> String {
    let off = offset(of: zone, at: date)
    let local = Int(date.timeIntervalSince1970.rounded(.down)) + off
    let days = Int((Double(local) / 86_400).rounded(.down))
    let civil = CivilDate(dayNumber: days)
    let secs = local - days * 86_400
    let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec"]
    let sign = off < 0 ? "-" : "+"
    let absOff = abs(off) / 60
    let clock = String(format: "%02d:%02d:%02d", secs / 3600, (secs % 3600) / 60, secs % 60)
    let zoneText = sign + String(format: "%02d%02d", absOff / 60, absOff % 60)
    return "\(names[civil.weekday]), \(civil.day) \(months[civil.month - 1]) "
      + String(format: "%04d", civil.year) + " \(clock) \(zoneText)"
  }

  /// iCalendar UTC form `20261123T100000Z` (also the timeline's recurrence-id form).
  static func basicUTC(_ date: Date) -> String {
    let t = Int(date.timeIntervalSince1970.rounded(.down))
    let days = Int((Double(t) / 86_400).rounded(.down))
    let secs = t - days * 86_400
    return CivilDate(dayNumber: days).basic
      + String(format: "T%02d%02d%02dZ", secs / 3600, (secs % 3600) / 60, secs % 60)
  }

  /// iCalendar local form `20261123T100000` for a wall-clock time.
  static func basicLocal(_ date: CivilDate, hour: Int, minute: Int = 0) -> String {
    date.basic + String(format: "T%02d%02d00", hour, minute)
  }
}
