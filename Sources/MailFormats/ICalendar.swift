import Foundation

/// An ORGANIZER or ATTENDEE: the calendar address and its common name.
public struct ICalendarAddress: Hashable, Sendable {
  /// The value as written (`mailto:ann@fabrikam.example`, `that`...).
  public var value: String
  /// The email address, `mailto:` (any case) removed; nil when the value is not an address.
  public var address: String?
  /// The CN parameter, unquoted and unescaped (see `ICalendarParameter`).
  public var name: String?

  public init(value: String, address: String?, name: String?) {
    self.value = value; self.address = address; self.name = name
  }

  /// Reads an ORGANIZER or ATTENDEE property. A value without `mailto:` that still looks
  /// like an address (`ann@fabrikam.example`) is accepted as one; when the value is no
  /// address at all (`urn:uuid:...`), the EMAIL parameter (RFC 7986 6.2) gives it.
  public static func parse(_ property: ICalendarProperty) -> ICalendarAddress {
    let cn = property.parameter("CN")
    return ICalendarAddress(
      value: property.value,
      address: emailAddress(property.value) ?? property.parameter("EMAIL").flatMap(emailAddress),
      name: cn?.isEmpty == true ? nil : cn)
  }

  /// The address in `mailto:ann@fabrikam.example` (any case) or `ann@fabrikam.example`.
  static func emailAddress(_ raw: String) -> String? {
    var text = raw.trimmingCharacters(in: .whitespaces)
    if text.count >= 7, text.prefix(7).lowercased() == "mailto:" {
      text = String(text.dropFirst(7)).trimmingCharacters(in: .whitespaces)
    }
    guard let at = text.lastIndex(of: "@"), at != text.startIndex,
          text.index(after: at) != text.endIndex,
          !text.contains(where: { $0.isWhitespace || "<>,;\"".contains($0) })
    else { return nil }
    return text
  }
}

/// An RDATE entry: a start, or a period with its own end or duration.
public enum ICalendarRecurrenceDate: Hashable, Sendable {
  case start(ICalendarDateTime)
  case period(start: ICalendarDateTime, end: ICalendarDateTime?, duration: ICalendarDuration?)

  public var start: ICalendarDateTime {
    switch self {
    case .start(let s): return s
    case .period(let s, _, _): return s
    }
  }
}

/// One VEVENT, its values read.
public struct ICalendarEvent: Hashable, Sendable {
  /// Nil when the event has none (invalid, but met in the wild).
  public var uid: String?
  public var summary: String?
  public var description: String?
  public var location: String?
  /// Upper-cased: `CONFIRMED`, `TENTATIVE`, `CANCELLED`.
  public var status: String?
  public var start: ICalendarDateTime
  public var end: ICalendarDateTime?
  public var duration: ICalendarDuration?
  public var organizer: ICalendarAddress?
  public var attendees: [ICalendarAddress]
  /// Its RRULEs that could be read (RFC 2445 allowed several; the occurrences are their
  /// union). One that could not be read is left out, and `warnings` of the calendar says why.
  public var rrules: [ICalendarRecurrenceRule]
  public var exdates: [ICalendarDateTime]
  public var rdates: [ICalendarRecurrenceDate]
  public var recurrenceId: ICalendarDateTime?
  /// `RANGE=THISANDFUTURE` on RECURRENCE-ID: the override also stands for every later
  /// occurrence of the series.
  public var recurrenceIdThisAndFuture: Bool
  public var sequence: Int
  /// The line of its BEGIN:VEVENT.
  public var line: Int
  /// The METHOD of the VCALENDAR it stands in (upper-cased), or nil: a file may hold several
  /// calendars, an invitation and its cancellation.
  public var method: String? = nil

  public var isCancelled: Bool { status == "CANCELLED" }
  /// True when it repeats (a usable RRULE or any RDATE).
  public var isRecurring: Bool {
    rrules.contains { $0.unsupported == nil } || !rdates.isEmpty
  }
}

/// A VEVENT that cancels a whole event or series but has no DTSTART to place it (RFC 5545
/// 3.8.2.4 lets a file with a METHOD leave it out): from a `METHOD:CANCEL` file or with
/// `STATUS:CANCELLED`, without RECURRENCE-ID.
public struct ICalendarCancellation: Hashable, Sendable {
  public var uid: String
  public var sequence: Int
  /// The line of its BEGIN:VEVENT.
  public var line: Int
  public init(uid: String, sequence: Int, line: Int) {
    self.uid = uid; self.sequence = sequence; self.line = line
  }
}

/// A VEVENT that was left out, and why.
public struct ICalendarSkippedEvent: Error, Hashable, Sendable, CustomStringConvertible {
  public var uid: String?
  public var line: Int
  public var reason: String
  public var description: String {
    "VEVENT at line \(line)" + (uid.map { " (UID \($0))" } ?? "") + ": \(reason)"
  }
}

/// One occurrence of an event placed on the time line.
public struct ICalendarOccurrence: Hashable, Sendable {
  public var uid: String?
  /// The occurrence's original start; nil for a non-recurring event.
  public var recurrenceId: Date?
  public var start: Date
  public var end: Date?
  public var isAllDay: Bool
  public var summary: String?
  public var description: String?
  public var location: String?
  public var status: String?
  /// STATUS:CANCELLED on the event (or its override), or its calendar's METHOD is CANCEL.
  public var isCancelled: Bool
  public var organizer: ICalendarAddress?
  public var attendees: [ICalendarAddress]
  public var sequence: Int
  /// True when it comes from a VEVENT with RECURRENCE-ID.
  public var isOverride: Bool
  /// The METHOD of the calendar the event (or its override) stands in, or nil.
  public var method: String? = nil
}

/// Occurrences in a window and what was met while computing them.
public struct ICalendarExpansion: Hashable, Sendable {
  public var occurrences: [ICalendarOccurrence]
  /// Occurrences whose original start lies in the window but that an override moved out
  /// of it: another file's copy of that occurrence is stale.
  public var movedAway: [ICalendarMovedOccurrence] = []
  public var warnings: [String]
}

/// An occurrence an override moved out of the window (see `ICalendarExpansion.movedAway`).
public struct ICalendarMovedOccurrence: Hashable, Sendable {
  public var uid: String?
  /// The occurrence's original start.
  public var recurrenceId: Date
  /// Where it starts now.
  public var start: Date
  public var sequence: Int
  public var isCancelled: Bool
  /// The METHOD of the calendar the override stands in, or nil.
  public var method: String?
}

/// Bounds on the work one calendar file can cause: every byte of it comes from a sender.
/// Decisions.md ("Hostile calendar input") gives the reasons for each number.
enum ICalendarLimits {
  /// Most components open at once (VCALENDAR counts); deeper ones are dropped.
  static let nesting = 16
  /// Most candidate times one recurrence expansion generates before it stops.
  static let candidatesPerExpansion = 100_000
  /// Most candidate times all expansions of one file generate: its time zones when it is
  /// read, its events for each window asked.
  static let candidatesPerFile = 1_000_000
  /// Most onsets (changes of offset) one VTIMEZONE may list through 2199.
  static let onsetsPerZone = 10_000
}

/// A parsed iCalendar file (RFC 5545): its events and time zones, and what it could not read.
///
/// Parsing never fails: a broken event is skipped with its reason (`skippedEvents`), a
/// broken detail is ignored with a warning, and `problem` says when nothing in the text
/// looks like iCalendar at all.
public struct ICalendar: Hashable, Sendable {
  /// `REQUEST`, `CANCEL`, `PUBLISH`... upper-cased; nil when absent. The first calendar's
  /// when the file holds several (each event knows its own: `ICalendarEvent.method`).
  public var method: String?
  public var events: [ICalendarEvent]
  /// Cancellations of whole events that have no DTSTART (see `ICalendarCancellation`).
  public var cancellations: [ICalendarCancellation] = []
  public var timezones: [String: ICalendarTimeZone]
  public var skippedEvents: [ICalendarSkippedEvent]
  public var warnings: [String]
  /// Why the text could not be understood as iCalendar at all, or nil.
  public var problem: String?

  /// Reads bytes as UTF-8 (a byte-order mark is allowed), or UTF-16 when a UTF-16
  /// byte-order mark says so, falling back to Latin-1.
  public static func parse(_ data: Data) -> ICalendar {
    if data.starts(with: [0xFF, 0xFE]) || data.starts(with: [0xFE, 0xFF]),
       let text = String(data: data, encoding: .utf16)
    {
      return parse(text)
    }
    if let text = String(data: data, encoding: .utf8) { return parse(text) }
    if let text = String(data: movingFoldsOutOfCharacters(data), encoding: .utf8) {
      return parse(text)
    }
    let latin1 = String(String.UnicodeScalarView(data.map { Unicode.Scalar($0) }))
    var calendar = parse(latin1)
    calendar.warnings.insert("not UTF-8; read as Latin-1", at: 0)
    return calendar
  }

  /// The bytes with every fold (CRLF, LF or CR, then a space or tab) that splits a UTF-8
  /// character moved to just after that character.
  ///
  /// RFC 5545 3.1 folds at 75 octets, so a writer may split a multi-octet character; the
  /// fold is meant to be removed before decoding. Moving it keeps the line count (line
  /// numbers in messages stay right) and unfolding later gives the same text.
  static func movingFoldsOutOfCharacters(_ data: Data) -> Data {
    let bytes = [UInt8](data)
    var out: [UInt8] = []
    out.reserveCapacity(bytes.count)
    func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }
    var i = 0
    while i < bytes.count {
      let b = bytes[i]
      // A fold right after a lead or continuation octet, followed by a continuation octet.
      if (b == 0x0D || b == 0x0A), let last = out.last, last >= 0x80 {
        var j = i + 1
        if b == 0x0D, j < bytes.count, bytes[j] == 0x0A { j += 1 }
        if j < bytes.count, bytes[j] == 0x20 || bytes[j] == 0x09,
           j + 1 < bytes.count, isContinuation(bytes[j + 1])
        {
          var k = j + 1
          while k < bytes.count, isContinuation(bytes[k]) { out.append(bytes[k]); k += 1 }
          out.append(contentsOf: bytes[i...j])
          i = k
          continue
        }
      }
      out.append(b)
      i += 1
    }
    return Data(out)
  }

  public static func parse(_ text: String) -> ICalendar {
    let document = ICalendarReader.parse(text)
    // Time zones list their onsets once, here, from one budget for the whole file.
    var zoneCandidates = ICalendarLimits.candidatesPerFile
    var calendar = ICalendar(method: nil, events: [], timezones: [:], skippedEvents: [],
                             warnings: document.warnings, problem: nil)
    let known = ["VCALENDAR", "VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE",
                 "VAVAILABILITY", "VALARM"]
    if document.components.isEmpty {
      calendar.problem = text.isEmpty
        ? "the file is empty" : "no iCalendar component (no BEGIN line)"
      return calendar
    }
    // Time zones first: events may refer to one defined later in the file.
    var vevents: [(component: ICalendarComponent, method: String?)] = []
    /// VEVENTs wrapped in a component this reader does not know: still meetings. Walked
    /// with a list of what is left (in file order), not recursion.
    func wrappedEvents(in component: ICalendarComponent, method: String?) {
      var pending = component.components.reversed().map { ($0, component.name) }
      while let (sub, wrapper) = pending.popLast() {
        if sub.name == "VEVENT" {
          let name = ICalendarReader.printable(wrapper)
          calendar.warnings.append("line \(sub.line): VEVENT inside \(name) read as an event")
          vevents.append((sub, method))
        } else if !known.contains(sub.name) {
          pending += sub.components.reversed().map { ($0, sub.name) }
        }
      }
    }
    for top in document.components {
      if top.name == "VCALENDAR" {
        let method = top.property("METHOD")
          .map { $0.value.trimmingCharacters(in: .whitespaces).uppercased() }
        if calendar.method == nil { calendar.method = method }
        for bad in top.malformedLines { calendar.warnings.append(bad.reason) }
        for sub in top.components {
          if sub.name == "VTIMEZONE" {
            if let tz = ICalendarTimeZone.parse(sub, warnings: &calendar.warnings,
                                                candidateBudget: &zoneCandidates) {
              calendar.timezones[tz.tzid] = tz
            }
          } else if sub.name == "VEVENT" {
            vevents.append((sub, method))
          } else if !known.contains(sub.name) {
            wrappedEvents(in: sub, method: method)
          }
        }
      } else if top.name == "VEVENT" {
        vevents.append((top, nil))
      } else if !known.contains(top.name) {
        wrappedEvents(in: top, method: nil)
      } else if top.name == "VTIMEZONE" {
        if let tz = ICalendarTimeZone.parse(top, warnings: &calendar.warnings,
                                                candidateBudget: &zoneCandidates) {
          calendar.timezones[tz.tzid] = tz
        }
      }
    }
    if !document.components.contains(where: { known.contains($0.name) }) && vevents.isEmpty {
      let names = document.components.map { ICalendarReader.printable($0.name) }
      calendar.problem = "no iCalendar component (found \(names.joined(separator: ", ")))"
      return calendar
    }
    var keysWithoutUID: [String: Int] = [:]
    for (component, method) in vevents {
      // An event without UID (RFC 2445 allowed it; some exporters still write them) is
      // named by what defines it, and by its place among same-looking ones, so it is
      // captured under the same id on every read and two are never merged.
      var fallbackUID: String? = nil
      if component.property("UID").map({ $0.text.trimmingCharacters(in: .whitespaces) })?
        .isEmpty ?? true {
        let key = Self.keyWithoutUID(component)
        keysWithoutUID[key, default: 0] += 1
        let n = keysWithoutUID[key]!
        fallbackUID = n == 1 ? key : "\(key)-\(n)"
      }
      switch ICalendarEventReader.read(component, timezones: calendar.timezones,
                                       method: method ?? calendar.method,
                                       fallbackUID: fallbackUID,
                                       warnings: &calendar.warnings) {
      case .event(let event): calendar.events.append(event)
      case .skipped(let skipped): calendar.skippedEvents.append(skipped)
      case .cancellation(let cancellation): calendar.cancellations.append(cancellation)
      }
    }
    return calendar
  }

  /// The stable name of an event without UID: a 64-bit FNV-1a hash of the properties that
  /// define it (not DTSTAMP or LAST-MODIFIED, which change on every export).
  static func keyWithoutUID(_ c: ICalendarComponent) -> String {
    var hash: UInt64 = 0xCBF2_9CE4_8422_2325
    for name in ["DTSTART", "DTEND", "DURATION", "RECURRENCE-ID", "SUMMARY", "ORGANIZER",
                 "LOCATION", "RRULE"] {
      for p in c.properties(name) {
        let parameters = p.parameters.map { "\($0.name)=\($0.value)" }.joined(separator: ";")
        for byte in "\(name);\(parameters):\(p.value)\n".utf8 {
          hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
      }
    }
    return "no-uid-" + String(hash, radix: 16)
  }

  /// The occurrences whose start lies in `window` (both ends included), overrides applied,
  /// EXDATEs removed, cancelled ones included and marked; sorted by start. All-day and
  /// floating times are read in `timeZone`.
  public func occurrences(startingIn window: ClosedRange<Date>, timeZone: TimeZone)
    -> [ICalendarOccurrence]
  {
    expandOccurrences(startingIn: window, timeZone: timeZone).occurrences
  }

  /// As `occurrences(startingIn:timeZone:)`, with the warnings met on the way (a series cut
  /// short by the iteration cap).
  public func expandOccurrences(startingIn window: ClosedRange<Date>, timeZone: TimeZone)
    -> ICalendarExpansion
  {
    var expander = ICalendarOccurrenceExpander(calendar: self, userZone: timeZone,
                                               window: window)
    return expander.run()
  }
}
