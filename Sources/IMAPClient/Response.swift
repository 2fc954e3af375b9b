/// One value of a server response (RFC 3501 section 9, RFC 9051): an atom (numbers,
/// flags such as `\Seen` and fetch keys such as `BODY[HEADER.FIELDS (DATE)]` included), a
/// string (quoted or literal, its bytes as sent: 8-bit data is kept), NIL, or a list.
public indirect enum IMAPValue: Hashable, Sendable {
  case atom(String)
  case string([UInt8])
  case null
  case list([IMAPValue])

  /// The atom's text, or nil.
  public var atom: String? {
    if case .atom(let a) = self { return a }
    return nil
  }

  /// A number (`number` or `nz-number`, 32 bits as UIDs are), or nil.
  public var uint32: UInt32? { atom.flatMap { UInt32($0) } }

  /// A 64-bit number (`mod-sequence-value`), or nil.
  public var uint64: UInt64? { atom.flatMap { UInt64($0) } }

  /// A string's bytes, or an atom's (an `astring` may be either); nil for NIL and lists.
  public var bytes: [UInt8]? {
    switch self {
    case .string(let b): return b
    case .atom(let a): return Array(a.utf8)
    default: return nil
    }
  }

  /// The list's values, or nil.
  public var list: [IMAPValue]? {
    if case .list(let l) = self { return l }
    return nil
  }
}

/// One complete server response.
public struct IMAPResponse: Hashable, Sendable {
  public enum Kind: Hashable, Sendable {
    /// `* ...`
    case untagged
    /// `TAG OK|NO|BAD ...`
    case tagged(String)
    /// `+ ...`: the server waits for the rest of a command.
    case continuation
  }

  public var kind: Kind
  /// `OK`, `NO`, `BAD`, `BYE` or `PREAUTH` (upper case) for a status response, else nil.
  public var status: String?
  /// A status response's code: `[UIDVALIDITY 3857529045]` is `[.atom("UIDVALIDITY"),
  /// .atom("3857529045")]`; nil without one.
  public var code: [IMAPValue]?
  /// The human-readable text of a status response or continuation.
  public var text: String
  /// A data response's values after `*`: `* 12 FETCH (...)` is `[12, FETCH, (...)]`.
  public var values: [IMAPValue]

  public init(kind: Kind, status: String? = nil, code: [IMAPValue]? = nil, text: String = "",
              values: [IMAPValue] = []) {
    self.kind = kind; self.status = status; self.code = code; self.text = text
    self.values = values
  }

  /// The name of a data response: `EXISTS` for `* 23 EXISTS`, `LIST` for `* LIST ...`
  /// (upper case); the status for a status response.
  public var name: String? {
    if let status { return status }
    guard let first = values.first?.atom else { return nil }
    if first.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), values.count > 1 {
      return values[1].atom?.uppercased()
    }
    return first.uppercased()
  }

  /// The code's name (`UIDVALIDITY`), upper case.
  public var codeName: String? { code?.first?.atom?.uppercased() }
}

/// The server sent something that is not IMAP, or more than a client should take.
public struct IMAPProtocolError: Error, Hashable, Sendable, CustomStringConvertible {
  public var description: String
  public init(_ message: String) { description = message }
}

/// Bounds on what one server response may make the client hold: a hostile or broken
/// server must not make it allocate without end.
public struct IMAPLimits: Sendable {
  /// The largest literal taken (a whole message is read only up to 50 MB, and is asked for
  /// with a size limit, so anything larger is not a message this client asked for).
  public var maximumLiteral: Int
  /// The bytes of one response outside its literals. A `SEARCH` result of a million UIDs is
  /// about 8 MB.
  public var maximumLineBytes: Int
  /// Parenthesized lists nested deeper than this are refused (a `BODYSTRUCTURE` nests a
  /// few levels; the parser recurses once per level).
  public var maximumDepth: Int

  public init(maximumLiteral: Int = 64 << 20, maximumLineBytes: Int = 16 << 20,
              maximumDepth: Int = 64) {
    self.maximumLiteral = maximumLiteral; self.maximumLineBytes = maximumLineBytes
    self.maximumDepth = maximumDepth
  }
}
