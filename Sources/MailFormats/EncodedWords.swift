/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) in header values.
///
/// Decoding is tolerant the way mail in the wild needs: encoded words are found anywhere
/// (also inside quoted display names and glued to other text), adjacent encoded words
/// separated only by whitespace are joined without that whitespace (and when they share a
/// charset their bytes are joined before conversion, so a character split across two
/// B-words survives), a malformed encoded word is left as written, and raw 8-bit text is
/// read as UTF-8, with bytes that are not valid UTF-8 read as Latin-1 (see
/// `Charsets.decodeUTF8OrLatin1`).
public enum EncodedWords {
  /// Decodes the encoded words in a header value given as a `String`.
  public static func decode(_ value: String) -> String {
    Array(value.utf8).withUnsafeBufferPointer { decode($0) }
  }

  /// Decodes the encoded words in header value bytes (already unfolded).
  public static func decode(_ v: UnsafeBufferPointer<UInt8>) -> String {
    let n = v.count
    // Fast path: no `=?` at all.
    var hasMarker = false
    var k = 0
    while k + 1 < n {
      if v[k] == 0x3D && v[k + 1] == 0x3F { hasMarker = true; break }
      k += 1
    }
    if !hasMarker { return Charsets.decodeUTF8OrLatin1(v) }

    var out = ""
    var plainStart = 0
    var pending: [UInt8] = []
    var pendingCharset: String? = nil
    var lastWordEnd = -1
    var memo = TextScanMemo()
    var i = 0
    func flushPending() {
      if let cs = pendingCharset { out += Charsets.decode(pending, charset: cs) }
      pending.removeAll(keepingCapacity: true)
      pendingCharset = nil
    }
    while i + 1 < n {
      guard v[i] == 0x3D, v[i + 1] == 0x3F, let word = parseWord(v, at: i, memo: &memo) else {
        i += 1
        continue
      }
      // Text between the previous encoded word and this one.
      let gapIsWhitespace = lastWordEnd >= 0 && (plainStart..<i).allSatisfy {
        v[$0] == 0x20 || v[$0] == 0x09 || v[$0] == 0x0D || v[$0] == 0x0A
      }
      if !gapIsWhitespace, plainStart < i {
        flushPending()
        out += Charsets.decodeUTF8OrLatin1(UnsafeBufferPointer(rebasing: v[plainStart..<i]))
      }
      let cs = Charsets.canonicalName(word.charset)
      if pendingCharset != cs { flushPending(); pendingCharset = cs }
      pending += word.bytes
      i = word.end
      plainStart = i
      lastWordEnd = i
    }
    flushPending()
    if plainStart < n {
      out += Charsets.decodeUTF8OrLatin1(UnsafeBufferPointer(rebasing: v[plainStart..<n]))
    }
    return out
  }

  /// What a failed search for an encoded word's closing `?=` learned: no `?=` and no
  /// whitespace start in `start..<end`; `blocked` when the search stopped at whitespace or the
  /// end of the value, which every search starting inside the range meets too.
  ///
  /// Why: in a long damaged value (`=?a?q?x=?a?q?x...`) every `=?` would otherwise scan the
  /// same text again, up to 4 KiB each, and one header could take seconds.
  struct TextScanMemo {
    var start = 0
    var end = 0
    var blocked = false
  }

  /// One well-formed encoded word starting at `start` (`=?`): its charset, decoded bytes and
  /// the offset after its closing `?=`. Nil when malformed.
  static func parseWord(
    _ v: UnsafeBufferPointer<UInt8>, at start: Int
  ) -> (charset: String, bytes: [UInt8], end: Int)? {
    var memo = TextScanMemo()
    return parseWord(v, at: start, memo: &memo)
  }

  /// `parseWord(_:at:)` reusing what earlier failed searches in the same value learned.
  static func parseWord(
    _ v: UnsafeBufferPointer<UInt8>, at start: Int, memo: inout TextScanMemo
  ) -> (charset: String, bytes: [UInt8], end: Int)? {
    let n = v.count
    var i = start + 2
    let csStart = i
    // Real encoded words are at most 75 characters; generous limits keep damaged input from
    // costing a scan to the end of the value for every `=?`.
    while i < n, v[i] != 0x3F {
      let b = v[i]
      if b <= 0x20 || b >= 0x7F || b == 0x3D || i - csStart > 64 { return nil }
      i += 1
    }
    guard i < n, i > csStart, i + 3 < n, v[i + 2] == 0x3F else { return nil }
    var charset = String(decoding: UnsafeBufferPointer(rebasing: v[csStart..<i]), as: UTF8.self)
    // RFC 2231 section 5: `charset*language`.
    if let star = charset.firstIndex(of: "*") { charset = String(charset[..<star]) }
    let encoding = v[i + 1] | 0x20
    guard encoding == 0x62 || encoding == 0x71 else { return nil }
    let textStart = i + 3
    var j = textStart
    if memo.start <= textStart, textStart < memo.end {
      if memo.blocked { return nil }
      j = memo.end
    }
    while j + 1 < n, !(v[j] == 0x3F && v[j + 1] == 0x3D) {
      let b = v[j]
      if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || j - textStart > 4096 {
        memo = TextScanMemo(start: textStart, end: j, blocked: j - textStart <= 4096)
        return nil
      }
      j += 1
    }
    guard j + 1 < n else {
      memo = TextScanMemo(start: textStart, end: j, blocked: true)
      return nil
    }
    let text = UnsafeBufferPointer(rebasing: v[textStart..<j])
    let bytes = encoding == 0x62 ? TransferEncoding.decodeBase64(text) : decodeQ(text)
    return (charset, bytes, j + 2)
  }

  /// The Q encoding: `_` is a space, `=XX` a byte (hex in either case).
  static func decodeQ(_ t: UnsafeBufferPointer<UInt8>) -> [UInt8] {
    var out = [UInt8]()
    out.reserveCapacity(t.count)
    var i = 0
    while i < t.count {
      let b = t[i]
      if b == 0x5F {
        out.append(0x20)
      } else if b == 0x3D, i + 2 < t.count, let h = hexValue(t[i + 1]), let l = hexValue(t[i + 2]) {
        out.append(h << 4 | l)
        i += 2
      } else {
        out.append(b)
      }
      i += 1
    }
    return out
  }

  @inline(__always)
  static func hexValue(_ b: UInt8) -> UInt8? {
    switch b {
    case 0x30...0x39: return b - 0x30
    case 0x41...0x46: return b - 0x41 + 10
    case 0x61...0x66: return b - 0x61 + 10
    default: return nil
    }
  }

  /// Encodes `text` as one or more UTF-8 encoded words in `encoding` ("B" or "Q"), each at
  /// most 75 characters, never splitting a character between words.
  ///
  /// Why: for writing headers and for checking that decoding inverts encoding.
  public static func encode(_ text: String, encoding: Character = "B") -> String {
    let useQ = encoding == "Q" || encoding == "q"
    let prefix = useQ ? "=?UTF-8?Q?" : "=?UTF-8?B?"
    var words: [String] = []
    var chunk: [UInt8] = []
    func encodedLength(_ bytes: [UInt8]) -> Int {
      useQ ? qEncode(bytes).count : (bytes.count + 2) / 3 * 4
    }
    for ch in text.unicodeScalars {
      let bytes = Array(String(ch).utf8)
      if !chunk.isEmpty, prefix.count + encodedLength(chunk + bytes) + 2 > 75 {
        words.append(prefix + (useQ ? qEncode(chunk) : base64(chunk)) + "?=")
        chunk = []
      }
      chunk += bytes
    }
    if !chunk.isEmpty || words.isEmpty {
      words.append(prefix + (useQ ? qEncode(chunk) : base64(chunk)) + "?=")
    }
    return words.joined(separator: " ")
  }

  static func qEncode(_ bytes: [UInt8]) -> String {
    let hex = Array("0123456789ABCDEF".utf8)
    var out = [UInt8]()
    for b in bytes {
      let isSafe = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
      if isSafe {
        out.append(b)
      } else if b == 0x20 {
        out.append(0x5F)
      } else {
        out += [0x3D, hex[Int(b >> 4)], hex[Int(b & 15)]]
      }
    }
    return String(decoding: out, as: UTF8.self)
  }

  static func base64(_ bytes: [UInt8]) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    var out = [UInt8]()
    var i = 0
    while i < bytes.count {
      let b0 = UInt32(bytes[i])
      let b1 = i + 1 < bytes.count ? UInt32(bytes[i + 1]) : 0
      let b2 = i + 2 < bytes.count ? UInt32(bytes[i + 2]) : 0
      let v = b0 << 16 | b1 << 8 | b2
      out.append(table[Int(v >> 18 & 63)])
      out.append(table[Int(v >> 12 & 63)])
      out.append(i + 1 < bytes.count ? table[Int(v >> 6 & 63)] : 0x3D)
      out.append(i + 2 < bytes.count ? table[Int(v & 63)] : 0x3D)
      i += 3
    }
    return String(decoding: out, as: UTF8.self)
  }
}
