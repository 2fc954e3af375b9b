import Foundation

/// A VTIMEZONE from the file: its observances (STANDARD and DAYLIGHT) and the offset they
/// give at any instant.
///
/// A file's own definition wins over the IANA database, because the writer's clock is what
/// the file's times were read on (custom names like `custom_America/New_York` only work so).
public struct ICalendarTimeZone: Hashable, Sendable {
  public struct Observance: Hashable, Sendable {
    public var isDaylight: Bool
    /// Onset as wall clock in the offset before it (`TZOFFSETFROM`).
    public var start: ICalendarLocalDateTime
    public var offsetFrom: Int
    public var offsetTo: Int
    public var rule: ICalendarRecurrenceRule?
    public var rdates: [ICalendarLocalDateTime]
  }
  public var tzid: String
  public var observances: [Observance]
  /// Every onset up to `tableEnd`, ascending (UTC seconds), and the offset each brings in:
  /// computed once so that placing thousands of occurrences stays cheap.
  private var onsets: [Int64] = []
  private var onsetOffsets: [Int] = []
  private var tableEnd: Int64 = .min

  public init(tzid: String, observances: [Observance]) {
    self.tzid = tzid
    self.observances = observances
    buildTable()
  }

  /// Fills the onset table through the year 2200 (at most 2,000 onsets per observance).
  private mutating func buildTable() {
    let end = ICalendarLocalDateTime(year: 2200, month: 1, day: 1)
    var all: [(onset: Int64, order: Int, offset: Int)] = []
    var complete = true
    for (index, o) in observances.enumerated() {
      var walls = [o.start] + o.rdates
      if let rule = o.rule {
        var limited = rule
        limited.count = min(2_000, rule.count ?? 2_000)
        let expander = ICalendarRecurrenceExpander(rule: limited, start: o.start,
                                                   maxPeriods: 5_000)
        let result = expander.occurrences(from: o.start, through: end) { candidate in
          guard let until = rule.until else { return false }
          return Self.isAfter(candidate, offset: o.offsetFrom, until: until)
        }
        walls += result.occurrences
        if result.hitCap || (rule.count == nil && result.occurrences.count >= 2_000) {
          complete = false
        }
      }
      for wall in walls where wall <= end {
        all.append((wall.secondsAsUTC - Int64(o.offsetFrom), index, o.offsetTo))
      }
    }
    guard complete else { return }
    // On equal onsets the first observance in the file wins: it is placed last.
    all.sort { ($0.onset, -$0.order) < ($1.onset, -$1.order) }
    onsets = all.map(\.onset)
    onsetOffsets = all.map(\.offset)
    tableEnd = end.secondsAsUTC - 86_400
  }

  /// Reads a VTIMEZONE; observances it cannot read are left out and described in `warnings`.
  static func parse(_ component: ICalendarComponent, warnings: inout [String])
    -> ICalendarTimeZone?
  {
    guard let tzid = component.property("TZID")?.value, !tzid.isEmpty else {
      warnings.append("line \(component.line): VTIMEZONE without TZID ignored")
      return nil
    }
    var observances: [Observance] = []
    for sub in component.components where sub.name == "STANDARD" || sub.name == "DAYLIGHT" {
      let label = "line \(sub.line): \(sub.name) of VTIMEZONE \(tzid)"
      guard let startText = sub.property("DTSTART")?.value,
            case .success(let start) = ICalendarDateTime.parse(startText, tzid: nil,
                                                               valueType: nil)
      else { warnings.append("\(label) has no usable DTSTART; ignored"); continue }
      guard let toText = sub.property("TZOFFSETTO")?.value,
            let to = ICalendarUTCOffset.parse(toText)
      else { warnings.append("\(label) has no usable TZOFFSETTO; ignored"); continue }
      let from = sub.property("TZOFFSETFROM").flatMap { ICalendarUTCOffset.parse($0.value) } ?? to
      var rule: ICalendarRecurrenceRule? = nil
      if let ruleText = sub.property("RRULE")?.value {
        switch ICalendarRecurrenceRule.parse(ruleText) {
        case .success(let r) where r.unsupported == nil: rule = r
        case .success(let r): warnings.append("\(label): \(r.unsupported ?? "")")
        case .failure(let e): warnings.append("\(label): \(e)")
        }
      }
      var rdates: [ICalendarLocalDateTime] = []
      for property in sub.properties("RDATE") {
        for item in property.value.split(separator: ",") {
          let text = item.split(separator: "/").first.map(String.init) ?? ""
          if case .success(let d) = ICalendarDateTime.parse(text, tzid: nil, valueType: nil) {
            rdates.append(d.local)
          }
        }
      }
      observances.append(Observance(isDaylight: sub.name == "DAYLIGHT", start: start.local,
                                    offsetFrom: from, offsetTo: to, rule: rule,
                                    rdates: rdates))
    }
    guard !observances.isEmpty else {
      warnings.append("line \(component.line): VTIMEZONE \(tzid) has no usable observance")
      return nil
    }
    return ICalendarTimeZone(tzid: tzid, observances: observances)
  }

  /// The offset from UTC in seconds at an instant (seconds since 1970, UTC).
  public func offset(atUTC t: Int64) -> Int {
    if t <= tableEnd {
      var low = 0, high = onsets.count  // first index with onset > t
      while low < high {
        let mid = (low + high) / 2
        if onsets[mid] <= t { low = mid + 1 } else { high = mid }
      }
      if low > 0 { return onsetOffsets[low - 1] }
      return observances.min { $0.start < $1.start }?.offsetFrom ?? 0
    }
    var best: (onset: Int64, offset: Int)? = nil
    for observance in observances {
      guard let onset = lastOnset(of: observance, atOrBefore: t) else { continue }
      if let current = best, current.onset >= onset { continue }
      best = (onset, observance.offsetTo)
    }
    if let best { return best.offset }
    let earliest = observances.min { $0.start < $1.start }
    return earliest?.offsetFrom ?? 0
  }

  /// The latest onset (as UTC seconds) of an observance at or before `t`, or nil.
  private func lastOnset(of o: Observance, atOrBefore t: Int64) -> Int64? {
    let wall = ICalendarLocalDateTime(secondsAsUTC: t + Int64(o.offsetFrom))
    var latest: ICalendarLocalDateTime? = o.start <= wall ? o.start : nil
    for r in o.rdates where r <= wall {
      if let current = latest, current >= r { continue }
      latest = r
    }
    if let rule = o.rule, o.start <= wall {
      let expander = ICalendarRecurrenceExpander(rule: rule, start: o.start, maxPeriods: 2_000)
      let pastUntil: (ICalendarLocalDateTime) -> Bool = { candidate in
        guard let until = rule.until else { return false }
        return Self.isAfter(candidate, offset: o.offsetFrom, until: until)
      }
      var found = expander.occurrences(from: wall.addingDays(-800), through: wall,
                                       isPastUntil: pastUntil).occurrences.last
      if found == nil, let until = rule.until, until.local < wall {
        found = expander.occurrences(from: until.local.addingDays(-800), through: until.local
                                     .addingDays(1), isPastUntil: pastUntil).occurrences.last
      }
      if let found {
        if let current = latest, current >= found {} else { latest = found }
      }
    }
    guard let latest else { return nil }
    return latest.secondsAsUTC - Int64(o.offsetFrom)
  }

  /// Whether a wall-clock onset read in `offset` lies after an UNTIL value.
  private static func isAfter(_ wall: ICalendarLocalDateTime, offset: Int,
                              until: ICalendarDateTime) -> Bool
  {
    if until.zone == .utc { return wall.secondsAsUTC - Int64(offset) > until.local.secondsAsUTC }
    if until.isDate { return wall.dayNumber > until.local.dayNumber }
    return wall > until.local
  }
}

/// How a wall clock is placed on the time line.
enum ICalendarZoneRule: Sendable {
  case utc
  case timeZone(TimeZone)
  case vtimezone(ICalendarTimeZone)

  func offset(atUTC t: Int64) -> Int {
    switch self {
    case .utc: return 0
    case .timeZone(let tz): return tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t)))
    case .vtimezone(let v): return v.offset(atUTC: t)
    }
  }

  /// The instant (UTC seconds) of a wall clock. In a gap (spring forward) the offset before
  /// the gap is used; in an overlap (fall back) the first of the two instants (RFC 5545
  /// 3.3.5).
  func instant(of wall: ICalendarLocalDateTime) -> Int64 {
    let t = wall.secondsAsUTC
    if case .utc = self { return t }
    let before = offset(atUTC: t - 86_400)
    let after = offset(atUTC: t + 86_400)
    var valid: [Int64] = []
    for o in before == after ? [before] : [before, after] {
      let candidate = t - Int64(o)
      if offset(atUTC: candidate) == o { valid.append(candidate) }
    }
    return valid.min() ?? t - Int64(before)
  }

  /// The wall clock of an instant.
  func wallClock(ofUTC t: Int64) -> ICalendarLocalDateTime {
    ICalendarLocalDateTime(secondsAsUTC: t + Int64(offset(atUTC: t)))
  }
}

enum ICalendarZoneNames {
  /// A Foundation time zone for a TZID that is not defined in the file: the IANA name
  /// itself, or the trailing `Area/City` of a prefixed name
  /// (`/mozilla.org/20050126_1/Europe/Berlin`, `/Europe/Stockholm`), or a common Windows name.
  static func foundationZone(_ tzid: String) -> TimeZone? {
    let trimmed = tzid.trimmingCharacters(in: CharacterSet(charactersIn: " \"/"))
    if let tz = TimeZone(identifier: trimmed), !trimmed.isEmpty { return tz }
    let parts = trimmed.split(separator: "/").map(String.init)
    if parts.count > 1 {
      for length in [3, 2] where parts.count > length {
        let candidate = parts.suffix(length).joined(separator: "/")
        if let tz = TimeZone(identifier: candidate) { return tz }
      }
    }
    if let name = windowsNames[trimmed], let tz = TimeZone(identifier: name) { return tz }
    return nil
  }
}
