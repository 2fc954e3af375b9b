/// Cuts the byte stream from a server into complete responses.
///
/// A response ends at a CRLF, unless the line ends with a literal's size (`{123}` or
/// `~{123}`): then that many bytes follow, whatever they hold, and the response goes on
/// after them. Bytes arrive in pieces split anywhere; each byte is looked at once, so a
/// 50 MB literal arriving in 64 KB reads costs no rescanning. A bare LF is taken as a line
/// end too, as servers and proxies that drop the CR exist.
public struct ResponseFramer: Sendable {
  public let limits: IMAPLimits
  private var buffer: [UInt8] = []
  /// Bytes of `buffer` already looked at for the response under way.
  private var scanned = 0
  /// Literal bytes still to come before the line goes on.
  private var literalRemaining = 0
  /// Bytes outside literals in the response under way.
  private var lineBytes = 0
  /// Where the current line (after the last literal) starts in `buffer`.
  private var lineStart = 0
  /// Where the response under way starts in `buffer`: bytes before it were handed out and
  /// are dropped in bulk, not one response at a time.
  private var start = 0

  public init(limits: IMAPLimits = IMAPLimits()) { self.limits = limits }

  /// Bytes received and not yet handed out as a response.
  public var bufferedCount: Int { buffer.count - start }

  public mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
    buffer.append(contentsOf: bytes)
  }

  /// The next complete response (its final line end included), or nil until more bytes
  /// arrive. Throws when the server exceeds `limits`.
  public mutating func next() throws(IMAPProtocolError) -> [UInt8]? {
    while scanned < buffer.count {
      if literalRemaining > 0 {
        let take = min(literalRemaining, buffer.count - scanned)
        scanned += take
        literalRemaining -= take
        if literalRemaining == 0 { lineStart = scanned }
        continue
      }
      let byte = buffer[scanned]
      scanned += 1
      lineBytes += 1
      if lineBytes > limits.maximumLineBytes {
        throw IMAPProtocolError(
          "a server response is longer than \(limits.maximumLineBytes) bytes")
      }
      guard byte == 0x0A else { continue }
      var end = scanned - 1
      if end > lineStart, buffer[end - 1] == 0x0D { end -= 1 }
      if let size = try ResponseFramer.literalSize(buffer, lineStart..<end, limits: limits) {
        literalRemaining = size
        lineStart = scanned
        continue
      }
      let response = Array(buffer[start..<scanned])
      start = scanned
      lineStart = scanned
      lineBytes = 0
      return response
    }
    if start > 0 {
      buffer.removeFirst(start)
      scanned -= start
      lineStart -= start
      start = 0
    }
    return nil
  }

  /// The size announced by `{N}` (or `~{N}`) ending `line`, or nil when it does not end so.
  static func literalSize(_ bytes: [UInt8], _ line: Range<Int>, limits: IMAPLimits)
    throws(IMAPProtocolError) -> Int?
  {
    guard let last = line.last, bytes[last] == UInt8(ascii: "}") else { return nil }
    var k = last - 1
    var size = 0
    var digits = 0
    while k >= line.lowerBound, bytes[k] >= 0x30, bytes[k] <= 0x39 {
      k -= 1
      digits += 1
    }
    guard digits > 0, k >= line.lowerBound, bytes[k] == UInt8(ascii: "{") else { return nil }
    for d in (k + 1)..<last {
      let (times, o1) = size.multipliedReportingOverflow(by: 10)
      let (sum, o2) = times.addingReportingOverflow(Int(bytes[d] - 0x30))
      guard !o1, !o2, sum <= limits.maximumLiteral else {
        throw IMAPProtocolError(
          "the server sent a literal over \(limits.maximumLiteral) bytes")
      }
      size = sum
    }
    return size
  }
}

/// Parses one complete response (as `ResponseFramer` cuts them) into an `IMAPResponse`.
///
/// The grammar is RFC 3501's `response` with RFC 9051's additions: quoted strings with
/// `\"` and `\\`, literals anywhere a string may stand (`{N}` CRLF, and `~{N}` for
/// binary), NIL, nested lists, and fetch keys with a section (`BODY[HEADER.FIELDS (A B)]`,
/// `BODY[]<0>`) read as one atom. Quoted strings and text may carry 8-bit bytes (UTF-8 in
/// IMAP4rev2); strings keep their bytes, text is decoded as UTF-8 with replacement.
public struct ResponseParser {
  private let bytes: [UInt8]
  private var at = 0
  private let limits: IMAPLimits

  public static func parse(_ bytes: [UInt8], limits: IMAPLimits = IMAPLimits())
    throws(IMAPProtocolError) -> IMAPResponse
  {
    var parser = ResponseParser(bytes: bytes, limits: limits)
    return try parser.response()
  }

  private init(bytes: [UInt8], limits: IMAPLimits) {
    // The final line end is not part of the response.
    var end = bytes.count
    if end > 0, bytes[end - 1] == 0x0A { end -= 1 }
    if end > 0, bytes[end - 1] == 0x0D { end -= 1 }
    self.bytes = Array(bytes[0..<end])
    self.limits = limits
  }

  private static let statusWords: Set<String> = ["OK", "NO", "BAD", "BYE", "PREAUTH"]

  private mutating func response() throws(IMAPProtocolError) -> IMAPResponse {
    guard at < bytes.count else { throw IMAPProtocolError("an empty response line") }
    if bytes[at] == UInt8(ascii: "+") {
      at += 1
      if at < bytes.count, bytes[at] == 0x20 { at += 1 }
      return IMAPResponse(kind: .continuation, text: restAsText())
    }
    let kind: IMAPResponse.Kind
    if bytes[at] == UInt8(ascii: "*") {
      at += 1
      kind = .untagged
    } else {
      let tag = readWhile { ResponseParser.isAtomChar($0) && $0 != UInt8(ascii: "+") }
      guard !tag.isEmpty else { throw failure("a response starting with neither '*', '+' nor a tag") }
      kind = .tagged(tag)
    }
    try expectSpace()
    let save = at
    let word = readWhile { ResponseParser.isAtomChar($0) }.uppercased()
    if ResponseParser.statusWords.contains(word) {
      var response = IMAPResponse(kind: kind, status: word)
      skipSpaces()
      if at < bytes.count, bytes[at] == UInt8(ascii: "[") {
        at += 1
        response.code = try values(until: UInt8(ascii: "]"), depth: 1)
        at += 1  // the "]"
        skipSpaces()
      }
      response.text = restAsText()
      return response
    }
    if case .tagged = kind {
      throw failure("a tagged response without OK, NO or BAD")
    }
    at = save
    return IMAPResponse(kind: kind, values: try values(until: nil, depth: 0))
  }

  /// Values separated by spaces up to `closing` (not consumed) or the end.
  private mutating func values(until closing: UInt8?, depth: Int) throws(IMAPProtocolError)
    -> [IMAPValue]
  {
    guard depth <= limits.maximumDepth else {
      throw failure("lists nested deeper than \(limits.maximumDepth)")
    }
    var out: [IMAPValue] = []
    while true {
      skipSpaces()
      guard at < bytes.count else {
        if closing != nil { throw failure("a list or response code that does not end") }
        return out
      }
      if let closing, bytes[at] == closing { return out }
      out.append(try value(depth: depth, inCode: closing == UInt8(ascii: "]")))
    }
  }

  private mutating func value(depth: Int, inCode: Bool) throws(IMAPProtocolError) -> IMAPValue {
    let c = bytes[at]
    switch c {
    case UInt8(ascii: "("):
      at += 1
      let list = try values(until: UInt8(ascii: ")"), depth: depth + 1)
      at += 1
      return .list(list)
    case UInt8(ascii: ")"):
      throw failure("a ')' that closes no list")
    case UInt8(ascii: "\""):
      return .string(try quoted())
    case UInt8(ascii: "{"):
      return .string(try literal())
    case UInt8(ascii: "~") where at + 1 < bytes.count && bytes[at + 1] == UInt8(ascii: "{"):
      at += 1
      return .string(try literal())
    default:
      let atom = try self.atom(inCode: inCode)
      if atom.count == 3, atom.uppercased() == "NIL" { return .null }
      return .atom(atom)
    }
  }

  /// An atom; a `[section]` (with spaces and parentheses inside) and a `<partial>`
  /// directly after it are part of it, as fetch keys have them.
  private mutating func atom(inCode: Bool) throws(IMAPProtocolError) -> String {
    let start = at
    while at < bytes.count {
      let c = bytes[at]
      if c == UInt8(ascii: "[") && !inCode {
        guard let close = bytes[at...].firstIndex(of: UInt8(ascii: "]")) else {
          throw failure("a '[' without ']'")
        }
        at = close + 1
        if at < bytes.count, bytes[at] == UInt8(ascii: "<") {
          guard let end = bytes[at...].firstIndex(of: UInt8(ascii: ">")) else {
            throw failure("a '<' without '>'")
          }
          at = end + 1
        }
        break
      }
      if inCode && c == UInt8(ascii: "]") { break }
      guard ResponseParser.isAtomChar(c) || c == UInt8(ascii: "\\") || c == UInt8(ascii: "%")
        || c == UInt8(ascii: "*") || c == UInt8(ascii: "]") || c >= 0x80
      else { break }
      at += 1
    }
    guard at > start else {
      throw failure("an unexpected byte 0x\(String(bytes[start], radix: 16))")
    }
    return String(decoding: bytes[start..<at], as: UTF8.self)
  }

  private mutating func quoted() throws(IMAPProtocolError) -> [UInt8] {
    at += 1
    var out: [UInt8] = []
    while at < bytes.count {
      let c = bytes[at]
      at += 1
      switch c {
      case UInt8(ascii: "\""):
        return out
      case UInt8(ascii: "\\"):
        guard at < bytes.count else { break }
        out.append(bytes[at])
        at += 1
      case 0x0D, 0x0A:
        throw failure("a line end inside a quoted string")
      default:
        out.append(c)
      }
    }
    throw failure("a quoted string that does not end")
  }

  private mutating func literal() throws(IMAPProtocolError) -> [UInt8] {
    at += 1  // "{"
    var size = 0
    var digits = 0
    while at < bytes.count, bytes[at] >= 0x30, bytes[at] <= 0x39 {
      let (times, o1) = size.multipliedReportingOverflow(by: 10)
      let (sum, o2) = times.addingReportingOverflow(Int(bytes[at] - 0x30))
      guard !o1, !o2, sum <= limits.maximumLiteral else {
        throw failure("a literal over \(limits.maximumLiteral) bytes")
      }
      size = sum
      digits += 1
      at += 1
    }
    guard digits > 0, at < bytes.count, bytes[at] == UInt8(ascii: "}") else {
      throw failure("a malformed literal size")
    }
    at += 1
    if at < bytes.count, bytes[at] == 0x0D { at += 1 }
    guard at < bytes.count, bytes[at] == 0x0A else {
      throw failure("a literal size not followed by a line end")
    }
    at += 1
    guard size <= bytes.count - at else { throw failure("a literal cut short") }
    let out = Array(bytes[at..<(at + size)])
    at += size
    return out
  }

  private mutating func readWhile(_ keep: (UInt8) -> Bool) -> String {
    let start = at
    while at < bytes.count, keep(bytes[at]) { at += 1 }
    return String(decoding: bytes[start..<at], as: UTF8.self)
  }

  private mutating func expectSpace() throws(IMAPProtocolError) {
    guard at < bytes.count, bytes[at] == 0x20 else { throw failure("a missing space") }
    skipSpaces()
  }

  private mutating func skipSpaces() {
    while at < bytes.count, bytes[at] == 0x20 { at += 1 }
  }

  private mutating func restAsText() -> String {
    defer { at = bytes.count }
    return String(decoding: bytes[at...], as: UTF8.self)
  }

  private func failure(_ what: String) -> IMAPProtocolError {
    IMAPProtocolError("malformed server response: \(what) at byte \(at)")
  }

  /// ATOM-CHAR: any CHAR except atom-specials (`(){ %*"\]`, CTL, and space). `%`, `*`,
  /// `\` and `]` are let through by `atom` where list wildcards, flags and `resp-text-code`
  /// put them.
  static func isAtomChar(_ c: UInt8) -> Bool {
    guard c > 0x20, c < 0x7F else { return false }
    switch c {
    case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "%"),
      UInt8(ascii: "*"), UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "]"):
      return false
    default:
      return true
    }
  }
}
