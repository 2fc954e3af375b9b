import Foundation

/// Places a calendar's events on the time line within a window.
///
/// Events are grouped by UID: the one without RECURRENCE-ID is the series (master), the
/// others replace single occurrences. A master occurrence whose original start has an
/// override is dropped wherever the override moved it, so an override can move an
/// occurrence into or out of the window. An override with `RANGE=THISANDFUTURE` also
/// stands for every later occurrence (RFC 5545 3.8.4.4): each is moved by the same
/// wall-clock shift and takes the override's length and details.
struct ICalendarOccurrenceExpander {
  let calendar: ICalendar
  let userZone: TimeZone
  let window: ClosedRange<Date>
  var warnings: [String] = []
  var movedAway: [ICalendarMovedOccurrence] = []
  /// Candidate times the recurrences of this file may still generate in this window.
  var candidateBudget = ICalendarLimits.candidatesPerFile

  init(calendar: ICalendar, userZone: TimeZone, window: ClosedRange<Date>) {
    self.calendar = calendar; self.userZone = userZone; self.window = window
  }

  mutating func run() -> ICalendarExpansion {
    var groups: [String: [ICalendarEvent]] = [:]
    var order: [String] = []
    var loose: [ICalendarEvent] = []
    for event in calendar.events {
      guard let uid = event.uid else { loose.append(event); continue }
      if groups[uid] == nil { order.append(uid) }
      groups[uid, default: []].append(event)
    }
    var result: [ICalendarOccurrence] = []
    for uid in order {
      result += expandGroup(groups[uid] ?? [])
    }
    for event in loose { result += expandGroup([event]) }
    result.sort { ($0.start, $0.uid ?? "") < ($1.start, $1.uid ?? "") }
    return ICalendarExpansion(occurrences: result, movedAway: movedAway, warnings: warnings)
  }

  // MARK: - Zones

  func zoneRule(_ dt: ICalendarDateTime) -> ICalendarZoneRule {
    if dt.isDate { return .timeZone(userZone) }
    switch dt.zone {
    case .utc: return .utc
    case .floating: return .timeZone(userZone)
    case .named(let tzid):
      if let v = calendar.timezones[tzid] { return .vtimezone(v) }
      if let tz = ICalendarZoneNames.foundationZone(tzid) { return .timeZone(tz) }
      return .timeZone(userZone)
    }
  }

  func instant(_ dt: ICalendarDateTime) -> Int64 { zoneRule(dt).instant(of: dt.local) }

  /// The instant of an EXDATE or RECURRENCE-ID of a series that starts at `seriesStart`.
  ///
  /// A floating date-time naming an occurrence of a zoned (or UTC) series is read in the
  /// series' zone: read in the user's zone it would match nothing for a user elsewhere,
  /// and where the two zones agree the answer is the same.
  func instant(_ dt: ICalendarDateTime, ofSeriesStartingAt seriesStart: ICalendarDateTime)
    -> Int64
  {
    guard dt.zone == .floating, !dt.isDate, !seriesStart.isDate, seriesStart.zone != .floating
    else { return instant(dt) }
    return zoneRule(seriesStart).instant(of: dt.local)
  }

  func contains(_ t: Int64) -> Bool { window.contains(Date(timeIntervalSince1970: Double(t))) }

  // MARK: - Groups

  mutating func expandGroup(_ events: [ICalendarEvent]) -> [ICalendarOccurrence] {
    let masters = events.filter { $0.recurrenceId == nil }
    let seriesStart = masters.max { $0.sequence < $1.sequence }?.start
    // One override per original start: the highest SEQUENCE, the later one on a tie.
    var latestOverride: [Int64: ICalendarEvent] = [:]
    var overrideOrder: [Int64] = []
    for o in events {
      guard let rid = o.recurrenceId else { continue }
      let key = instant(rid, ofSeriesStartingAt: seriesStart ?? o.start)
      if let current = latestOverride[key] {
        if current.sequence > o.sequence { continue }
      } else {
        overrideOrder.append(key)
      }
      latestOverride[key] = o
    }
    let overrides = overrideOrder.compactMap { latestOverride[$0] }
    var master = masters.first
    if masters.count > 1 {
      master = masters.max { $0.sequence < $1.sequence }
      warnings.append("UID \(masters[0].uid ?? "?") has \(masters.count) events without "
                      + "RECURRENCE-ID; the one with the highest SEQUENCE is used")
    }
    var overridden = Set<Int64>()
    var future: [FutureOverride] = []
    var out: [ICalendarOccurrence] = []
    for o in overrides {
      guard let rid = o.recurrenceId else { continue }
      let ridInstant = instant(rid, ofSeriesStartingAt: seriesStart ?? o.start)
      overridden.insert(ridInstant)
      let start = instant(o.start)
      if o.recurrenceIdThisAndFuture, let master {
        // The shift on the series' wall clock, so later occurrences keep their local hour.
        let zone = zoneRule(master.start)
        let shift = zone.wallClock(ofUTC: start).secondsAsUTC
          - zone.wallClock(ofUTC: ridInstant).secondsAsUTC
        if abs(shift) <= 366 * 86_400 {
          future.append(FutureOverride(from: ridInstant, event: o, shift: shift))
        } else {
          warnings.append("UID \(o.uid ?? "?"): RANGE=THISANDFUTURE moves the series by "
                          + "more than a year; read as one occurrence")
        }
      }
      guard contains(start) else {
        if contains(ridInstant) { noteMovedAway(o, recurrenceId: ridInstant, start: start) }
        continue
      }
      var end = endInstant(of: o, startWall: o.start.local, startInstant: start,
                           zone: zoneRule(o.start))
      if end == nil, o.end == nil, o.duration == nil, let master, master.start.isDate
        == o.start.isDate
      {
        end = endInstant(of: master, startWall: o.start.local, startInstant: start,
                         zone: zoneRule(o.start))
      }
      out.append(occurrence(of: o, fallback: master, start: start, end: end,
                            recurrenceId: ridInstant, isOverride: true))
    }
    guard let master else { return out }
    out += expandMaster(master, overridden: overridden,
                        future: future.sorted { $0.from < $1.from })
    return out
  }

  /// A `RANGE=THISANDFUTURE` override: the occurrences of the series after `from` are moved
  /// by `shift` seconds of wall clock and take the details of `event`.
  struct FutureOverride {
    var from: Int64
    var event: ICalendarEvent
    var shift: Int64
  }

  mutating func expandMaster(_ event: ICalendarEvent, overridden: Set<Int64>,
                             future: [FutureOverride] = []) -> [ICalendarOccurrence]
  {
    let zone = zoneRule(event.start)
    let startInstant = zone.instant(of: event.start.local)
    guard event.isRecurring else {
      guard contains(startInstant), !overridden.contains(startInstant) else { return [] }
      let end = endInstant(of: event, startWall: event.start.local, startInstant: startInstant,
                           zone: zone)
      return [occurrence(of: event, fallback: nil, start: startInstant, end: end,
                         recurrenceId: nil, isOverride: false)]
    }

    // Wall clocks of the series, found with two days of margin around the window: no zone
    // is more than 26 hours from UTC. A THISANDFUTURE shift widens it by its size.
    let margin: Int64 = 2 * 86_400 + (future.map { abs($0.shift) }.max() ?? 0)
    let lower = ICalendarLocalDateTime(
      secondsAsUTC: Int64(window.lowerBound.timeIntervalSince1970.rounded(.down)) - margin)
    let upper = ICalendarLocalDateTime(
      secondsAsUTC: Int64(window.upperBound.timeIntervalSince1970.rounded(.up)) + margin)
    var instances: [(wall: ICalendarLocalDateTime, start: Int64, end: Int64?)] = []
    let rules = event.rrules.filter { $0.unsupported == nil }
    for rule in rules {
      var expander = ICalendarRecurrenceExpander(rule: rule, start: event.start.local)
      expander.maxCandidates = min(expander.maxCandidates, candidateBudget)
      let result = expander.occurrences(from: lower, through: upper) { candidate in
        guard let until = rule.until else { return false }
        if until.isDate { return candidate.dayNumber > until.local.dayNumber }
        if until.zone == .utc {
          return zone.instant(of: candidate) > until.local.secondsAsUTC
        }
        return candidate > until.local
      }
      candidateBudget -= result.candidates
      let uid = event.uid ?? "?"
      switch result.cap {
      case .periods?:
        warnings.append("UID \(uid): recurrence stopped after \(expander.maxPeriods) periods; "
                        + "later occurrences are missing")
      case .candidates? where expander.maxCandidates == ICalendarLimits.candidatesPerExpansion:
        warnings.append("UID \(uid): recurrence stopped after \(expander.maxCandidates) "
                        + "candidate times; later occurrences are missing")
      case .candidates?:
        warnings.append("UID \(uid): the recurrences of this file used up their candidate "
                        + "times; later occurrences are missing")
      case nil: break
      }
      for wall in result.occurrences {
        instances.append((wall, zone.instant(of: wall), nil))
      }
    }
    if rules.count > 1 {
      // Several rules may each give DTSTART and shared dates: each start once.
      var seen = Set<Int64>()
      instances = instances.filter { seen.insert($0.start).inserted }
    }
    if rules.isEmpty, lower <= event.start.local && event.start.local <= upper {
      instances.append((event.start.local, startInstant, nil))
    }
    for rdate in event.rdates {
      let s = rdate.start
      let rdZone = zoneRule(s)
      let t = rdZone.instant(of: s.local)
      var end: Int64? = nil
      if case .period(_, let e, let d) = rdate {
        if let e { end = zoneRule(e).instant(of: e.local) }
        if let d { end = add(d, toWall: s.local, instant: t, zone: rdZone) }
      }
      // Its wall clock in the series' zone, where the series' duration is applied.
      instances.append((zone.wallClock(ofUTC: t), t, end))
    }

    let excluded = Set(event.exdates.filter { !$0.isDate || event.start.isDate }
      .map { instant($0, ofSeriesStartingAt: event.start) })
    let excludedDays = Set(event.exdates.filter { $0.isDate && !event.start.isDate }
      .map { $0.local.dayNumber })
    var seen = Set<Int64>()
    var out: [ICalendarOccurrence] = []
    for instance in instances.sorted(by: { $0.start < $1.start }) {
      guard !seen.contains(instance.start),
            !excluded.contains(instance.start), !overridden.contains(instance.start),
            !excludedDays.contains(zone.wallClock(ofUTC: instance.start).dayNumber)
      else { continue }
      seen.insert(instance.start)
      if let f = future.last(where: { $0.from < instance.start }) {
        let wall = ICalendarLocalDateTime(secondsAsUTC: instance.wall.secondsAsUTC + f.shift)
        let start = zone.instant(of: wall)
        guard contains(start) else {
          if contains(instance.start) {
            noteMovedAway(f.event, recurrenceId: instance.start, start: start)
          }
          continue
        }
        let ownLength = f.event.end != nil || f.event.duration != nil
          || f.event.start.isDate != event.start.isDate
        let end = endInstant(of: ownLength ? f.event : event, startWall: wall,
                             startInstant: start, zone: zone)
        out.append(occurrence(of: f.event, fallback: event, start: start, end: end,
                              recurrenceId: instance.start, isOverride: true))
        continue
      }
      guard contains(instance.start) else { continue }
      let end = instance.end ?? endInstant(of: event, startWall: instance.wall,
                                           startInstant: instance.start, zone: zone)
      out.append(occurrence(of: event, fallback: nil, start: instance.start, end: end,
                            recurrenceId: instance.start, isOverride: false))
    }
    return out
  }

  // MARK: - Helpers

  mutating func noteMovedAway(_ event: ICalendarEvent, recurrenceId: Int64, start: Int64) {
    movedAway.append(ICalendarMovedOccurrence(
      uid: event.uid, recurrenceId: Date(timeIntervalSince1970: Double(recurrenceId)),
      start: Date(timeIntervalSince1970: Double(start)), sequence: event.sequence,
      isCancelled: event.isCancelled || event.method == "CANCEL", method: event.method))
  }

  /// The end of an occurrence of `event` that starts at `startWall` / `startInstant`.
  func endInstant(of event: ICalendarEvent, startWall: ICalendarLocalDateTime,
                  startInstant: Int64, zone: ICalendarZoneRule) -> Int64?
  {
    if let d = event.duration {
      return add(d, toWall: startWall, instant: startInstant, zone: zone)
    }
    if let e = event.end {
      if event.start.isDate {
        let days = e.local.dayNumber - event.start.local.dayNumber
        return zone.instant(of: startWall.addingDays(days))
      }
      return startInstant + (instant(e) - instant(event.start))
    }
    if event.start.isDate { return zone.instant(of: startWall.addingDays(1)) }
    return nil
  }

  func add(_ d: ICalendarDuration, toWall wall: ICalendarLocalDateTime, instant: Int64,
           zone: ICalendarZoneRule) -> Int64
  {
    let base = d.days == 0 ? instant : zone.instant(of: wall.addingDays(d.days))
    return base + Int64(d.seconds)
  }

  func occurrence(of event: ICalendarEvent, fallback master: ICalendarEvent?, start: Int64,
                  end: Int64?, recurrenceId: Int64?, isOverride: Bool) -> ICalendarOccurrence
  {
    let cancelled = event.isCancelled || event.method == "CANCEL"
    return ICalendarOccurrence(
      uid: event.uid,
      recurrenceId: recurrenceId.map { Date(timeIntervalSince1970: Double($0)) },
      start: Date(timeIntervalSince1970: Double(start)),
      end: end.map { Date(timeIntervalSince1970: Double($0)) },
      isAllDay: event.start.isDate,
      summary: event.summary ?? master?.summary,
      description: event.description ?? master?.description,
      location: event.location ?? master?.location,
      status: event.status,
      isCancelled: cancelled,
      organizer: event.organizer ?? master?.organizer,
      attendees: event.attendees.isEmpty ? (master?.attendees ?? []) : event.attendees,
      sequence: event.sequence,
      isOverride: isOverride,
      method: event.method)
  }
}
