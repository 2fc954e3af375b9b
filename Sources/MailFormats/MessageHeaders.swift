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
  /// Nil when missing or unparsable (the caller falls back to `receivedDate`).
  public var date: Date?
  /// When `date` is nil, the date of the topmost Received field (the last hop, where the
  /// message arrived): what follows its last `;`, read as a Date is. Nil when that is
  /// unreadable or there is no Received field, and whenever `date` was read (it stands in
  /// for Date only, so indexing reads it only then).
  public var receivedDate: Date?
  /// RFC 2047 decoded, unfolded; nil when missing.
  public var subject: String?
  public var from: [MailboxAddress] = []
  public var to: [MailboxAddress] = []
  public var cc: [MailboxAddress] = []
  public var inReplyTo: [String] = []
  public var references: [String] = []

  public init() {}

  /// Parses a header block straight from its bytes.
  ///
  /// Why bytes: this runs once per message while indexing. Only the fields held here are
  /// unfolded and decoded; every other field is skipped after its name is compared. The
  /// first Subject, From, In-Reply-To and References count, and the first Message-ID and
  /// Date that can be read (RFC 5322 allows one of each; a broken first one should not cost
  /// the message its id or date when a later copy is fine); To and Cc fields add up. The
  /// first Received field is read only when no Date could be.
  public static func parse(_ bytes: UnsafeRawBufferPointer) -> MessageHeaders {
    var h = MessageHeaders()
    var seen: UInt8 = 0
    var topmostReceived: RawField? = nil
    _ = HeaderScanner.scan(bytes) { f in
      let length = f.nameEnd - f.nameStart
      guard length >= 2, length <= 11 else { return }
      switch bytes[f.nameStart] | 0x20 {
      case 0x6D:  // m
        if seen & 1 == 0, HeaderScanner.nameEquals(bytes, f, "message-id") {
          h.messageId = withValue(bytes, f) { MessageIDs.parse($0, limit: 1).first }
          if h.messageId != nil { seen |= 1 }
        }
      case 0x64:  // d
        if seen & 2 == 0, HeaderScanner.nameEquals(bytes, f, "date") {
          h.date = withValue(bytes, f) { MailDate.parse($0) }
          if h.date != nil { seen |= 2 }
        }
      case 0x73:  // s
        if seen & 4 == 0, HeaderScanner.nameEquals(bytes, f, "subject") {
          seen |= 4
          h.subject = withValue(bytes, f) { EncodedWords.decode($0) }
        }
      case 0x66:  // f
        if seen & 8 == 0, HeaderScanner.nameEquals(bytes, f, "from") {
          seen |= 8
          h.from = withValue(bytes, f) { AddressList.parse($0) }
        }
      case 0x74:  // t
        if HeaderScanner.nameEquals(bytes, f, "to") {
          h.to += withValue(bytes, f) { AddressList.parse($0) }
        }
      case 0x63:  // c
        if HeaderScanner.nameEquals(bytes, f, "cc") {
          h.cc += withValue(bytes, f) { AddressList.parse($0) }
        }
      case 0x69:  // i
        if seen & 16 == 0, HeaderScanner.nameEquals(bytes, f, "in-reply-to") {
          seen |= 16
          h.inReplyTo = withValue(bytes, f) { MessageIDs.parse($0, limit: Int.max) }
        }
      case 0x72:  // r
        if seen & 32 == 0, HeaderScanner.nameEquals(bytes, f, "references") {
          seen |= 32
          h.references = withValue(bytes, f) { MessageIDs.parse($0, limit: Int.max) }
        } else if topmostReceived == nil, HeaderScanner.nameEquals(bytes, f, "received") {
          topmostReceived = f
        }
      default:
        break
      }
    }
    if h.date == nil, let f = topmostReceived {
      h.receivedDate = withValue(bytes, f) { value -> Date? in
        guard let semicolon = value.lastIndex(of: 0x3B) else { return nil }
        return MailDate.parse(UnsafeBufferPointer(rebasing: value[(semicolon + 1)...]))
      }
    }
    return h
  }

  /// Parses the header block at the start of `data` (a whole message is fine).
  public static func parse(_ data: Data) -> MessageHeaders {
    data.withUnsafeBytes { parse($0) }
  }

  /// Runs `body` on the unfolded, trimmed value of `f`.
  @inline(__always)
  static func withValue<T>(
    _ bytes: UnsafeRawBufferPointer, _ f: RawField, _ body: (UnsafeBufferPointer<UInt8>) -> T
  ) -> T {
    HeaderScanner.unfold(bytes, f).withUnsafeBufferPointer(body)
  }
}
