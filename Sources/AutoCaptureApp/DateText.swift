import Foundation

/// Dates as a tile shows them: relative when recent ("2h ago", "in 3h", "Tue 14:00"),
/// absolute otherwise ("12 Nov", "12 Nov 2025").
public enum DateText {
  public static func relative(_ date: Date, now: Date, timeZone: TimeZone) -> String {
    let delta = now.timeIntervalSince(date)
    if delta >= 0 && delta < 60 { return "just now" }
    if delta >= 60 && delta < 3600 { return "\(Int(delta / 60))m ago" }
    if delta >= 3600 && delta < 12 * 3600 { return "\(Int(delta / 3600))h ago" }
    if delta < 0 && -delta < 3600 { return "in \(max(1, Int(-delta / 60)))m" }
    return onCalendar(date, now: now, timeZone: timeZone)
  }

  /// The day and time without "ago": "today 14:00", "Tue 14:00" within six days, else
  /// "12 Nov" or "12 Nov 2025". A meeting's start reads better so once it has begun
  /// ("today 09:00–09:30", not "2h ago–09:30").
  public static func onCalendar(_ date: Date, now: Date, timeZone: TimeZone) -> String {
    let day = self.day(date, now: now, timeZone: timeZone)
    guard abs(now.timeIntervalSince(date)) < 6 * 24 * 3600 else { return day }
    return "\(day) \(time(date, timeZone: timeZone))"
  }

  /// The day alone, as `onCalendar` names it: "today", "Tue", "12 Nov", "12 Nov 2025".
  /// An all-day meeting has no time to show.
  public static func day(_ date: Date, now: Date, timeZone: TimeZone) -> String {
    let calendar = gregorian(timeZone)
    let c = calendar.dateComponents([.year, .month, .day, .weekday], from: date)
    if abs(now.timeIntervalSince(date)) < 6 * 24 * 3600 {
      if calendar.isDate(date, inSameDayAs: now) { return "today" }
      return weekdays[((c.weekday ?? 1) - 1) % 7]
    }
    let month = months[((c.month ?? 1) - 1) % 12]
    let thisYear = calendar.component(.year, from: now) == c.year
    return thisYear ? "\(c.day ?? 0) \(month)" : "\(c.day ?? 0) \(month) \(c.year ?? 0)"
  }

  /// `14:00` in the zone, for a meeting's end.
  public static func time(_ date: Date, timeZone: TimeZone) -> String {
    let c = gregorian(timeZone).dateComponents([.hour, .minute], from: date)
    return String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
  }

  /// `Mon 23 Nov 2026 14:05` for the expanded tile.
  public static func full(_ date: Date, timeZone: TimeZone) -> String {
    "\(fullDay(date, timeZone: timeZone)) \(time(date, timeZone: timeZone))"
  }

  /// `Mon 23 Nov 2026`.
  public static func fullDay(_ date: Date, timeZone: TimeZone) -> String {
    let c = gregorian(timeZone).dateComponents([.year, .month, .day, .weekday], from: date)
    return "\(weekdays[((c.weekday ?? 1) - 1) % 7]) \(c.day ?? 0) "
      + "\(months[((c.month ?? 1) - 1) % 12]) \(c.year ?? 0)"
  }

  /// When a meeting is, for the expanded tile: `Tue 24 Nov 2026 09:00 – 09:30` (the end's
  /// day too when it is another), `Tue 24 Nov 2026, all day`, or for an all-day meeting over
  /// several days `Tue 24 Nov 2026 – Thu 26 Nov 2026, all day`: an all-day end is the
  /// morning after the last day (RFC 5545, 3.6.1).
  public static func span(_ start: Date, end: Date?, isAllDay: Bool, timeZone: TimeZone)
    -> String {
    let calendar = gregorian(timeZone)
    if isAllDay {
      let last = end.map { $0.addingTimeInterval(-1) }.flatMap { $0 > start ? $0 : nil }
      guard let last, !calendar.isDate(last, inSameDayAs: start) else {
        return "\(fullDay(start, timeZone: timeZone)), all day"
      }
      return "\(fullDay(start, timeZone: timeZone)) – \(fullDay(last, timeZone: timeZone)), all day"
    }
    let from = full(start, timeZone: timeZone)
    // An end at or before the start (a broken calendar) says nothing true: show the start.
    guard let end, end > start else { return from }
    let sameDay = calendar.isDate(end, inSameDayAs: start)
    return "\(from) – \(sameDay ? time(end, timeZone: timeZone) : full(end, timeZone: timeZone))"
  }

  static func gregorian(_ timeZone: TimeZone) -> Calendar {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = timeZone
    return calendar
  }

  static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
  static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                       "Nov", "Dec"]
}
