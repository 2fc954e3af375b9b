/// The byte positions of one header field in a header block, before unfolding.
struct RawField {
  /// The field name, without trailing whitespace.
  var nameStart: Int
  var nameEnd: Int
  /// From just after the colon to the end of the last continuation line (line break
  /// excluded).
  var valueStart: Int
  var valueEnd: Int
}

/// Finds header fields at the byte level, the shared core of `MessageHeaders` and
/// `HeaderFields`.
///
/// Why bytes: indexing parses 100,000+ header blocks, and building a `String` of each block
/// would cost more than the parse itself. Line breaks are LF and CRLF, or a bare CR in a
/// block written with them (classic Mac OS: no LF before its empty line); elsewhere a bare
/// CR is part of its line, so `Subject: a<CR>b` does not end the header before its
/// Message-ID.
/// A leading
/// byte-order mark and a leading mbox `From ` line are skipped. The block ends at an empty
/// line or, when the separator is missing, at the first line that is neither a field nor a
/// continuation.
enum HeaderScanner {
  /// Calls `visit` for each field in order and returns the offset where the body starts
  /// (after the empty separator line, or at the first line that is not part of the header).
  @inline(__always)
  static func scan(
    _ p: UnsafeRawBufferPointer, _ visit: (RawField) -> Void
  ) -> Int {
    let n = p.count
    guard n > 0 else { return 0 }
    var i = 0
    // A UTF-8 byte-order mark, written by Windows editors that saved the message.
    if n >= 3, p[0] == 0xEF, p[1] == 0xBB, p[2] == 0xBF { i = 3 }
    let cr = bareCRBreaksLines(p, from: i)
    // An mbox `From ` separator line (but not a `From :` field with obsolete spacing).
    if n - i >= 5, p[i] == 0x46, p[i + 1] == 0x72, p[i + 2] == 0x6F, p[i + 3] == 0x6D,
       p[i + 4] == 0x20 {
      var j = i + 5
      while j < n, p[j] == 0x20 || p[j] == 0x09 { j += 1 }
      if j >= n || p[j] != 0x3A { i = nextLine(p, from: i, bareCR: cr) }
    }
    var current: RawField? = nil
    while i < n {
      let c = p[i]
      if c == 0x0A || (c == 0x0D && (cr || (i + 1 < n && p[i + 1] == 0x0A))) {
        // Empty line: the separator.
        if let f = current { visit(f) }
        return nextLine(p, from: i, bareCR: cr)
      }
      if c == 0x20 || c == 0x09 {
        // Continuation line.
        let end = lineEnd(p, from: i, bareCR: cr)
        if current != nil { current?.valueEnd = end }
        i = nextLine(p, from: end, bareCR: cr)
        continue
      }
      // A field: printable characters other than the colon, optional WSP, then a colon.
      var j = i
      while j < n {
        let b = p[j]
        if b == 0x3A || b <= 0x20 || b >= 0x7F { break }
        j += 1
      }
      let nameEnd = j
      while j < n, p[j] == 0x20 || p[j] == 0x09 { j += 1 }
      guard nameEnd > i, j < n, p[j] == 0x3A else {
        // Not a field: the header block ends here without a separator.
        if let f = current { visit(f) }
        return i
      }
      if let f = current { visit(f) }
      let end = lineEnd(p, from: j + 1, bareCR: cr)
      current = RawField(nameStart: i, nameEnd: nameEnd, valueStart: j + 1, valueEnd: end)
      i = nextLine(p, from: end, bareCR: cr)
    }
    if let f = current { visit(f) }
    return n
  }

  /// Whether the text from `from` on breaks lines with a bare CR (classic Mac OS): it has
  /// no LF, or an empty bare-CR line (the header's end) comes before its first LF.
  static func bareCRBreaksLines(_ p: UnsafeRawBufferPointer, from: Int) -> Bool {
    var i = from
    while i < p.count {
      if p[i] == 0x0A { return false }
      if p[i] == 0x0D, i + 1 < p.count, p[i + 1] == 0x0D { return true }
      i += 1
    }
    return true
  }

  /// The offset of the line break (or the end) at or after `from`: LF, CRLF, and a bare CR
  /// when `bareCR`.
  @inline(__always)
  static func lineEnd(_ p: UnsafeRawBufferPointer, from: Int, bareCR: Bool = true) -> Int {
    var i = from
    let n = p.count
    while i < n {
      let b = p[i]
      if b == 0x0A { return i }
      if b == 0x0D, bareCR || (i + 1 < n && p[i + 1] == 0x0A) { return i }
      i += 1
    }
    return n
  }

  /// The start of the line after the one containing `from` (past LF, CRLF, or a bare CR
  /// when `bareCR`).
  @inline(__always)
  static func nextLine(_ p: UnsafeRawBufferPointer, from: Int, bareCR: Bool = true) -> Int {
    var i = lineEnd(p, from: from, bareCR: bareCR)
    let n = p.count
    if i < n, p[i] == 0x0D { i += 1; if i < n, p[i] == 0x0A { i += 1 }; return i }
    if i < n { i += 1 }
    return i
  }

  /// The value with line breaks removed and surrounding whitespace trimmed (RFC 5322 3.2.2
  /// unfolding keeps the whitespace that follows a break).
  static func unfold(_ p: UnsafeRawBufferPointer, _ f: RawField) -> [UInt8] {
    var s = f.valueStart, e = f.valueEnd
    while s < e, isWhitespace(p[s]) { s += 1 }
    while e > s, isWhitespace(p[e - 1]) { e -= 1 }
    var out = [UInt8]()
    out.reserveCapacity(e - s)
    var i = s
    while i < e {
      let b = p[i]
      if b != 0x0A && b != 0x0D { out.append(b) }
      i += 1
    }
    return out
  }

  /// True when the field name equals `lowercaseName` ignoring ASCII case.
  @inline(__always)
  static func nameEquals(
    _ p: UnsafeRawBufferPointer, _ f: RawField, _ lowercaseName: StaticString
  ) -> Bool {
    let len = lowercaseName.utf8CodeUnitCount
    guard f.nameEnd - f.nameStart == len else { return false }
    let q = lowercaseName.utf8Start
    for k in 0..<len where p[f.nameStart + k] | 0x20 != q[k] {
      return false
    }
    return true
  }

  @inline(__always)
  static func isWhitespace(_ b: UInt8) -> Bool {
    b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D
  }
}
