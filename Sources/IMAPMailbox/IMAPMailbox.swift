import CaptureCore
import Foundation
import IMAPClient
import MailFormats
import Mailbox

/// An IMAP account as `--imap` and the config file name it: `imaps://USER@HOST[:PORT]`
/// (TLS, port 993) or `imap://USER@HOST[:PORT]` (STARTTLS, port 143). A user name that is
/// an address has its `@` written `%40`.
public struct IMAPAccount: Sendable, Equatable {
  public var security: IMAPSecurity
  public var user: String
  public var host: String
  public var port: Int

  /// How the index names the account: scheme, user, host and port, no password.
  public var id: String {
    let scheme = security == .tls ? "imaps" : "imap"
    let encodedUser = user.addingPercentEncoding(withAllowedCharacters: .urlUserAllowed) ?? user
    let h = host.contains(":") ? "[\(host)]" : host
    return "\(scheme)://\(encodedUser)@\(h):\(port)"
  }

  /// `user@host`, as messages name the account.
  public var name: String { "\(user)@\(host)" }

  /// Parses an account URL; the error says what is wrong with it, in words.
  public static func parse(_ text: String) throws(IMAPAccountError) -> IMAPAccount {
    guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
      scheme == "imaps" || scheme == "imap"
    else {
      throw IMAPAccountError("'\(text)' is not an IMAP URL (imaps://USER@HOST[:PORT] or "
        + "imap://USER@HOST[:PORT])")
    }
    guard components.password == nil else {
      throw IMAPAccountError("an IMAP URL must not hold a password (it would show in the "
        + "process list and in logs); use --imap-password-command or AUTOCAPTURE_IMAP_PASSWORD")
    }
    guard let user = components.user, !user.isEmpty else {
      throw IMAPAccountError("'\(text)' names no user (imaps://USER@HOST)")
    }
    guard var host = components.host, !host.isEmpty else {
      throw IMAPAccountError("'\(text)' names no host")
    }
    if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
    guard components.path.isEmpty || components.path == "/", components.query == nil,
      components.fragment == nil
    else {
      throw IMAPAccountError("'\(text)' has a path or query; an IMAP account URL has none")
    }
    let security: IMAPSecurity = scheme == "imaps" ? .tls : .startTLS
    let port = components.port ?? (security == .tls ? 993 : 143)
    guard (1...65535).contains(port) else { throw IMAPAccountError("bad port in '\(text)'") }
    return IMAPAccount(security: security, user: user, host: host.lowercased(), port: port)
  }
}

/// How an IMAP account is tried again when its server cannot be reached or drops the
/// connection (docs: Decisions.md, "Reconnecting to a mail server").
///
/// Within one call: up to `attempts` connections, waiting `firstDelay`, then twice as long
/// each time, at most `maximumDelay`, between them. A timeout is not tried again at once: a
/// server that did not answer within the timeout will not in a second. After a call gives up,
/// the account is not tried for a cool-off (`firstCoolOff`, doubling with each call that
/// gives up, at most `maximumCoolOff`): meanwhile calls fail at once with the last reason.
public struct IMAPReconnectPolicy: Sendable, Equatable {
  public var attempts: Int
  public var firstDelay: TimeInterval
  public var maximumDelay: TimeInterval
  public var firstCoolOff: TimeInterval
  public var maximumCoolOff: TimeInterval

  public init(attempts: Int = 4, firstDelay: TimeInterval = 0.25, maximumDelay: TimeInterval = 4,
              firstCoolOff: TimeInterval = 15, maximumCoolOff: TimeInterval = 300) {
    self.attempts = max(1, attempts); self.firstDelay = firstDelay
    self.maximumDelay = maximumDelay; self.firstCoolOff = firstCoolOff
    self.maximumCoolOff = maximumCoolOff
  }

  /// The wait before attempt `n` (2, 3, ...) of one call.
  public func delay(beforeAttempt n: Int) -> TimeInterval {
    min(maximumDelay, firstDelay * pow(2, Double(min(max(n - 2, 0), 30))))
  }

  /// How long the account rests after `failures` calls in a row gave up.
  public func coolOff(afterFailures failures: Int) -> TimeInterval {
    min(maximumCoolOff, firstCoolOff * pow(2, Double(min(max(failures - 1, 0), 30))))
  }
}

public struct IMAPAccountError: Error, CustomStringConvertible, Sendable {
  public var description: String
  init(_ message: String) { description = message }
}

/// One IMAP account as a source of the private index (Mailbox's `RemoteMailbox`).
///
/// One connection is made when first needed and reused for every folder and message;
/// a connection refused or dropped is made again as `IMAPReconnectPolicy` says before the
/// server counts as unreachable.
/// Folders are opened with EXAMINE, so nothing AutoCapture does changes a flag.
public final class IMAPMailbox: RemoteMailbox, @unchecked Sendable {
  public let account: IMAPAccount
  public var id: String { account.id }
  private let password: @Sendable () throws -> String
  private let caFile: String?
  private let timeout: Int64
  private let lock = NSLock()
  private var connection: IMAPConnection?
  private var selected: String?
  /// The folder `open` opened last, and its UIDVALIDITY then.
  private var opened: (folder: String, uidValidity: UInt32)?
  private var statuses: [String: IMAPFolderStatus] = [:]
  private var knownPassword: String?
  private let reconnect: IMAPReconnectPolicy
  private let clock: @Sendable () -> Date
  private let sleep: @Sendable (TimeInterval) -> Void
  /// Set while the server counts as unreachable: why, how many calls in a row found it so,
  /// and when the next may try again.
  private var unreachable: Unreachable?

  private struct Unreachable {
    var reason: String
    var failures: Int
    var retryAt: Date
  }

  /// `password` is asked when a connection logs in (a command may be run for it), and
  /// kept in memory for the process's later connections only.
  public init(account: IMAPAccount, password: @escaping @Sendable () throws -> String,
              caFile: String?, timeoutSeconds: Int64 = 30,
              reconnect: IMAPReconnectPolicy = IMAPReconnectPolicy(),
              clock: @escaping @Sendable () -> Date = Date.init,
              sleep: @escaping @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) }) {
    self.account = account; self.password = password; self.caFile = caFile
    self.timeout = timeoutSeconds; self.reconnect = reconnect; self.clock = clock
    self.sleep = sleep
  }

  deinit { connection?.logout() }

  /// The header fields the index reads, and INTERNALDATE for a message without a Date.
  static let headerItems =
    "INTERNALDATE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID DATE FROM TO CC SUBJECT IN-REPLY-TO "
      + "REFERENCES)]"

  public func capturedFolders() throws(RemoteMailboxError) -> [String] {
    let mailboxes = try perform { c throws(IMAPError) in try c.listMailboxes() }
    return IMAPMailbox.captured(mailboxes)
  }

  /// The mailboxes capture reads (docs/capture-rules.md): not `\Noselect`, not
  /// `\Drafts`, `\Trash` or `\Junk` (RFC 6154) nor inside one; when the server marks no
  /// mailbox so, not named as a Maildir's excluded folders are (`Trash`, `Junk E-mail`...,
  /// also under `INBOX.` as some servers put every folder).
  static func captured(_ mailboxes: [IMAPMailboxInfo]) -> [String] {
    let specialUse: Set<String> = ["\\drafts", "\\trash", "\\junk"]
    let anySpecialUse = mailboxes.contains {
      !$0.attributes.isDisjoint(with: specialUse.union(["\\sent", "\\archive", "\\all", "\\flagged"]))
    }
    var excluded: [IMAPMailboxInfo] = []
    for m in mailboxes {
      if anySpecialUse {
        if !m.attributes.isDisjoint(with: specialUse) { excluded.append(m) }
      } else {
        var parts = m.delimiter.map { d in
          m.displayName.split(separator: Character(UnicodeScalar(d)),
                              omittingEmptySubsequences: false).map(String.init)
        } ?? [m.displayName]
        if parts.count > 1, parts[0].uppercased() == "INBOX" { parts.removeFirst() }
        let name = IMAPMailboxName.decode(parts.joined(separator: "/"))
        if MaildirLayout.isExcluded(folderName: name) { excluded.append(m) }
      }
    }
    return mailboxes.filter { m in
      guard m.attributes.isDisjoint(with: ["\\noselect", "\\nonexistent"]) else { return false }
      return !excluded.contains { e in
        e.name == m.name
          || e.delimiter.map { m.name.starts(with: e.name + [$0]) } ?? false
      }
    }.map(\.displayName)
  }

  /// Mailbox names are in modified UTF-7: AutoCapture does not ENABLE UTF8=ACCEPT.
  public func displayName(ofFolder folder: String) -> String {
    IMAPMailboxName.decode(folder)
  }

  public func open(folder: String, known: RemoteFolderKnown?) throws(RemoteMailboxError)
    -> RemoteFolderStatus
  {
    let status = try perform { c throws(IMAPError) in
      try select(c, folder, force: true,
                 known: known.map { ($0.uidValidity, $0.highestModSeq) })
    }
    opened = (folder, status.uidValidity)
    return RemoteFolderStatus(uidValidity: status.uidValidity, uidNext: status.uidNext,
                              messages: status.exists, highestModSeq: status.highestModSeq,
                              vanished: status.vanished)
  }

  public func uids(from first: UInt32) throws(RemoteMailboxError) -> [UInt32] {
    guard let opened else { return [] }
    return try perform { c throws(IMAPError) in
      try selectOpened(c, opened)
      return try c.uidSearch(from: first)
    }
  }

  public func uids() throws(RemoteMailboxError) -> [UInt32] {
    guard let opened else { return [] }
    return try perform { c throws(IMAPError) in
      try selectOpened(c, opened)
      return try c.uidSearchAll()
    }
  }

  public func headers(uids: [UInt32]) throws(RemoteMailboxError) -> [RemoteHeader] {
    guard let opened else { return [] }
    let fetched = try perform { c throws(IMAPError) in
      try selectOpened(c, opened)
      return try c.uidFetch(uids, items: IMAPMailbox.headerItems)
    }
    return fetched.map(IMAPMailbox.remoteHeader)
  }

  public func search(folder: String, addresses: [String]) throws(RemoteMailboxError)
    -> (uidValidity: UInt32, uids: [UInt32])
  {
    try perform { c throws(IMAPError) in
      let status = try select(c, folder, force: false)
      return (status.uidValidity, try c.uidSearch(anyAddressOf: addresses))
    }
  }

  public func headers(folder: String, uidValidity: UInt32, uids: [UInt32])
    throws(RemoteMailboxError) -> [RemoteHeader]
  {
    let fetched = try perform { c throws(IMAPError) in
      let status = try select(c, folder, force: false)
      guard status.uidValidity == uidValidity else { return [IMAPFetchedMessage]() }
      return try c.uidFetch(uids, items: IMAPMailbox.headerItems)
    }
    return fetched.map(IMAPMailbox.remoteHeader)
  }

  private static func remoteHeader(_ m: IMAPFetchedMessage) -> RemoteHeader {
    RemoteHeader(uid: m.uid, headerBlock: Data(m.section(startingWith: "BODY[HEADER") ?? []),
                 internalDate: m.internalDate)
  }

  public func message(folder: String, uidValidity: UInt32, uid: UInt32, limit: Int64)
    throws(RemoteMailboxError) -> Data?
  {
    // One byte over the limit is asked for, to tell a message at the limit from a larger one.
    let (validity, fetched) = try perform { c throws(IMAPError) in
      let status = try select(c, folder, force: false)
      guard uidValidity == 0 || status.uidValidity == uidValidity else {
        return (status.uidValidity, [IMAPFetchedMessage]())
      }
      return (status.uidValidity, try c.uidFetch([uid], items: "BODY.PEEK[]<0.\(limit + 1)>"))
    }
    guard uidValidity == 0 || validity == uidValidity,
      let body = fetched.first(where: { $0.uid == uid })?.section(startingWith: "BODY[]")
    else { return nil }
    guard Int64(body.count) <= limit else {
      throw .tooLarge(size: Int64(body.count), limit: limit)
    }
    return Data(body)
  }

  /// The folder `open` opened, selected again on a new connection: its UIDs mean what they
  /// meant only while its UIDVALIDITY is the same.
  private func selectOpened(_ c: IMAPConnection, _ opened: (folder: String, uidValidity: UInt32))
    throws(IMAPError)
  {
    let status = try select(c, opened.folder, force: false)
    guard status.uidValidity == opened.uidValidity else {
      throw .protocolError("the UIDVALIDITY of \(opened.folder) changed during the sync; the "
        + "folder is read again at the next")
    }
  }

  /// EXAMINE `folder` unless it is the one selected (or `force`, to hear its state now).
  @discardableResult
  private func select(_ c: IMAPConnection, _ folder: String, force: Bool,
                      known: (uidValidity: UInt32, modSeq: UInt64)? = nil) throws(IMAPError)
    -> IMAPFolderStatus
  {
    if !force, selected == folder, let status = statuses[folder] { return status }
    selected = nil
    let status = try c.examine(Array(folder.utf8), known: known)
    selected = folder
    statuses[folder] = status
    return status
  }

  /// Runs `body` on the connection, made (and logged in) if there is none. A connection
  /// refused or dropped is made again and `body` run again (every command here only reads)
  /// as `reconnect` says; a server found unreachable so is not tried again until its
  /// cool-off has passed, so a timeline opened meanwhile shows the index at once.
  private func perform<T>(_ body: (IMAPConnection) throws(IMAPError) -> T)
    throws(RemoteMailboxError) -> T
  {
    lock.lock()
    defer { lock.unlock() }
    let now = clock()
    if let down = unreachable, now < down.retryAt {
      throw .unreachable(down.reason)
    }
    var attempt = 0
    while true {
      attempt += 1
      do {
        let c = try connection?.isOpen == true ? connection! : connect()
        let result = try body(c)
        unreachable = nil
        return result
      } catch {
        // A command the server refused leaves the connection as good as it was.
        if case .refused = error {} else {
          connection?.close()
          connection = nil
          selected = nil
        }
        switch error {
        case .unreachable where attempt < reconnect.attempts:
          sleep(reconnect.delay(beforeAttempt: attempt + 1))
          continue
        case .unreachable(let reason), .timedOut(let reason):
          let coolOff = reconnect.coolOff(afterFailures: (unreachable?.failures ?? 0) + 1)
          unreachable = Unreachable(
            reason: reason, failures: (unreachable?.failures ?? 0) + 1,
            retryAt: clock().addingTimeInterval(coolOff))
        default:
          break
        }
        throw map(error)
      }
    }
  }

  private func connect() throws(IMAPError) -> IMAPConnection {
    connection?.close()
    connection = nil
    selected = nil
    let c = try IMAPConnection.connect(
      host: account.host, port: account.port, security: account.security, caFile: caFile,
      timeout: .seconds(timeout))
    do throws(IMAPError) {
      let secret: String
      if let knownPassword {
        secret = knownPassword
      } else {
        do { secret = try password() } catch {
          throw IMAPError.protocolError("\(error)")
        }
      }
      try c.authenticate(user: account.user, password: secret)
      knownPassword = secret
      // Expunges since the last sync are then named by the server, not found by listing
      // every UID.
      _ = try c.enableQResync()
    } catch {
      c.logout()
      throw error
    }
    connection = c
    return c
  }

  private func map(_ error: IMAPError) -> RemoteMailboxError {
    switch error {
    case .authenticationFailed: return .authenticationFailed(account: account.name)
    case .unreachable(let s), .timedOut(let s): return .unreachable(s)
    case .tls(let s), .protocolError(let s): return .failed(s)
    case .refused: return .failed(error.description)
    }
  }
}

/// Where an account's password comes from: a command run through `/bin/sh -c` (its first
/// line of output), else the environment. The password is never put in an argument list,
/// a file, or an error.
public enum IMAPPassword {
  public struct Failure: Error, CustomStringConvertible, Sendable {
    public var description: String
  }

  public static func provider(command: String?, environmentVariable: String)
    -> @Sendable () throws -> String
  {
    return {
      if let command, !command.isEmpty { return try run(command) }
      if let value = ProcessInfo.processInfo.environment[environmentVariable], !value.isEmpty {
        return value
      }
      throw Failure(description: "no IMAP password: give --imap-password-command CMD or set "
        + environmentVariable)
    }
  }

  private static func run(_ command: String) throws -> String {
    do { return try PasswordCommand.run(command) } catch {
      switch error {
      case .cannotRun(let why):
        throw Failure(description: "cannot run the password command: \(why)")
      case .exited(let status):
        throw Failure(description: "the password command exited with status \(status)")
      case .printedNothing:
        throw Failure(description: "the password command printed no password")
      }
    }
  }
}
