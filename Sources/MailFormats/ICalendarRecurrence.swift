import Foundation

/// An RRULE value (RFC 5545 3.3.10), read and checked.
///
/// Rules this expander cannot follow (MINUTELY and finer) parse but carry `unsupported`, so
/// the caller can keep the event as a single occurrence and say why.
public struct ICalendarRecurrenceRule: Hashable, Sendable {
  public enum Frequency: String, Hashable, Sendable {
    case secondly = "SECONDLY", minutely = "MINUTELY", hourly = "HOURLY", daily = "DAILY"
    case weekly = "WEEKLY", monthly = "MONTHLY", yearly = "YEARLY"
  }
  /// A BYDAY entry: `MO`, `2MO`, `-1FR`.
  public struct WeekdayNumber: Hashable, Sendable {
    /// Nil for every such weekday of the period.
    public var ordinal: Int?
    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    public var weekday: Int
    public init(ordinal: Int?, weekday: Int) { self.ordinal = ordinal; self.weekday = weekday }
  }

  public var frequency: Frequency
  public var interval: Int = 1
  public var count: Int?
  public var until: ICalendarDateTime?
  public var byDay: [WeekdayNumber] = []
  public var byMonthDay: [Int] = []
  public var byMonth: [Int] = []
  /// Week numbers (±1...53), YEARLY only; weeks start on `weekStart`.
  public var byWeekNo: [Int] = []
  /// Days of the year (±1...366).
  public var byYearDay: [Int] = []
  public var byHour: [Int] = []
  public var byMinute: [Int] = []
  public var bySecond: [Int] = []
  public var bySetPos: [Int] = []
  /// ISO weekday the week starts on (default Monday).
  public var weekStart: Int = 1
  /// Why the rule cannot be expanded here, or nil.
  public var unsupported: String?

  public init(frequency: Frequency) { self.frequency = frequency }

  static let weekdayCodes = ["MO": 1, "TU": 2, "WE": 3, "TH": 4, "FR": 5, "SA": 6, "SU": 7]

  /// Reads `FREQ=MONTHLY;BYDAY=-1FR;COUNT=5` and the like.
  public static func parse(_ raw: String) -> Result<ICalendarRecurrenceRule, ICalendarValueError> {
    var parts: [String: String] = [:]
    for part in raw.split(separator: ";", omittingEmptySubsequences: true) {
      let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
      let printablePart = ICalendarReader.printable(String(part))
      guard pair.count == 2 else {
        return .failure(.init("RRULE part '\(printablePart)' has no '='"))
      }
      let key = pair[0].trimmingCharacters(in: .whitespaces).uppercased()
      guard !key.isEmpty else {
        return .failure(.init("RRULE part '\(printablePart)' has no name"))
      }
      guard parts[key] == nil else { return .failure(.init("RRULE repeats \(key)")) }
      parts[key] = pair[1].trimmingCharacters(in: .whitespaces)
    }
    guard let freqText = parts["FREQ"] else { return .failure(.init("RRULE has no FREQ")) }
    guard let freq = Frequency(rawValue: freqText.uppercased()) else {
      return .failure(.init("RRULE FREQ '\(ICalendarReader.printable(freqText))' is unknown"))
    }
    var rule = ICalendarRecurrenceRule(frequency: freq)

    func integers(_ key: String, _ range: ClosedRange<Int>, allowNegative: Bool)
      -> Result<[Int], ICalendarValueError>
    {
      guard let text = parts[key] else { return .success([]) }
      var values: [Int] = []
      for item in text.split(separator: ",") {
        // `magnitude`, not `abs`: abs(Int.min) traps.
        guard let n = Int(item.trimmingCharacters(in: .whitespaces)),
              n.magnitude >= range.lowerBound.magnitude, n.magnitude <= range.upperBound.magnitude,
              allowNegative || n >= 0
        else {
          let shown = ICalendarReader.printable(String(item))
          return .failure(.init("RRULE \(key) value '\(shown)' is out of range"))
        }
        values.append(n)
      }
      return .success(values)
    }

    for (key, value) in parts {
      switch key {
      case "FREQ": break
      case "INTERVAL":
        guard let n = Int(value), n >= 1, n <= 10_000 else {
          return .failure(.init("RRULE INTERVAL '\(ICalendarReader.printable(value))' is "
                                + "not a number from 1 to 10000"))
        }
        rule.interval = n
      case "COUNT":
        // Any positive Int: COUNT is only compared, never computed with.
        guard let n = Int(value), n >= 1 else {
          return .failure(.init("RRULE COUNT '\(ICalendarReader.printable(value))' is not "
                                + "a positive number"))
        }
        rule.count = n
      case "UNTIL":
        switch ICalendarDateTime.parse(value, tzid: nil, valueType: nil) {
        case .success(let until): rule.until = until
        case .failure(let error): return .failure(.init("RRULE UNTIL: \(error)"))
        }
      case "BYDAY":
        for item in value.split(separator: ",") {
          let text = item.trimmingCharacters(in: .whitespaces).uppercased()
          let shown = ICalendarReader.printable(String(item))
          guard text.count >= 2, let wd = weekdayCodes[String(text.suffix(2))] else {
            return .failure(.init("RRULE BYDAY value '\(shown)' is not a weekday"))
          }
          let prefix = text.dropLast(2)
          var ordinal: Int? = nil
          if !prefix.isEmpty {
            guard let n = Int(prefix), n != 0, n.magnitude <= 53 else {
              return .failure(.init("RRULE BYDAY value '\(shown)' has a bad ordinal"))
            }
            ordinal = n
          }
          rule.byDay.append(WeekdayNumber(ordinal: ordinal, weekday: wd))
        }
      case "BYMONTHDAY":
        switch integers(key, 1...31, allowNegative: true) {
        case .success(let v): rule.byMonthDay = v
        case .failure(let e): return .failure(e)
        }
      case "BYMONTH":
        switch integers(key, 1...12, allowNegative: false) {
        case .success(let v): rule.byMonth = v
        case .failure(let e): return .failure(e)
        }
      case "BYWEEKNO":
        switch integers(key, 1...53, allowNegative: true) {
        case .success(let v): rule.byWeekNo = v
        case .failure(let e): return .failure(e)
        }
      case "BYYEARDAY":
        switch integers(key, 1...366, allowNegative: true) {
        case .success(let v): rule.byYearDay = v
        case .failure(let e): return .failure(e)
        }
      case "BYHOUR":
        switch integers(key, 0...23, allowNegative: false) {
        case .success(let v): rule.byHour = v
        case .failure(let e): return .failure(e)
        }
      case "BYMINUTE":
        switch integers(key, 0...59, allowNegative: false) {
        case .success(let v): rule.byMinute = v
        case .failure(let e): return .failure(e)
        }
      case "BYSECOND":
        switch integers(key, 0...60, allowNegative: false) {
        case .success(let v): rule.bySecond = v
        case .failure(let e): return .failure(e)
        }
      case "BYSETPOS":
        switch integers(key, 1...366, allowNegative: true) {
        case .success(let v): rule.bySetPos = v
        case .failure(let e): return .failure(e)
        }
      case "WKST":
        guard let wd = weekdayCodes[value.uppercased()] else {
          return .failure(.init("RRULE WKST '\(value)' is not a weekday"))
        }
        rule.weekStart = wd
      case "RSCALE":
        if value.uppercased() != "GREGORIAN" {
          rule.unsupported = "RRULE RSCALE=\(value) (RFC 7529) is not supported"
        }
      default:
        if !key.hasPrefix("X-") && key != "SKIP" {
          return .failure(.init("RRULE part '\(key)' is unknown"))
        }
      }
    }
    if rule.byDay.contains(where: { $0.ordinal != nil })
      && !(freq == .monthly || freq == .yearly)
    {
      return .failure(.init("RRULE BYDAY ordinals need FREQ=MONTHLY or YEARLY"))
    }
    // RFC 5545 3.3.10 allows BYWEEKNO with YEARLY only, and BYYEARDAY not with DAILY, WEEKLY
    // or MONTHLY.
    if !rule.byWeekNo.isEmpty && freq != .yearly {
      return .failure(.init("RRULE BYWEEKNO needs FREQ=YEARLY"))
    }
    if !rule.byYearDay.isEmpty && (freq == .daily || freq == .weekly || freq == .monthly) {
      return .failure(.init("RRULE BYYEARDAY is not allowed with FREQ=\(freq.rawValue)"))
    }
    // Each value once: a list repeating one value thousands of times would multiply the
    // work of every period.
    rule.byDay = Array(Set(rule.byDay))
      .sorted { ($0.weekday, $0.ordinal ?? 0) < ($1.weekday, $1.ordinal ?? 0) }
    rule.byMonthDay = Array(Set(rule.byMonthDay)).sorted()
    rule.byMonth = Array(Set(rule.byMonth)).sorted()
    rule.byWeekNo = Array(Set(rule.byWeekNo)).sorted()
    rule.byYearDay = Array(Set(rule.byYearDay)).sorted()
    rule.byHour = Array(Set(rule.byHour)).sorted()
    rule.byMinute = Array(Set(rule.byMinute)).sorted()
    rule.bySecond = Array(Set(rule.bySecond)).sorted()
    rule.bySetPos = Array(Set(rule.bySetPos)).sorted()
    let timesPerDay = max(1, rule.byHour.count) * max(1, rule.byMinute.count)
      * max(1, rule.bySecond.count)
    if timesPerDay > 1_440 {
      rule.unsupported = "RRULE asks for \(timesPerDay) times a day; "
        + "more than 1440 is not supported"
    }
    switch freq {
    case .minutely, .secondly:
      // Not meetings: a series every minute would put thousands of tiles in a week.
      rule.unsupported = "RRULE FREQ=\(freq.rawValue) is not supported"
    default: break
    }
    return .success(rule)
  }
}

/// Expands a recurrence rule on wall-clock times, from a start, within a range.
///
/// The series is walked period by period (hour, day, week, month or year). Without COUNT the walk
/// jumps straight to the period just before the range, so a daily series begun decades ago
/// costs only the periods in the range; with COUNT it must start at the beginning. A cap on
/// the periods walked and one on the candidate times generated (a period may hold hundreds
/// of thousands: every day of a year times 1,440 minutes) guarantee an end.
struct ICalendarRecurrenceExpander {
  var rule: ICalendarRecurrenceRule
  var start: ICalendarLocalDateTime
  /// Most periods walked in one call.
  var maxPeriods = 200_000
  /// Most candidate times generated in one call.
  var maxCandidates = ICalendarLimits.candidatesPerExpansion

  /// Which cap stopped a walk before the end of the range.
  enum Cap: Hashable { case periods, candidates }

  struct Result {
    var occurrences: [ICalendarLocalDateTime]
    /// The cap that stopped the walk before the end of the range, or nil.
    var cap: Cap? = nil
    /// Candidate times generated.
    var candidates = 0
  }

  /// Occurrences (the start counts as the first) with lower ≤ occurrence ≤ upper, ascending.
  /// `isPastUntil` says whether an occurrence lies after the rule's UNTIL.
  func occurrences(from lower: ICalendarLocalDateTime, through upper: ICalendarLocalDateTime,
                   isPastUntil: (ICalendarLocalDateTime) -> Bool) -> Result
  {
    var found: [ICalendarLocalDateTime] = []
    var generated = 0
    func done(_ cap: Cap? = nil) -> Result {
      Result(occurrences: found, cap: cap, candidates: generated)
    }
    guard lower <= upper else { return done() }
    if start >= lower && start <= upper { found.append(start) }
    if start > upper { return done() }
    var emitted = 1
    if let count = rule.count, count <= 1 { return done() }

    let startDay = start.dayNumber
    let startHour = startDay * 24 + start.hour
    let weekAnchor = startDay - ((start.weekday - rule.weekStart + 7) % 7)
    let startMonthIndex = start.year * 12 + (start.month - 1)
    let interval = rule.interval

    // The period just before the one holding `lower`.
    var periodBeforeLower = 0
    if lower > start {
      let lowerDay = lower.dayNumber
      switch rule.frequency {
      case .hourly: periodBeforeLower = (lowerDay * 24 + lower.hour - startHour) / interval - 1
      case .daily: periodBeforeLower = (lowerDay - startDay) / interval - 1
      case .weekly: periodBeforeLower = (lowerDay - weekAnchor) / (7 * interval) - 1
      case .monthly:
        periodBeforeLower = (lower.year * 12 + lower.month - 1 - startMonthIndex) / interval - 1
      case .yearly: periodBeforeLower = (lower.year - start.year) / interval - 1
      default: periodBeforeLower = 0
      }
      periodBeforeLower = max(0, periodBeforeLower)
    }
    var k = rule.count == nil ? periodBeforeLower : 0
    // With COUNT, a rule giving as many times in every period walks the first period (where
    // times before the start do not count), then counts the skipped ones instead of
    // listing them.
    let countedJump: (to: Int, perPeriod: Int)? = rule.count != nil && periodBeforeLower > 1
      ? timesInEveryPeriod.map { (periodBeforeLower, $0) } : nil

    let upperDay = upper.dayNumber
    var walked = 0
    while true {
      walked += 1
      if walked > maxPeriods { return done(.periods) }
      let firstDay: Int
      var days: [Int]
      // HOURLY: the period's own hour, which BYHOUR limits (RFC 5545 3.3.10), not expands.
      var periodHour: Int?
      switch rule.frequency {
      case .hourly:
        let hour = startHour + k * interval
        firstDay = Self.floorDiv(hour, 24)
        periodHour = hour - firstDay * 24
        let hourPasses = rule.byHour.isEmpty || rule.byHour.contains(hour - firstDay * 24)
        days = hourPasses && dayPasses(firstDay) ? [firstDay] : []
      case .daily:
        firstDay = startDay + k * interval
        days = dayPasses(firstDay) ? [firstDay] : []
      case .weekly:
        firstDay = weekAnchor + 7 * k * interval
        let weekdays = rule.byDay.isEmpty ? [start.weekday] : rule.byDay.map(\.weekday)
        days = weekdays.map { firstDay + ($0 - rule.weekStart + 7) % 7 }
          .filter { rule.byMonth.isEmpty || rule.byMonth.contains(month(ofDay: $0)) }
      case .monthly:
        let index = startMonthIndex + k * interval
        let year = Self.floorDiv(index, 12), month = index - year * 12 + 1
        firstDay = ICalendarLocalDateTime.dayNumber(year: year, month: month, day: 1)
        days = rule.byMonth.isEmpty || rule.byMonth.contains(month)
          ? daysInMonth(year: year, month: month) : []
      case .yearly:
        let year = start.year + k * interval
        let january1 = ICalendarLocalDateTime.dayNumber(year: year, month: 1, day: 1)
        // Week 1 may begin up to three days before January 1.
        firstDay = rule.byWeekNo.isEmpty ? january1 : min(january1, weekOneStart(year))
        days = daysInYear(year)
      default:
        return done()
      }
      if firstDay > upperDay { break }
      days = Array(Set(days)).sorted()
      var candidates: [ICalendarLocalDateTime] = []
      for day in days {
        let d = ICalendarLocalDateTime.civil(fromDayNumber: day)
        for h in periodHour.map({ [$0] }) ?? (rule.byHour.isEmpty ? [start.hour] : rule.byHour) {
          for m in rule.byMinute.isEmpty ? [start.minute] : rule.byMinute {
            for s in rule.bySecond.isEmpty ? [start.second] : rule.bySecond {
              // The period is dropped whole: BYSETPOS needs all of it.
              if generated == maxCandidates { return done(.candidates) }
              generated += 1
              candidates.append(ICalendarLocalDateTime(year: d.year, month: d.month, day: d.day,
                                                       hour: h, minute: m, second: s))
            }
          }
        }
      }
      if !rule.bySetPos.isEmpty {
        var picked: [ICalendarLocalDateTime] = []
        for pos in rule.bySetPos {
          let i = pos > 0 ? pos - 1 : candidates.count + pos
          if i >= 0 && i < candidates.count { picked.append(candidates[i]) }
        }
        candidates = Array(Set(picked)).sorted()
      }
      for candidate in candidates where candidate > start {
        if candidate > upper { return done() }
        if isPastUntil(candidate) { return done() }
        emitted += 1
        if candidate >= lower { found.append(candidate) }
        if let count = rule.count, emitted >= count { return done() }
      }
      if k == 0, let jump = countedJump, let count = rule.count {
        let (skipped, overflow) = (jump.to - 1).multipliedReportingOverflow(by: jump.perPeriod)
        // The series ends in the skipped periods, all before the range.
        if overflow || skipped >= count - emitted { return done() }
        emitted += skipped
        k = jump.to
        continue
      }
      k += 1
    }
    return done()
  }

  /// How many times every period of the rule gives, when that number is the same for all
  /// (no BYSETPOS, and no day rule that keeps some periods' days and not others'); else nil.
  private var timesInEveryPeriod: Int? {
    guard rule.bySetPos.isEmpty, rule.byMonth.isEmpty else { return nil }
    let minutesAndSeconds = max(1, rule.byMinute.count) * max(1, rule.bySecond.count)
    let timesPerDay = max(1, rule.byHour.count) * minutesAndSeconds
    switch rule.frequency {
    case .hourly:
      guard rule.byHour.isEmpty, rule.byMonthDay.isEmpty, rule.byYearDay.isEmpty,
            rule.byDay.isEmpty
      else { return nil }
      return minutesAndSeconds
    case .daily:
      guard rule.byMonthDay.isEmpty, rule.byYearDay.isEmpty, rule.byDay.isEmpty else {
        return nil
      }
      return timesPerDay
    case .weekly:
      let weekdays = rule.byDay.isEmpty ? 1 : Set(rule.byDay.map(\.weekday)).count
      return weekdays * timesPerDay
    default:
      return nil
    }
  }

  static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }

  private func month(ofDay day: Int) -> Int {
    ICalendarLocalDateTime.civil(fromDayNumber: day).month
  }

  /// The 1-based position a BYMONTHDAY, BYYEARDAY or BYWEEKNO value names among `count`
  /// (negative values count from the end), or nil when there is no such position.
  static func position(_ n: Int, of count: Int) -> Int? {
    let p = n > 0 ? n : count + n + 1
    return p >= 1 && p <= count ? p : nil
  }

  /// DAILY and HOURLY: whether a day passes BYMONTH, BYYEARDAY, BYMONTHDAY and BYDAY.
  private func dayPasses(_ day: Int) -> Bool {
    let d = ICalendarLocalDateTime.civil(fromDayNumber: day)
    if !rule.byMonth.isEmpty && !rule.byMonth.contains(d.month) { return false }
    if !rule.byYearDay.isEmpty {
      let january1 = ICalendarLocalDateTime.dayNumber(year: d.year, month: 1, day: 1)
      let length = ICalendarLocalDateTime.isLeapYear(d.year) ? 366 : 365
      let dayOfYear = day - january1 + 1
      if !rule.byYearDay.contains(where: { Self.position($0, of: length) == dayOfYear }) {
        return false
      }
    }
    if !rule.byMonthDay.isEmpty && !passesByMonthDay(day) { return false }
    if !rule.byDay.isEmpty {
      let wd = ICalendarLocalDateTime.weekday(ofDayNumber: day)
      if !rule.byDay.contains(where: { $0.weekday == wd }) { return false }
    }
    return true
  }

  /// The candidate days of one month (MONTHLY, or YEARLY with BYMONTH or BYMONTHDAY).
  private func daysInMonth(year: Int, month: Int) -> [Int] {
    let first = ICalendarLocalDateTime.dayNumber(year: year, month: month, day: 1)
    let dim = ICalendarLocalDateTime.daysInMonth(year: year, month: month)
    if !rule.byMonthDay.isEmpty {
      var days = rule.byMonthDay.compactMap { Self.position($0, of: dim).map { first + $0 - 1 } }
      if !rule.byDay.isEmpty {
        days = days.filter { matchesByDay($0, spanFirst: first, spanLength: dim) }
      }
      return days
    }
    if !rule.byDay.isEmpty { return expandByDay(spanFirst: first, spanLength: dim) }
    guard start.day <= dim else { return [] }
    return [first + start.day - 1]
  }

  /// Whether a day is one BYMONTHDAY names.
  private func passesByMonthDay(_ day: Int) -> Bool {
    let d = ICalendarLocalDateTime.civil(fromDayNumber: day)
    let dim = ICalendarLocalDateTime.daysInMonth(year: d.year, month: d.month)
    return rule.byMonthDay.contains { Self.position($0, of: dim) == d.day }
  }

  /// The candidate days of one year (YEARLY).
  private func daysInYear(_ year: Int) -> [Int] {
    if !rule.byWeekNo.isEmpty || !rule.byYearDay.isEmpty { return daysByWeekOrYearDay(year) }
    if !rule.byMonth.isEmpty {
      return rule.byMonth.flatMap { daysInMonth(year: year, month: $0) }
    }
    if !rule.byMonthDay.isEmpty {
      return (1...12).flatMap { daysInMonth(year: year, month: $0) }
    }
    let first = ICalendarLocalDateTime.dayNumber(year: year, month: 1, day: 1)
    let length = ICalendarLocalDateTime.isLeapYear(year) ? 366 : 365
    if !rule.byDay.isEmpty { return expandByDay(spanFirst: first, spanLength: length) }
    guard start.day <= ICalendarLocalDateTime.daysInMonth(year: year, month: start.month) else {
      return []
    }
    return [ICalendarLocalDateTime.dayNumber(year: year, month: start.month, day: start.day)]
  }

  /// The first day of week 1 of `year`: the first week, starting on WKST, with at least four
  /// days in the year (RFC 5545 3.3.10).
  private func weekOneStart(_ year: Int) -> Int {
    let january1 = ICalendarLocalDateTime.dayNumber(year: year, month: 1, day: 1)
    let intoWeek = (ICalendarLocalDateTime.weekday(ofDayNumber: january1) - rule.weekStart + 7) % 7
    return intoWeek <= 3 ? january1 - intoWeek : january1 - intoWeek + 7
  }

  /// YEARLY with BYWEEKNO or BYYEARDAY: the days they name (those both name, when both are
  /// given), limited by BYMONTH, BYMONTHDAY and BYDAY. A week keeps its seven days even where
  /// they fall in the year before or after. Without BYDAY, BYMONTHDAY or BYYEARDAY a week
  /// gives the start's weekday, as DTSTART fills in what a rule leaves open.
  private func daysByWeekOrYearDay(_ year: Int) -> [Int] {
    let january1 = ICalendarLocalDateTime.dayNumber(year: year, month: 1, day: 1)
    let length = ICalendarLocalDateTime.isLeapYear(year) ? 366 : 365
    var days: [Int] = []
    if !rule.byWeekNo.isEmpty {
      let weekOne = weekOneStart(year)
      let weeks = (weekOneStart(year + 1) - weekOne) / 7
      for n in rule.byWeekNo {
        guard let week = Self.position(n, of: weeks) else { continue }
        days += (0..<7).map { weekOne + 7 * (week - 1) + $0 }
      }
    }
    if !rule.byYearDay.isEmpty {
      let named = rule.byYearDay.compactMap {
        Self.position($0, of: length).map { january1 + $0 - 1 }
      }
      days = rule.byWeekNo.isEmpty ? named : named.filter(Set(days).contains)
    }
    if !rule.byMonth.isEmpty { days = days.filter { rule.byMonth.contains(month(ofDay: $0)) } }
    if !rule.byMonthDay.isEmpty { days = days.filter(passesByMonthDay) }
    if !rule.byDay.isEmpty {
      let weekdays = Set(rule.byDay.filter { $0.ordinal == nil }.map(\.weekday))
      var ordinalDays = Set<Int>()
      if rule.byDay.contains(where: { $0.ordinal != nil }) {
        // Ordinals count in the month with BYMONTH, else in the year, as without BYWEEKNO.
        let spans = rule.byMonth.isEmpty ? [(january1, length)] : rule.byMonth.map {
          (ICalendarLocalDateTime.dayNumber(year: year, month: $0, day: 1),
           ICalendarLocalDateTime.daysInMonth(year: year, month: $0))
        }
        for (first, count) in spans {
          ordinalDays.formUnion(expandByDay(spanFirst: first, spanLength: count))
        }
      }
      days = days.filter {
        weekdays.contains(ICalendarLocalDateTime.weekday(ofDayNumber: $0))
          || ordinalDays.contains($0)
      }
    } else if rule.byYearDay.isEmpty && rule.byMonthDay.isEmpty {
      days = days.filter { ICalendarLocalDateTime.weekday(ofDayNumber: $0) == start.weekday }
    }
    return days
  }

  /// Every BYDAY match in a span of days (a month or a year), ordinals counted in the span.
  private func expandByDay(spanFirst: Int, spanLength: Int) -> [Int] {
    var days: [Int] = []
    let firstWeekday = ICalendarLocalDateTime.weekday(ofDayNumber: spanFirst)
    for entry in rule.byDay {
      let offset = (entry.weekday - firstWeekday + 7) % 7
      let matches = stride(from: spanFirst + offset, to: spanFirst + spanLength, by: 7)
      if let n = entry.ordinal {
        let all = Array(matches)
        let i = n > 0 ? n - 1 : all.count + n
        if i >= 0 && i < all.count { days.append(all[i]) }
      } else {
        days.append(contentsOf: matches)
      }
    }
    return days
  }

  /// Whether a day matches a BYDAY entry, ordinals counted in the span.
  private func matchesByDay(_ day: Int, spanFirst: Int, spanLength: Int) -> Bool {
    let wd = ICalendarLocalDateTime.weekday(ofDayNumber: day)
    return rule.byDay.contains { entry in
      guard entry.weekday == wd else { return false }
      guard let n = entry.ordinal else { return true }
      let fromStart = (day - spanFirst) / 7 + 1
      let fromEnd = -((spanFirst + spanLength - 1 - day) / 7 + 1)
      return n == fromStart || n == fromEnd
    }
  }
}
