import Foundation

/// The kinds of record a timeline can belong to. Custom types carry their declared name.
public enum RecordType: Hashable, Sendable, CustomStringConvertible {
  case account, contact, opportunity, lead, `case`
  case custom(String)

  /// The built-in type names, in the order the records pane lists them.
  public static let builtIn: [RecordType] = [.account, .contact, .opportunity, .lead, .case]

  /// Parses the `TYPE` of `TYPE:ID` (docs/commands.md): a built-in name or a custom type name.
  public init(name: String) {
    switch name.lowercased() {
    case "account": self = .account
    case "contact": self = .contact
    case "opportunity": self = .opportunity
    case "lead": self = .lead
    case "case": self = .case
    default: self = .custom(name)
    }
  }

  public var name: String {
    switch self {
    case .account: return "account"
    case .contact: return "contact"
    case .opportunity: return "opportunity"
    case .lead: return "lead"
    case .case: return "case"
    case .custom(let n): return n
    }
  }

  public var description: String { name }
}

/// A reference to one record: `account:a-fab`.
public struct RecordRef: Hashable, Sendable, CustomStringConvertible {
  public var type: RecordType
  public var id: String
  public init(type: RecordType, id: String) { self.type = type; self.id = id }

  /// Parses `TYPE:ID`; nil when there is no colon or either side is empty.
  public init?(parsing text: String) {
    guard let colon = text.firstIndex(of: ":") else { return nil }
    let t = String(text[..<colon]), i = String(text[text.index(after: colon)...])
    guard !t.isEmpty, !i.isEmpty else { return nil }
    self.init(type: RecordType(name: t), id: i)
  }

  public var description: String { "\(type.name):\(id)" }
}

/// One line of the records pane: enough to list and label a record.
public struct RecordSummary: Hashable, Sendable {
  public var ref: RecordRef
  public var name: String
  /// For custom types, the declared display name ("Project"); else nil.
  public var typeDisplayName: String?
  public init(ref: RecordRef, name: String, typeDisplayName: String? = nil) {
    self.ref = ref; self.name = name; self.typeDisplayName = typeDisplayName
  }
}

// MARK: - Organization and users

public enum UntrackedAccess: String, Sendable, Codable, CaseIterable {
  case allowed, blocked
}

/// The administrator's settings for the whole CRM database.
public struct Organization: Hashable, Sendable {
  public var name: String
  /// The auto-capture switch; off means no untracked items for anyone.
  public var autoCapture: Bool
  public var untrackedAccess: UntrackedAccess
  /// Addresses and domains that make no item match a record, for everyone; sorted. Only an
  /// import sets them.
  public var excludedAddresses: [AddressExclusion]
  public init(name: String = "", autoCapture: Bool = true, untrackedAccess: UntrackedAccess = .allowed,
              excludedAddresses: [AddressExclusion] = []) {
    self.name = name; self.autoCapture = autoCapture; self.untrackedAccess = untrackedAccess
    self.excludedAddresses = excludedAddresses
  }
}

/// How a user's mailbox is synchronised with the CRM (the seed's matrix).
public enum SyncMethod: String, Sendable, Codable, CaseIterable {
  case none
  case serverSideSync = "server-side-sync"
  case outlook
  case emailRouter = "email-router"
  case forwardMailbox = "forward-mailbox"

  public var displayName: String {
    switch self {
    case .none: return "none"
    case .serverSideSync: return "server-side sync"
    case .outlook: return "Outlook client"
    case .emailRouter: return "email router"
    case .forwardMailbox: return "forward mailbox"
    }
  }
}

public struct MailboxSettings: Hashable, Sendable {
  public var syncMethod: SyncMethod
  public var approved: Bool
  public var testEnabled: Bool
  public init(syncMethod: SyncMethod = .none, approved: Bool = false, testEnabled: Bool = false) {
    self.syncMethod = syncMethod; self.approved = approved; self.testEnabled = testEnabled
  }
}

public struct User: Hashable, Sendable {
  public var id: String
  public var name: String
  public var emails: [EmailAddress]
  public var mailbox: MailboxSettings
  /// Personal option "Show email not tracked in the Activities list" (default yes).
  public var showUntracked: Bool
  /// Addresses and domains that make no item match a record in this user's capture; sorted.
  /// The user's own to change (settings), like `showUntracked`.
  public var excludedAddresses: [AddressExclusion]
  /// Personal option "Track replies to tracked email automatically"; nil until the user
  /// chooses (then the config file's `track-replies`, else no: `TimelineService.tracksReplies`).
  public var trackReplies: Bool?
  public init(id: String, name: String, emails: [EmailAddress], mailbox: MailboxSettings = .init(),
              showUntracked: Bool = true, excludedAddresses: [AddressExclusion] = [],
              trackReplies: Bool? = nil) {
    self.id = id; self.name = name; self.emails = emails; self.mailbox = mailbox
    self.showUntracked = showUntracked; self.excludedAddresses = excludedAddresses
    self.trackReplies = trackReplies
  }
}

// MARK: - Records

public struct Contact: Hashable, Sendable {
  public var id: String
  public var name: String
  public var emails: [EmailAddress]
  public var parentAccount: String?
  public var modifiedOn: Date?
  public init(id: String, name: String, emails: [EmailAddress], parentAccount: String? = nil,
              modifiedOn: Date? = nil) {
    self.id = id; self.name = name; self.emails = emails; self.parentAccount = parentAccount
    self.modifiedOn = modifiedOn
  }
  /// The first address in `emails`, which docs/capture-rules.md calls the primary email.
  public var primaryEmail: EmailAddress? { emails.first }
}

public struct Account: Hashable, Sendable {
  public var id: String
  public var name: String
  public var emails: [EmailAddress]
  public var primaryContact: String?
  public init(id: String, name: String, emails: [EmailAddress], primaryContact: String? = nil) {
    self.id = id; self.name = name; self.emails = emails; self.primaryContact = primaryContact
  }
}

public struct Lead: Hashable, Sendable {
  public var id: String
  public var name: String
  /// The person in the lead's Contact section.
  public var contactName: String?
  public var contactEmail: EmailAddress?
  /// The lead record's own addresses.
  public var emails: [EmailAddress]
  public init(id: String, name: String, contactName: String? = nil, contactEmail: EmailAddress? = nil,
              emails: [EmailAddress] = []) {
    self.id = id; self.name = name; self.contactName = contactName
    self.contactEmail = contactEmail; self.emails = emails
  }
}

public struct Opportunity: Hashable, Sendable {
  public var id: String
  public var name: String
  public var emails: [EmailAddress]
  /// The Opportunity Contact.
  public var contact: String?
  /// The linked account.
  public var account: String?
  public var stakeholders: [String]
  public var originatingLead: String?
  public init(id: String, name: String, emails: [EmailAddress] = [], contact: String? = nil,
              account: String? = nil, stakeholders: [String] = [], originatingLead: String? = nil) {
    self.id = id; self.name = name; self.emails = emails; self.contact = contact
    self.account = account; self.stakeholders = stakeholders; self.originatingLead = originatingLead
  }
}

public enum CustomerType: String, Hashable, Sendable, Codable {
  case account, contact
}

/// A customer lookup: points at an account or a contact.
public struct CustomerRef: Hashable, Sendable {
  public var type: CustomerType
  public var id: String
  public init(type: CustomerType, id: String) { self.type = type; self.id = id }
}

public struct SupportCase: Hashable, Sendable {
  public var id: String
  public var title: String
  public var emails: [EmailAddress]
  public var primaryContact: String?
  public var customer: CustomerRef?
  public init(id: String, title: String, emails: [EmailAddress] = [], primaryContact: String? = nil,
              customer: CustomerRef? = nil) {
    self.id = id; self.title = title; self.emails = emails; self.primaryContact = primaryContact
    self.customer = customer
  }
}

public enum LookupTarget: String, Hashable, Sendable, Codable {
  case account, contact, customer
}

public struct LookupDeclaration: Hashable, Sendable {
  public var field: String
  public var target: LookupTarget
  public init(field: String, target: LookupTarget) { self.field = field; self.target = target }
}

/// A user-defined record type with typed lookups (docs/import-format.md `customEntityTypes`).
public struct CustomEntityType: Hashable, Sendable {
  public var name: String
  public var displayName: String
  public var lookups: [LookupDeclaration]
  public init(name: String, displayName: String, lookups: [LookupDeclaration]) {
    self.name = name; self.displayName = displayName; self.lookups = lookups
  }
}

public enum LookupValue: Hashable, Sendable {
  case account(String)
  case contact(String)
  case customer(CustomerRef)
}

public struct CustomRecord: Hashable, Sendable {
  public var type: String
  public var id: String
  public var name: String
  /// Field name → value, as declared by the type.
  public var lookups: [String: LookupValue]
  public init(type: String, id: String, name: String, lookups: [String: LookupValue]) {
    self.type = type; self.id = id; self.name = name; self.lookups = lookups
  }
}

// MARK: - Activities

public enum ActivityKind: String, Hashable, Sendable, Codable, CaseIterable {
  case email, appointment, phonecall, task, note

  /// The kind as people say it: "Email", "Meeting", "Phone call", "Task", "Note".
  public var displayName: String {
    switch self {
    case .email: return "Email"
    case .appointment: return "Meeting"
    case .phonecall: return "Phone call"
    case .task: return "Task"
    case .note: return "Note"
    }
  }
}

public enum Direction: String, Hashable, Sendable, Codable {
  case incoming, outgoing
}

public struct AttachmentInfo: Hashable, Sendable {
  public var name: String
  public var contentType: String?
  public var size: Int
  public init(name: String, contentType: String? = nil, size: Int) {
    self.name = name; self.contentType = contentType; self.size = size
  }
}

/// A tracked (shared) activity in the CRM database.
public struct Activity: Hashable, Sendable {
  public var id: String
  public var kind: ActivityKind
  /// The records this activity regards; tracking from a second record adds to it.
  public var regarding: [RecordRef]
  public var subject: String
  public var at: Date
  public var end: Date?
  public var owner: String?
  // Email
  public var messageId: String?
  public var direction: Direction?
  public var from: EmailAddress?
  /// The sender's display name as the message gave it (`Dana Reyes`), kept so a tracked
  /// email shows the same counterpart as its private tile did.
  public var fromName: String?
  public var to: [EmailAddress]
  public var cc: [EmailAddress]
  public var attachments: [AttachmentInfo]
  /// Plain-text body or description; loaded on demand by stores that keep it apart.
  public var body: String?
  // Appointment
  public var uid: String?
  public var recurrenceId: Date?
  public var organizer: EmailAddress?
  public var attendees: [EmailAddress]
  public var location: String?

  public init(id: String, kind: ActivityKind, regarding: [RecordRef], subject: String, at: Date,
              end: Date? = nil, owner: String? = nil, messageId: String? = nil,
              direction: Direction? = nil, from: EmailAddress? = nil, fromName: String? = nil,
              to: [EmailAddress] = [],
              cc: [EmailAddress] = [], attachments: [AttachmentInfo] = [], body: String? = nil,
              uid: String? = nil, recurrenceId: Date? = nil, organizer: EmailAddress? = nil,
              attendees: [EmailAddress] = [], location: String? = nil) {
    self.id = id; self.kind = kind; self.regarding = regarding; self.subject = subject
    self.at = at; self.end = end; self.owner = owner; self.messageId = messageId
    self.direction = direction; self.from = from; self.fromName = fromName; self.to = to
    self.cc = cc
    self.attachments = attachments; self.body = body; self.uid = uid
    self.recurrenceId = recurrenceId; self.organizer = organizer; self.attendees = attendees
    self.location = location
  }
}

extension Activity {
  /// The captured-item id this activity answers to (`mail:<message-id>`, `cal:<uid>[/<time>]`),
  /// as its track requests and audit entries name it; its own id for other kinds.
  public var itemId: String {
    if kind == .email, let messageId { return ItemID.mail(messageId: messageId).text }
    if kind == .appointment, let uid {
      return ItemID.meeting(uid: uid, recurrenceId: recurrenceId).text
    }
    return id
  }
}
