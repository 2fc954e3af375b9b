import CaptureCore
import Foundation

/// A ``MailSource`` in memory: the user's messages as values, answered by the protocol's
/// rules (any address in From, To or Cc; newest first, equal dates by Message-ID; one item
/// per Message-ID; at most the limit asked for; folders `Trash`, `Drafts` and `Junk` left
/// out).
public final class InMemoryMailbox: MailSource, @unchecked Sendable {
  private let lock = NSLock()
  private var messages: [MessageContent]
  /// What reading a message gives instead of its content (a vanished file, another copy).
  private var readOverrides: [String: Result<MessageContent, MailSourceError>] = [:]
  private var refreshes = 0
  private var reportedProblems: [MailSourceError]

  public init(_ messages: [MessageContent] = [], problems: [MailSourceError] = []) {
    self.messages = messages
    self.reportedProblems = problems
  }

  /// How many times the index was refreshed: zero means the mailbox was not looked at.
  public var refreshCount: Int { locked { refreshes } }

  public func add(_ message: MessageContent) { locked { messages.append(message) } }

  /// Takes the message out of the mailbox (the header leaves the index too).
  public func remove(messageId: String) {
    locked { messages.removeAll { $0.header.messageId == messageId } }
  }

  /// Reading `messageId` fails with `error` while its header stays indexed (a file gone
  /// or unreadable since the last refresh).
  public func failReading(messageId: String, with error: MailSourceError) {
    locked { readOverrides[messageId] = .failure(error) }
  }

  /// Reading `messageId` gives `content` while the index keeps the header it had (two
  /// files carrying one Message-ID).
  public func readInstead(messageId: String, _ content: MessageContent) {
    locked { readOverrides[messageId] = .success(content) }
  }

  private func locked<T>(_ body: () throws -> T) rethrows -> T {
    lock.lock(); defer { lock.unlock() }
    return try body()
  }

  public func refresh(reporting: (@Sendable (_ done: Int, _ total: Int) -> Void)?) throws {
    let count = locked { refreshes += 1; return messages.count }
    reporting?(count, count)
  }

  public func newestMessages(matching addresses: Set<EmailAddress>, limit: Int) throws
    -> [CapturedEmail] {
    locked {
      var seen = Set<String>()
      var matching: [CapturedEmail] = []
      for header in messages.map(\.header) where !Self.isExcluded(header.folder) {
        let involved: [EmailAddress] = (header.from.map { [$0] } ?? []) + header.to + header.cc
        if involved.contains(where: addresses.contains), seen.insert(header.messageId).inserted {
          matching.append(header)
        }
      }
      matching.sort { a, b in a.date != b.date ? a.date > b.date : a.messageId < b.messageId }
      return Array(matching.prefix(max(0, limit)))
    }
  }

  public func replies(to messageIds: Set<String>, limit: Int) throws -> [CapturedEmail] {
    newest(limit: limit) { !$0.references.allSatisfy { !messageIds.contains($0) } }
  }

  public func newestReplies(limit: Int) throws -> [CapturedEmail] {
    newest(limit: limit) { !$0.references.isEmpty }
  }

  /// The `limit` newest messages in folders that count whose header passes `test`.
  private func newest(limit: Int, _ test: (CapturedEmail) -> Bool) -> [CapturedEmail] {
    locked {
      var seen = Set<String>()
      var found: [CapturedEmail] = []
      for header in messages.map(\.header) where !Self.isExcluded(header.folder)
        && test(header) && seen.insert(header.messageId).inserted {
        found.append(header)
      }
      found.sort { a, b in a.date != b.date ? a.date > b.date : a.messageId < b.messageId }
      return Array(found.prefix(max(0, limit)))
    }
  }

  public func countMessages(matching addresses: Set<EmailAddress>, bound: Int) throws -> Int {
    min(max(0, bound), try newestMessages(matching: addresses, limit: Int.max).count)
  }

  public func message(messageId: String) throws -> MessageContent {
    try locked {
      if let override = readOverrides[messageId] { return try override.get() }
      guard let message = messages.first(where: { $0.header.messageId == messageId }) else {
        throw MailSourceError.messageNotFound(messageId)
      }
      return message
    }
  }

  public func indexedMessage(messageId: String) throws -> CapturedEmail? {
    locked {
      messages.first { $0.header.messageId == messageId && !Self.isExcluded($0.header.folder) }?
        .header
    }
  }

  public func excludedFolder(holding messageId: String) throws -> String? {
    locked {
      messages.first { $0.header.messageId == messageId && Self.isExcluded($0.header.folder) }?
        .header.folder
    }
  }

  /// A message whose folder is `Trash`, `Drafts` or `Junk` is kept out of capture, as a
  /// Maildir's drafts, trash and junk folders are.
  static func isExcluded(_ folder: String) -> Bool {
    ["trash", "drafts", "junk"].contains(folder.lowercased())
  }

  public var problems: [MailSourceError] { locked { reportedProblems } }
}

/// A ``CalendarSource`` in memory: occurrences as values, answered by the protocol's rules
/// (organizer or an attendee among the addresses; start within the window, both ends
/// included).
public final class InMemoryCalendar: CalendarSource, @unchecked Sendable {
  private let lock = NSLock()
  private var occurrences: [CapturedMeeting]
  private let reportedProblems: [MailSourceError]

  public init(_ occurrences: [CapturedMeeting] = [], problems: [MailSourceError] = []) {
    self.occurrences = occurrences
    self.reportedProblems = problems
  }

  public func add(_ meeting: CapturedMeeting) {
    lock.lock(); occurrences.append(meeting); lock.unlock()
  }

  public func meetings(matching addresses: Set<EmailAddress>, startingIn window: ClosedRange<Date>,
                       timeZone: TimeZone) throws -> [CapturedMeeting] {
    lock.lock(); defer { lock.unlock() }
    return occurrences.filter { meeting in
      let involved: [EmailAddress] = (meeting.organizer.map { [$0] } ?? []) + meeting.attendees
      return window.contains(meeting.start) && involved.contains(where: addresses.contains)
    }
  }

  public func meetings(uid: String, startingIn window: ClosedRange<Date>, timeZone: TimeZone)
    throws -> [CapturedMeeting] {
    lock.lock(); defer { lock.unlock() }
    return occurrences.filter { $0.uid == uid && window.contains($0.start) }
  }

  public var problems: [MailSourceError] { reportedProblems }
}

extension MessageContent {
  /// A message for ``InMemoryMailbox`` from its header facts; addresses in normalized form.
  public static func email(_ messageId: String, at date: Date, subject: String, from: String,
                           fromName: String? = nil, to: [String], cc: [String] = [],
                           body: String = "", attachments: [AttachmentContent] = [],
                           folder: String = "INBOX", references: [String] = [])
    -> MessageContent {
    MessageContent(
      header: CapturedEmail(messageId: messageId, date: date, subject: subject,
                            from: EmailAddress(normalized: from), fromName: fromName,
                            to: to.map(EmailAddress.init(normalized:)),
                            cc: cc.map(EmailAddress.init(normalized:)), folder: folder,
                            references: references),
      plainText: body, attachments: attachments)
  }
}
