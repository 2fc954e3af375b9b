import Foundation

/// A MIME header value with parameters: `text/plain; charset="utf-8"` or
/// `attachment; filename*=utf-8''na%C3%AFve.txt` (RFC 2045 5.1, RFC 2183, RFC 2231).
public struct MIMEHeaderValue: Hashable, Sendable {
  /// The value before the first `;`, lowercased and without whitespace or comments
  /// (`text/plain`, `attachment`).
  public var value: String
  /// Parameters by lowercased name; quoted strings unquoted; RFC 2231 continuations joined
  /// and charset-decoded. The first of repeated names wins.
  public var parameters: [String: String]

  public init(value: String, parameters: [String: String]) {
    self.value = value; self.parameters = parameters
  }

  /// Parses an unfolded header value; never fails (junk parameters are skipped).
  public static func parse(_ raw: String) -> MIMEHeaderValue {
    let v = Array(raw.utf8)
    var i = 0
    var head: [UInt8] = []
    while i < v.count, v[i] != 0x3B {
      let b = v[i]
      if b == 0x28 {
        i = v.withUnsafeBufferPointer { AddressList.readComment($0, from: i).1 }
        continue
      }
      if b != 0x20, b != 0x09, b != 0x0D, b != 0x0A, b != 0x22 {
        head.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
      }
      i += 1
    }
    let params = parseParameters(v, from: i)
    return MIMEHeaderValue(
      value: Charsets.decodeUTF8OrLatin1(head), parameters: joinRFC2231(params))
  }

  /// `name=value` pairs after `start`, in order, names lowercased, values unquoted.
  static func parseParameters(_ v: [UInt8], from start: Int) -> [(String, [UInt8])] {
    var result: [(String, [UInt8])] = []
    var i = start
    let n = v.count
    func skipSpaceAndComments() {
      while i < n {
        let b = v[i]
        if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A {
          i += 1
        } else if b == 0x28 {
          i = v.withUnsafeBufferPointer { AddressList.readComment($0, from: i).1 }
        } else {
          break
        }
      }
    }
    while i < n {
      // Skip to the next parameter.
      while i < n, v[i] == 0x3B || v[i] == 0x20 || v[i] == 0x09 || v[i] == 0x0D || v[i] == 0x0A {
        i += 1
      }
      skipSpaceAndComments()
      var name: [UInt8] = []
      while i < n, v[i] != 0x3D, v[i] != 0x3B {
        let b = v[i]
        if b == 0x28 { skipSpaceAndComments(); continue }
        if b != 0x20, b != 0x09, b != 0x0D, b != 0x0A {
          name.append(b >= 0x41 && b <= 0x5A ? b | 0x20 : b)
        }
        i += 1
      }
      guard i < n, v[i] == 0x3D else { continue }
      i += 1
      skipSpaceAndComments()
      var value: [UInt8] = []
      if i < n, v[i] == 0x22 {
        let (content, end) = v.withUnsafeBufferPointer { AddressList.readQuoted($0, from: i) }
        value = content
        i = end
        // Anything after the closing quote up to `;` is junk.
        while i < n, v[i] != 0x3B { i += 1 }
      } else {
        let valueStart = i
        while i < n, v[i] != 0x3B, v[i] != 0x28 { i += 1 }
        var end = i
        while end > valueStart, v[end - 1] == 0x20 || v[end - 1] == 0x09 { end -= 1 }
        value = Array(v[valueStart..<end])
        while i < n, v[i] != 0x3B {
          if v[i] == 0x28 { skipSpaceAndComments() } else { i += 1 }
        }
      }
      if !name.isEmpty { result.append((Charsets.decodeLatin1(name), value)) }
    }
    return result
  }

  /// Joins RFC 2231 sections (`name*0*=`, `name*1=`) and decodes `charset'lang'%XX` values.
  static func joinRFC2231(_ params: [(String, [UInt8])]) -> [String: String] {
    var plain: [String: String] = [:]
    // name -> [(section, isEncoded, bytes)]
    var sections: [String: [(Int, Bool, [UInt8])]] = [:]
    var order: [String] = []
    for (rawName, value) in params {
      var name = rawName
      var encoded = false
      if name.hasSuffix("*") { encoded = true; name.removeLast() }
      var section = -1
      if let star = name.lastIndex(of: "*"), let number = Int(name[name.index(after: star)...]) {
        section = number
        name = String(name[..<star])
      } else if encoded {
        section = 0
      }
      if section < 0 {
        if plain[name] == nil { plain[name] = Charsets.decodeUTF8OrLatin1(value) }
        continue
      }
      if sections[name] == nil { order.append(name) }
      sections[name, default: []].append((section, encoded, value))
    }
    for name in order {
      guard let parts = sections[name]?.sorted(by: { $0.0 < $1.0 }) else { continue }
      var charset: String? = nil
      var bytes: [UInt8] = []
      var seenSections = Set<Int>()
      for (index, part) in parts.enumerated() {
        guard seenSections.insert(part.0).inserted else { continue }
        var value = part.2[...]
        if part.1 {
          if index == 0 {
            // charset'language'text
            let quotes = value.indices.filter { value[$0] == 0x27 }.prefix(2)
            if quotes.count == 2, let first = quotes.first, let second = quotes.last {
              let cs = Charsets.decodeLatin1(value[value.startIndex..<first])
              if !cs.isEmpty { charset = cs }
              value = value[(second + 1)...]
            }
          }
          bytes += percentDecode(value)
        } else {
          bytes += value
        }
      }
      // A 2231 value wins over a plain one of the same name.
      plain[name] = Charsets.decode(bytes, charset: charset)
    }
    return plain
  }

  static func percentDecode(_ v: ArraySlice<UInt8>) -> [UInt8] {
    var out: [UInt8] = []
    var i = v.startIndex
    while i < v.endIndex {
      if v[i] == 0x25, i + 2 < v.endIndex, let h = EncodedWords.hexValue(v[i + 1]),
         let l = EncodedWords.hexValue(v[i + 2]) {
        out.append(h << 4 | l)
        i += 3
      } else {
        out.append(v[i])
        i += 1
      }
    }
    return out
  }
}

/// Shortcuts over `MIMEHeaderValue` for the common questions.
public enum MIME {
  /// The parameters of a Content-Type (or Content-Disposition) value, names lowercased,
  /// RFC 2231 decoded: `contentTypeParameters("text/plain; charset=\"utf-8\"")` gives
  /// `["charset": "utf-8"]`.
  public static func contentTypeParameters(_ value: String) -> [String: String] {
    MIMEHeaderValue.parse(value).parameters
  }

  /// The lowercased media type of a Content-Type value (`text/plain`); nil when the value
  /// has no `type/subtype` form.
  public static func mediaType(_ value: String) -> String? {
    let head = MIMEHeaderValue.parse(value).value
    guard let slash = head.firstIndex(of: "/"), slash != head.startIndex,
          head.index(after: slash) != head.endIndex else { return nil }
    return head
  }
}
