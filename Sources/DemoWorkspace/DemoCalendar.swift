import Foundation

/// Dana's calendar as a vdir: one `.ics` file per event, dates placed around `now`.
///
/// Within the ±72 h meeting window: the Fjordline launch review (tracked in the CRM file),
/// two occurrences of the weekly Müller sync (one of them moved by an override), the all-day
/// on-site workshop, and the Sakura call. Outside it or never captured: a cancelled review,
/// a call withdrawn by a `METHOD:CANCEL` file, a workshop ten days ago, a kickoff four days
/// ahead, and a dentist appointment related to no record.
struct DemoCalendar {
  static let launchUID = "demo-launch-review-7c41@lumen.example"
  static let weeklyUID = "weekly-mueller-sync-2b9e@lumen.example"

  let clock: DemoClock

  /// The Müller weekly sync's two weekdays: the first and the last working day (Monday to
  /// Friday) among the five Berlin dates around today. Both occurrences fall within the
  /// window whatever `now` is, and the series' other occurrences lie at least five days away.
  var weeklyDays: (first: CivilDate, second: CivilDate) {
    let today = clock.localDate(clock.now, in: .centralEurope)
    let workdays = (-2...2).map { today.adding(days: $0) }.filter { (1...5).contains($0.weekday) }
    return (workdays.first ?? today, workdays.last ?? today.adding(days: 1))
  }

  /// The original start of the weekly sync's earlier occurrence: the demo's pending track
  /// request points at it.
  var weeklyPendingOccurrence: Date {
    clock.instant(weeklyDays.first, hour: 10, in: .centralEurope)
  }

  /// The weekly sync's later occurrence: its original start (the recurrence id) and the
  /// start the override moves it to. The CRM file tracks this occurrence.
  var weeklyMovedOccurrence: (original: Date, start: Date) {
    let day = weeklyDays.second
    return (clock.instant(day, hour: 10, in: .centralEurope),
            clock.instant(day, hour: 14, in: .centralEurope))
  }

  /// The first of `offsets` (days from the user's today) that is a working day; today when
  /// none is. Keeps meetings off weekends while staying inside the window.
  func workday(_ offsets: [Int]) -> CivilDate {
    let today = clock.userToday
    return offsets.map { today.adding(days: $0) }.first { (1...5).contains($0.weekday) }
      ?? today
  }

  /// Start of the tracked launch review: the next working day 15:00 in the user's zone.
  var launchStart: Date { clock.instant(workday([1, 2, 0]), hour: 15, in: .user) }

  /// File name (without `.ics`) → file text with CRLF line ends.
  var files: [(name: String, text: String)] {
    let today = clock.userToday
    let stamp = DemoClock.basicUTC(clock.now.addingTimeInterval(-7 * 86_400))
    func utc(_ day: Int, _ hour: Int, _ minute: Int = 0) -> String {
      utcOn(today.adding(days: day), hour, minute)
    }
    func utcOn(_ date: CivilDate, _ hour: Int, _ minute: Int = 0) -> String {
      DemoClock.basicUTC(clock.instant(date, hour: hour, minute: minute, in: .user))
    }
    let onsite = workday([1, 2, 0]), sakuraCall = workday([-2, -1, 0])
    let launchEnd = DemoClock.basicUTC(launchStart.addingTimeInterval(3600))
    let (first, second) = weeklyDays
    let seriesStart = first.adding(days: -35)
    let byDay = [first, second].map { Self.dayCodes[$0.weekday] }.joined(separator: ",")

    return [
      ("launch-review", Self.calendar([[
        "UID:\(Self.launchUID)", "DTSTAMP:\(stamp)", "SEQUENCE:0",
        "DTSTART:\(DemoClock.basicUTC(launchStart))", "DTEND:\(launchEnd)",
        "SUMMARY:\(Self.text("🚀 Launch plan review"))",
        "LOCATION:\(Self.text("Video call; dial-in in the description"))",
        "DESCRIPTION:\(Self.text("Walk through the phase 1 checklist.\nDial-in: +47 5555 0100"))",
        Self.organizer(Cast.dana),
        Self.attendee(Cast.ingrid), Self.attendee(Cast.zoe), Self.attendee(Cast.jonas),
        "STATUS:CONFIRMED",
      ]])),
      ("weekly-mueller-sync", Self.calendar(timeZone: Self.berlin, [[
        "UID:\(Self.weeklyUID)", "DTSTAMP:\(stamp)",
        "DTSTART;TZID=Europe/Berlin:\(DemoClock.basicLocal(seriesStart, hour: 10))",
        "DTEND;TZID=Europe/Berlin:\(DemoClock.basicLocal(seriesStart, hour: 10, minute: 30))",
        "RRULE:FREQ=WEEKLY;BYDAY=\(byDay);COUNT=24",
        "SUMMARY:\(Self.text("Wöchentlicher Abgleich / weekly sync — Müller rollout"))",
        Self.organizer(Cast.dana),
        Self.attendee(Cast.klaus), Self.attendee(Cast.joerg), Self.attendee(Cast.sam),
        "STATUS:CONFIRMED",
      ], [
        "UID:\(Self.weeklyUID)", "DTSTAMP:\(stamp)", "SEQUENCE:1",
        "RECURRENCE-ID;TZID=Europe/Berlin:\(DemoClock.basicLocal(second, hour: 10))",
        "DTSTART;TZID=Europe/Berlin:\(DemoClock.basicLocal(second, hour: 14))",
        "DTEND;TZID=Europe/Berlin:\(DemoClock.basicLocal(second, hour: 14, minute: 30))",
        "SUMMARY:\(Self.text("Weekly sync — moved to the afternoon (training plan)"))",
        Self.organizer(Cast.dana),
        Self.attendee(Cast.klaus), Self.attendee(Cast.joerg), Self.attendee(Cast.sam),
        "STATUS:CONFIRMED",
      ]])),
      ("onsite-workshop-hamburg", Self.calendar([[
        "UID:onsite-hamburg-31aa@lumen.example", "DTSTAMP:\(stamp)",
        "DTSTART;VALUE=DATE:\(onsite.basic)",
        "DTEND;VALUE=DATE:\(onsite.adding(days: 1).basic)",
        "SUMMARY:\(Self.text("On-site workshop at Müller GmbH, Hamburg"))",
        "LOCATION:\(Self.text("Müller GmbH, Speicherstadt 12, Hamburg"))",
        Self.organizer(Cast.klaus), Self.attendee(Cast.dana), Self.attendee(Cast.anja),
        "TRANSP:TRANSPARENT",
      ]])),
      ("sakura-mitsumori-call", Self.calendar([[
        "UID:sakura-mitsumori-call-90f2@lumen.example", "DTSTAMP:\(stamp)",
        "DTSTART:\(utcOn(sakuraCall, 9))", "DTEND:\(utcOn(sakuraCall, 9, 30))",
        "SUMMARY:\(Self.text("見積もりの件 — 打ち合わせ"))",
        Self.organizer(Cast.yamada), Self.attendee(Cast.dana), Self.attendee(Cast.liWei),
        "STATUS:CONFIRMED",
      ]])),
      ("quarterly-review-societe", Self.calendar([[
        "UID:quarterly-review-societe-e5d0@lumen.example", "DTSTAMP:\(stamp)", "SEQUENCE:1",
        "DTSTART:\(utc(2, 11))", "DTEND:\(utc(2, 12))",
        "SUMMARY:\(Self.text("Revue trimestrielle — Société Lumière"))",
        Self.organizer(Cast.dana), Self.attendee(Cast.renee), Self.attendee(Cast.francois),
        "STATUS:CANCELLED",
      ]])),
      ("harbor-bikes-call", Self.calendar(method: "CANCEL", [[
        "UID:harbor-bikes-call-77d1@lumen.example", "DTSTAMP:\(stamp)", "SEQUENCE:2",
        "DTSTART:\(utc(1, 17))", "DTEND:\(utc(1, 17, 30))",
        "SUMMARY:\(Self.text("Harbor Bikes: data sources call"))",
        Self.organizer(Cast.boChen), Self.attendee(Cast.dana),
        "STATUS:CANCELLED",
      ]])),
      ("fjordline-discovery", Self.calendar([[
        "UID:fjordline-discovery-0c77@lumen.example", "DTSTAMP:\(stamp)",
        "DTSTART:\(utc(-10, 14))", "DTEND:\(utc(-10, 16))",
        "SUMMARY:\(Self.text("Discovery workshop — Fjordline"))",
        Self.organizer(Cast.ingrid), Self.attendee(Cast.dana), Self.attendee(Cast.sven),
        "STATUS:CONFIRMED",
      ]])),
      ("cafe-ole-kickoff", Self.calendar([[
        "UID:cafe-ole-kickoff-5b12@lumen.example", "DTSTAMP:\(stamp)",
        "DTSTART:\(utc(4, 10))", "DTEND:\(utc(4, 11))",
        "SUMMARY:\(Self.text("Café Olé: pilot kickoff"))",
        Self.organizer(Cast.dana), Self.attendee(Cast.ines),
        "STATUS:CONFIRMED",
      ]])),
      ("dentist", Self.calendar([[
        "UID:dentist-8e0a@lumen.example", "DTSTAMP:\(stamp)",
        "DTSTART:\(utc(2, 8))", "DTEND:\(utc(2, 9))",
        "SUMMARY:Dentist", "CLASS:PRIVATE",
      ]])),
    ]
  }

  // MARK: iCalendar text

  static let dayCodes = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]

  /// Europe/Berlin with the EU rules (last Sunday of March and October, 01:00 UTC).
  static let berlin = [
    "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
    "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST",
    "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU", "END:DAYLIGHT",
    "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET",
    "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU", "END:STANDARD",
    "END:VTIMEZONE",
  ]

  static func calendar(method: String? = nil, timeZone: [String] = [], _ events: [[String]])
    -> String
  {
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0",
                 "PRODID:-//Lumen Analytics//AutoCapture demo//EN", "CALSCALE:GREGORIAN"]
    if let method { lines.append("METHOD:\(method)") }
    lines += timeZone
    for event in events { lines += ["BEGIN:VEVENT"] + event + ["END:VEVENT"] }
    lines.append("END:VCALENDAR")
    return lines.map(fold).joined(separator: "\r\n") + "\r\n"
  }

  static func organizer(_ p: DemoPerson) -> String {
    "ORGANIZER;CN=\"\(p.name)\":mailto:\(p.address)"
  }

  static func attendee(_ p: DemoPerson) -> String {
    "ATTENDEE;CN=\"\(p.name)\";ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:\(p.address)"
  }

  /// RFC 5545 TEXT escaping.
  static func text(_ s: String) -> String {
    s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: ";", with: "\\;")
      .replacingOccurrences(of: ",", with: "\\,").replacingOccurrences(of: "\n", with: "\\n")
  }

  /// Folds a content line at 75 octets without splitting a UTF-8 sequence (RFC 5545 3.1).
  static func fold(_ line: String) -> String {
    var parts: [String] = []
    var current = ""
    var octets = 0
    for scalar in line.unicodeScalars {
      let size = String(scalar).utf8.count
      let limit = parts.isEmpty ? 75 : 74
      if octets + size > limit {
        parts.append(current)
        current = ""
        octets = 0
      }
      current.unicodeScalars.append(scalar)
      octets += size
    }
    parts.append(current)
    return parts.joined(separator: "\r\n ")
  }
}
