import CRMStore
import CaptureCore
import Foundation
import Testing

/// Track requests and `completeTracking`: durable, idempotent, one activity per item.
@Suite struct TrackingTests {
  static let world = json([
    "users": [
      ["id": "dana", "name": "Dana", "emails": ["dana@contoso.example"]],
      ["id": "eli", "name": "Eli", "emails": ["eli@contoso.example"]],
    ],
    "accounts": [["id": "a-fab", "name": "Fabrikam"]],
    "contacts": [["id": "c-ann", "name": "Ann", "emails": ["ann@fabrikam.example"]]],
  ])
  static let account = RecordRef(type: .account, id: "a-fab")
  static let contact = RecordRef(type: .contact, id: "c-ann")
  static let now = Date(timeIntervalSince1970: 1_795_000_000)

  static func email(_ messageId: String = "<m1@fabrikam.example>") -> Activity {
    Activity(
      id: "", kind: .email, regarding: [], subject: "Re: quote", at: now, owner: "dana",
      messageId: messageId, direction: .incoming,
      from: EmailAddress(normalized: "ann@fabrikam.example"),
      to: [EmailAddress(normalized: "dana@contoso.example")], body: "Hello")
  }

  static let pdf = AttachmentContent(
    info: AttachmentInfo(name: "quote.pdf", contentType: "application/pdf", size: 4),
    data: Data([0x25, 0x50, 0x44, 0x46]))

  @Test func askingTwiceForTheSameItemReturnsTheSamePendingRequest() throws {
    let fixture = try StoreFixture(importing: Self.world)
    let first = try fixture.store.requestTracking(
      userId: "dana", record: Self.account, itemId: "mail:<m1>", at: Self.now)
    let second = try fixture.store.requestTracking(
      userId: "dana", record: Self.account, itemId: "mail:<m1>", at: Self.now + 60)
    #expect(first == second)
    #expect(first.state == .pending)
    #expect(try fixture.store.trackRequests(userId: "dana", states: ["pending"]) == [first])
  }

  @Test func aRequestNeedsAKnownUserAndRecord() throws {
    let fixture = try StoreFixture(importing: Self.world)
    #expect(throws: CRMError.unknownUser("zoe")) {
      try fixture.store.requestTracking(
        userId: "zoe", record: Self.account, itemId: "i", at: Self.now)
    }
    let ghost = RecordRef(type: .lead, id: "l-ghost")
    #expect(throws: CRMError.unknownRecord(ghost)) {
      try fixture.store.requestTracking(userId: "dana", record: ghost, itemId: "i", at: Self.now)
    }
  }

  @Test func completingStoresTheActivityRegardingTheRecordWithBodyAndAttachment() throws {
    let fixture = try StoreFixture(importing: Self.world)
    let request = try fixture.store.requestTracking(
      userId: "dana", record: Self.account, itemId: "mail:<m1>", at: Self.now)
    let id = try fixture.store.completeTracking(
      requestId: request.id, activity: Self.email(), attachments: [Self.pdf])
    #expect(id.hasPrefix("act-"))
    let stored = try #require(try fixture.store.activity(id: id))
    #expect(stored.regarding == [Self.account])
    #expect(stored.body == "Hello")
    #expect(stored.attachments == [Self.pdf.info])
    #expect(try fixture.store.attachmentContent(activityId: id, index: 0) == Self.pdf.data)
    #expect(try fixture.store.activities(regarding: Self.account).first?.body == nil)
    let done = try fixture.store.trackRequests(userId: nil, states: ["done"])
    #expect(done.map(\.state) == [.done(activityId: id)])
  }

  @Test func completingTheSameMessageForTwoRecordsStoresOneActivityRegardingBoth() throws {
    let fixture = try StoreFixture(importing: Self.world)
    let onAccount = try fixture.store.requestTracking(
      userId: "dana", record: Self.account, itemId: "mail:<m1>", at: Self.now)
    let onContact = try fixture.store.requestTracking(
      userId: "eli", record: Self.contact, itemId: "mail:<m1>", at: Self.now)
    let first = try fixture.store.completeTracking(
      requestId: onAccount.id, activity: Self.email(), attachments: [])
    let second = try fixture.store.completeTracking(
      requestId: onContact.id, activity: Self.email(), attachments: [])
    #expect(first == second)
    let stored = try fixture.store.emailActivities(messageIds: ["<m1@fabrikam.example>"])
    #expect(stored.count == 1)
    #expect(stored.first?.regarding == [Self.account, Self.contact])
    #expect(try fixture.store.trackRequests(userId: "eli", states: ["done"]).count == 1)
    #expect(try fixture.store.trackRequests(userId: "dana", states: ["done"]).count == 1)
  }

  @Test func completingADoneRequestAgainAddsNothing() throws {
    let fixture = try StoreFixture(importing: Self.world)
    let request = try fixture.store.requestTracking(
      userId: "dana", record: Self.account, itemId: "call", at: Self.now)
    let call = Activity(id: "", kind: .phonecall, regarding: [], subject: "Call", at: Self.now)
    let first = try fixture.store.completeTracking(requestId: request.id, activity: call,
                                                   attachments: [])
    let again = try fixture.store.completeTracking(requestId: request.id, activity: call,
                                                   attachments: [])
    #expect(first == again)
    #expect(try fixture.store.activities(regarding: Self.account).count == 1)
  }

  @Test func appointmentsAreOneActivityPerUidAndRecurrenceId() throws {
    let fixture = try StoreFixture(importing: Self.world)
    func meeting(_ recurrence: Date?) -> Activity {
      Activity(id: "", kind: .appointment, regarding: [], subject: "Weekly", at: Self.now,
               uid: "8f1c@contoso.example", recurrenceId: recurrence)
    }
    var ids: [String] = []
    for (item, recurrence) in [("a", Self.now), ("b", Self.now), ("c", Self.now + 604_800),
                               ("d", nil), ("e", nil)] as [(String, Date?)] {
      let request = try fixture.store.requestTracking(
        userId: "dana", record: Self.account, itemId: item, at: Self.now)
      ids.append(try fixture.store.completeTracking(
        requestId: request.id, activity: meeting(recurrence), attachments: []))
    }
    #expect(ids[0] == ids[1])
    #expect(ids[3] == ids[4])
    #expect(Set(ids).count == 3)
    #expect(try fixture.store.appointmentActivities(uids: ["8f1c@contoso.example"]).count == 3)
  }

  @Test func aFailedRequestKeepsItsReasonAndBecomesPendingWhenAskedAgain() throws {
    let fixture = try StoreFixture(importing: Self.world)
    let request = try fixture.store.requestTracking(
      userId: "dana", record: Self.account, itemId: "mail:<m1>", at: Self.now)
    try fixture.store.failTracking(requestId: request.id, reason: "message is gone")
    let failed = try fixture.store.trackRequests(userId: "dana", states: ["failed"])
    #expect(failed.map(\.state) == [.failed(reason: "message is gone")])
    #expect(failed.first?.attempts == 1)
    #expect(try fixture.store.trackRequests(userId: "dana", states: ["pending"]).isEmpty)
    let retried = try fixture.store.requestTracking(
      userId: "dana", record: Self.account, itemId: "mail:<m1>", at: Self.now)
    #expect(retried.id == request.id)
    #expect(retried.state == .pending)
    let id = try fixture.store.completeTracking(
      requestId: retried.id, activity: Self.email(), attachments: [])
    let done = try fixture.store.trackRequests(userId: "dana", states: ["done"])
    #expect(done.map(\.state) == [.done(activityId: id)])
    #expect(done.first?.attempts == 2)
  }

  @Test func requestsOfEachUserAreKeptApart() throws {
    let fixture = try StoreFixture(importing: Self.world)
    let dana = try fixture.store.requestTracking(
      userId: "dana", record: Self.account, itemId: "x", at: Self.now)
    let eli = try fixture.store.requestTracking(
      userId: "eli", record: Self.account, itemId: "x", at: Self.now + 1)
    #expect(dana.id != eli.id)
    #expect(try fixture.store.trackRequests(userId: "eli", states: ["pending"]) == [eli])
    #expect(try fixture.store.trackRequests(userId: nil, states: ["pending"]) == [dana, eli])
  }

  @Test func unknownRequestsAreErrors() throws {
    let fixture = try StoreFixture(importing: Self.world)
    #expect(throws: CRMError.unknownTrackRequest("tr-none")) {
      try fixture.store.failTracking(requestId: "tr-none", reason: "x")
    }
    #expect(throws: CRMError.unknownTrackRequest("tr-none")) {
      try fixture.store.completeTracking(requestId: "tr-none", activity: Self.email(),
                                         attachments: [])
    }
  }

  @Test func twoConnectionsCompletingTheSameMessageAtOnceStoreOneActivity() async throws {
    let fixture = try StoreFixture(importing: Self.world)
    let other = try SQLiteCRMStore(path: fixture.path)
    var requests: [(SQLiteCRMStore, String)] = []
    for index in 0..<8 {
      let store = index.isMultiple(of: 2) ? fixture.store : other
      let record = index.isMultiple(of: 2) ? Self.account : Self.contact
      let request = try store.requestTracking(
        userId: index < 4 ? "dana" : "eli", record: record, itemId: "m", at: Self.now)
      requests.append((store, request.id))
    }
    let ids = try await withThrowingTaskGroup(of: String.self) { group in
      for (store, requestId) in requests {
        group.addTask {
          try store.completeTracking(requestId: requestId, activity: Self.email(), attachments: [])
        }
      }
      return try await group.reduce(into: Set<String>()) { $0.insert($1) }
    }
    #expect(ids.count == 1)
    let stored = try fixture.store.emailActivities(messageIds: ["<m1@fabrikam.example>"])
    #expect(stored.count == 1)
    #expect(Set(stored.first?.regarding ?? []) == [Self.account, Self.contact])
  }

  @Test func theShowUntrackedOptionIsStoredPerUser() throws {
    let fixture = try StoreFixture(importing: Self.world)
    try fixture.store.setShowUntracked(userId: "eli", false)
    #expect(try fixture.store.user(matching: "eli")?.showUntracked == false)
    #expect(try fixture.store.user(matching: "dana")?.showUntracked == true)
    #expect(throws: CRMError.unknownUser("zoe")) {
      try fixture.store.setShowUntracked(userId: "zoe", true)
    }
  }
}
