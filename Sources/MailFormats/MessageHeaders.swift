import Foundation

/// One mailbox from an address header: `"Lee, Ann" <ann@fabrikam.example>` gives display
/// name `Lee, Ann` and address `ann@fabrikam.example` (as written; not lowercased).
public struct MailboxAddress: Hashable, Sendable {
  public var displayName: String?
  public var address: String
  public init(displayName: String?, address: String) {
    self.displayName = displayName; self.address = address
  }
}

/// The header facts of a message that indexing and the timeline need, decoded.
///
/// CONTRACT (used by Mailbox): `MessageHeaders.parse(_:)` takes the bytes of a header block
/// (everything before the first empty line; the body may follow and is ignored) and never
/// fails: what it cannot understand it leaves nil or empty.
public struct MessageHeaders: Hashable, Sendable {
  /// With angle brackets: `<abc@example>`; nil when missing.
  public var messageId: String?
  /// Nil when missing or unparsable (the caller falls back to the file's mtime).
  public var date: Date?
  /// RFC 2047 decoded, unfolded; nil when missing.
  public var subject: String?
  public var from: [MailboxAddress] = []
  public var to: [MailboxAddress] = []
  public var cc: [MailboxAddress] = []
  public var inReplyTo: [String] = []
  public var references: [String] = []

  public init() {}

  /// Parses a header block. PLACEHOLDER: minimal splitting, to be replaced by the RFC 5322
  /// parser (same signature).
  public static func parse(_ bytes: UnsafeRawBufferPointer) -> MessageHeaders {
    var h = MessageHeaders()
    let text = String(decoding: bytes, as: UTF8.self)
    var fields: [(String, String)] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      let l = line.hasSuffix("\r") ? line.dropLast() : line
      if l.isEmpty { break }
      if l.first == " " || l.first == "\t", !fields.isEmpty {
        fields[fields.count - 1].1 += " " + l.trimmingCharacters(in: .whitespaces)
      } else if let c = l.firstIndex(of: ":") {
        fields.append((l[..<c].lowercased(), l[l.index(after: c)...].trimmingCharacters(in: .whitespaces)))
      }
    }
    func addrs(_ v: String) -> [MailboxAddress] {
      v.split(separator: ",").compactMap { part in
        let p = part.trimmingCharacters(in: .whitespaces)
        if let lt = p.firstIndex(of: "<"), let gt = p.firstIndex(of: ">"), lt < gt {
          let name = p[..<lt].trimmingCharacters(in: CharacterSet(charactersIn: " \""))
          return MailboxAddress(displayName: name.isEmpty ? nil : name,
                                address: String(p[p.index(after: lt)..<gt]))
        }
        return p.contains("@") ? MailboxAddress(displayName: nil, address: p) : nil
      }
    }
    for (name, value) in fields {
      switch name {
      case "message-id": h.messageId = h.messageId ?? value
      case "subject": h.subject = h.subject ?? value
      case "from": h.from = addrs(value)
      case "to": h.to += addrs(value)
      case "cc": h.cc += addrs(value)
      case "date":
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.dateFormat = "EEE, d MMM yyyy HH:mm:ss Z"
        h.date = f.date(from: value)
      default: break
      }
    }
    return h
  }
}
