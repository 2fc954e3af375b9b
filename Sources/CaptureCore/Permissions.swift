import Foundation

/// Why something is not allowed, in words the user reads (docs/capture-rules.md: "Where an action
/// is not allowed, the user is told why in words, not by silence").
public struct NotAllowed: Error, Equatable, Sendable, CustomStringConvertible {
  public var reason: String
  public init(_ reason: String) { self.reason = reason }
  public var description: String { reason }
}

extension CapturePermissions {
  /// Decides what `user` may do with untracked items under `organization`.
  ///
  /// Precedence, most general first: the organization switch, the access policy, a forward
  /// mailbox (which can neither view nor open), the personal option, then the sync-method
  /// matrix for tracking. Whatever hides untracked items also refuses tracking, with the
  /// same reason.
  public static func decide(organization: Organization, user: User) -> CapturePermissions {
    if !organization.autoCapture {
      let why = "auto capture is turned off for the organization"
      return CapturePermissions(viewRefusal: why, openRefusal: why, trackRefusal: why,
                                personalOptionOffered: false)
    }
    if organization.untrackedAccess == .blocked {
      let why = "the organization's access policy blocks untracked email and meetings"
      return CapturePermissions(viewRefusal: why, openRefusal: why, trackRefusal: why,
                                personalOptionOffered: true)
    }
    let mailbox = user.mailbox
    if mailbox.syncMethod == .forwardMailbox {
      let why = "a forward mailbox does not allow viewing, opening or tracking untracked email"
      return CapturePermissions(viewRefusal: why, openRefusal: why, trackRefusal: why,
                                personalOptionOffered: true)
    }
    if !user.showUntracked {
      let why = "untracked email is hidden: \"Show email not tracked in the Activities list\""
        + " is No"
      return CapturePermissions(viewRefusal: why, openRefusal: why, trackRefusal: why,
                                personalOptionOffered: true)
    }
    let track: String?
    switch mailbox.syncMethod {
    case .none, .outlook, .emailRouter:
      track = "tracking requires server-side sync"
    case .serverSideSync where !mailbox.approved:
      track = "your mailbox is not approved for server-side sync"
    case .serverSideSync where !mailbox.testEnabled:
      track = "your mailbox's server-side sync test has not been run"
    case .serverSideSync, .forwardMailbox:
      track = nil
    }
    return CapturePermissions(viewRefusal: nil, openRefusal: nil, trackRefusal: track,
                              personalOptionOffered: true)
  }

  /// What a mailbox's sync method alone allows (the seed's matrix), whatever the
  /// organization and personal option say: "view, open, track".
  public static func allowedBySyncMethod(_ mailbox: MailboxSettings) -> CapturePermissions {
    decide(organization: Organization(),
           user: User(id: "", name: "", emails: [], mailbox: mailbox, showUntracked: true))
  }

  /// What these permissions allow, for the settings screen: "view, open, track".
  public var summary: String {
    let can = [("view", viewRefusal), ("open", openRefusal), ("track", trackRefusal)]
      .filter { $0.1 == nil }.map(\.0)
    return can.isEmpty ? "nothing untracked" : can.joined(separator: ", ")
  }
}
