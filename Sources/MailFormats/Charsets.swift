import Foundation

/// Turns bytes in a named MIME charset into a `String`.
///
/// Mail names its charsets freely (`UTF-8`, `utf8`, `latin1`, `cp1252`, `iso_8859-15`), so
/// names are normalized first. UTF-8, US-ASCII, UTF-7, the ISO-8859 family and the Windows-125x
/// family are decoded exactly from built-in tables or code; other names are tried through
/// Foundation's `String.Encoding`; what still fails falls back to UTF-8, then Latin-1, so no
/// text is ever lost. Latin-1 (the label and the fallback) reads 0x80-0x9F as Windows-1252.
public enum Charsets {
  /// Decodes `bytes` in `charset` (any spelling); unknown charsets fall back to UTF-8, then
  /// Latin-1.
  public static func decode<C: Collection>(_ bytes: C, charset: String?) -> String
  where C.Element == UInt8 {
    guard let charset else { return decodeUTF8OrLatin1(bytes) }
    let name = canonicalName(charset)
    switch name {
    case "utf-8", "us-ascii":
      return decodeUTF8OrLatin1(bytes)
    case "iso-8859-1":
      return decodeLatin1ReadingC1AsWindows(bytes)
    case "utf-7":
      return decodeUTF7(bytes.map { UInt32($0) }, variant: .mail)
    default:
      if let table = upperHalves[name] {
        return decodeSingleByte(bytes, upperHalf: table)
      }
      if let encoding = foundationEncoding(name),
         let s = String(data: Data(bytes), encoding: encoding) {
        return s
      }
      return decodeUTF8OrLatin1(bytes)
    }
  }

  /// True when `charset` is decoded exactly (not through the fallback).
  public static func isKnown(_ charset: String) -> Bool {
    let name = canonicalName(charset)
    return name == "utf-8" || name == "us-ascii" || name == "iso-8859-1" || name == "utf-7"
      || upperHalves[name] != nil || foundationEncoding(name) != nil
  }

  /// Bytes as UTF-8 when they are valid UTF-8 (RFC 6532 headers); otherwise each valid UTF-8
  /// sequence as UTF-8 and every other byte as Latin-1 with the C1 range read as Windows-1252
  /// (see `decodeLatin1ReadingC1AsWindows`).
  ///
  /// Why per sequence: a header that mixes both (a Latin-1 list tag before a UTF-8 subject)
  /// keeps each part readable; a multi-byte UTF-8 sequence is all but impossible by chance in
  /// Latin-1 text, where it would need an accented capital followed by a C1 or symbol byte.
  public static func decodeUTF8OrLatin1<C: Collection>(_ bytes: C) -> String
  where C.Element == UInt8 {
    if isValidUTF8(bytes) { return String(decoding: bytes, as: UTF8.self) }
    let a = Array(bytes)
    var s = String.UnicodeScalarView()
    var i = 0
    while i < a.count {
      let length = a[i] < 0x80 ? 1 : validSequenceLength(a, at: i)
      if length > 1 {
        s.append(contentsOf: String(decoding: a[i..<(i + length)], as: UTF8.self).unicodeScalars)
        i += length
      } else {
        s.append(latin1ReadingC1AsWindows(a[i]))
        i += 1
      }
    }
    return String(s)
  }

  /// The length of the valid multi-byte UTF-8 sequence starting at `i`, or 0.
  static func validSequenceLength(_ a: [UInt8], at i: Int) -> Int {
    guard let (need, second) = continuation(after: a[i]), i + need < a.count,
          second.contains(a[i + 1]), a[(i + 2)..<(i + need + 1)].allSatisfy({ $0 & 0xC0 == 0x80 })
    else { return 0 }
    return need + 1
  }

  /// For a UTF-8 lead byte: how many continuation bytes follow, and the range the first of
  /// them must fall in (which rules out overlongs, surrogates and code points above
  /// U+10FFFF); nil for a byte that cannot lead a multi-byte sequence.
  static func continuation(after lead: UInt8) -> (count: Int, first: ClosedRange<UInt8>)? {
    switch lead {
    case 0xC2...0xDF: return (1, 0x80...0xBF)
    case 0xE0: return (2, 0xA0...0xBF)
    case 0xE1...0xEC, 0xEE, 0xEF: return (2, 0x80...0xBF)
    case 0xED: return (2, 0x80...0x9F)
    case 0xF0: return (3, 0x90...0xBF)
    case 0xF1...0xF3: return (3, 0x80...0xBF)
    case 0xF4: return (3, 0x80...0x8F)
    default: return nil
    }
  }

  /// Latin-1, except that bytes 0x80-0x9F are read as Windows-1252 where it defines them.
  ///
  /// Why: those bytes are C1 controls in Latin-1, which no mail text means, while Windows
  /// mailers label their Windows-1252 text (`’`, `“`, `€`) iso-8859-1 or send it raw; browsers
  /// read the label the same way. The five bytes Windows-1252 leaves undefined keep their
  /// Latin-1 code points, so no byte is lost.
  static func decodeLatin1ReadingC1AsWindows<C: Collection>(_ bytes: C) -> String
  where C.Element == UInt8 {
    var s = String.UnicodeScalarView()
    for b in bytes { s.append(latin1ReadingC1AsWindows(b)) }
    return String(s)
  }

  /// One byte as `decodeLatin1ReadingC1AsWindows` reads it.
  @inline(__always)
  static func latin1ReadingC1AsWindows(_ b: UInt8) -> Unicode.Scalar {
    if b >= 0x80, b <= 0x9F, let windows = windows1252UpperHalf,
       windows[Int(b) - 0x80] != 0xFFFD, let scalar = Unicode.Scalar(windows[Int(b) - 0x80]) {
      return scalar
    }
    return Unicode.Scalar(b)
  }

  static let windows1252UpperHalf = upperHalves["windows-1252"]

  /// Every byte as the Unicode scalar of the same number.
  static func decodeLatin1<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
    var s = String.UnicodeScalarView()
    for b in bytes { s.append(Unicode.Scalar(b)) }
    return String(s)
  }

  static func decodeSingleByte<C: Collection>(_ bytes: C, upperHalf: [UInt16]) -> String
  where C.Element == UInt8 {
    var s = String.UnicodeScalarView()
    for b in bytes {
      if b < 0x80 {
        s.append(Unicode.Scalar(b))
      } else {
        let v = upperHalf[Int(b) - 0x80]
        s.append(Unicode.Scalar(UInt32(v)) ?? "\u{FFFD}")
      }
    }
    return String(s)
  }

  /// A strict UTF-8 check (no overlongs, no surrogates, nothing above U+10FFFF).
  static func isValidUTF8<C: Collection>(_ bytes: C) -> Bool where C.Element == UInt8 {
    var it = bytes.makeIterator()
    while let lead = it.next() {
      if lead < 0x80 { continue }
      guard let (need, first) = continuation(after: lead), let b1 = it.next(), first.contains(b1)
      else { return false }
      for _ in 1..<need {
        guard let b = it.next(), b & 0xC0 == 0x80 else { return false }
      }
    }
    return true
  }

  /// Lowercased, with the common aliases mapped to one name (`latin1` → `iso-8859-1`).
  static func canonicalName(_ raw: String) -> String {
    // Fast path for the names nearly all mail uses, without Foundation.
    switch raw {
    case "utf-8", "UTF-8", "utf8", "UTF8", "Utf-8": return "utf-8"
    case "us-ascii", "US-ASCII": return "us-ascii"
    case "iso-8859-1", "ISO-8859-1": return "iso-8859-1"
    default: break
    }
    var n = raw.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    if n.hasPrefix("\""), n.hasSuffix("\""), n.count >= 2 { n = String(n.dropFirst().dropLast()) }
    n = n.replacingOccurrences(of: "_", with: "-")
    switch n {
    case "utf8", "unicode-1-1-utf-8", "x-unicode20utf8": return "utf-8"
    case "utf7", "unicode-1-1-utf-7", "csunicode11utf7", "x-unicode-2-0-utf-7": return "utf-7"
    case "ascii", "us", "ansi-x3.4-1968", "iso646-us", "us-ascii", "": return "us-ascii"
    case "latin1", "latin-1", "l1", "iso8859-1", "iso-8859-1", "iso-ir-100", "cp819":
      return "iso-8859-1"
    case "latin2", "latin-2", "l2": return "iso-8859-2"
    case "latin9", "latin-9", "l9", "latin0": return "iso-8859-15"
    case "cyrillic": return "iso-8859-5"
    case "greek": return "iso-8859-7"
    case "hebrew": return "iso-8859-8"
    case "tis-620", "tis620", "iso-ir-166": return "iso-8859-11"
    default: break
    }
    if n.hasPrefix("iso8859-") { return "iso-" + n.dropFirst(3) }
    if n.hasPrefix("iso-8859-") {
      // `iso-8859-8-i` and `iso-8859-8-e` use the same byte table as `iso-8859-8`.
      let rest = n.dropFirst("iso-8859-".count)
      let digits = rest.prefix { $0.isNumber }
      return "iso-8859-" + digits
    }
    if n.hasPrefix("cp125") || n.hasPrefix("x-cp125") {
      return "windows-" + n.drop { !$0.isNumber }
    }
    if n.hasPrefix("windows125") { return "windows-" + n.dropFirst("windows".count) }
    return n
  }

  /// Foundation's encoding for the charsets it knows and the tables above do not cover.
  static func foundationEncoding(_ name: String) -> String.Encoding? {
    switch name {
    case "utf-16": return .utf16
    case "utf-16be": return .utf16BigEndian
    case "utf-16le": return .utf16LittleEndian
    case "utf-32": return .utf32
    case "shift-jis", "shift_jis", "sjis", "x-sjis", "cp932", "windows-31j": return .shiftJIS
    case "euc-jp": return .japaneseEUC
    case "iso-2022-jp": return .iso2022JP
    case "macintosh", "mac", "x-mac-roman": return .macOSRoman
    // Chinese and Korean mail labels its text by the older, smaller charset while writing
    // characters of the superset, so each label maps to the superset (as browsers do).
    case "gb2312", "gbk", "gb18030", "euc-cn", "cp936", "x-gbk", "ms936", "csgb2312":
      return cfEncoding(0x0632)  // kCFStringEncodingGB_18030_2000
    case "big5", "x-big5", "cn-big5", "csbig5", "big5-hkscs":
      return cfEncoding(0x0A06)  // kCFStringEncodingBig5_HKSCS_1999
    case "euc-kr", "ks-c-5601-1987", "ks-c-5601", "ksc5601", "cp949", "windows-949", "uhc":
      return cfEncoding(0x0422)  // kCFStringEncodingDOSKorean (CP949, a superset of EUC-KR)
    case "windows-874", "cp874", "ms874", "x-windows-874":
      return cfEncoding(0x041D)  // kCFStringEncodingDOSThai
    default: return nil
    }
  }

  /// The `String.Encoding` of a CoreFoundation encoding number (the high bit marks it).
  static func cfEncoding(_ number: UInt) -> String.Encoding {
    String.Encoding(rawValue: 0x8000_0000 | number)
  }
  /// The two forms of UTF-7: RFC 2152 in mail, and RFC 3501 5.1.3 in IMAP mailbox names.
  enum UTF7Variant {
    /// `+` shifts, base64 with `/`, `-` after a shift optional; any ASCII is itself.
    case mail
    /// `&` shifts, base64 with `,`, `-` required; only printable ASCII is itself.
    case imapMailboxName
  }

  /// UTF-7 text, given as code points (bytes, or a string's scalars), decoded.
  ///
  /// A shift holds UTF-16 in base64 without padding. What is not valid (a partial unit or
  /// bits left over that are not zero, an unpaired surrogate, an empty or, in IMAP, unclosed
  /// shift, a code point UTF-7 never holds as itself) becomes U+FFFD, once per fault, and
  /// the rest reads on; one pass, nothing can trap.
  static func decodeUTF7(_ input: [UInt32], variant: UTF7Variant) -> String {
    let imap = variant == .imapMailboxName
    let shift: UInt32 = imap ? 0x26 : 0x2B  // & or +
    let replacement: Unicode.Scalar = "\u{FFFD}"
    var out = String.UnicodeScalarView()
    var i = 0
    while i < input.count {
      let c = input[i]
      i += 1
      if c != shift {
        let direct = imap ? (0x20...0x7E).contains(c) : c < 0x80
        out.append(direct ? Unicode.Scalar(UInt8(c)) : replacement)
        continue
      }
      if i < input.count, input[i] == 0x2D {  // `+-` or `&-`
        out.append(Unicode.Scalar(UInt8(shift)))
        i += 1
        continue
      }
      var bits: UInt32 = 0
      var bitCount = 0
      var digits = 0
      var highSurrogate: UInt32? = nil
      while i < input.count, let value = base64Value(input[i], imap: imap) {
        i += 1
        digits += 1
        bits = (bits << 6 | value) & 0x3F_FFFF  // never more than 22 bits are pending
        bitCount += 6
        guard bitCount >= 16 else { continue }
        bitCount -= 16
        let unit = bits >> UInt32(bitCount) & 0xFFFF
        switch unit {
        case 0xD800...0xDBFF:
          if highSurrogate != nil { out.append(replacement) }
          highSurrogate = unit
        case 0xDC00...0xDFFF:
          if let high = highSurrogate,
             let scalar = Unicode.Scalar(0x10000 + (high - 0xD800) << 10 + (unit - 0xDC00)) {
            out.append(scalar)
          } else {
            out.append(replacement)
          }
          highSurrogate = nil
        default:
          if highSurrogate != nil { out.append(replacement); highSurrogate = nil }
          out.append(Unicode.Scalar(unit) ?? replacement)
        }
      }
      if highSurrogate != nil { out.append(replacement) }
      let closed = i < input.count && input[i] == 0x2D
      if closed { i += 1 }
      let leftoverIsPadding = bitCount < 6 && bits & ((1 << UInt32(bitCount)) - 1) == 0
      if !leftoverIsPadding || digits == 0 || (imap && !closed) { out.append(replacement) }
    }
    return String(out)
  }

  /// The value of a base64 digit, with `,` in place of `/` for IMAP mailbox names.
  @inline(__always)
  static func base64Value(_ c: UInt32, imap: Bool) -> UInt32? {
    switch c {
    case 0x41...0x5A: return c - 0x41
    case 0x61...0x7A: return c - 0x61 + 26
    case 0x30...0x39: return c - 0x30 + 52
    case 0x2B: return 62
    case 0x2C: return imap ? 63 : nil
    case 0x2F: return imap ? nil : 63
    default: return nil
    }
  }
}
