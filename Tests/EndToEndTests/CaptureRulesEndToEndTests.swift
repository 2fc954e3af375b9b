import Foundation
import Testing
import TestSupport

/// docs/capture-rules.md, sentence by sentence, through the real binary (docs/commands.md's contract).
@Suite struct CaptureRulesEndToEndTests {
  typealias F = CaptureFixture

  func fixture(_ json: String = F.crmJSON()) throws -> CaptureFixture {
    try CaptureFixture.imported(json)
  }

  func item(_ timeline: [String: Any], _ id: String) -> [String: Any]? {
    F.items(timeline).first { $0["id"] as? String == id }
  }

  @Test func anEmailRelatesByFromToOrCcButNotBccReplyToSenderOrBody() throws {
    var f = try fixture()
    try f.message(id: "<from@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "Ann Lee <ANN@Fabrikam.example>", subject: "by from")
    try f.message(id: "<to@t>", date: "Fri, 20 Nov 2026 09:01:00 +0000",
                  from: "dana@contoso.example", to: "bo@fabrikam.example", subject: "by to")
    try f.message(id: "<cc@t>", date: "Fri, 20 Nov 2026 09:02:00 +0000",
                  from: "x@other.example", cc: "info@fabrikam.example", subject: "by cc")
    try f.message(id: "<bcc@t>", date: "Fri, 20 Nov 2026 09:03:00 +0000",
                  from: "x@other.example",
                  extraHeaders: ["Bcc: ann@fabrikam.example", "Reply-To: ann@fabrikam.example",
                                 "Sender: ann@fabrikam.example"],
                  subject: "not related", body: "write to ann@fabrikam.example\n")
    let t = try f.timeline("account:a-fab")
    let ids = F.ids(t)
    #expect(ids.contains("mail:<from@t>"))
    #expect(ids.contains("mail:<to@t>"))
    #expect(ids.contains("mail:<cc@t>"))
    #expect(!ids.contains("mail:<bcc@t>"))
  }

  @Test func draftsTrashAndJunkFoldersAndTheirSubfoldersAreNotCaptured() throws {
    var f = try fixture()
    let excluded = [".Drafts", ".trash", ".Deleted Items", ".Deleted Messages", ".Junk",
                    ".Junk E-mail", ".SPAM", ".Trash.2025"]
    for (n, folder) in excluded.enumerated() {
      try f.message(folder: folder, id: "<ex\(n)@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                    from: "ann@fabrikam.example", subject: "excluded \(n)")
    }
    try f.message(folder: ".Sent", id: "<sent@t>", date: "Fri, 20 Nov 2026 10:00:00 +0000",
                  from: "dana@contoso.example", to: "ann@fabrikam.example", subject: "sent")
    try f.message(folder: ".Archive.2025", id: "<arch@t>",
                  date: "Fri, 20 Nov 2026 11:00:00 +0000", from: "ann@fabrikam.example",
                  subject: "archived")
    let ids = F.ids(try f.timeline("contact:c-ann"))
    #expect(ids.contains("mail:<sent@t>"))
    #expect(ids.contains("mail:<arch@t>"))
    #expect(!ids.contains { $0.hasPrefix("mail:<ex") })
  }

  @Test func theSameMessageInTwoFoldersIsOneItem() throws {
    var f = try fixture()
    for folder in ["", ".Archive"] {
      try f.message(folder: folder, id: "<twice@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                    from: "ann@fabrikam.example", subject: "twice")
    }
    let ids = F.ids(try f.timeline("contact:c-ann"))
    #expect(ids.filter { $0 == "mail:<twice@t>" }.count == 1)
  }

  @Test func onlyTheFiftyNewestEmailsTrackedOnesCountedEqualDatesByMessageId() throws {
    var f = try fixture()
    // 52 messages; the two oldest fall off. Two share a date: ordered by Message-ID.
    for n in 0..<50 {
      let minute = String(format: "%02d", n % 60)
      let hour = String(format: "%02d", 8 + n / 60)
      try f.message(id: "<m\(String(format: "%02d", n))@t>",
                    date: "Sat, 21 Nov 2026 \(hour):\(minute):00 +0000",
                    from: "ann@fabrikam.example", subject: "m\(n)")
    }
    try f.message(id: "<zz-same@t>", date: "Sun, 22 Nov 2026 08:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "same b")
    try f.message(id: "<aa-same@t>", date: "Sun, 22 Nov 2026 08:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "same a")
    // The tracked act-2 is the newest message in the mailbox: it takes one of the 50.
    try f.message(id: "<quote-1@contoso.example>", date: "Sun, 22 Nov 2026 09:00:00 +0000",
                  from: "dana@contoso.example", to: "ann@fabrikam.example", subject: "Quote")
    let t = try f.timeline("contact:c-ann")
    let mail = F.items(t).filter { $0["kind"] as? String == "email" }
    #expect(mail.count == 50)
    let ids = mail.compactMap { $0["id"] as? String }
    #expect(Array(ids.prefix(2)) == ["mail:<aa-same@t>", "mail:<zz-same@t>"])
    #expect(ids.contains("act-2"))
    #expect(ids.contains("mail:<m03@t>"))
    #expect(!ids.contains("mail:<m02@t>"))
    #expect(!ids.contains("mail:<m00@t>"))
  }

  @Test func aMessageWithoutADateTakesItsFileModificationTime() throws {
    var f = try fixture()
    let mtime = try #require(ISO8601DateFormatter().date(from: "2026-11-22T07:00:00Z"))
    try f.message(id: "<nodate@t>", date: nil, from: "ann@fabrikam.example",
                  subject: "undated", mtime: mtime)
    let t = try f.timeline("contact:c-ann")
    #expect(item(t, "mail:<nodate@t>")?["at"] as? String == "2026-11-22T07:00:00Z")
  }

  @Test func untrackedEmailsShowNeitherDirectionNorAttachmentsTrackedOnesShowBoth() throws {
    var f = try fixture()
    try f.message(id: "<quote-1@contoso.example>", date: "Thu, 19 Nov 2026 08:00:00 +0000",
                  from: "dana@contoso.example", to: "ann@fabrikam.example", subject: "Quote")
    try f.message(id: "<priv@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "private")
    let t = try f.timeline("account:a-fab")
    let priv = try #require(item(t, "mail:<priv@t>"))
    #expect(priv["state"] as? String == "untracked")
    #expect(priv["direction"] is NSNull)
    #expect(priv["hasAttachments"] is NSNull)
    // The tracked email is shown once, as tracked, with the activity's fields.
    let tracked = F.items(t).filter { $0["messageId"] as? String == "<quote-1@contoso.example>" }
    #expect(tracked.count == 1)
    #expect(tracked.first?["id"] as? String == "act-2")
    #expect(tracked.first?["direction"] as? String == "outgoing")
    #expect(tracked.first?["hasAttachments"] as? Bool == true)
  }

  @Test func aTrackedEmailRegardingAnotherRecordShowsAsTrackedHere() throws {
    var f = try fixture()
    try f.message(id: "<quote-1@contoso.example>", date: "Thu, 19 Nov 2026 08:00:00 +0000",
                  from: "dana@contoso.example", to: "ann@fabrikam.example", subject: "Quote")
    let t = try f.timeline("contact:c-ann")  // act-2 regards account:a-fab
    let tracked = try #require(item(t, "act-2"))
    #expect(tracked["state"] as? String == "tracked")
    #expect(!F.ids(t).contains("mail:<quote-1@contoso.example>"))
  }

  @Test func trackedActivitiesOfEveryKindAppearNewestFirst() throws {
    // Listed out of order, and around the captured email, so that any other order shows.
    let json = F.crmJSON(extraActivities: """
      ,
      {"id": "act-note", "kind": "note", "regarding": {"type": "opportunity", "id": "o-1"},
       "subject": "Budget approved", "at": "2026-11-21T09:00:00Z"},
      {"id": "act-meet", "kind": "appointment", "regarding": {"type": "opportunity", "id": "o-1"},
       "subject": "Demo", "at": "2026-11-24T10:00:00Z", "uid": "demo@contoso.example"},
      {"id": "act-old", "kind": "task", "regarding": {"type": "opportunity", "id": "o-1"},
       "subject": "Qualify", "at": "2026-10-02T09:00:00Z"},
      {"id": "act-task", "kind": "task", "regarding": {"type": "opportunity", "id": "o-1"},
       "subject": "Send contract", "at": "2026-11-22T16:30:00Z"}
      """)
    var f = try fixture(json)
    try f.message(id: "<between@t>", date: "Fri, 20 Nov 2026 09:00:00 +0000",
                  from: "ann@fabrikam.example", subject: "between")
    let t = try f.timeline("opportunity:o-1")
    #expect(F.ids(t) == ["act-meet", "act-task", "act-note", "mail:<between@t>", "act-1",
                         "act-old"])
    #expect(F.items(t).map { $0["kind"] as? String }
      == ["appointment", "task", "note", "email", "phonecall", "task"])
  }

  @Test func meetingsWithinThreeDaysEitherSideBothEndsIncluded() throws {
    let f = try fixture()
    // now = 2026-11-23T12:00:00Z; window 2026-11-20T12:00:00Z ... 2026-11-26T12:00:00Z
    let events = [
      ("edge-before", "20261120T120000Z"), ("edge-after", "20261126T120000Z"),
      ("too-early", "20261120T115959Z"), ("too-late", "20261126T120001Z"),
    ]
    var body = ""
    for (uid, start) in events {
      body += "BEGIN:VEVENT\nUID:\(uid)\nDTSTAMP:20261101T000000Z\nDTSTART:\(start)\n"
        + "DURATION:PT30M\nSUMMARY:\(uid)\nORGANIZER;CN=Ann:mailto:ann@fabrikam.example\n"
        + "END:VEVENT\n"
    }
    try f.calendarFile("window.ics", body)
    let ids = F.ids(try f.timeline("contact:c-ann"))
    #expect(ids.contains("cal:edge-before"))
    #expect(ids.contains("cal:edge-after"))
    #expect(!ids.contains("cal:too-early"))
    #expect(!ids.contains("cal:too-late"))
  }

  /// `--meeting-window-hours` moves both ends: 24 h takes the meetings 24 h either side,
  /// both ends included, and leaves out those the default 72 h would show.
  @Test func theMeetingWindowFollowsTheOption() throws {
    let f = try fixture()
    let events = [
      ("edge-before", "20261122T120000Z"), ("edge-after", "20261124T120000Z"),
      ("too-early", "20261122T115959Z"), ("too-late", "20261124T120001Z"),
    ]
    var body = ""
    for (uid, start) in events {
      body += "BEGIN:VEVENT\nUID:\(uid)\nDTSTAMP:20261101T000000Z\nDTSTART:\(start)\n"
        + "SUMMARY:\(uid)\nORGANIZER:mailto:ann@fabrikam.example\nEND:VEVENT\n"
    }
    try f.calendarFile("window.ics", body)
    let all = ["cal:edge-after", "cal:too-late", "cal:too-early", "cal:edge-before"]
    #expect(F.ids(try f.timeline("contact:c-ann")).filter { $0.hasPrefix("cal:") }.sorted()
      == all.sorted())
    let day = try CLIRunner.run(["timeline", "--record", "contact:c-ann", "--json",
                                 "--meeting-window-hours", "24"] + f.sources())
    #expect(day.status == 0, "\(day.stderr)")
    let t = try #require(try JSONSerialization.jsonObject(with: Data(day.stdout.utf8))
      as? [String: Any])
    #expect(F.ids(t).filter { $0.hasPrefix("cal:") } == ["cal:edge-after", "cal:edge-before"])
    // The sync reads the timeline with the same window: outside it, nothing is copied.
    let track = ["track", "--record", "contact:c-ann", "--item", "cal:too-late"]
    #expect(try CLIRunner.run(track + f.sources()).status == 0)
    let narrow = try CLIRunner.run(["sync", "--meeting-window-hours", "24"] + f.sources())
    #expect(narrow.status == 2, "\(narrow.stdout)")
    #expect(narrow.stdout.contains("failed: not on this record's timeline in your calendar"))
  }

  @Test func aMeetingRelatesByOrganizerOrAttendeeAndCancelledOnesAreNotCaptured() throws {
    let f = try fixture()
    try f.calendarFile("a.ics", """
      BEGIN:VEVENT
      UID:by-attendee
      DTSTAMP:20261101T000000Z
      DTSTART:20261124T100000Z
      SUMMARY:Attendee
      ORGANIZER:mailto:dana@contoso.example
      ATTENDEE;CN="Lee, Ann":MAILTO:Ann@Fabrikam.example
      END:VEVENT
      BEGIN:VEVENT
      UID:cancelled
      DTSTAMP:20261101T000000Z
      DTSTART:20261124T110000Z
      SUMMARY:Cancelled
      STATUS:CANCELLED
      ORGANIZER:mailto:ann@fabrikam.example
      END:VEVENT
      BEGIN:VEVENT
      UID:unrelated
      DTSTAMP:20261101T000000Z
      DTSTART:20261124T120000Z
      SUMMARY:Other
      ORGANIZER:mailto:zed@elsewhere.example
      END:VEVENT

      """)
    try f.calendarFile("cancel.ics", """
      METHOD:CANCEL
      BEGIN:VEVENT
      UID:method-cancel
      DTSTAMP:20261101T000000Z
      DTSTART:20261124T130000Z
      SUMMARY:Called off
      ORGANIZER:mailto:ann@fabrikam.example
      END:VEVENT

      """)
    let ids = F.ids(try f.timeline("contact:c-ann"))
    #expect(ids.contains("cal:by-attendee"))
    #expect(!ids.contains("cal:cancelled"))
    #expect(!ids.contains("cal:unrelated"))
    #expect(!ids.contains("cal:method-cancel"))
  }

  @Test func eachOccurrenceOfARecurringMeetingIsItsOwnItemAndTwoFilesGiveOne() throws {
    let f = try fixture()
    let event = """
      BEGIN:VEVENT
      UID:daily
      DTSTAMP:20261101T000000Z
      DTSTART:20261101T100000Z
      DURATION:PT30M
      RRULE:FREQ=DAILY
      SUMMARY:Standup
      ORGANIZER:mailto:ann@fabrikam.example
      END:VEVENT

      """
    try f.calendarFile("one.ics", event)
    try f.calendarFile("copy.ics", event)
    let t = try f.timeline("contact:c-ann")
    let ids = F.ids(t).filter { $0.hasPrefix("cal:daily/") }
    // Starts 2026-11-21 .. 2026-11-26 at 10:00Z lie within now ± 72 h.
    #expect(ids == (21...26).reversed().map { "cal:daily/202611\($0)T100000Z" })
  }

  @Test func aSeriesAppointmentActivityCoversEveryOccurrence() throws {
    let json = F.crmJSON(extraActivities: """
      ,
      {"id": "act-series", "kind": "appointment", "regarding": {"type": "account", "id": "a-fab"},
       "subject": "Standup", "at": "2026-11-01T10:00:00Z", "owner": "dana", "uid": "daily"}
      """)
    let f = try fixture(json)
    try f.calendarFile("one.ics", """
      BEGIN:VEVENT
      UID:daily
      DTSTAMP:20261101T000000Z
      DTSTART:20261101T100000Z
      RRULE:FREQ=DAILY
      SUMMARY:Standup
      ORGANIZER:mailto:ann@fabrikam.example
      END:VEVENT

      """)
    let t = try f.timeline("contact:c-ann")
    let meetings = F.items(t).filter { $0["kind"] as? String == "appointment" }
    #expect(meetings.count == 6)
    #expect(meetings.allSatisfy { $0["state"] as? String == "tracked" })
    #expect(meetings.first?["at"] as? String == "2026-11-26T10:00:00Z")
  }
}
