import CaptureCore
import Foundation

/// Why an import file was refused: the JSON path of the offending value and what is wrong.
///
/// Its description is one line, `path: message` (`contacts[0].emails[1]: invalid email
/// address: 'ann' has no @`), so the CLI can print it as it is.
public struct ImportError: Error, Equatable, Sendable, CustomStringConvertible {
  /// The JSON path (`opportunities[3].stakeholders[1]`); empty for the file as a whole.
  public var path: String
  public var message: String
  /// Both quote the file, and a teammate's file may hold a key or value of any size: each
  /// is cut to an excerpt, so an error is one readable line whatever the input.
  public init(path: String, message: String) {
    self.path = Self.excerpt(path, limit: 200)
    self.message = Self.excerpt(message, limit: 600)
  }

  /// `text`, or its first `limit` characters and how much was left out.
  static func excerpt(_ text: String, limit: Int) -> String {
    guard text.utf8.count > limit else { return text }
    let head = text.prefix(limit)
    return "\(head)… (\(text.utf8.count - head.utf8.count) more bytes)"
  }
  public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// How many things of each kind an import wrote (inserted or updated).
public struct ImportSummary: Equatable, Sendable, CustomStringConvertible {
  public var organization = 0
  public var users = 0
  public var accounts = 0
  public var contacts = 0
  public var leads = 0
  public var opportunities = 0
  public var cases = 0
  public var customEntityTypes = 0
  public var customRecords = 0
  public var activities = 0
  public init() {}

  /// `1 organization, 1 user, 2 contacts, ...`: one line, kinds with none left out.
  public var description: String {
    let parts: [(Int, String, String)] = [
      (organization, "organization", "organizations"), (users, "user", "users"),
      (accounts, "account", "accounts"), (contacts, "contact", "contacts"),
      (leads, "lead", "leads"), (opportunities, "opportunity", "opportunities"),
      (cases, "case", "cases"),
      (customEntityTypes, "custom entity type", "custom entity types"),
      (customRecords, "custom record", "custom records"),
      (activities, "activity", "activities"),
    ]
    let written = parts.filter { $0.0 > 0 }
    if written.isEmpty { return "nothing" }
    return written.map { "\($0.0) \($0.0 == 1 ? $0.1 : $0.2)" }.joined(separator: ", ")
  }
}

/// Reads and checks a CRM import file (docs/import-format.md) into an `ImportPlan`, which a
/// store then writes through its `CRMImportTarget`: one importer, whatever the database.
///
/// The whole file is read and checked first (shape, keys, addresses, times, duplicate ids);
/// the plan is then written in one transaction in which every reference is resolved against
/// the file and the database; any error rolls the transaction back, so a refused file writes
/// nothing. Records are upserted by type and id, and a record's lists (emails, stakeholders,
/// lookups) are replaced, so importing the same file twice leaves the same database.
public enum CRMImporter {
  public static func plan(fileAt url: URL) throws -> ImportPlan {
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw ImportError(path: "", message: "cannot read \(url.path): \(Self.reason(error))")
    }
    return try plan(data)
  }

  public static func plan(_ data: Data) throws -> ImportPlan {
    let root: ImportJSON
    do { root = try JSONDecoder().decode(ImportJSON.self, from: data) } catch {
      throw ImportError(path: "", message: "not valid JSON: \(Self.syntaxError(data, error))")
    }
    if let repeated = JSONRepeatedKeys.first(in: data) {
      throw ImportError(
        path: repeated, message: "written twice in the same object (which one is meant?)")
    }
    return ImportPlan(file: try ImportFile(root))
  }

  /// Where the JSON syntax goes wrong, in JSONSerialization's words (which give the line
  /// and column), falling back on the decoder's.
  static func syntaxError(_ data: Data, _ error: any Error) -> String {
    do { _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) } catch {
      if let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String {
        return text.hasSuffix(".") ? String(text.dropLast()) : text
      }
    }
    return reason(error)
  }

  static func reason(_ error: any Error) -> String {
    if case DecodingError.dataCorrupted(let context) = error { return context.debugDescription }
    return (error as NSError).localizedDescription
  }
}

/// A checked import file, ready to be written into a store's open transaction.
public struct ImportPlan {
  fileprivate let file: ImportFile

  /// Resolves the file's references against `target` (and the file), then writes it all.
  public func write(to target: some CRMImportTarget) throws -> ImportSummary {
    try file.write(target)
  }
}

/// A lookup value stored on a custom record, as a redeclared type is checked against it.
public struct StoredLookup: Sendable {
  public var recordId: String
  public var field: String
  /// `account`, `contact` or `customer`.
  public var target: String
  public init(recordId: String, field: String, target: String) {
    self.recordId = recordId; self.field = field; self.target = target
  }
}

/// One store's open import transaction: what the importer asks of the database it writes
/// to, and the upserts it hands over. Each `write` replaces the value stored under the same
/// id, its lists (emails, stakeholders, lookups, addresses, links) included.
public protocol CRMImportTarget {
  func userExists(id: String) throws -> Bool
  func recordExists(_ ref: RecordRef) throws -> Bool
  func customEntityType(name: String) throws -> CustomEntityType?
  /// The lookup values stored on records of the custom type `name`, by record id and field.
  func storedLookups(ofType name: String) throws -> [StoredLookup]
  /// The id of the activity that is the same item (Message-ID, or UID and recurrence id).
  func existingActivityId(matching activity: Activity) throws -> String?

  func write(_ organization: Organization) throws
  /// Writes the organization; its excluded addresses are replaced (left out: none).
  /// The personal option and the user's excluded addresses (both the user's own to change)
  /// are only overwritten when the file sets them.
  func write(_ user: User, setsShowUntracked: Bool, setsExclusions: Bool) throws
  func write(_ account: Account) throws
  func write(_ contact: Contact) throws
  func write(_ lead: Lead) throws
  func write(_ opportunity: Opportunity) throws
  func write(_ supportCase: SupportCase) throws
  func write(_ type: CustomEntityType) throws
  func write(_ record: CustomRecord) throws
  /// An imported activity: attachment infos without content.
  func write(_ activity: Activity) throws
}

/// A reference from the file to a record, kept with its path until the database is at hand.
private struct Reference {
  enum Target: Hashable { case user, record(RecordType), customType, activity }
  var path: String
  var target: Target
  var id: String
}

/// The parsed, shape-checked content of one import file.
private struct ImportFile {
  var organization: Organization?
  var users: [User] = []
  /// Users whose file entry sets `showUntracked`; others keep the stored personal option.
  var usersSettingShowUntracked: Set<String> = []
  /// Users whose file entry sets `excludedAddresses`; others keep the list they edited.
  var usersSettingExclusions: Set<String> = []
  var accounts: [Account] = []
  var contacts: [Contact] = []
  var leads: [Lead] = []
  var opportunities: [Opportunity] = []
  var cases: [SupportCase] = []
  var types: [CustomEntityType] = []
  /// A custom record as read, with the paths its lookups are checked and reported at
  /// against its type's declaration (which may come later in the file, or from the database).
  struct CustomRecordEntry {
    var path: String
    var record: CustomRecord
    /// Each lookup field's path in the file.
    var lookupPaths: [String: String]
  }

  var customRecords: [CustomRecordEntry] = []
  var activities: [(path: String, activity: Activity)] = []
  var references: [Reference] = []
  /// Ids defined in the file, by target.
  var defined: [Reference.Target: Set<String>] = [:]

  static let topKeys = [
    "organization", "users", "contacts", "accounts", "leads", "opportunities", "cases",
    "customEntityTypes", "customRecords", "activities",
  ]

  init(_ root: ImportJSON) throws(ImportError) {
    let top = try JSONObject(root, at: "", allowed: Self.topKeys)
    if let value = top.value("organization") { organization = try Self.organization(value) }
    for (i, item) in try top.array("users").enumerated() {
      let user = try Self.user(item, at: "users[\(i)]")
      if Self.hasKey(item, "showUntracked") {
        usersSettingShowUntracked.insert(user.id)
      }
      if Self.hasKey(item, "excludedAddresses") { usersSettingExclusions.insert(user.id) }
      try define(.user, user.id, at: "users[\(i)].id", kind: "user")
      users.append(user)
    }
    for (i, item) in try top.array("accounts").enumerated() {
      let path = "accounts[\(i)]"
      let o = try JSONObject(item, at: path, allowed: ["id", "name", "emails", "primaryContact"])
      let account = Account(
        id: try o.id(), name: try o.string("name") ?? "", emails: try o.emails("emails"),
        primaryContact: try o.reference("primaryContact"))
      try define(.record(.account), account.id, at: o.path("id"), kind: "account")
      refer(o.path("primaryContact"), .contact, account.primaryContact)
      accounts.append(account)
    }
    for (i, item) in try top.array("contacts").enumerated() {
      let path = "contacts[\(i)]"
      let o = try JSONObject(
        item, at: path, allowed: ["id", "name", "emails", "parentAccount", "modifiedOn"])
      let contact = Contact(
        id: try o.id(), name: try o.string("name") ?? "", emails: try o.emails("emails"),
        parentAccount: try o.reference("parentAccount"), modifiedOn: try o.date("modifiedOn"))
      try define(.record(.contact), contact.id, at: o.path("id"), kind: "contact")
      refer(o.path("parentAccount"), .account, contact.parentAccount)
      contacts.append(contact)
    }
    for (i, item) in try top.array("leads").enumerated() {
      leads.append(try lead(item, at: "leads[\(i)]"))
    }
    for (i, item) in try top.array("opportunities").enumerated() {
      opportunities.append(try opportunity(item, at: "opportunities[\(i)]"))
    }
    for (i, item) in try top.array("cases").enumerated() {
      cases.append(try supportCase(item, at: "cases[\(i)]"))
    }
    for (i, item) in try top.array("customEntityTypes").enumerated() {
      types.append(try customType(item, at: "customEntityTypes[\(i)]"))
    }
    for (i, item) in try top.array("customRecords").enumerated() {
      customRecords.append(try customRecord(item, at: "customRecords[\(i)]"))
    }
    var messageIds: [String: String] = [:], occurrences: [String: String] = [:]
    for (i, item) in try top.array("activities").enumerated() {
      let path = "activities[\(i)]"
      let activity = try activity(item, at: path)
      if activity.kind == .email, let messageId = activity.messageId {
        if let first = messageIds[messageId] {
          throw ImportError(path: "\(path).messageId",
                            message: "Message-ID \(messageId) is already used by \(first)")
        }
        messageIds[messageId] = path
      }
      if activity.kind == .appointment, let key = Self.occurrenceKey(activity) {
        if let first = occurrences[key] {
          throw ImportError(path: "\(path).uid",
                            message: "this UID and recurrence id are already used by \(first)")
        }
        occurrences[key] = path
      }
      activities.append((path, activity))
    }
  }

  static func occurrenceKey(_ activity: Activity) -> String? {
    guard let uid = activity.uid else { return nil }
    return uid + "\u{0}" + (activity.recurrenceId.map(ISO8601.format) ?? "")
  }

  // MARK: Collecting ids and references

  mutating func define(_ target: Reference.Target, _ id: String, at path: String, kind: String)
    throws(ImportError)
  {
    if defined[target, default: []].contains(id) {
      throw ImportError(path: path, message: "duplicate \(kind) id '\(id)'")
    }
    defined[target, default: []].insert(id)
  }

  mutating func refer(_ path: String, _ type: RecordType, _ id: String?) {
    guard let id else { return }
    references.append(Reference(path: path, target: .record(type), id: id))
  }

  // MARK: Sections

  static func organization(_ value: ImportJSON) throws(ImportError) -> Organization {
    let o = try JSONObject(
      value, at: "organization",
      allowed: ["name", "autoCapture", "untrackedAccess", "excludedAddresses"])
    return Organization(
      name: try o.string("name") ?? "", autoCapture: try o.bool("autoCapture") ?? true,
      untrackedAccess: try o.choice(
        "untrackedAccess", UntrackedAccess.self, allowed: ["allowed", "blocked"]) ?? .allowed,
      excludedAddresses: try o.exclusions("excludedAddresses"))
  }

  static func user(_ value: ImportJSON, at path: String) throws(ImportError) -> User {
    let o = try JSONObject(
      value, at: path,
      allowed: ["id", "name", "emails", "mailbox", "showUntracked", "excludedAddresses"])
    var mailbox = MailboxSettings()
    if let value = o.value("mailbox") {
      let m = try JSONObject(
        value, at: o.path("mailbox"), allowed: ["syncMethod", "approved", "testEnabled"])
      mailbox = MailboxSettings(
        syncMethod: try m.choice(
          "syncMethod", SyncMethod.self, allowed: SyncMethod.allCases.map(\.rawValue)) ?? .none,
        approved: try m.bool("approved") ?? false,
        testEnabled: try m.bool("testEnabled") ?? false)
    }
    return User(id: try o.id(), name: try o.string("name") ?? "", emails: try o.emails("emails"),
                mailbox: mailbox, showUntracked: try o.bool("showUntracked") ?? true,
                excludedAddresses: try o.exclusions("excludedAddresses"))
  }

  mutating func lead(_ value: ImportJSON, at path: String) throws(ImportError) -> Lead {
    let o = try JSONObject(value, at: path, allowed: ["id", "name", "contact", "emails"])
    var lead = Lead(
      id: try o.id(), name: try o.string("name") ?? "", emails: try o.emails("emails"))
    if let value = o.value("contact") {
      let c = try JSONObject(value, at: o.path("contact"), allowed: ["name", "email"])
      lead.contactName = try c.string("name")
      lead.contactEmail = try c.email("email")
    }
    try define(.record(.lead), lead.id, at: o.path("id"), kind: "lead")
    return lead
  }

  mutating func opportunity(_ value: ImportJSON, at path: String) throws(ImportError)
    -> Opportunity
  {
    let o = try JSONObject(
      value, at: path,
      allowed: ["id", "name", "emails", "contact", "account", "stakeholders", "originatingLead"])
    var opportunity = Opportunity(
      id: try o.id(), name: try o.string("name") ?? "", emails: try o.emails("emails"),
      contact: try o.reference("contact"), account: try o.reference("account"),
      originatingLead: try o.reference("originatingLead"))
    try define(.record(.opportunity), opportunity.id, at: o.path("id"), kind: "opportunity")
    refer(o.path("contact"), .contact, opportunity.contact)
    refer(o.path("account"), .account, opportunity.account)
    refer(o.path("originatingLead"), .lead, opportunity.originatingLead)
    for (itemPath, id) in try o.strings("stakeholders") {
      if id.isEmpty { throw ImportError(path: itemPath, message: "empty id") }
      refer(itemPath, .contact, id)
      if !opportunity.stakeholders.contains(id) { opportunity.stakeholders.append(id) }
    }
    return opportunity
  }

  /// `{"type": "account"|"contact", "id": ...}` at `path`.
  mutating func customer(_ value: ImportJSON, at path: String) throws(ImportError) -> CustomerRef {
    let o = try JSONObject(value, at: path, allowed: ["type", "id"])
    guard let type = try o.choice("type", CustomerType.self, allowed: ["account", "contact"]) else {
      throw ImportError(
        path: o.path("type"), message: "missing: a customer is an account or a contact")
    }
    let customer = CustomerRef(type: type, id: try o.id())
    refer(path, type == .account ? .account : .contact, customer.id)
    return customer
  }

  mutating func supportCase(_ value: ImportJSON, at path: String) throws(ImportError)
    -> SupportCase
  {
    let o = try JSONObject(
      value, at: path, allowed: ["id", "title", "emails", "primaryContact", "customer"])
    var supportCase = SupportCase(
      id: try o.id(), title: try o.string("title") ?? "", emails: try o.emails("emails"),
      primaryContact: try o.reference("primaryContact"))
    try define(.record(.case), supportCase.id, at: o.path("id"), kind: "case")
    refer(o.path("primaryContact"), .contact, supportCase.primaryContact)
    if let value = o.value("customer") {
      supportCase.customer = try customer(value, at: o.path("customer"))
    }
    return supportCase
  }

  mutating func customType(_ value: ImportJSON, at path: String) throws(ImportError)
    -> CustomEntityType
  {
    let o = try JSONObject(value, at: path, allowed: ["name", "displayName", "lookups"])
    let name = try o.id("name")
    if RecordType(name: name) != .custom(name) {
      throw ImportError(path: o.path("name"), message: "'\(name)' is a built-in record type")
    }
    if name.contains(":") || name.contains(where: \.isWhitespace) {
      throw ImportError(path: o.path("name"), message: "'\(name)' contains ':' or a space")
    }
    try define(.customType, name, at: o.path("name"), kind: "custom entity type")
    var lookups: [LookupDeclaration] = []
    for (i, item) in try o.array("lookups").enumerated() {
      let l = try JSONObject(item, at: "\(o.path("lookups"))[\(i)]", allowed: ["field", "target"])
      let field = try l.id("field")
      guard let target = try l.choice(
        "target", LookupTarget.self, allowed: ["account", "contact", "customer"])
      else { throw ImportError(path: l.path("target"), message: "missing") }
      if lookups.contains(where: { $0.field == field }) {
        throw ImportError(path: l.path("field"), message: "duplicate lookup '\(field)'")
      }
      lookups.append(LookupDeclaration(field: field, target: target))
    }
    return CustomEntityType(
      name: name, displayName: try o.string("displayName") ?? name, lookups: lookups)
  }

  mutating func customRecord(_ value: ImportJSON, at path: String) throws(ImportError)
    -> CustomRecordEntry
  {
    let o = try JSONObject(value, at: path, allowed: ["type", "id", "name", "lookups"])
    let type = try o.id("type")
    let id = try o.id()
    try define(.record(.custom(type)), id, at: o.path("id"), kind: "\(type) record")
    var lookups: [String: LookupValue] = [:], lookupPaths: [String: String] = [:]
    if let value = o.value("lookups") {
      guard case .object(let fields) = value else {
        throw ImportError(
          path: o.path("lookups"), message: "expected an object, found \(value.kindName)")
      }
      for (field, fieldValue) in fields.sorted(by: { $0.key < $1.key }) {
        let fieldPath = JSONObject.join(o.path("lookups"), field)
        lookupPaths[field] = fieldPath
        switch fieldValue {
        case .null: continue
        case .string(let refId):
          if refId.isEmpty { throw ImportError(path: fieldPath, message: "empty id") }
          // Account or contact: settled against the type's declaration when writing.
          lookups[field] = .account(refId)
        case .object:
          lookups[field] = .customer(try customer(fieldValue, at: fieldPath))
        default:
          throw ImportError(
            path: fieldPath,
            message: "expected an id or {\"type\", \"id\"}, found \(fieldValue.kindName)")
        }
      }
    }
    return CustomRecordEntry(
      path: path,
      record: CustomRecord(type: type, id: id, name: try o.string("name") ?? "", lookups: lookups),
      lookupPaths: lookupPaths)
  }

  static let activityKeys = [
    "id", "kind", "regarding", "subject", "at", "end", "owner", "messageId", "direction", "from",
    "fromName", "to", "cc", "attachments", "body", "uid", "recurrenceId", "organizer", "attendees", "location",
  ]

  mutating func activity(_ value: ImportJSON, at path: String) throws(ImportError) -> Activity {
    let o = try JSONObject(value, at: path, allowed: Self.activityKeys)
    guard let kind = try o.choice(
      "kind", ActivityKind.self, allowed: ActivityKind.allCases.map(\.rawValue))
    else { throw ImportError(path: o.path("kind"), message: "missing") }
    var activity = Activity(
      id: try o.id(), kind: kind, regarding: [], subject: try o.string("subject") ?? "",
      at: try o.requiredDate("at"), end: try o.date("end"), owner: try o.reference("owner"),
      messageId: try o.messageId("messageId"),
      direction: try o.choice("direction", Direction.self, allowed: ["incoming", "outgoing"]),
      from: try o.email("from"), fromName: try o.string("fromName"), to: try o.emails("to"),
      cc: try o.emails("cc"), body: try o.string("body"), uid: try o.string("uid"),
      recurrenceId: try o.date("recurrenceId"), organizer: try o.email("organizer"),
      attendees: try o.emails("attendees"), location: try o.string("location"))
    try define(.activity, activity.id, at: o.path("id"), kind: "activity")
    if let owner = activity.owner {
      references.append(Reference(path: o.path("owner"), target: .user, id: owner))
    }
    // `regarding` is one {"type", "id"} or an array of them.
    var regardingItems: [(String, ImportJSON)] = []
    switch o.value("regarding") {
    case .array(let items)?:
      regardingItems = items.enumerated().map {
        ("\(o.path("regarding"))[\($0.offset)]", $0.element)
      }
    case let item?: regardingItems = [(o.path("regarding"), item)]
    case nil: break
    }
    for (itemPath, item) in regardingItems {
      let r = try JSONObject(item, at: itemPath, allowed: ["type", "id"])
      let ref = RecordRef(type: RecordType(name: try r.id("type")), id: try r.id())
      refer(itemPath, ref.type, ref.id)
      if !activity.regarding.contains(ref) { activity.regarding.append(ref) }
    }
    for (i, item) in try o.array("attachments").enumerated() {
      let a = try JSONObject(
        item, at: "\(o.path("attachments"))[\(i)]", allowed: ["name", "contentType", "size"])
      activity.attachments.append(AttachmentInfo(
        name: try a.requiredString("name"), contentType: try a.string("contentType"),
        size: try a.nonNegativeInt("size") ?? 0))
    }
    return activity
  }

  // MARK: Writing

  /// Checks references against the file and `target`, then writes everything.
  func write(_ target: some CRMImportTarget) throws -> ImportSummary {
    let declared = try declaredTypes(target)
    try checkReferences(target, declared: declared)
    var settled = customRecords.map(\.record)
    for (index, entry) in customRecords.enumerated() {
      settled[index] = try settle(target, entry, declared: declared)
    }
    try checkActivityIdentities(target)
    try checkRedeclaredTypes(target)

    var summary = ImportSummary()
    if let organization {
      try target.write(organization)
      summary.organization = 1
    }
    for user in users {
      try target.write(user, setsShowUntracked: usersSettingShowUntracked.contains(user.id),
                       setsExclusions: usersSettingExclusions.contains(user.id))
    }
    summary.users = users.count
    for account in accounts { try target.write(account) }
    summary.accounts = accounts.count
    for contact in contacts { try target.write(contact) }
    summary.contacts = contacts.count
    for lead in leads { try target.write(lead) }
    summary.leads = leads.count
    for opportunity in opportunities { try target.write(opportunity) }
    summary.opportunities = opportunities.count
    for supportCase in cases { try target.write(supportCase) }
    summary.cases = cases.count
    for type in types { try target.write(type) }
    summary.customEntityTypes = types.count
    for record in settled { try target.write(record) }
    summary.customRecords = settled.count
    for (_, activity) in activities { try target.write(activity) }
    summary.activities = activities.count
    return summary
  }

  /// Custom types as this import leaves them: the file's declarations over the database's.
  func declaredTypes(_ target: some CRMImportTarget) throws -> [String: CustomEntityType] {
    var declared: [String: CustomEntityType] = [:]
    let names = Set(customRecords.map(\.record.type)).union(
      references.compactMap { if case .record(.custom(let n)) = $0.target { n } else { nil } })
    for name in names {
      if let type = try target.customEntityType(name: name) { declared[name] = type }
    }
    for type in types { declared[type.name] = type }
    return declared
  }

  func checkReferences(_ target: some CRMImportTarget, declared: [String: CustomEntityType]) throws {
    for entry in customRecords where declared[entry.record.type] == nil {
      throw ImportError(
        path: "\(entry.path).type", message: "no custom entity type '\(entry.record.type)'")
    }
    for reference in references where defined[reference.target]?.contains(reference.id) != true {
      switch reference.target {
      case .customType, .activity:
        continue
      case .user:
        if try !target.userExists(id: reference.id) {
          throw ImportError(path: reference.path, message: "no user with id '\(reference.id)'")
        }
      case .record(let type):
        let ref = RecordRef(type: type, id: reference.id)
        if case .custom(let name) = type, declared[name] == nil {
          throw ImportError(path: reference.path, message: "unknown record type '\(name)'")
        }
        if try !target.recordExists(ref) {
          throw ImportError(
            path: reference.path, message: "no \(type.name) with id '\(reference.id)'")
        }
      }
    }
  }

  /// Checks a custom record's lookups against its type and gives each its declared target;
  /// id references are checked here because their type comes from the declaration.
  func settle(_ target: some CRMImportTarget, _ entry: CustomRecordEntry,
              declared: [String: CustomEntityType]) throws -> CustomRecord {
    var record = entry.record
    guard let type = declared[record.type] else { return record }
    for (field, value) in entry.record.lookups {
      let path = entry.lookupPaths[field] ?? field
      guard let declaration = type.lookups.first(where: { $0.field == field }) else {
        let known = type.lookups.map(\.field).joined(separator: ", ")
        throw ImportError(
          path: path,
          message: "'\(field)' is not a lookup of \(type.name) (declared: \(known))")
      }
      switch (declaration.target, value) {
      case (.customer, .customer):
        continue
      case (.customer, _):
        throw ImportError(path: path, message: "a customer lookup takes {\"type\", \"id\"}")
      case (.account, .account(let id)), (.contact, .account(let id)):
        record.lookups[field] = declaration.target == .account ? .account(id) : .contact(id)
        let refType: RecordType = declaration.target == .account ? .account : .contact
        try requireRecord(target, RecordRef(type: refType, id: id), at: path)
      default:
        throw ImportError(
          path: path, message: "a \(declaration.target.rawValue) lookup takes an id string")
      }
    }
    return record
  }

  func requireRecord(_ target: some CRMImportTarget, _ ref: RecordRef, at path: String) throws {
    if defined[.record(ref.type)]?.contains(ref.id) == true { return }
    if try target.recordExists(ref) { return }
    throw ImportError(path: path, message: "no \(ref.type.name) with id '\(ref.id)'")
  }

  /// Refuses a type declaration that drops or retypes a lookup still used by a stored record
  /// this file does not replace: the stored value would no longer mean anything.
  func checkRedeclaredTypes(_ target: some CRMImportTarget) throws {
    for (index, type) in types.enumerated() {
      let replaced = defined[.record(.custom(type.name))] ?? []
      for stored in try target.storedLookups(ofType: type.name) {
        let (recordId, field, lookupTarget) = (stored.recordId, stored.field, stored.target)
        if replaced.contains(recordId) { continue }
        if type.lookups.contains(where: { $0.field == field && $0.target.rawValue == lookupTarget }) {
          continue
        }
        throw ImportError(
          path: "customEntityTypes[\(index)].lookups",
          message: "\(type.name):\(recordId) uses lookup '\(field)' (\(lookupTarget)), which this "
            + "declaration drops or retypes; import that record again with the file")
      }
    }
  }

  /// Refuses an activity whose Message-ID (or UID and recurrence id) is already another
  /// activity's in the database: the unique indices would refuse it less clearly.
  func checkActivityIdentities(_ target: some CRMImportTarget) throws {
    for (path, activity) in activities {
      guard let existing = try target.existingActivityId(matching: activity),
            existing != activity.id
      else { continue }
      let key = activity.kind == .email ? "messageId" : "uid"
      throw ImportError(
        path: "\(path).\(key)", message: "already tracked as activity '\(existing)'")
    }
  }

  static func hasKey(_ value: ImportJSON, _ key: String) -> Bool {
    if case .object(let fields) = value, let field = fields[key] {
      if case .null = field { return false }
      return true
    }
    return false
  }
}
