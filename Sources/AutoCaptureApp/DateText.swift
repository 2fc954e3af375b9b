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
    let calendar = gregorian(timeZone)
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: date)
    let time = String(format: "%02d:%02d", c.hour ?? 0, c.minute ?? 0)
    if abs(delta) < 6 * 24 * 3600 {
      let weekday = weekdays[((c.weekday ?? 1) - 1) % 7]
      let sameDay = calendar.isDate(date, inSameDayAs: now)
      return sameDay ? "today \(time)" : "\(weekday) \(time)"
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
    let c = gregorian(timeZone).dateComponents([.year, .month, .day, .weekday], from: date)
    return "\(weekdays[((c.weekday ?? 1) - 1) % 7]) \(c.day ?? 0) "
      + "\(months[((c.month ?? 1) - 1) % 12]) \(c.year ?? 0) \(time(date, timeZone: timeZone))"
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
