import CaptureCore
import DemoWorkspace
import Foundation
import TestSupport

/// Small, independent readers of what the demo wrote, so the tests check the files as a
/// parser would see them rather than the generator's own model.
enum DemoFiles {
  struct Failure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
  }

  /// Generates a workspace into a fresh temporary folder.
  static func generate(now: String = "2026-11-23T10:52:17Z",
                       zone: String = "America/New_York") throws -> (URL, DemoManifest, Date) {
    guard let date = ISO8601.parse(now) else { throw Failure("bad test date \(now)") }
    guard let timeZone = TimeZone(identifier: zone) else { throw Failure("no zone \(zone)") }
    let dir = try Fixtures.temporaryDirectory("demo-workspace")
    let manifest = try DemoWorkspace.generate(into: dir, now: date, timeZone: timeZone)
    return (dir, manifest, date)
  }

  /// Every regular file under `root`, by path relative to it.
  static func allFiles(under root: URL) throws -> [String: Data] {
    var out: [String: Data] = [:]
    let base = root.standardizedFileURL.resolvingSymlinksInPath().path
    guard let walker = FileManager.default.enumerator(
      at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return out }
    for case let url as URL in walker {
      guard try url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile == true else {
        continue
      }
      let path = url.standardizedFileURL.resolvingSymlinksInPath().path
      out[String(path.dropFirst(base.count + 1))] = try Data(contentsOf: url)
    }
    return out
  }

  /// The import file as a JSON object.
  static func importObject(_ manifest: DemoManifest) throws -> [String: Any] {
    let data = try Data(contentsOf: manifest.importFile)
    guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
      throw Failure("crm.json is not an object")
    }
    return object
  }

  // MARK: Mail

  struct Message {
    /// Path relative to the Maildir root, e.g. `.Sent/cur/1763...:2,S`.
    let path: String
    let headers: [(name: String, value: String)]
    let body: String

    func header(_ name: String) -> String? {
      headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The Maildir++ folder: "" for the inbox, else `.Sent`, `.Trash`, ...
    var folder: String { path.hasPrefix(".") ? String(path.prefix { $0 != "/" }) : "" }
    var isNeverCaptured: Bool { folder == ".Trash" || folder == ".Drafts" }
  }

  /// Every message file in `cur/` and `new/` of every folder.
  static func messages(in maildir: URL) throws -> [Message] {
    try allFiles(under: maildir).compactMap { path, data -> Message? in
      let parts = path.split(separator: "/")
      guard parts.count >= 2, ["cur", "new"].contains(parts[parts.count - 2]) else { return nil }
      guard let text = String(data: data, encoding: .utf8) else {
        throw Failure("\(path) is not UTF-8")
      }
      guard let split = text.range(of: "\n\n") else {
        throw Failure("\(path) has no blank line after its headers")
      }
      var headers: [(String, String)] = []
      for line in text[..<split.lowerBound].split(separator: "\n") {
        if line.first == " " || line.first == "\t", let last = headers.popLast() {
          headers.append((last.0, last.1 + " " + line.trimmingCharacters(in: .whitespaces)))
        } else if let colon = line.firstIndex(of: ":") {
          headers.append((String(line[..<colon]),
                          line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        } else {
          throw Failure("\(path): header line without a colon: \(line)")
        }
      }
      return Message(path: path, headers: headers, body: String(text[split.upperBound...]))
    }.sorted { $0.path < $1.path }
  }

  /// Bare lowercased addresses in an address-list header value.
  static func addresses(in value: String?) -> [String] {
    guard let value else { return [] }
    var out: [String] = []
    var rest = Substring(value)
    while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
      out.append(rest[rest.index(after: open)..<close].lowercased())
      rest = rest[rest.index(after: close)...]
    }
    if out.isEmpty {
      out = value.split(separator: ",").map {
        $0.trimmingCharacters(in: .whitespaces).lowercased()
      }
    }
    return out
  }

  /// Parses `Mon, 23 Nov 2026 10:52:00 +0100`.
  static func date(_ text: String) -> Date? {
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.dateFormat = "EEE, d MMM yyyy HH:mm:ss Z"
    return formatter.date(from: text)
  }

  // MARK: Calendar

  struct Property {
    let name: String
    let params: [String: String]
    let value: String
  }

  struct Event {
    let file: String
    let method: String?
    let properties: [Property]

    func first(_ name: String) -> Property? { properties.first { $0.name == name } }
    var uid: String { first("UID")?.value ?? "" }
  }

  /// Every VEVENT of every `.ics` file, unfolded.
  static func events(in directory: URL) throws -> [Event] {
    var out: [Event] = []
    for (path, data) in try allFiles(under: directory).sorted(by: { $0.key < $1.key }) {
      guard path.hasSuffix(".ics"), let text = String(data: data, encoding: .utf8) else {
        throw Failure("\(path) is not a UTF-8 .ics file")
      }
      let unfolded = text.replacingOccurrences(of: "\r\n ", with: "")
      var method: String?
      var current: [Property]?
      for line in unfolded.components(separatedBy: "\r\n") where !line.isEmpty {
        let property = parse(line)
        switch (property.name, property.value) {
        case ("METHOD", let m): method = m
        case ("BEGIN", "VEVENT"): current = []
        case ("END", "VEVENT"):
          out.append(Event(file: path, method: method, properties: current ?? []))
          current = nil
        default: current?.append(property)
        }
      }
    }
    return out
  }

  static func parse(_ line: String) -> Property {
    var inQuotes = false
    var colon = line.endIndex
    for index in line.indices {
      if line[index] == "\"" { inQuotes.toggle() }
      if line[index] == ":" && !inQuotes { colon = index; break }
    }
    let head = line[..<colon].split(separator: ";").map(String.init)
    var params: [String: String] = [:]
    for param in head.dropFirst() {
      let pair = param.split(separator: "=", maxSplits: 1).map(String.init)
      if pair.count == 2 { params[pair[0]] = pair[1] }
    }
    let value = colon < line.endIndex ? String(line[line.index(after: colon)...]) : ""
    return Property(name: head.first ?? "", params: params, value: value)
  }

  /// The instant a DTSTART-like property names: UTC, TZID (via the system's zone data),
  /// DATE (midnight in `userZone`).
  static func instant(_ p: Property, userZone: TimeZone) throws -> Date {
    let v = p.value
    let digits = v.filter(\.isNumber).map { Int(String($0)) ?? 0 }
    func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + digits[$1] } }
    guard digits.count >= 8 else { throw Failure("bad date \(v)") }
    var c = DateComponents(year: number(0..<4), month: number(4..<6), day: number(6..<8))
    if digits.count >= 14 {
      c.hour = number(8..<10); c.minute = number(10..<12); c.second = number(12..<14)
    }
    var calendar = Calendar(identifier: .gregorian)
    if v.hasSuffix("Z") {
      calendar.timeZone = TimeZone(identifier: "UTC") ?? userZone
    } else if let tzid = p.params["TZID"] {
      guard let zone = TimeZone(identifier: tzid) else { throw Failure("unknown TZID \(tzid)") }
      calendar.timeZone = zone
    } else {
      calendar.timeZone = userZone
    }
    guard let date = calendar.date(from: c) else { throw Failure("bad date \(v)") }
    return date
  }

  /// Occurrence starts of a weekly `RRULE:FREQ=WEEKLY;BYDAY=..;COUNT=n` series, by original
  /// start (recurrence id) → actual start after overrides.
  static func weeklyOccurrences(_ series: Event, overrides: [Event], userZone: TimeZone) throws
    -> [Date: Date]
  {
    guard let start = series.first("DTSTART"), let rule = series.first("RRULE")?.value,
          let tzid = start.params["TZID"], let zone = TimeZone(identifier: tzid) else {
      throw Failure("\(series.file): not a zoned weekly series")
    }
    var parts: [String: String] = [:]
    for item in rule.split(separator: ";") {
      let kv = item.split(separator: "=").map(String.init)
      if kv.count == 2 { parts[kv[0]] = kv[1] }
    }
    guard parts["FREQ"] == "WEEKLY", let count = parts["COUNT"].flatMap(Int.init),
          let byDay = parts["BYDAY"] else { throw Failure("unexpected RRULE \(rule)") }
    let codes = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
    let days = Set(byDay.split(separator: ",").compactMap { codes.firstIndex(of: String($0)) })
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = zone
    let first = try instant(start, userZone: userZone)
    var result: [Date: Date] = [:]
    var produced = 0
    for offset in 0..<(count * 7) where produced < count {
      guard let day = calendar.date(byAdding: .day, value: offset, to: first) else { continue }
      if days.contains(calendar.component(.weekday, from: day) - 1) {
        result[day] = day
        produced += 1
      }
    }
    for override in overrides {
      guard let rid = override.first("RECURRENCE-ID"), let moved = override.first("DTSTART")
      else { continue }
      let original = try instant(rid, userZone: userZone)
      guard result[original] != nil else {
        throw Failure("override \(rid.value) is not an occurrence of the series")
      }
      result[original] = try instant(moved, userZone: userZone)
    }
    return result
  }

  /// `20261123T100000Z` for an instant.
  static func basicUTC(_ date: Date) -> String {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
    let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    return String(format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0,
                  c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
  }
}
