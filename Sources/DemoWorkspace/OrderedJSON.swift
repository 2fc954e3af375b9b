import Foundation

/// A JSON value whose objects keep their keys in the order written.
///
/// The import file is meant to be read by people learning the format, so keys follow the
/// spec's order (id, name, emails, ...) rather than `JSONSerialization`'s sorted order, and
/// the output is byte-for-byte stable.
indirect enum OrderedJSON: Sendable {
  case string(String)
  case number(Int)
  case bool(Bool)
  case array([OrderedJSON])
  case object([(String, OrderedJSON)])

  /// Pretty-printed with two-space indents; short scalar arrays stay on one line.
  func rendered(indent: Int = 0) -> String {
    let pad = String(repeating: " ", count: indent)
    let inner = String(repeating: " ", count: indent + 2)
    switch self {
    case .string(let s): return Self.quote(s)
    case .number(let n): return String(n)
    case .bool(let b): return b ? "true" : "false"
    case .array(let items):
      if items.isEmpty { return "[]" }
      if items.allSatisfy(\.isScalar) {
        let line = "[" + items.map { $0.rendered() }.joined(separator: ", ") + "]"
        if line.count + indent <= 96 { return line }
      }
      let body = items.map { inner + $0.rendered(indent: indent + 2) }.joined(separator: ",\n")
      return "[\n" + body + "\n" + pad + "]"
    case .object(let pairs):
      if pairs.isEmpty { return "{}" }
      let body = pairs.map { key, value in
        inner + Self.quote(key) + ": " + value.rendered(indent: indent + 2)
      }.joined(separator: ",\n")
      return "{\n" + body + "\n" + pad + "}"
    }
  }

  private var isScalar: Bool {
    switch self {
    case .string, .number, .bool: return true
    case .array, .object: return false
    }
  }

  /// A JSON string literal; non-ASCII is written as UTF-8, controls are escaped.
  static func quote(_ s: String) -> String {
    var out = "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 {
          out += String(format: "\\u%04x", scalar.value)
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    return out + "\""
  }
}

extension OrderedJSON: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByIntegerLiteral
{
  init(stringLiteral value: String) { self = .string(value) }
  init(booleanLiteral value: Bool) { self = .bool(value) }
  init(integerLiteral value: Int) { self = .number(value) }
}
