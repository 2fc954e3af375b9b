import CaptureCore
import Foundation
import IMAPClient
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

public struct IMAPAccountError: Error, CustomStringConvertible, Sendable {
  public var description: String
  init(_ message: String) { description = message }
}

/// One IMAP account as a source of the private index (Mailbox's `RemoteMailbox`).
///
/// One connection is made when first needed and reused for every folder and message;
/// a connection found dropped is made again once before the server counts as unreachable.
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
  private var opened: String?
  private var statuses: [String: IMAPFolderStatus] = [:]
  private var knownPassword: String?

  /// `password` is asked when a connection logs in (a command may be run for it), and
  /// kept in memory for the process's later connections only.
  public init(account: IMAPAccount, password: @escaping @Sendable () throws -> String,
              caFile: String?, timeoutSeconds: Int64 = 30) {
    self.account = account; self.password = password; self.caFile = caFile
    self.timeout = timeoutSeconds
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
        if MaildirLayout.isExcluded(folderName: parts.joined(separator: "/")) { excluded.append(m) }
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

  public func open(folder: String) throws(RemoteMailboxError) -> RemoteFolderStatus {
    let status = try perform { c throws(IMAPError) in try select(c, folder, force: true) }
    opened = folder
    return RemoteFolderStatus(uidValidity: status.uidValidity, uidNext: status.uidNext,
                              messages: status.exists)
  }

  public func uids() throws(RemoteMailboxError) -> [UInt32] {
    guard let opened else { return [] }
    return try perform { c throws(IMAPError) in
      try select(c, opened, force: false)
      return try c.uidSearchAll()
    }
  }

  public func headers(uids: [UInt32]) throws(RemoteMailboxError) -> [RemoteHeader] {
    guard let opened else { return [] }
    let fetched = try perform { c throws(IMAPError) in
      try select(c, opened, force: false)
      return try c.uidFetch(uids, items: IMAPMailbox.headerItems)
    }
    return fetched.map {
      RemoteHeader(uid: $0.uid, headerBlock: Data($0.section(startingWith: "BODY[HEADER") ?? []),
                   internalDate: $0.internalDate)
    }
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

  /// EXAMINE `folder` unless it is the one selected (or `force`, to hear its state now).
  @discardableResult
  private func select(_ c: IMAPConnection, _ folder: String, force: Bool) throws(IMAPError)
    -> IMAPFolderStatus
  {
    if !force, selected == folder, let status = statuses[folder] { return status }
    selected = nil
    let status = try c.examine(Array(folder.utf8))
    selected = folder
    statuses[folder] = status
    return status
  }

  /// Runs `body` on the connection, made (and logged in) if there is none; a reused
  /// connection that turns out dropped is made again once.
  private func perform<T>(_ body: (IMAPConnection) throws(IMAPError) -> T)
    throws(RemoteMailboxError) -> T
  {
    lock.lock()
    defer { lock.unlock() }
    var attempts = 0
    while true {
      attempts += 1
      let reused = connection?.isOpen == true
      do {
        let c = try reused ? connection! : connect()
        return try body(c)
      } catch {
        connection?.close()
        connection = nil
        selected = nil
        if case .unreachable = error, reused, attempts == 1 { continue }
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
    case .unreachable(let s): return .unreachable(s)
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
