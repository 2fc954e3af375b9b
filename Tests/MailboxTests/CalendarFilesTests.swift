import CaptureCore
import Foundation
import Mailbox
import TestSupport
import Testing

/// Calendar files written into a fresh folder, read through `CalendarFiles`.
struct CalendarFolder {
  let url: URL

  init() throws { url = try Fixtures.temporaryDirectory("calendar-files") }

  /// Writes a calendar (CRLF lines inside VCALENDAR) and returns its path.
  @discardableResult
  func write(_ name: String, _ lines: [String], method: String? = nil) throws -> String {
    let head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
      + (method.map { ["METHOD:\($0)"] } ?? [])
    let file = url.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: file.deletingLastPathComponent(),
                                            withIntermediateDirectories: true)
    try ((head + lines + ["END:VCALENDAR"]).joined(separator: "\r\n") + "\r\n")
      .write(to: file, atomically: true, encoding: .utf8)
    return file.path
  }

  func remove() { try? FileManager.default.removeItem(at: url) }
}

/// A VEVENT's lines.
func vevent(uid: String, start: String, _ more: [String] = [],
            organizer: String = "mailto:ann@fabrikam.example") -> [String]
{
  ["BEGIN:VEVENT", "UID:\(uid)", "DTSTART:\(start)", "ORGANIZER;CN=Ann Lee:\(organizer)"]
    + more + ["END:VEVENT"]
}

@Suite struct CalendarFilesTests {
  static let now = Date(timeIntervalSince1970: 1_764_000_000)  // 2025-11-24T16:00:00Z
  static let window = now.addingTimeInterval(-72 * 3600)...now.addingTimeInterval(72 * 3600)
  static let ann: Set<EmailAddress> = [EmailAddress(normalized: "ann@fabrikam.example")]

  static func utc() throws -> TimeZone { try #require(TimeZone(identifier: "UTC")) }

  static func meetings(_ source: CalendarFiles, _ addresses: Set<EmailAddress> = ann,
                       zone: String = "UTC") throws -> [CapturedMeeting]
  {
    try source.meetings(matching: addresses, startingIn: window,
                        timeZone: try #require(TimeZone(identifier: zone)))
  }

  @Test func meetingRelatesThroughItsOrganizerWhateverTheCase() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("a.ics", vevent(
      uid: "m1", start: "20251124T150000Z", ["SUMMARY:Pricing", "DTEND:20251124T160000Z"],
      organizer: "MAILTO:Ann@Fabrikam.Example"))
    let meetings = try Self.meetings(CalendarFiles(paths: [path]))
    #expect(meetings.count == 1)
    let meeting = try #require(meetings.first)
    #expect(meeting.uid == "m1")
    #expect(meeting.summary == "Pricing")
    #expect(meeting.organizer == EmailAddress(normalized: "ann@fabrikam.example"))
    #expect(meeting.organizerName == "Ann Lee")
    #expect(meeting.recurrenceId == nil)
    #expect(meeting.end == meeting.start.addingTimeInterval(3600))
    #expect(meeting.source == path)
  }

  @Test func meetingRelatesThroughAnyAttendee() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("a.ics", vevent(
      uid: "m1", start: "20251124T150000Z",
      ["ATTENDEE;CN=Bo:mailto:bo@contoso.example", "ATTENDEE:MAILTO:Cy@Contoso.example"],
      organizer: "mailto:zed@elsewhere.example"))
    let cy: Set<EmailAddress> = [EmailAddress(normalized: "cy@contoso.example")]
    let meeting = try #require(try Self.meetings(CalendarFiles(paths: [path]), cy).first)
    #expect(meeting.attendees.map(\.value) == ["bo@contoso.example", "cy@contoso.example"])
  }

  @Test func meetingWithoutAnyAddressOfTheSetIsLeftOut() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("a.ics", vevent(
      uid: "m1", start: "20251124T150000Z", ["ATTENDEE:mailto:bo@contoso.example"]))
    let other: Set<EmailAddress> = [EmailAddress(normalized: "ann@contoso.example")]
    #expect(try Self.meetings(CalendarFiles(paths: [path]), other).isEmpty)
  }

  @Test func windowEdgesAreIncludedAndOneSecondBeyondIsNot() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    // now = 2025-11-24T16:00:00Z: edges at 2025-11-21T16:00:00Z and 2025-11-27T16:00:00Z.
    let path = try folder.write("edges.ics",
      vevent(uid: "early-edge", start: "20251121T160000Z")
      + vevent(uid: "too-early", start: "20251121T155959Z")
      + vevent(uid: "late-edge", start: "20251127T160000Z")
      + vevent(uid: "too-late", start: "20251127T160001Z"))
    let meetings = try Self.meetings(CalendarFiles(paths: [path]))
    #expect(meetings.map(\.uid) == ["early-edge", "late-edge"])
  }

  @Test func allDayMeetingStartsAtMidnightInTheUsersZone() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("a.ics", vevent(uid: "offsite", start: "20251125",
                                                ["DTEND;VALUE=DATE:20251126"])
      .map { $0 == "DTSTART:20251125" ? "DTSTART;VALUE=DATE:20251125" : $0 })
    let meeting = try #require(try Self.meetings(CalendarFiles(paths: [path]),
                                                 zone: "America/New_York").first)
    #expect(meeting.isAllDay)
    #expect(meeting.start == Date(timeIntervalSince1970: 1_764_046_800))  // 11-25T05:00Z
    #expect(meeting.end == Date(timeIntervalSince1970: 1_764_133_200))
  }

  @Test func floatingTimeIsReadInTheUsersZone() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("a.ics", vevent(uid: "f", start: "20251125T090000"))
    let meeting = try #require(try Self.meetings(CalendarFiles(paths: [path]),
                                                 zone: "Asia/Tokyo").first)
    #expect(meeting.start == Date(timeIntervalSince1970: 1_764_028_800))  // 11-25T00:00Z
  }

  @Test func cancelledMeetingIsNotCaptured() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("a.ics",
      vevent(uid: "gone", start: "20251124T150000Z", ["STATUS:CANCELLED"])
      + vevent(uid: "kept", start: "20251124T170000Z", ["STATUS:CONFIRMED"]))
    #expect(try Self.meetings(CalendarFiles(paths: [path])).map(\.uid) == ["kept"])
  }

  @Test func meetingFromACancelFileIsNotCaptured() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("cancel.ics", vevent(uid: "c", start: "20251124T150000Z"),
                                method: "CANCEL")
    #expect(try Self.meetings(CalendarFiles(paths: [path])).isEmpty)
  }

  @Test func cancellationNoticeBesideTheInvitationRemovesTheMeeting() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write("invite.ics", vevent(uid: "x", start: "20251124T150000Z",
                                          ["SEQUENCE:1"]), method: "REQUEST")
    try folder.write("cancel.ics", vevent(uid: "x", start: "20251124T150000Z",
                                          ["SEQUENCE:1"]), method: "CANCEL")
    #expect(try Self.meetings(CalendarFiles(paths: [folder.url.path])).isEmpty)
  }

  @Test func cancellationOfOneOccurrenceInAnotherFileRemovesOnlyIt() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write("series.ics", vevent(uid: "d", start: "20251123T090000Z",
                                          ["RRULE:FREQ=DAILY;COUNT=3"]), method: "REQUEST")
    try folder.write("cancel.ics", vevent(uid: "d", start: "20251124T090000Z",
                                          ["RECURRENCE-ID:20251124T090000Z"]), method: "CANCEL")
    let meetings = try Self.meetings(CalendarFiles(paths: [folder.url.path]))
    #expect(meetings.map(\.start) == [1_763_888_400, 1_764_061_200]
      .map { Date(timeIntervalSince1970: $0) })
  }

  /// An update in another file moving one occurrence out of the window does not leave the
  /// meeting at its old time, though the moved copy, starting outside the window, is not
  /// there to stand against the series' occurrence.
  @Test func updateInAnotherFileMovingAnOccurrenceAwayRemovesItFromTheWindow() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write("invite.ics", vevent(uid: "d", start: "20251123T090000Z",
                                          ["RRULE:FREQ=DAILY;COUNT=3"]), method: "REQUEST")
    try folder.write("update.ics", vevent(
      uid: "d", start: "20251203T090000Z", ["RECURRENCE-ID:20251124T090000Z", "SEQUENCE:1"]),
      method: "REQUEST")
    let meetings = try Self.meetings(CalendarFiles(paths: [folder.url.path]))
    #expect(meetings.map(\.start) == [1_763_888_400, 1_764_061_200]
      .map { Date(timeIntervalSince1970: $0) })
  }

  /// An override in another file with the series' SEQUENCE wins over the series' own
  /// occurrence, also when the series' file comes first in path order.
  @Test func overrideInAnotherFileWinsOverTheSeriesOccurrenceOfTheSameSequence() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write("a-series.ics", vevent(uid: "d", start: "20251123T090000Z",
                                            ["RRULE:FREQ=DAILY;COUNT=3"]))
    try folder.write("b-moved.ics", vevent(uid: "d", start: "20251124T140000Z",
                                           ["RECURRENCE-ID:20251124T090000Z"]))
    let meetings = try Self.meetings(CalendarFiles(paths: [folder.url.path]))
    #expect(meetings.map(\.start) == [1_763_888_400, 1_763_992_800, 1_764_061_200]
      .map { Date(timeIntervalSince1970: $0) })
  }

  /// "This and all following" saved as its own file (an update mailed by the organizer)
  /// moves every later occurrence of the series in another file, as it does within one
  /// file, whichever file comes first in path order.
  @Test(arguments: [("a-series.ics", "b-moved.ics"), ("b-series.ics", "a-moved.ics")])
  func thisAndFutureOverrideInAnotherFileMovesEveryLaterOccurrence(
    series: String, moved: String
  ) throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write(series, vevent(uid: "d", start: "20251122T090000Z",
                                    ["RRULE:FREQ=DAILY;COUNT=5", "SUMMARY:Stand-up"]),
                     method: "REQUEST")
    try folder.write(moved, vevent(uid: "d", start: "20251124T140000Z", [
      "RECURRENCE-ID;RANGE=THISANDFUTURE:20251124T090000Z", "SEQUENCE:1",
      "SUMMARY:Stand-up (afternoons)",
    ]), method: "REQUEST")
    let meetings = try Self.meetings(CalendarFiles(paths: [folder.url.path]))
    #expect(meetings.map(\.start) == [
      1_763_802_000, 1_763_888_400, 1_763_992_800, 1_764_079_200, 1_764_165_600,
    ].map { Date(timeIntervalSince1970: $0) })
    #expect(meetings.map(\.recurrenceId) == [
      1_763_802_000, 1_763_888_400, 1_763_974_800, 1_764_061_200, 1_764_147_600,
    ].map { Date(timeIntervalSince1970: $0) })
    #expect(meetings.map(\.summary) == ["Stand-up", "Stand-up"]
      + Array(repeating: "Stand-up (afternoons)", count: 3))
  }

  /// A cancellation notice without DTSTART (valid in a METHOD file) is not skipped as
  /// broken: the cancelled meeting goes.
  @Test func cancellationWithoutStartRemovesTheSeries() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write("invite.ics", vevent(uid: "d", start: "20251123T090000Z",
                                          ["RRULE:FREQ=DAILY;COUNT=3"]), method: "REQUEST")
    try folder.write("cancel.ics", ["BEGIN:VEVENT", "UID:d", "SEQUENCE:1", "END:VEVENT"],
                     method: "CANCEL")
    let source = CalendarFiles(paths: [folder.url.path])
    #expect(try Self.meetings(source).isEmpty)
    #expect(source.problems.isEmpty)
  }

  @Test func cancellationOfOneOccurrenceWithoutStartRemovesOnlyIt() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write("invite.ics", vevent(uid: "d", start: "20251123T090000Z",
                                          ["RRULE:FREQ=DAILY;COUNT=3"]), method: "REQUEST")
    try folder.write("cancel.ics", ["BEGIN:VEVENT", "UID:d", "SEQUENCE:1",
                                    "RECURRENCE-ID:20251124T090000Z", "END:VEVENT"],
                     method: "CANCEL")
    let meetings = try Self.meetings(CalendarFiles(paths: [folder.url.path]))
    #expect(meetings.map(\.start) == [1_763_888_400, 1_764_061_200]
      .map { Date(timeIntervalSince1970: $0) })
  }

  /// Every VCALENDAR's METHOD is read: an invitation and its cancellation concatenated
  /// into one file (`cat invite.ics cancel.ics`) remove the meeting.
  @Test func cancellationInTheSecondCalendarOfAFileRemovesTheMeeting() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let file = folder.url.appendingPathComponent("both.ics")
    let lines = ["BEGIN:VCALENDAR", "METHOD:REQUEST"]
      + vevent(uid: "m", start: "20251124T090000Z") + ["END:VCALENDAR", "BEGIN:VCALENDAR",
      "METHOD:CANCEL"] + vevent(uid: "m", start: "20251124T090000Z", ["SEQUENCE:1"])
      + ["END:VCALENDAR"]
    try (lines.joined(separator: "\r\n") + "\r\n").write(to: file, atomically: true,
                                                           encoding: .utf8)
    #expect(try Self.meetings(CalendarFiles(paths: [file.path])).isEmpty)
  }

  /// When an update in another file reschedules a whole series (a higher SEQUENCE on the
  /// event without RECURRENCE-ID), the old series' occurrences that the new one does not
  /// share go: Monday's meeting does not show beside Tuesday's.
  @Test func rescheduledSeriesInAnotherFileReplacesEveryOldOccurrence() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write("invite.ics", vevent(uid: "w", start: "20251124T090000Z",
                                          ["RRULE:FREQ=WEEKLY"]), method: "REQUEST")
    try folder.write("update.ics", vevent(uid: "w", start: "20251125T090000Z",
                                          ["RRULE:FREQ=WEEKLY", "SEQUENCE:1"]),
                     method: "REQUEST")
    let meetings = try Self.meetings(CalendarFiles(paths: [folder.url.path]))
    #expect(meetings.map(\.start) == [Date(timeIntervalSince1970: 1_764_061_200)])
  }

  @Test func singleMeetingTurnedIntoASeriesIsNotShownTwice() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write("invite.ics", vevent(uid: "m", start: "20251124T090000Z"),
                     method: "REQUEST")
    try folder.write("update.ics", vevent(uid: "m", start: "20251124T090000Z",
                                          ["RRULE:FREQ=DAILY;COUNT=2", "SEQUENCE:1"]),
                     method: "REQUEST")
    let meetings = try Self.meetings(CalendarFiles(paths: [folder.url.path]))
    #expect(meetings.map(\.start) == [1_763_974_800, 1_764_061_200]
      .map { Date(timeIntervalSince1970: $0) })
    #expect(meetings.allSatisfy { $0.recurrenceId != nil })
  }

  @Test func cancelledOverrideRemovesOnlyThatOccurrence() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("daily.ics",
      vevent(uid: "d", start: "20251123T090000Z", ["RRULE:FREQ=DAILY;COUNT=4"])
      + vevent(uid: "d", start: "20251124T090000Z",
               ["RECURRENCE-ID:20251124T090000Z", "STATUS:CANCELLED"]))
    let meetings = try Self.meetings(CalendarFiles(paths: [path]))
    #expect(meetings.map(\.start) == [1_763_888_400, 1_764_061_200, 1_764_147_600]
      .map { Date(timeIntervalSince1970: $0) })
    #expect(meetings.allSatisfy { $0.recurrenceId == $0.start })
  }

  @Test func everyOccurrenceInTheWindowIsItsOwnItem() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("weekly.ics", vevent(
      uid: "w", start: "20200101T090000Z", ["RRULE:FREQ=DAILY;INTERVAL=2"]))
    let meetings = try Self.meetings(CalendarFiles(paths: [path]))
    #expect(meetings.count == 3)
    #expect(Set(meetings.compactMap(\.recurrenceId)).count == 3)
  }

  @Test func sameOccurrenceInTwoFilesIsOneItem() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write("one.ics", vevent(uid: "dup", start: "20251124T150000Z",
                                       ["SUMMARY:Old", "SEQUENCE:1"]))
    try folder.write("two.ics", vevent(uid: "dup", start: "20251124T150000Z",
                                       ["SUMMARY:New", "SEQUENCE:2"]))
    let meetings = try Self.meetings(CalendarFiles(paths: [folder.url.path]))
    #expect(meetings.count == 1)
    #expect(meetings.first?.summary == "New")
  }

  @Test func invitationWinsOverAnAttendeesReplyOfTheSameSequence() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write("a-reply.ics", vevent(uid: "r", start: "20251124T150000Z",
      ["ATTENDEE;PARTSTAT=ACCEPTED:mailto:bo@contoso.example"]), method: "REPLY")
    try folder.write("b-invite.ics", vevent(uid: "r", start: "20251124T150000Z",
      ["SUMMARY:Kick-off", "ATTENDEE:mailto:bo@contoso.example"]), method: "REQUEST")
    let meetings = try Self.meetings(CalendarFiles(paths: [folder.url.path]))
    #expect(meetings.map(\.summary) == ["Kick-off"])
  }

  @Test func meetingsAreSortedByStartAcrossFiles() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write("a.ics", vevent(uid: "late", start: "20251126T100000Z"))
    try folder.write("b.ics", vevent(uid: "early", start: "20251122T100000Z"))
    try folder.write("c.ics", vevent(uid: "middle", start: "20251124T100000Z"))
    let meetings = try Self.meetings(CalendarFiles(paths: [folder.url.path]))
    #expect(meetings.map(\.uid) == ["early", "middle", "late"])
  }

  @Test func folderIsReadForIcsFilesOneLevelDown() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write("top.ics", vevent(uid: "top", start: "20251124T100000Z"))
    try folder.write("work/sub.ICS", vevent(uid: "sub", start: "20251124T110000Z"))
    try folder.write("notes.txt", vevent(uid: "txt", start: "20251124T120000Z"))
    try folder.write("a/b/deep.ics", vevent(uid: "deep", start: "20251124T130000Z"))
    let meetings = try Self.meetings(CalendarFiles(paths: [folder.url.path]))
    #expect(meetings.map(\.uid) == ["top", "sub"])
  }

  @Test func missingPathIsAProblemNotAFailure() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let good = try folder.write("a.ics", vevent(uid: "ok", start: "20251124T100000Z"))
    let missing = folder.url.appendingPathComponent("nope").path
    let source = CalendarFiles(paths: [missing, good])
    #expect(try Self.meetings(source).map(\.uid) == ["ok"])
    #expect(source.problems == [.unreadable(path: missing, reason: "no such file or folder")])
  }

  @Test func namedPipeIsReportedInsteadOfBlockingTheRead() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    try folder.write("ok.ics", vevent(uid: "ok", start: "20251124T100000Z"))
    let pipe = folder.url.appendingPathComponent("pipe.ics").path
    #expect(mkfifo(pipe, 0o600) == 0)
    let source = CalendarFiles(paths: [folder.url.path])
    #expect(try Self.meetings(source).map(\.uid) == ["ok"])
    #expect(source.problems == [.unreadable(path: pipe, reason: "not a regular file")])
  }

  @Test func oversizedFileIsReportedAndNotRead() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("big.ics", vevent(uid: "big", start: "20251124T100000Z"))
    let size = try #require(
      try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber).int64Value
    let source = CalendarFiles(paths: [path], maxFileSize: size - 1)
    #expect(try Self.meetings(source).isEmpty)
    #expect(source.problems == [.unreadable(
      path: path, reason: "\(size) bytes, more than the \(size - 1) read at most")])
  }

  @Test func brokenEventIsReportedWithItsFileAndTheRestIsRead() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("mixed.ics",
      vevent(uid: "bad", start: "2025-11-24") + vevent(uid: "ok", start: "20251124T100000Z"))
    let source = CalendarFiles(paths: [path])
    #expect(try Self.meetings(source).map(\.uid) == ["ok"])
    let problem = try #require(source.problems.first)
    guard case .malformed(let file, let reason) = problem else {
      Issue.record("expected malformed, got \(problem)"); return
    }
    #expect(file == path)
    #expect(reason.contains("UID bad") && reason.contains("'2025-11-24' is not a date-time"))
  }

  @Test func fileThatIsNotICalendarIsReportedWithItsName() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = folder.url.appendingPathComponent("junk.ics").path
    try "just some words\n".write(toFile: path, atomically: true, encoding: .utf8)
    let source = CalendarFiles(paths: [folder.url.path])
    #expect(try Self.meetings(source).isEmpty)
    #expect(source.problems == [
      .malformed(path: path, reason: "no iCalendar component (no BEGIN line)"),
    ])
  }

  @Test func changedFileIsReadAgain() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("a.ics", vevent(uid: "m", start: "20251124T100000Z",
                                                ["SUMMARY:First"]))
    let source = CalendarFiles(paths: [path])
    #expect(try Self.meetings(source).first?.summary == "First")
    #expect(try Self.meetings(source).first?.summary == "First")
    try folder.write("a.ics", vevent(uid: "m", start: "20251124T100000Z",
                                     ["SUMMARY:Second version"]))
    #expect(try Self.meetings(source).first?.summary == "Second version")
  }

  @Test func fileWithUnchangedTimeAndSizeIsTakenFromTheCache() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("a.ics", vevent(uid: "m", start: "20251124T100000Z",
                                                ["SUMMARY:Alpha"]))
    let fm = FileManager.default
    let stamp = Date(timeIntervalSince1970: 1_700_000_000)
    try fm.setAttributes([.modificationDate: stamp], ofItemAtPath: path)
    let source = CalendarFiles(paths: [path])
    #expect(try Self.meetings(source).first?.summary == "Alpha")
    try folder.write("a.ics", vevent(uid: "m", start: "20251124T100000Z", ["SUMMARY:Bravo"]))
    try fm.setAttributes([.modificationDate: stamp], ofItemAtPath: path)
    #expect(try Self.meetings(source).first?.summary == "Alpha")
    try fm.setAttributes([.modificationDate: stamp.addingTimeInterval(1)], ofItemAtPath: path)
    #expect(try Self.meetings(source).first?.summary == "Bravo")
  }

  @Test func removedFileNoLongerGivesMeetings() throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    let path = try folder.write("a.ics", vevent(uid: "m", start: "20251124T100000Z"))
    let source = CalendarFiles(paths: [folder.url.path])
    #expect(try Self.meetings(source).count == 1)
    try FileManager.default.removeItem(atPath: path)
    #expect(try Self.meetings(source).isEmpty)
  }

  @Test func wholeCorpusIsReadAndItsBrokenFilesNamed() throws {
    let corpus = Fixtures.corpus.appendingPathComponent("calendar/icalendar").path
    let source = CalendarFiles(paths: [corpus])
    let everyone: Set<EmailAddress> = [EmailAddress(normalized: "rembrand@daxlab.com")]
    let all = Date(timeIntervalSince1970: 0)...Date(timeIntervalSince1970: 4_000_000_000)
    let meetings = try source.meetings(matching: everyone, startingIn: all,
                                       timeZone: try Self.utc())
    #expect(meetings.map(\.uid) == ["XRIMCAL-628059586-522954492-9750559"])
    let reasons = source.problems.compactMap { problem -> String? in
      guard case .malformed(let path, let reason) = problem else { return nil }
      return "\((path as NSString).lastPathComponent): \(reason)"
    }
    #expect(reasons.contains {
      $0.hasPrefix("broken_dtstart.ics: ") && $0.contains("INVALID-DATE")
    })
    #expect(reasons.contains { $0.hasPrefix("fuzz_testcase_invalid_month.ics: no iCalendar") })
    #expect(reasons.contains { $0.hasPrefix("broken_ical.ics: ") })
  }

  @Test func concurrentCallsAgree() async throws {
    let folder = try CalendarFolder(); defer { folder.remove() }
    for i in 0..<20 {
      try folder.write("e\(i).ics", vevent(uid: "u\(i)", start: "20251124T1\(i % 10)0000Z"))
    }
    let source = CalendarFiles(paths: [folder.url.path])
    let utc = try Self.utc()
    let counts = try await withThrowingTaskGroup(of: Int.self) { group in
      for _ in 0..<8 {
        group.addTask {
          try source.meetings(matching: Self.ann, startingIn: Self.window, timeZone: utc).count
        }
      }
      return try await group.reduce(into: [Int]()) { $0.append($1) }
    }
    #expect(counts == Array(repeating: 20, count: 8))
  }
}
