import Foundation

/// Parses RFC 5322 address lists (From, To, Cc, ...), obsolete syntax included.
///
/// Handles `Name <a@b>`, bare `a@b`, quoted display names with commas and escaped quotes,
/// nested comments, groups (`Team: a@b, c@d;` gives the members, `undisclosed-recipients:;`
/// gives none), obsolete routes (`<@route:a@b>`), quoted local parts, a missing closing `>`,
/// encoded words holding raw specials, and a trailing comment as the display name
/// (`a@b (Ann Lee)`). Display names are RFC 2047 decoded (also inside quotes, as mail in the
/// wild does); addresses are returned as written.
public enum AddressList {
  /// Parses an unfolded address-list header value.
  public static func parse(_ value: String) -> [MailboxAddress] {
    Array(value.utf8).withUnsafeBufferPointer { parse($0) }
  }

  /// Parses unfolded address-list bytes.
  public static func parse(_ v: UnsafeBufferPointer<UInt8>) -> [MailboxAddress] {
    var result: [MailboxAddress] = []
    var item = Item()
    let n = v.count
    var memo = EncodedWords.TextScanMemo()
    var i = 0
    while i < n {
      let b = v[i]
      switch b {
      case 0x20, 0x09, 0x0D, 0x0A:
        item.sawSpace = true
        i += 1
      case 0x28:  // (
        let (text, end) = readComment(v, from: i)
        item.comment = text
        item.sawSpace = true
        i = end
      case 0x22:  // "
        let (content, end) = readQuoted(v, from: i)
        content.withUnsafeBufferPointer { item.addPhrase($0) }
        item.addSpecToken(UnsafeBufferPointer(rebasing: v[i..<end]))
        i = end
      case 0x3C:  // <
        let (content, end) = readAngle(v, from: i)
        if item.angle == nil { item.angle = content }
        item.sawSpace = true
        i = end
      case 0x2C, 0x3B:  // , ;
        item.finish(into: &result)
        item = Item()
        i += 1
      case 0x3A:  // : starts a group (its name is not an address)
        if item.angle == nil { item = Item() }
        i += 1
      case 0x3E, 0x29:  // stray > or )
        i += 1
      default:
        var j = i
        while j < n, !isSpecial(v[j]) {
          // An encoded word is one atom even when it holds a raw `,` or `:` (RFC 2047 5(3)
          // forbids them, but mailers write them).
          if v[j] == 0x3D, j + 1 < n, v[j + 1] == 0x3F,
             let word = EncodedWords.parseWord(v, at: j, memo: &memo) {
            j = word.end
          } else {
            j += 1
          }
        }
        let token = UnsafeBufferPointer(rebasing: v[i..<j])
        item.addPhrase(token)
        item.addSpecToken(token)
        i = j
      }
    }
    item.finish(into: &result)
    return result
  }

  /// One mailbox being read.
  struct Item {
    var phrase: [UInt8] = []
    /// The bare addr-spec candidate being built, and the finished ones holding an `@` (more
    /// than one when a list forgot its commas: `ann@x bob@y`).
    var spec: [UInt8] = []
    var finishedSpecsWithAt: [[UInt8]] = []
    var angle: [UInt8]? = nil
    var comment: [UInt8]? = nil
    var sawSpace = false

    mutating func addPhrase(_ bytes: UnsafeBufferPointer<UInt8>) {
      if sawSpace && !phrase.isEmpty { phrase.append(0x20) }
      phrase.append(contentsOf: bytes)
    }

    /// Adds a token to the bare addr-spec. Whitespace between tokens is obsolete folding
    /// around `.` and `@`; anywhere else it separates words, and a new candidate starts.
    mutating func addSpecToken(_ token: UnsafeBufferPointer<UInt8>) {
      if sawSpace, let lb = spec.last, let fb = token.first,
         lb != 0x2E, lb != 0x40, fb != 0x2E, fb != 0x40 {
        if spec.contains(0x40) { finishedSpecsWithAt.append(spec) }
        spec.removeAll(keepingCapacity: true)
      }
      spec.append(contentsOf: token)
      sawSpace = false
    }

    func finish(into result: inout [MailboxAddress]) {
      if let angle {
        guard !angle.isEmpty else { return }
        let address = Charsets.decodeUTF8OrLatin1(angle)
        var name = displayName(phrase)
        if name == nil, let comment { name = displayName(comment) }
        result.append(MailboxAddress(displayName: name, address: address))
        return
      }
      var specs = finishedSpecsWithAt
      if spec.contains(0x40) { specs.append(spec) }
      let name = specs.count == 1 ? comment.flatMap(displayName) : nil
      for candidate in specs {
        result.append(
          MailboxAddress(displayName: name, address: Charsets.decodeUTF8OrLatin1(candidate)))
      }
    }

    func displayName(_ bytes: [UInt8]) -> String? {
      var s = 0, e = bytes.count
      while s < e, bytes[s] == 0x20 || bytes[s] == 0x09 { s += 1 }
      while e > s, bytes[e - 1] == 0x20 || bytes[e - 1] == 0x09 { e -= 1 }
      guard s < e else { return nil }
      let decoded = bytes.withUnsafeBufferPointer {
        EncodedWords.decode(UnsafeBufferPointer(rebasing: $0[s..<e]))
      }
      guard let first = decoded.utf8.first, let last = decoded.utf8.last else { return nil }
      if first <= 0x20 || last <= 0x20 || first >= 0x80 || last >= 0x80 {
        let trimmed = decoded.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? nil : trimmed
      }
      return decoded
    }
  }

  @inline(__always)
  static func isSpecial(_ b: UInt8) -> Bool {
    switch b {
    case 0x20, 0x09, 0x0D, 0x0A, 0x28, 0x29, 0x22, 0x3C, 0x3E, 0x2C, 0x3B, 0x3A: return true
    default: return false
    }
  }

  /// A comment from `(` at `start`, nested comments and `\` escapes included; returns its text
  /// (inner parentheses kept, outer dropped) and the offset after it (or the end).
  static func readComment(_ v: UnsafeBufferPointer<UInt8>, from start: Int) -> ([UInt8], Int) {
    var depth = 0
    var out: [UInt8] = []
    var i = start
    while i < v.count {
      let b = v[i]
      if b == 0x5C, i + 1 < v.count {
        out.append(v[i + 1])
        i += 2
        continue
      }
      if b == 0x28 {
        depth += 1
        if depth > 1 { out.append(b) }
      } else if b == 0x29 {
        depth -= 1
        if depth == 0 { return (out, i + 1) }
        out.append(b)
      } else {
        out.append(b)
      }
      i += 1
    }
    return (out, v.count)
  }

  /// A quoted string from `"` at `start`: the unescaped content and the offset after the
  /// closing quote (or the end when it is missing).
  static func readQuoted(_ v: UnsafeBufferPointer<UInt8>, from start: Int) -> ([UInt8], Int) {
    var out: [UInt8] = []
    var i = start + 1
    while i < v.count {
      let b = v[i]
      if b == 0x5C, i + 1 < v.count {
        out.append(v[i + 1])
        i += 2
        continue
      }
      if b == 0x22 { return (out, i + 1) }
      out.append(b)
      i += 1
    }
    return (out, v.count)
  }

  /// An angle address from `<` at `start`: the address without whitespace, comments or an
  /// obsolete route, and the offset after `>`. Without a closing `>` before the next `<`, the
  /// address ends at the next comma (or that `<`).
  static func readAngle(_ v: UnsafeBufferPointer<UInt8>, from start: Int) -> ([UInt8], Int) {
    var out: [UInt8] = []
    var i = start + 1
    var k = i
    while k < v.count, v[k] != 0x3E, v[k] != 0x3C { k += 1 }
    let hasClose = k < v.count && v[k] == 0x3E
    while i < v.count {
      let b = v[i]
      if b == 0x3E { i += 1; break }
      if !hasClose, b == 0x2C || b == 0x3C { break }
      switch b {
      case 0x20, 0x09, 0x0D, 0x0A:
        i += 1
      case 0x28:
        i = readComment(v, from: i).1
      case 0x22:
        let end = readQuoted(v, from: i).1
        out += v[i..<end]
        i = end
      default:
        out.append(b)
        i += 1
      }
    }
    // Obsolete route: `@a,@b:local@domain`.
    if out.first == 0x40, let colon = out.firstIndex(of: 0x3A) {
      out.removeSubrange(0...colon)
    }
    return (out, i)
  }
}
