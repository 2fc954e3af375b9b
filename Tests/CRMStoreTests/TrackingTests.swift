import CRMStore
import CaptureCore
import Foundation
import Testing

/// What only the SQLite store does with tracking: attachment contents kept in the file, and
/// several connections completing at once. The rules every store follows are the store
/// contract (`StoreContractTests`).
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

  @Test func completingKeepsTheAttachmentContentsInTheFile() throws {
    let fixture = try StoreFixture(importing: Self.world)
    let request = try fixture.store.requestTracking(
      userId: "dana", record: Self.account, itemId: "mail:<m1>", at: Self.now)
    let id = try fixture.store.completeTracking(
      requestId: request.id, activity: Self.email(), attachments: [Self.pdf])
    let reopened = try SQLiteCRMStore(path: fixture.path)
    #expect(try reopened.attachmentContent(activityId: id, index: 0) == Self.pdf.data)
    #expect(try reopened.attachmentContent(activityId: id, index: 1) == nil)
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
}
