import CaptureCore
import Foundation
import TestSupport
import Testing

/// Tracking meetings through `TimelineService`: a single event and one occurrence of a
/// series each become one appointment however often the sync runs, the occurrence keeps its
/// own start, an occurrence of a series tracked as a whole links to that activity, and
/// tracking again from the same record is refused in words.
extension TimelineServiceTests {
  static let single = "single@contoso.example"
  static let weekly = "weekly@contoso.example"
  /// The occurrence that is tracked: its recurrence id says Wednesday 10:00, but this one
  /// was moved to 14:00 for an hour.
  static let movedRecurrenceId = now + 2 * day - 2 * hour
  static let movedStart = movedRecurrenceId + 4 * hour

  /// Ann's single event tomorrow, and two occurrences of her weekly series (one as the rule
  /// puts it, one moved), all on Fabrikam's timeline.
  static func meetingCalendar() -> InMemoryCalendar {
    let ann = address("ann@fabrikam.example")
    let earlier = now - 2 * day
    return InMemoryCalendar([
      CapturedMeeting(uid: single, recurrenceId: nil, start: now + day, end: now + day + hour,
                      summary: "Pricing review", organizer: ann,
                      attendees: [address("dana@contoso.example")], source: "work.ics"),
      CapturedMeeting(uid: weekly, recurrenceId: earlier, start: earlier,
                      end: earlier + hour / 2, summary: "Weekly", organizer: ann, attendees: [],
                      source: "work.ics"),
      CapturedMeeting(uid: weekly, recurrenceId: movedRecurrenceId, start: movedStart,
                      end: movedStart + hour, summary: "Weekly (moved)", organizer: ann,
                      attendees: [], location: "Room 2", source: "work.ics"),
    ])
  }

  static var occurrenceItem: String {
    ItemID.meeting(uid: weekly, recurrenceId: movedRecurrenceId).text
  }

  @Test func aSingleMeetingAndOneOccurrenceAreEachOneAppointmentHoweverOftenTheSyncRuns()
    throws {
    var world = World()
    world.calendar = Self.meetingCalendar()
    #expect(Self.occurrenceItem == "cal:weekly@contoso.example/20261125T100000Z")
    try world.track("cal:\(Self.single)")
    try world.track(Self.occurrenceItem)
    #expect(try world.sync().map(\.state.name) == ["done", "done"])
    #expect(try world.sync().isEmpty)
    // A second service over the same store and sources, as the TUI and `sync` would be.
    let again = TimelineService(store: world.store, mail: world.mailbox,
                                calendar: world.calendar, timeZone: .gmt)
    #expect(try again.syncPending(user: Self.dana, now: Self.now).isEmpty)

    let singles = try world.store.appointmentActivities(uids: [Self.single])
    #expect(singles.count == 1)
    #expect(singles.first?.recurrenceId == nil)
    #expect(singles.first?.at == Self.now + Self.day)
    let occurrences = try world.store.appointmentActivities(uids: [Self.weekly])
    #expect(occurrences.count == 1)
    let occurrence = try #require(occurrences.first)
    #expect(occurrence.recurrenceId == Self.movedRecurrenceId)
    #expect(occurrence.at == Self.movedStart, "the occurrence keeps its own start")
    #expect(occurrence.end == Self.movedStart + Self.hour)
    #expect(occurrence.subject == "Weekly (moved)")
    #expect(occurrence.location == "Room 2")
    #expect(occurrence.regarding == [Self.fabrikam])

    // Each shows once, as the tracked activity; the other occurrence stays private.
    let items = try world.timeline().items.filter { $0.kind == .appointment && $0.uid != nil }
    let byUID = Dictionary(grouping: items, by: { $0.uid ?? "" })
    #expect(byUID[Self.single]?.map(\.id) == singles.map(\.id))
    #expect(byUID[Self.single]?.map(\.state) == [.tracked])
    let weekly = try #require(byUID[Self.weekly])
    #expect(weekly.map(\.id) == [occurrence.id, "cal:weekly@contoso.example/20261121T120000Z"])
    #expect(weekly.map(\.state) == [.tracked, .untracked])
    #expect(weekly.first?.at == Self.movedStart)
  }

  @Test func anOccurrenceOfASeriesTrackedAsAWholeLinksToThatActivity() throws {
    var world = World()
    world.calendar = Self.meetingCalendar()
    world.store.edit {
      $0.activities.append(Activity(id: "act-weekly", kind: .appointment, regarding: [Self.ann],
                                    subject: "Weekly", at: Self.now - 30 * Self.day,
                                    uid: Self.weekly))
    }
    // On Fabrikam's timeline the occurrences show under the series activity already.
    let shown = try world.timeline().items.filter { $0.uid == Self.weekly }
    #expect(shown.map(\.id) == ["act-weekly/20261125T100000Z", "act-weekly/20261121T120000Z"])
    #expect(shown.map(\.state) == [.tracked, .tracked])
    #expect(shown.first?.at == Self.movedStart)

    let request = try world.track("act-weekly/20261125T100000Z")
    #expect(request.itemId == Self.occurrenceItem)
    #expect(try world.sync().map(\.state) == [.done(activityId: "act-weekly")])
    #expect(try world.sync().isEmpty)
    let stored = try world.store.appointmentActivities(uids: [Self.weekly])
    #expect(stored.map(\.id) == ["act-weekly"])
    #expect(stored.first?.regarding == [Self.ann, Self.fabrikam])
    #expect(stored.first?.recurrenceId == nil)
  }

  @Test func trackingAMeetingAgainFromTheSameRecordIsRefusedInWords() throws {
    var world = World()
    world.calendar = Self.meetingCalendar()
    try world.track("cal:\(Self.single)")
    try world.track(Self.occurrenceItem)
    try world.sync()
    let tracked = try world.timeline().items.filter { $0.kind == .appointment && !$0.isPrivate }
    let ids = Set(tracked.map(\.id))
    for id in ["cal:\(Self.single)", Self.occurrenceItem] + ids.sorted() {
      #expect(throws: NotAllowed("this meeting is already tracked on this record"), "\(id)") {
        try world.track(id)
      }
    }
    #expect(try world.store.trackRequests(userId: nil, states: ["pending"]).isEmpty)
    // From another record it is a link, not a refusal, and not a second appointment.
    #expect(try world.track(Self.occurrenceItem, from: Self.ann).state == .pending)
    try world.sync()
    let occurrences = try world.store.appointmentActivities(uids: [Self.weekly])
    #expect(occurrences.count == 1)
    #expect(occurrences.first?.regarding == [Self.fabrikam, Self.ann])
  }
}
