import CaptureCore
import Foundation
import Testing

@Suite struct PermissionsTests {
  let dana = User(id: "dana", name: "Dana", emails: [],
                  mailbox: MailboxSettings(syncMethod: .serverSideSync, approved: true,
                                           testEnabled: true))

  func decide(_ org: Organization = Organization(), _ user: User? = nil) -> CapturePermissions {
    CapturePermissions.decide(organization: org, user: user ?? dana)
  }

  func with(_ method: SyncMethod, approved: Bool = true, test: Bool = true) -> User {
    var u = dana
    u.mailbox = MailboxSettings(syncMethod: method, approved: approved, testEnabled: test)
    return u
  }

  @Test func approvedServerSideSyncAllowsEverything() {
    let p = decide()
    #expect(p.viewRefusal == nil && p.openRefusal == nil && p.trackRefusal == nil)
    #expect(p.summary == "view, open, track")
  }

  @Test func organizationSwitchOffHidesUntrackedAndThePersonalOption() {
    let p = decide(Organization(autoCapture: false))
    #expect(p.viewRefusal?.contains("turned off") == true)
    #expect(p.trackRefusal != nil)
    #expect(p.personalOptionOffered == false)
  }

  @Test func blockedAccessPolicyWithholdsUntrackedWithAReason() {
    let p = decide(Organization(untrackedAccess: .blocked))
    #expect(p.viewRefusal?.contains("access policy") == true)
    #expect(p.personalOptionOffered)
  }

  @Test func personalOptionNoShowsOnlyTracked() {
    var u = dana
    u.showUntracked = false
    let p = decide(Organization(), u)
    #expect(p.viewRefusal?.contains("Show email not tracked") == true)
  }

  @Test(arguments: [SyncMethod.none, .outlook, .emailRouter])
  func methodsOtherThanServerSideSyncViewAndOpenButCannotTrack(method: SyncMethod) {
    let p = decide(Organization(), with(method))
    #expect(p.viewRefusal == nil && p.openRefusal == nil)
    #expect(p.trackRefusal == "tracking requires server-side sync")
  }

  @Test func unapprovedMailboxCannotTrack() {
    let p = decide(Organization(), with(.serverSideSync, approved: false))
    #expect(p.viewRefusal == nil)
    #expect(p.trackRefusal == "your mailbox is not approved for server-side sync")
  }

  @Test func mailboxWhoseTestWasNotRunCannotTrack() {
    let p = decide(Organization(), with(.serverSideSync, test: false))
    #expect(p.trackRefusal?.contains("test has not been run") == true)
  }

  @Test func forwardMailboxCanNeitherViewOpenNorTrack() {
    let p = decide(Organization(), with(.forwardMailbox))
    #expect(p.viewRefusal != nil && p.openRefusal != nil && p.trackRefusal != nil)
    #expect(p.summary == "nothing untracked")
  }
}

@Suite struct ItemIDTests {
  @Test func mailIdsKeepTheMessageIdWithBrackets() {
    #expect(ItemID(parsing: "mail:<abc@x.example>") == .mail(messageId: "<abc@x.example>"))
    #expect(ItemID.mail(messageId: "<a/b@x>").text == "mail:<a/b@x>")
  }

  @Test func meetingIdsRoundTripWithRecurrenceId() throws {
    let rid = try #require(ISO8601.parse("2026-11-23T10:00:00Z"))
    let id = ItemID.meeting(uid: "8f1c@contoso.example", recurrenceId: rid)
    #expect(id.text == "cal:8f1c@contoso.example/20261123T100000Z")
    #expect(ItemID(parsing: id.text) == id)
  }

  @Test func uidsContainingSlashesOrPercentRoundTrip() throws {
    let rid = try #require(ISO8601.parse("2026-11-23T10:00:00Z"))
    for uid in ["a/b/c", "x/20261123T100000Z", "50%/off"] {
      for id in [ItemID.meeting(uid: uid, recurrenceId: nil), .meeting(uid: uid, recurrenceId: rid)] {
        #expect(ItemID(parsing: id.text) == id, "\(id.text)")
      }
    }
    #expect(ItemID.meeting(uid: "a/b", recurrenceId: nil).text == "cal:a%2Fb")
  }

  @Test func unknownPrefixesAndEmptyIdsAreRejected() {
    #expect(ItemID(parsing: "act-1") == nil)
    #expect(ItemID(parsing: "mail:") == nil)
    #expect(ItemID(parsing: "cal:") == nil)
  }
}
