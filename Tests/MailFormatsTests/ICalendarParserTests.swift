import Foundation
import MailFormats
import Testing

/// Builds iCalendar text for tests, and reads dates and zones without the machine's settings.
enum ICS {
  /// The lines joined with CRLF inside `BEGIN:VCALENDAR` ... `END:VCALENDAR`.
  static func calendar(_ lines: [String]) -> ICalendar {
    ICalendar.parse((["BEGIN:VCALENDAR", "VERSION:2.0"] + lines + ["END:VCALENDAR"])
      .joined(separator: "\r\n") + "\r\n")
  }

  /// One VEVENT (UID `e1` unless the lines give one) with the given lines.
  static func event(_ lines: [String]) -> ICalendar {
    let uid = lines.contains { $0.hasPrefix("UID:") } ? [] : ["UID:e1"]
    return calendar(["BEGIN:VEVENT"] + uid + lines + ["END:VEVENT"])
  }

  static func date(_ text: String) throws -> Date {
    try #require(ISO8601DateFormatter().date(from: text), "bad test date \(text)")
  }

  static func zone(_ id: String) throws -> TimeZone {
    try #require(TimeZone(identifier: id), "unknown zone \(id)")
  }

  static let all = Date(timeIntervalSince1970: -2_000_000_000)
    ... Date(timeIntervalSince1970: 4_000_000_000)

  /// Every occurrence start, read with the user in `userZone` (UTC by default).
  static func starts(_ calendar: ICalendar, userZone: String = "UTC") throws -> [Date] {
    calendar.occurrences(startingIn: all, timeZone: try zone(userZone)).map(\.start)
  }
}

@Suite struct ICalendarParserTests {
  @Test func foldedLinesAreJoinedWhateverTheLineEnds() {
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\nSUMMARY:Quarterly\r\n  review\r\n\tof\n"
      + " plans\rDESCRIPTION:x\rEND:VEVENT\rEND:VCALENDAR"
    let document = ICalendarReader.parse(text)
    let event = document.components.first?.components.first
    #expect(event?.property("SUMMARY")?.value == "Quarterly reviewofplans")
    #expect(event?.property("DESCRIPTION")?.value == "x")
    #expect(document.warnings.isEmpty)
  }

  @Test func byteOrderMarkBeforeTheFirstLineIsDropped() {
    let document = ICalendarReader.parse("\u{FEFF}BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
    #expect(document.components.map(\.name) == ["VCALENDAR"])
    #expect(document.warnings.isEmpty)
  }

  /// Files concatenated with their byte-order marks (`cat a.ics b.ics`) keep the
  /// second BEGIN:VCALENDAR, and with it that calendar's METHOD.
  @Test func byteOrderMarkAtTheStartOfALaterLineIsDropped() {
    let text = "\u{FEFF}BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n"
      + "\u{FEFF}BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n"
    let document = ICalendarReader.parse(text)
    #expect(document.components.map(\.name) == ["VCALENDAR", "VCALENDAR"])
    #expect(document.components.last?.property("METHOD")?.value == "CANCEL")
    #expect(document.warnings.isEmpty)
  }

  @Test func quotedParameterValuesKeepCommasColonsAndSemicolons() throws {
    let line = "ATTENDEE;CN=\"Lee, Ann: Sales; EMEA\";DELEGATED-FROM=\"mailto:a@x.example\","
      + "\"mailto:b@x.example\";ROLE=REQ-PARTICIPANT:mailto:ann@x.example"
    let property = try ICalendarReader.parseContentLine(line, line: 1).get()
    #expect(property.name == "ATTENDEE")
    #expect(property.parameter("cn") == "Lee, Ann: Sales; EMEA")
    #expect(property.parameters.first { $0.name == "DELEGATED-FROM" }?.values
      == ["mailto:a@x.example", "mailto:b@x.example"])
    #expect(property.parameter("ROLE") == "REQ-PARTICIPANT")
    #expect(property.value == "mailto:ann@x.example")
  }

  @Test func caretEscapesInParametersAreDecoded() throws {
    let line = "ATTENDEE;CN=George Herman ^'Babe^' Ruth:mailto:babe@example.com"
    let property = try ICalendarReader.parseContentLine(line, line: 1).get()
    #expect(property.parameter("CN") == "George Herman \"Babe\" Ruth")
  }

  @Test func textValuesAreUnescaped() {
    #expect(ICalendarText.unescape(#"a\, b\; c\\d\ne\Nf"#) == "a, b; c\\d\ne\nf")
  }

  @Test func summaryAndDescriptionAreReadAsText() throws {
    let calendar = ICS.event([
      "DTSTART:20250101T100000Z", #"SUMMARY:Budget\, Q1\; draft"#,
      #"DESCRIPTION:Line one\nLine two"#, #"LOCATION:Room 4\, floor 2"#,
    ])
    let event = try #require(calendar.events.first)
    #expect(event.summary == "Budget, Q1; draft")
    #expect(event.description == "Line one\nLine two")
    #expect(event.location == "Room 4, floor 2")
  }

  @Test func alarmsAndUnknownComponentsDoNotLeakIntoTheEvent() throws {
    let calendar = ICS.event([
      "DTSTART:20250101T100000Z", "DESCRIPTION:meeting",
      "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:alarm", "TRIGGER:-PT15M", "END:VALARM",
      "BEGIN:X-VENDOR", "SUMMARY:vendor", "END:X-VENDOR", "SUMMARY:Real",
    ])
    let event = try #require(calendar.events.first)
    #expect(event.description == "meeting")
    #expect(event.summary == "Real")
    #expect(calendar.warnings.isEmpty)
  }

  @Test func methodIsReadUpperCased() {
    let calendar = ICS.calendar(["METHOD:cancel"])
    #expect(calendar.method == "CANCEL")
  }

  @Test func organizerAndAttendeesAcceptMailtoInAnyCaseOrNone() throws {
    let calendar = ICS.event([
      "DTSTART:20250101T100000Z",
      #"ORGANIZER;CN="Lee\, Ann":MailTo:Ann.Lee@Fabrikam.example"#,
      "ATTENDEE;CN=Bo:MAILTO:bo@contoso.example",
      "ATTENDEE:cy@contoso.example",
      "ATTENDEE;CN=Room 4:urn:uuid:00000000-0000-0000-0000-000000000004",
    ])
    let event = try #require(calendar.events.first)
    #expect(event.organizer?.address == "Ann.Lee@Fabrikam.example")
    #expect(event.organizer?.name == "Lee, Ann")
    #expect(event.attendees.map(\.address) == ["bo@contoso.example", "cy@contoso.example", nil])
    #expect(event.attendees.last?.name == "Room 4")
  }

  /// An attendee whose calendar address is not a mailto: URI but who carries the RFC 7986
  /// (6.2) EMAIL parameter has that address, so the meeting relates to the contact whose
  /// address it names.
  @Test func emailParameterGivesTheAddressOfANonMailtoAttendee() throws {
    let calendar = ICS.event([
      "DTSTART:20250101T100000Z",
      "ORGANIZER;CN=Ann;EMAIL=ann@fabrikam.example:urn:uuid:6f9a1c2e-4b7d-4e8f-9a0b-1c2d3e4f5a6b",
      #"ATTENDEE;CN=Bo;EMAIL="bo@contoso.example":https://cal.contoso.example/p/bo"#,
      "ATTENDEE;EMAIL=other@contoso.example:mailto:cy@contoso.example",
    ])
    let event = try #require(calendar.events.first)
    #expect(event.organizer?.address == "ann@fabrikam.example")
    #expect(event.attendees.map(\.address) == ["bo@contoso.example", "cy@contoso.example"])
  }

  /// A VEVENT without DTSTART in a file with a METHOD (allowed by RFC 5545 3.8.2.4, and
  /// how some servers write a cancellation) is kept, and with it the cancellation it
  /// carries. An override stands at its RECURRENCE-ID.
  @Test func overrideWithoutStartStandsAtItsRecurrenceId() throws {
    let calendar = ICS.calendar(["METHOD:CANCEL", "BEGIN:VEVENT", "UID:d", "SEQUENCE:1",
                                 "RECURRENCE-ID;TZID=Europe/Berlin:20251124T090000",
                                 "END:VEVENT"])
    #expect(calendar.skippedEvents.isEmpty)
    let event = try #require(calendar.events.first)
    #expect(event.start == event.recurrenceId)
    #expect(event.start.zone == .named("Europe/Berlin"))
  }

  @Test func cancellationWithoutStartIsKeptAsACancellationOfTheSeries() throws {
    let calendar = ICS.calendar(["METHOD:CANCEL", "BEGIN:VEVENT", "UID:d", "SEQUENCE:2",
                                 "END:VEVENT"])
    #expect(calendar.skippedEvents.isEmpty)
    #expect(calendar.events.isEmpty)
    #expect(calendar.cancellations == [ICalendarCancellation(uid: "d", sequence: 2, line: 4)])
  }

  @Test func eventWithoutStartOutsideACancellationIsStillSkipped() throws {
    let calendar = ICS.calendar(["METHOD:REQUEST", "BEGIN:VEVENT", "UID:d", "END:VEVENT"])
    #expect(calendar.skippedEvents.map(\.reason) == ["no DTSTART"])
    #expect(calendar.cancellations.isEmpty)
  }

  @Test func missingEndLinesAreClosedWithAWarning() throws {
    let calendar = ICalendar.parse(
      "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:u\nDTSTART:20250101T100000Z\n")
    #expect(calendar.events.count == 1)
    #expect(calendar.warnings.contains("line 2: BEGIN:VEVENT has no END"))
    #expect(calendar.warnings.contains("line 1: BEGIN:VCALENDAR has no END"))
  }

  /// An event whose END:VEVENT is lost does not swallow the next event: the second
  /// BEGIN:VEVENT does not open inside the first, so its meeting is read.
  @Test func eventWithoutEndDoesNotSwallowTheNextEvent() throws {
    let text = ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:a", "DTSTART:20250101T100000Z",
                "BEGIN:VEVENT", "UID:b", "DTSTART:20250102T100000Z", "END:VEVENT",
                "END:VCALENDAR"]
    let calendar = ICalendar.parse(text.joined(separator: "\r\n"))
    #expect(calendar.events.map(\.uid) == ["a", "b"])
    #expect(calendar.warnings == ["line 2: BEGIN:VEVENT has no END"])
  }

  /// As above for a calendar whose END:VCALENDAR is lost before the next calendar of a
  /// concatenated file: the second calendar does not open inside the first, so its events
  /// are read.
  @Test func calendarWithoutEndDoesNotSwallowTheNextCalendar() throws {
    let text = ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:a", "DTSTART:20250101T100000Z",
                "END:VEVENT", "BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:b",
                "DTSTART:20250102T100000Z", "END:VEVENT", "END:VCALENDAR"]
    let calendar = ICalendar.parse(text.joined(separator: "\r\n"))
    #expect(calendar.events.map(\.uid) == ["a", "b"])
    #expect(calendar.warnings == ["line 1: BEGIN:VCALENDAR has no END"])
  }

  @Test func alarmInsideAnEventStillNestsInIt() throws {
    let text = ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:a", "DTSTART:20250101T100000Z",
                "BEGIN:VALARM", "TRIGGER:-PT15M", "SUMMARY:alarm", "END:VALARM",
                "SUMMARY:event", "END:VEVENT", "END:VCALENDAR"]
    let calendar = ICalendar.parse(text.joined(separator: "\r\n"))
    #expect(calendar.events.map(\.summary) == ["event"])
    #expect(calendar.warnings.isEmpty)
  }

  /// A VEVENT wrapped in a component this reader does not know (an x-comp may not hold
  /// components, but some writers wrap events) is read, with a warning.
  @Test func eventInsideAnUnknownComponentIsReadWithAWarning() throws {
    let text = ["BEGIN:VCALENDAR", "METHOD:REQUEST", "BEGIN:X-WRAPPER", "BEGIN:VEVENT",
                "UID:a", "DTSTART:20250101T100000Z", "END:VEVENT", "END:X-WRAPPER",
                "END:VCALENDAR"]
    let calendar = ICalendar.parse(text.joined(separator: "\r\n"))
    #expect(calendar.events.map(\.uid) == ["a"])
    #expect(calendar.events.first?.method == "REQUEST")
    #expect(calendar.warnings == ["line 4: VEVENT inside X-WRAPPER read as an event"])
  }

  @Test func eventInsideAnUnknownTopLevelComponentIsRead() throws {
    let calendar = try ICalendarCorpusTests.calendar(
      "calendars/issue_178_custom_component_contains_other.ics")
    #expect(calendar.problem == nil)
    #expect(calendar.events.map(\.uid) == ["12345"])
  }

  @Test func eventsOfEveryCalendarInTheFileAreRead() {
    let text = ["BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:a", "DTSTART:20250101T100000Z",
                "END:VEVENT", "END:VCALENDAR", "BEGIN:VCALENDAR", "BEGIN:VEVENT", "UID:b",
                "DTSTART:20250102T100000Z", "END:VEVENT", "END:VCALENDAR"]
    let calendar = ICalendar.parse(text.joined(separator: "\n"))
    #expect(calendar.events.map(\.uid) == ["a", "b"])
  }

  @Test func textWithoutAnyComponentIsNotUnderstood() {
    #expect(ICalendar.parse("").problem == "the file is empty")
    #expect(ICalendar.parse("hello\nworld\n").problem == "no iCalendar component (no BEGIN line)")
  }

  @Test func malformedLineIsDroppedAndNamed() throws {
    let calendar = ICS.event(["DTSTART:20250101T100000Z", "SUMMARY;=x:oops", "SUMMARY:ok"])
    #expect(calendar.events.first?.summary == "ok")
    #expect(calendar.warnings.contains { $0.contains("SUMMARY has an empty parameter") })
  }

  @Test func eventWithoutUidIsKeptUnderAKeyOfItsOwn() throws {
    let calendar = ICalendar.parse(
      "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20250101T100000Z\nEND:VEVENT\nEND:VCALENDAR\n")
    #expect(calendar.events.count == 1)
    #expect(calendar.events.first?.uid?.hasPrefix("no-uid-") == true)
  }

  @Test func utf16WithByteOrderMarkIsRead() throws {
    let text = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nDTSTART:20250101T100000Z\r\n"
      + "SUMMARY:Réunion\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    var data = Data([0xFF, 0xFE])
    data.append(try #require(text.data(using: .utf16LittleEndian)))
    let calendar = ICalendar.parse(data)
    #expect(calendar.events.first?.summary == "Réunion")
    #expect(calendar.warnings.isEmpty)
  }

  /// A fold at 75 octets in the middle of a UTF-8 character (RFC 5545 3.1 allows it: the
  /// fold is removed before the octets are read as UTF-8) is joined before decoding, so the
  /// file does not fall back to Latin-1 with every accent in it garbled.
  @Test func foldInsideAUTF8CharacterIsJoinedBeforeDecoding() throws {
    let e = Array("é".utf8), euro = Array("€".utf8)
    var bytes = Array("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:u\r\nSUMMARY:Caf".utf8)
    bytes += [e[0]] + Array("\r\n ".utf8) + [e[1]]
    bytes += Array(" 5 ".utf8) + euro[0..<2] + Array("\n\t".utf8) + [euro[2]]
    bytes += Array("\r\nDTSTART:20250101T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n".utf8)
    let calendar = ICalendar.parse(Data(bytes))
    #expect(calendar.events.first?.summary == "Café 5 €")
    #expect(calendar.warnings.isEmpty)
    #expect(calendar.events.first?.start.local.year == 2025)
  }

  @Test func latin1BytesAreReadWithAWarning() throws {
    var data = Data(
      "BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:u\nDTSTART:20250101T100000Z\nSUMMARY:Caf".utf8)
    data.append(0xE9)
    data.append(contentsOf: Array("\nEND:VEVENT\nEND:VCALENDAR\n".utf8))
    let calendar = ICalendar.parse(data)
    #expect(calendar.events.first?.summary == "Café")
    #expect(calendar.warnings.first == "not UTF-8; read as Latin-1")
  }
}
