import Foundation

/// One form for an internationalized domain (RFC 5890), so `anna@müller.de` and
/// `anna@xn--mller-kva.de` are the same address wherever addresses are compared, and people
/// are shown the Unicode form.
///
/// The form is the Unicode one: each `xn--` label is decoded from Punycode (RFC 3492), and
/// the domain is lowercased and put in Unicode Normalization Form C. This covers what mail
/// and calendars carry in practice (an ASCII-compatible label, or the Unicode one a person
/// typed); the rest of UTS 46's mapping table (full-width letters, ignored characters) is
/// not applied. A label that is not valid Punycode is left as it is.
enum InternationalDomain {
  /// The domain in the product's one form. ASCII domains without an `xn--` label (nearly
  /// all) come back unchanged without work beyond a byte scan.
  static func normalized(_ domain: Substring) -> String {
    let ascii = domain.utf8.allSatisfy { $0 < 0x80 }
    if ascii, !containsACELabel(domain.utf8) { return String(domain) }
    let labels = domain.split(separator: ".", omittingEmptySubsequences: false).map {
      label -> String in
      if label.utf8.count > 4, label.lowercased().hasPrefix("xn--"),
         let decoded = Punycode.decode(label.dropFirst(4).lowercased()) {
        return decoded
      }
      return String(label)
    }
    return labels.joined(separator: ".").lowercased().precomposedStringWithCanonicalMapping
  }

  /// Whether some label starts `xn--` (any case).
  private static func containsACELabel(_ bytes: Substring.UTF8View) -> Bool {
    var atLabelStart = true
    var iterator = bytes.makeIterator()
    var window: [UInt8] = []
    while let byte = iterator.next() {
      if atLabelStart {
        window.append(byte | 0x20)
        if window.count == 4 {
          if window == [0x78, 0x6E, 0x2D | 0x20, 0x2D | 0x20] { return true }
          atLabelStart = false
          window.removeAll()
        }
      }
      if byte == UInt8(ascii: ".") {
        atLabelStart = true
        window.removeAll()
      }
    }
    return false
  }
}

/// Punycode (RFC 3492, section 6.2), decoding only: ACE labels arrive from mail headers.
enum Punycode {
  static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700
  static let initialBias = 72, initialN = 0x80

  /// The Unicode text of a label without its `xn--` prefix, or nil when it is not valid
  /// Punycode (arithmetic is checked: the input is whatever a sender wrote).
  static func decode(_ input: String) -> String? {
    let bytes = Array(input.utf8)
    guard bytes.allSatisfy({ $0 < 0x80 }), bytes.count <= 253 else { return nil }
    var output: [Unicode.Scalar] = []
    var rest = bytes[...]
    if let dash = bytes.lastIndex(of: UInt8(ascii: "-")) {
      output = bytes[..<dash].map { Unicode.Scalar($0) }
      rest = bytes[(dash + 1)...]
    }
    var n = initialN, i = 0, bias = initialBias
    var position = rest.startIndex
    while position < rest.endIndex {
      let oldI = i
      var w = 1
      var k = base
      while true {
        guard position < rest.endIndex, let digit = digitValue(rest[position]) else { return nil }
        position += 1
        let (product, o1) = digit.multipliedReportingOverflow(by: w)
        let (sum, o2) = i.addingReportingOverflow(product)
        guard !o1, !o2, sum <= 0x10FFFF * (output.count + 1) * 2 else { return nil }
        i = sum
        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
        if digit < t { break }
        let (nextW, o3) = w.multipliedReportingOverflow(by: base - t)
        guard !o3 else { return nil }
        w = nextW
        k += base
      }
      bias = adapt(i - oldI, output.count + 1, oldI == 0)
      n += i / (output.count + 1)
      i %= output.count + 1
      guard n <= 0x10FFFF, let scalar = Unicode.Scalar(n), n >= 0x80 else { return nil }
      output.insert(scalar, at: i)
      i += 1
    }
    // An A-label stands for a label with something beyond ASCII (RFC 5890, 2.3.2.1).
    guard output.contains(where: { !$0.isASCII }) else { return nil }
    var text = ""
    text.unicodeScalars.append(contentsOf: output)
    return text
  }

  private static func digitValue(_ byte: UInt8) -> Int? {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"): return Int(byte - UInt8(ascii: "a"))
    case UInt8(ascii: "A")...UInt8(ascii: "Z"): return Int(byte - UInt8(ascii: "A"))
    case UInt8(ascii: "0")...UInt8(ascii: "9"): return Int(byte - UInt8(ascii: "0")) + 26
    default: return nil
    }
  }

  private static func adapt(_ delta: Int, _ count: Int, _ first: Bool) -> Int {
    var delta = first ? delta / damp : delta / 2
    delta += delta / count
    var k = 0
    while delta > ((base - tMin) * tMax) / 2 {
      delta /= base - tMin
      k += base
    }
    return k + (base - tMin + 1) * delta / (delta + skew)
  }
}
