import Foundation
import Testing
import TestSupport

/// Tracking meetings through the real binary and the SQLite database: a single event and one
/// occurrence of a series (`cal:UID/RECURRENCE-ID`), synced twice.
@Suite struct MeetingTrackingEndToEndTests {
  typealias F = CaptureFixture

  /// Ann's single event, and her daily stand-up whose Wednesday occurrence was moved from
  /// 10:00 to 14:00 (a RECURRENCE-ID override).
  static let calendar = """
    BEGIN:VEVENT
    UID:pricing
    DTSTAMP:20261101T000000Z
    DTSTART:20261124T090000Z
    DTEND:20261124T100000Z
    SUMMARY:Pricing review
    ORGANIZER:mailto:ann@fabrikam.example
    END:VEVENT
    BEGIN:VEVENT
    UID:daily
    DTSTAMP:20261101T000000Z
    DTSTART:20261101T100000Z
    DURATION:PT30M
    RRULE:FREQ=DAILY
    SUMMARY:Standup
    ORGANIZER:mailto:ann@fabrikam.example
    END:VEVENT
    BEGIN:VEVENT
    UID:daily
    DTSTAMP:20261101T000000Z
    RECURRENCE-ID:20261125T100000Z
    DTSTART:20261125T140000Z
    DTEND:20261125T150000Z
    SUMMARY:Standup (moved)
    ORGANIZER:mailto:ann@fabrikam.example
    END:VEVENT

    """
  static let occurrence = "cal:daily/20261125T100000Z"

  func track(_ f: CaptureFixture, _ record: String, _ item: String) throws -> CLIRunner.Result {
    try CLIRunner.run(["track", "--record", record, "--item", item] + f.sources())
  }

  func sync(_ f: CaptureFixture) throws -> CLIRunner.Result {
    try CLIRunner.run(["sync"] + f.sources())
  }

  func appointments(_ t: [String: Any]) -> [[String: Any]] {
    F.items(t).filter { $0["kind"] as? String == "appointment" }
  }

  @Test func aSingleMeetingAndAnOccurrenceEachBecomeOneAppointmentAcrossTwoSyncs() throws {
    let f = try F.imported()
    try f.calendarFile("work.ics", Self.calendar)
    let before = try f.timeline("account:a-fab")
    #expect(F.ids(before).contains("cal:pricing"))
    #expect(F.ids(before).contains(Self.occurrence))

    for item in ["cal:pricing", Self.occurrence] {
      let tracked = try track(f, "account:a-fab", item)
      #expect(tracked.status == 0, "\(item): \(tracked.stderr)")
    }
    let first = try sync(f)
    #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
    #expect(first.stdout.contains("synced 2 of 2"), "\(first.stdout)")
    let second = try sync(f)
    #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
    #expect(second.stdout.contains("synced 0 of 0"), "\(second.stdout)")

    // What the database holds, as a teammate without a calendar sees it: two appointments.
    let shared = appointments(try f.timeline("account:a-fab", user: "eli", withMail: false))
    #expect(shared.count == 2, "\(shared)")
    #expect(shared.map { $0["subject"] as? String } == ["Standup (moved)", "Pricing review"])
    #expect(shared.allSatisfy { $0["state"] as? String == "tracked" })
    let moved = try #require(shared.first)
    #expect(moved["at"] as? String == "2026-11-25T14:00:00Z", "the occurrence keeps its start")
    #expect(moved["end"] as? String == "2026-11-25T15:00:00Z")
    #expect(moved["uid"] as? String == "daily")
    #expect(moved["recurrenceId"] as? String == "2026-11-25T10:00:00Z")
    #expect(shared.last?["at"] as? String == "2026-11-24T09:00:00Z")

    // Dana's own timeline: each tracked one once, under its activity; the other
    // occurrences of the series stay private.
    let mine = appointments(try f.timeline("account:a-fab"))
    let sharedIds = Set(shared.compactMap { $0["id"] as? String })
    let tracked = mine.filter { $0["state"] as? String == "tracked" }
    #expect(Set(tracked.compactMap { $0["id"] as? String }) == sharedIds)
    #expect(tracked.count == 2)
    let daily = mine.filter { $0["uid"] as? String == "daily" }
    #expect(daily.count == 6)  // 21st to 26th within now ± 72 h
    #expect(daily.filter { $0["state"] as? String == "untracked" }.count == 5)
    #expect(!F.ids(try f.timeline("account:a-fab")).contains(Self.occurrence))

    // Tracking again from the same record is refused, by either id, in words.
    for item in ["cal:pricing", Self.occurrence] + sharedIds.sorted() {
      let again = try track(f, "account:a-fab", item)
      #expect(again.status == 1, "\(item)")
      #expect(again.stderr == "Error: this meeting is already tracked on this record\n",
              "\(item)")
    }

    // From a second record, the same occurrence links there: still one appointment.
    #expect(try track(f, "contact:c-ann", Self.occurrence).status == 0)
    #expect(try sync(f).status == 0)
    let onAnn = appointments(try f.timeline("contact:c-ann", user: "eli", withMail: false))
    #expect(onAnn.compactMap { $0["id"] as? String } == [moved["id"] as? String])
    let again = appointments(try f.timeline("account:a-fab", user: "eli", withMail: false))
    #expect(again.count == 2)
  }

  @Test func anOccurrenceOfASeriesTrackedAsAWholeLinksToThatActivity() throws {
    let json = F.crmJSON(extraActivities: """
      ,
      {"id": "act-series", "kind": "appointment", "regarding": {"type": "account", "id": "a-fab"},
       "subject": "Standup", "at": "2026-11-01T10:00:00Z", "owner": "dana", "uid": "daily"}
      """)
    let f = try F.imported(json)
    try f.calendarFile("work.ics", Self.calendar)
    // On Ann's timeline the occurrences already show under the series activity.
    let ann = appointments(try f.timeline("contact:c-ann")).filter { $0["uid"] as? String == "daily" }
    #expect(ann.count == 6)
    #expect(ann.allSatisfy { ($0["id"] as? String)?.hasPrefix("act-series/") == true })
    #expect(ann.first?["at"] as? String == "2026-11-26T10:00:00Z")

    let linked = try track(f, "contact:c-ann", "act-series/20261125T100000Z")
    #expect(linked.status == 0, "\(linked.stderr)")
    #expect(try sync(f).status == 0)
    #expect(try sync(f).status == 0)

    // No new activity: the series now regards Ann too, and is the only appointment.
    for record in ["contact:c-ann", "account:a-fab"] {
      let shared = appointments(try f.timeline(record, user: "eli", withMail: false))
      #expect(shared.compactMap { $0["id"] as? String } == ["act-series"], "\(record)")
    }
    let again = try track(f, "contact:c-ann", Self.occurrence)
    #expect(again.stderr == "Error: this meeting is already tracked on this record\n")
  }
}
