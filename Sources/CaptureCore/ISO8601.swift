import Foundation

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

  /// `2026-11-20T09:30:00Z`.
  public static func format(_ date: Date) -> String {
    date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: .gmt))
  }
}
