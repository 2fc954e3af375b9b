import Foundation

/// A VTIMEZONE from the file: its observances (STANDARD and DAYLIGHT) and the offset they
/// give at any instant.
///
/// A file's own definition wins over the IANA database, because the writer's clock is what
/// the file's times were read on (custom names like `custom_America/New_York` only work so).
/// Where the definition says nothing, under a name the system knows, the system's zone
/// data answers: some writers list only the transitions of the years around their events,
/// and stretching the first or last of them over other years puts meetings an hour off.
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
  /// Every onset through 2199, ascending (UTC seconds), and the offset each brings in:
  /// listed once, when the zone is made, so that placing thousands of occurrences costs a
  /// binary search each. Past the table the offset of its last onset stays.
  private var onsets: [Int64] = []
  private var onsetOffsets: [Int] = []
  /// The offset before the first onset.
  private var initialOffset = 0
  /// Why the onsets could not be listed (too many, or too costly to find), in which case
  /// the zone keeps one fixed offset; nil for a usable zone.
  private(set) var fallback: String?
  /// The system's zone of the same name, when it knows the name, for the instants outside
  /// `covered`.
  private var system: TimeZone?
  /// The instants the file's definition speaks for: from its first onset on; when it lists
  /// changes of offset one by one (no open-ended RRULE carries them on), through its last.
  private var covered: ClosedRange<Int64> = Int64.min...Int64.max

  public init(tzid: String, observances: [Observance]) {
    var budget = ICalendarLimits.candidatesPerExpansion
    self.init(tzid: tzid, observances: observances, candidateBudget: &budget)
  }

  /// `candidateBudget`: candidate times the rules may still generate (the file's budget).
  init(tzid: String, observances: [Observance], candidateBudget: inout Int) {
    self.tzid = tzid
    self.observances = observances
    buildTable(candidateBudget: &candidateBudget)
    if fallback == nil, let first = onsets.first, let last = onsets.last,
      let system = ICalendarZoneNames.foundationZone(tzid)
    {
      self.system = system
      let openEnded = observances.contains { $0.rule != nil && $0.rule?.until == nil
        && $0.rule?.count == nil }
      let changesOffset = observances.contains { $0.offsetFrom != $0.offsetTo }
        || Set(onsetOffsets).count > 1
      covered = first...(openEnded || !changesOffset ? Int64.max : last)
    }
  }

  /// Fills the onset table through 2199, or sets `fallback` when a zone would list more
  /// than `ICalendarLimits.onsetsPerZone` onsets or its rules more candidate times than the
  /// budget: real zones change their offset a few times a year.
  private mutating func buildTable(candidateBudget: inout Int) {
    let end = ICalendarLocalDateTime(year: 2200, month: 1, day: 1)
    let maxOnsets = ICalendarLimits.onsetsPerZone
    var all: [(onset: Int64, order: Int, offset: Int)] = []
    initialOffset = observances.min { $0.start < $1.start }?.offsetFrom ?? 0
    for (index, o) in observances.enumerated() {
      // The expansion lists the start itself.
      var walls = o.rule == nil ? [o.start] + o.rdates : o.rdates
      if let rule = o.rule {
        var limited = rule
        // One more than the room left shows that there is no room.
        limited.count = min(rule.count ?? .max, maxOnsets - all.count - walls.count + 1)
        var expander = ICalendarRecurrenceExpander(rule: limited, start: o.start,
                                                   maxPeriods: 5_000)
        expander.maxCandidates = min(expander.maxCandidates, max(0, candidateBudget))
        let result = expander.occurrences(from: o.start, through: end) { candidate in
          guard let until = rule.until else { return false }
          return Self.isAfter(candidate, offset: o.offsetFrom, until: until)
        }
        candidateBudget -= result.candidates
        switch result.cap {
        case .periods?:
          return fallBack("repeats over more than \(expander.maxPeriods) periods")
        case .candidates?:
          return fallBack("needs more than \(expander.maxCandidates) candidate times "
                          + "to list its onsets")
        case nil: walls += result.occurrences
        }
      }
      for wall in walls where wall <= end {
        all.append((wall.secondsAsUTC - Int64(o.offsetFrom), index, o.offsetTo))
      }
      if all.count > maxOnsets {
        return fallBack("has more than \(maxOnsets) onsets through 2199")
      }
    }
    // On equal onsets the first observance in the file wins: it is placed last.
    all.sort { ($0.onset, -$0.order) < ($1.onset, -$1.order) }
    onsets = all.map(\.onset)
    onsetOffsets = all.map(\.offset)
  }

  /// Gives the zone one offset, its first STANDARD observance's (else its first one's).
  private mutating func fallBack(_ why: String) {
    let chosen = observances.first { !$0.isDaylight } ?? observances.first
    initialOffset = chosen?.offsetTo ?? 0
    onsets = []
    onsetOffsets = []
    fallback = why
  }

  /// An offset as a UTC-OFFSET value: `+0100`, `-0330`, `+053000`.
  static func format(offset: Int) -> String {
    let m = Int(offset.magnitude)
    var text = (offset < 0 ? "-" : "+") + String(format: "%02d%02d", m / 3600, m / 60 % 60)
    if m % 60 != 0 { text += String(format: "%02d", m % 60) }
    return text
  }

  /// Reads a VTIMEZONE; observances it cannot read are left out and described in `warnings`.
  /// `candidateBudget` is shared by the zones of a file (see `ICalendarLimits`).
  static func parse(_ component: ICalendarComponent, warnings: inout [String],
                    candidateBudget: inout Int) -> ICalendarTimeZone?
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
      var from = to
      if let fromText = sub.property("TZOFFSETFROM")?.value {
        if let offset = ICalendarUTCOffset.parse(fromText) {
          from = offset
        } else {
          warnings.append("\(label): TZOFFSETFROM '\(ICalendarReader.printable(fromText))' is "
                          + "not a UTC offset; TZOFFSETTO used")
        }
      }
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
    let zone = ICalendarTimeZone(tzid: tzid, observances: observances,
                                 candidateBudget: &candidateBudget)
    if let why = zone.fallback {
      warnings.append("line \(component.line): VTIMEZONE \(tzid) \(why); read at the fixed "
                      + "offset \(format(offset: zone.initialOffset))")
    }
    return zone
  }

  /// The offset from UTC in seconds at an instant (seconds since 1970, UTC).
  public func offset(atUTC t: Int64) -> Int {
    if let system, !covered.contains(t) {
      return system.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t)))
    }
    var low = 0, high = onsets.count  // first index with onset > t
    while low < high {
      let mid = (low + high) / 2
      if onsets[mid] <= t { low = mid + 1 } else { high = mid }
    }
    return low > 0 ? onsetOffsets[low - 1] : initialOffset
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
