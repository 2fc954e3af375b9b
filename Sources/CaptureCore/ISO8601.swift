import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// ISO 8601 reading and writing as the contracts use it: UTC with `Z` on output; any zone
/// (`Z`, `+01:00`) and optional fractional seconds on input.
public enum ISO8601 {
  /// Parses a date-time with a zone; nil when it has none or is malformed.
  public static func parse(_ text: String) -> Date? {
    let t = text.trimmingCharacters(in: .whitespaces)
    let plain = Date.ISO8601FormatStyle(includingFractionalSeconds: false)
    if let d = try? plain.parse(t) { return d }
    let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    return try? fractional.parse(t)
  }

  /// `2026-11-20T09:30:00Z` (seconds truncated).
  ///
  /// Through the C library's `gmtime_r`, not `ISO8601FormatStyle`: the first use of a
  /// format style sets up Foundation's calendar cache, about 0.3 ms of a one-shot
  /// `timeline --json`.
  public static func format(_ date: Date) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    guard gmtime_r(&seconds, &parts) != nil else {
      return date.formatted(
        Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt))
    }
    func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
    let year = Int(parts.tm_year) + 1900
    let yearText = year >= 0 && year < 1000
      ? String(repeating: "0", count: 4 - String(year).count) + String(year) : String(year)
    return "\(yearText)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):"
      + "\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
  }
}
