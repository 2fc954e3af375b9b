import Foundation

/// Finds a key written twice in one JSON object, which `JSONDecoder` resolves silently (the
/// first value wins and the second is lost). An import file with one is refused like one
/// with an unknown key: a repeated key is a bug in whatever wrote the file, and dropping
/// half of it without a word would lose data.
///
/// Runs on text the decoder has already accepted, so it only follows the structure: strings
/// (escapes decoded, keys compared as Swift strings, as the decoder does), objects, arrays.
enum JSONRepeatedKeys {
  /// The first repeated key's path in a JSON file as the decoder reads it: UTF-8, or UTF-16
  /// or UTF-32 (with a byte-order mark, or told apart by their zero bytes, RFC 4627 3).
  static func first(in data: Data) -> String? {
    first(in: utf8(data))
  }

  /// `data` as UTF-8 bytes.
  static func utf8(_ data: Data) -> [UInt8] {
    let b = [UInt8](data.prefix(4))
    let encoding: String.Encoding?
    switch b.count == 4 ? (b[0], b[1], b[2], b[3]) : (1, 1, 1, 1) {
    case (0x00, 0x00, 0xFE, 0xFF), (0x00, 0x00, 0x00, _): encoding = .utf32BigEndian
    case (0xFF, 0xFE, 0x00, 0x00), (_, 0x00, 0x00, 0x00): encoding = .utf32LittleEndian
    case (0xFE, 0xFF, _, _), (0x00, _, 0x00, _): encoding = .utf16BigEndian
    case (0xFF, 0xFE, _, _), (_, 0x00, _, 0x00): encoding = .utf16LittleEndian
    default: encoding = nil
    }
    guard let encoding, let text = String(data: data, encoding: encoding) else {
      return [UInt8](data)
    }
    // A byte-order mark decodes as U+FEFF: outside any string, the scanner skips it.
    return Array(text.utf8)
  }

  /// The path of the first repeated key (`contacts[0].name`, `contacts` at the top), or nil.
  static func first(in bytes: [UInt8]) -> String? {
    /// An open object (the keys seen, the last key, whether a key comes next) or array (the
    /// index of the current element). Paths are built only for the error.
    enum Frame {
      case object(keys: Set<String>, key: String, expectingKey: Bool)
      case array(index: Int)
    }
    var stack: [Frame] = []
    func path(to key: String) -> String {
      var path = ""
      for frame in stack.dropLast() {
        switch frame {
        case .object(_, let key, _): path += path.isEmpty ? key : ".\(key)"
        case .array(let index): path += "[\(index)]"
        }
      }
      return path.isEmpty ? key : "\(path).\(key)"
    }
    var i = 0
    while i < bytes.count {
      switch bytes[i] {
      case UInt8(ascii: "{"): stack.append(.object(keys: [], key: "", expectingKey: true))
      case UInt8(ascii: "["): stack.append(.array(index: 0))
      case UInt8(ascii: "}"), UInt8(ascii: "]"):
        // Text the decoder accepted always balances; anything else is not ours to judge.
        guard stack.popLast() != nil else { return nil }
      case UInt8(ascii: ","):
        switch stack.last {
        case .object(let keys, let key, _)?:
          stack[stack.count - 1] = .object(keys: keys, key: key, expectingKey: true)
        case .array(let index)?: stack[stack.count - 1] = .array(index: index + 1)
        case nil: break
        }
      case UInt8(ascii: "\""):
        let (text, end) = string(bytes, from: i)
        i = end
        if case .object(var keys, _, true)? = stack.last {
          if !keys.insert(text).inserted { return path(to: text) }
          stack[stack.count - 1] = .object(keys: keys, key: text, expectingKey: false)
        }
        continue
      default:
        break
      }
      i += 1
    }
    return nil
  }

  /// The string whose opening quote is at `start`, decoded, and the index after its closing
  /// quote.
  static func string(_ bytes: [UInt8], from start: Int) -> (String, Int) {
    var out: [UInt8] = []
    var i = start + 1
    while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
      guard bytes[i] == UInt8(ascii: "\\"), i + 1 < bytes.count else {
        out.append(bytes[i])
        i += 1
        continue
      }
      let escaped = bytes[i + 1]
      i += 2
      switch escaped {
      case UInt8(ascii: "b"): out.append(0x08)
      case UInt8(ascii: "f"): out.append(0x0C)
      case UInt8(ascii: "n"): out.append(0x0A)
      case UInt8(ascii: "r"): out.append(0x0D)
      case UInt8(ascii: "t"): out.append(0x09)
      case UInt8(ascii: "u"):
        var unit = hex4(bytes, at: i)
        i += 4
        // A high surrogate followed by `\uDC00`-`\uDFFF` is one scalar.
        if (0xD800...0xDBFF).contains(unit), i + 6 <= bytes.count,
           bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") {
          let low = hex4(bytes, at: i + 2)
          if (0xDC00...0xDFFF).contains(low) {
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            i += 6
          }
        }
        out.append(contentsOf: String(Unicode.Scalar(unit) ?? "\u{FFFD}").utf8)
      default: out.append(escaped)  // \" \\ \/
      }
    }
    return (String(decoding: out, as: UTF8.self), i + 1)
  }

  static func hex4(_ bytes: [UInt8], at i: Int) -> UInt32 {
    var value: UInt32 = 0
    for k in i..<min(i + 4, bytes.count) {
      let b = bytes[k]
      let digit: UInt8 = b <= UInt8(ascii: "9") ? b &- UInt8(ascii: "0")
        : (b | 0x20) &- UInt8(ascii: "a") &+ 10
      value = value << 4 | UInt32(digit & 0x0F)
    }
    return value
  }
}
