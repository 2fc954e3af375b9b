import Foundation

/// Turns a VEVENT component into an `ICalendarEvent`, or the reason it must be skipped.
///
/// Start, end, duration and recurrence id are essential: if one is present but broken the
/// event is skipped, since guessing would put a meeting at the wrong time. Lesser parts
/// (an RRULE, one EXDATE) are dropped with a warning and the rest of the event is kept.
enum ICalendarEventReader {
  enum Outcome {
    case event(ICalendarEvent)
    case skipped(ICalendarSkippedEvent)
    /// A cancellation of a whole event or series that has no DTSTART.
    case cancellation(ICalendarCancellation)
  }

  /// `method` is the file's METHOD (upper-cased): without one, DTSTART is required.
  /// `fallbackUID` names an event that has no UID of its own.
  static func read(_ c: ICalendarComponent, timezones: [String: ICalendarTimeZone],
                   method: String?, fallbackUID: String? = nil,
                   warnings: inout [String]) -> Outcome
  {
    let uid = c.property("UID").map { $0.text.trimmingCharacters(in: .whitespaces) }
      .flatMap { $0.isEmpty ? nil : $0 } ?? fallbackUID
    let label = "VEVENT at line \(c.line)" + (uid.map { " (UID \($0))" } ?? "")
    func skip(_ reason: String) -> Outcome {
      .skipped(ICalendarSkippedEvent(uid: uid, line: c.line, reason: reason))
    }
    let status = c.property("STATUS")?.value.trimmingCharacters(in: .whitespaces).uppercased()
    let sequence = c.property("SEQUENCE").flatMap {
      Int($0.value.trimmingCharacters(in: .whitespaces))
    } ?? 0
    func brokenLine(_ name: String) -> ICalendarMalformedLine? {
      c.malformedLines.first { $0.name == name }
    }
    for bad in c.malformedLines where !["DTSTART", "DTEND", "DURATION", "RECURRENCE-ID"]
      .contains(bad.name)
    {
      warnings.append("\(label): \(bad.reason); line ignored")
    }

    func checkZone(_ dt: ICalendarDateTime) {
      guard case .named(let tzid) = dt.zone, timezones[tzid] == nil,
            ICalendarZoneNames.foundationZone(tzid) == nil else { return }
      let message = "\(label): TZID '\(ICalendarReader.printable(tzid))' is unknown; "
        + "read as floating time"
      if !warnings.contains(message) { warnings.append(message) }
    }
    func date(_ name: String) -> Result<ICalendarDateTime?, ICalendarValueError> {
      guard let p = c.property(name) else {
        if let bad = brokenLine(name) { return .failure(.init(bad.reason)) }
        return .success(nil)
      }
      switch ICalendarDateTime.parse(p.value, tzid: p.parameter("TZID"),
                                     valueType: p.parameter("VALUE")) {
      case .success(let dt):
        checkZone(dt)
        return .success(dt)
      case .failure(let e): return .failure(.init("\(name) \(e)"))
      }
    }

    var recurrenceId: ICalendarDateTime? = nil
    switch date("RECURRENCE-ID") {
    case .success(let r): recurrenceId = r
    case .failure(let e): return skip(e.description)
    }
    let start: ICalendarDateTime
    switch date("DTSTART") {
    case .success(let s?): start = s
    case .success(nil):
      // RFC 5545 3.8.2.4: only a file without METHOD must give DTSTART (and a series).
      guard method != nil, c.property("RRULE") == nil else { return skip("no DTSTART") }
      if let recurrenceId {
        start = recurrenceId
      } else if let uid, method == "CANCEL" || status == "CANCELLED" {
        return .cancellation(ICalendarCancellation(uid: uid, sequence: sequence, line: c.line))
      } else {
        return skip("no DTSTART")
      }
    case .failure(let e): return skip(e.description)
    }
    var end: ICalendarDateTime? = nil
    switch date("DTEND") {
    case .success(let e): end = e
    case .failure(let e): return skip(e.description)
    }
    var duration: ICalendarDuration? = nil
    if let p = c.property("DURATION") {
      switch ICalendarDuration.parse(p.value) {
      case .success(let d): duration = d
      case .failure(let e): return skip("DURATION \(e)")
      }
    } else if let bad = brokenLine("DURATION") {
      return skip(bad.reason)
    }
    if let d = duration, Int64(d.days) * 86_400 + Int64(d.seconds) < 0 {
      warnings.append("\(label): DURATION is negative; ignored")
      duration = nil
    }
    if end != nil && duration != nil {
      warnings.append("\(label): both DTEND and DURATION; DURATION ignored")
      duration = nil
    }
    if let e = end, e.isDate != start.isDate {
      warnings.append("\(label): DTEND and DTSTART differ in value type; DTEND ignored")
      end = nil
    } else if let e = end, e.isDate, e.local == start.local {
      warnings.append("\(label): DTEND is DTSTART's day (DTEND is exclusive); read as one day")
      end = nil
    } else if let e = end, e.local < start.local, e.zone == start.zone {
      warnings.append("\(label): DTEND is before DTSTART; DTEND ignored")
      end = nil
    }
    let thisAndFuture = c.property("RECURRENCE-ID")?.parameter("RANGE")?.uppercased()
      == "THISANDFUTURE"

    var rrules: [ICalendarRecurrenceRule] = []
    for p in c.properties("RRULE") {
      switch ICalendarRecurrenceRule.parse(p.value) {
      case .success(let r):
        rrules.append(r)
        if let why = r.unsupported {
          warnings.append("\(label): \(why); that RRULE is left out")
        } else if r.count != nil && r.until != nil {
          warnings.append("\(label): RRULE has both COUNT and UNTIL; "
                          + "the first limit reached ends it")
        }
      case .failure(let e):
        warnings.append("\(label): \(e); that RRULE is left out")
      }
    }

    var exdates: [ICalendarDateTime] = []
    for p in c.properties("EXDATE") {
      for item in p.value.split(separator: ",", omittingEmptySubsequences: false) {
        switch ICalendarDateTime.parse(String(item), tzid: p.parameter("TZID"),
                                       valueType: p.parameter("VALUE")) {
        case .success(let d): checkZone(d); exdates.append(d)
        case .failure(let e): warnings.append("\(label): EXDATE \(e); ignored")
        }
      }
    }
    var rdates: [ICalendarRecurrenceDate] = []
    for p in c.properties("RDATE") {
      let isPeriod = p.parameter("VALUE")?.uppercased() == "PERIOD"
      for item in p.value.split(separator: ",", omittingEmptySubsequences: false) {
        let pieces = item.split(separator: "/", maxSplits: 1).map(String.init)
        let valueType = isPeriod ? nil : p.parameter("VALUE")
        guard let first = pieces.first,
              case .success(let s) = ICalendarDateTime.parse(first, tzid: p.parameter("TZID"),
                                                             valueType: valueType)
        else {
          warnings.append("\(label): RDATE '\(ICalendarReader.printable(String(item)))' "
                          + "is not a date or period; ignored")
          continue
        }
        checkZone(s)
        if pieces.count == 2 {
          if case .success(let d) = ICalendarDuration.parse(pieces[1]) {
            rdates.append(.period(start: s, end: nil, duration: d))
          } else if case .success(let e) = ICalendarDateTime.parse(
            pieces[1], tzid: p.parameter("TZID"), valueType: nil)
          {
            rdates.append(.period(start: s, end: e, duration: nil))
          } else {
            warnings.append("\(label): RDATE period '\(item)' has a bad end; ignored")
          }
        } else {
          rdates.append(.start(s))
        }
      }
    }

    func text(_ name: String) -> String? {
      guard let t = c.property(name)?.text, !t.isEmpty else { return nil }
      return t
    }
    return .event(ICalendarEvent(
      uid: uid, summary: text("SUMMARY"), description: text("DESCRIPTION"),
      location: text("LOCATION"), status: status, start: start, end: end, duration: duration,
      organizer: c.property("ORGANIZER").map(ICalendarAddress.parse),
      attendees: c.properties("ATTENDEE").map(ICalendarAddress.parse),
      rrules: rrules, exdates: exdates, rdates: rdates, recurrenceId: recurrenceId,
      recurrenceIdThisAndFuture: thisAndFuture, sequence: sequence, line: c.line,
      method: method))
  }
}
