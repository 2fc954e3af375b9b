import Foundation

/// A JSON value with ordered object keys, for output whose shape a contract fixes
/// (cli.md prints `"direction": null`, which `Codable` would leave out).
public indirect enum JSONValue: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case string(String)
  case array([JSONValue])
  case object([(String, JSONValue)])

  public static func == (a: JSONValue, b: JSONValue) -> Bool { a.serialized() == b.serialized() }
  public func hash(into h: inout Hasher) { h.combine(serialized()) }

  public static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
  public static func optional(_ b: Bool?) -> JSONValue { b.map(JSONValue.bool) ?? .null }

  /// Serializes compactly, or with two-space indentation when `pretty`.
  public func serialized(pretty: Bool = false) -> String {
    var out = ""
    write(into: &out, pretty: pretty, indent: 0)
    return out
  }

  private func write(into out: inout String, pretty: Bool, indent: Int) {
    let pad = { (n: Int) in pretty ? "\n" + String(repeating: "  ", count: n) : "" }
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .string(let s): JSONValue.quote(s, into: &out)
    case .array(let items):
      if items.isEmpty { out += "[]"; return }
      // Short arrays of scalars stay on one line when pretty: easier for people to read.
      if pretty, items.allSatisfy(\.isScalar) {
        let line = "[" + items.map { $0.serialized() }.joined(separator: ", ") + "]"
        if line.count + indent * 2 <= 96 { out += line; return }
      }
      out += "["
      for (n, item) in items.enumerated() {
        if n > 0 { out += "," }
        out += pad(indent + 1)
        item.write(into: &out, pretty: pretty, indent: indent + 1)
      }
      out += pad(indent) + "]"
    case .object(let fields):
      if fields.isEmpty { out += "{}"; return }
      out += "{"
      for (n, (key, value)) in fields.enumerated() {
        if n > 0 { out += "," }
        out += pad(indent + 1)
        JSONValue.quote(key, into: &out)
        out += pretty ? ": " : ":"
        value.write(into: &out, pretty: pretty, indent: indent + 1)
      }
      out += pad(indent) + "}"
    }
  }

  private var isScalar: Bool {
    switch self {
    case .array, .object: return false
    default: return true
    }
  }

  /// Appends `s` as a JSON string. Runs of bytes that need no escape are copied whole: a
  /// timeline is mostly such text, and copying scalar by scalar was a quarter of a whole
  /// `timeline --json` process.
  private static func quote(_ s: String, into out: inout String) {
    out += "\""
    var text = s
    text.withUTF8 { bytes in
      var run = 0
      func flush(to end: Int) {
        if run < end {
          out += String(decoding: UnsafeBufferPointer(rebasing: bytes[run..<end]), as: UTF8.self)
        }
      }
      for i in 0..<bytes.count {
        let b = bytes[i]
        guard b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") else { continue }
        flush(to: i)
        run = i + 1
        switch b {
        case UInt8(ascii: "\""): out += "\\\""
        case UInt8(ascii: "\\"): out += "\\\\"
        case UInt8(ascii: "\n"): out += "\\n"
        case UInt8(ascii: "\r"): out += "\\r"
        case UInt8(ascii: "\t"): out += "\\t"
        default:
          let hex = Array("0123456789abcdef")
          out += "\\u00" + String(hex[Int(b >> 4)]) + String(hex[Int(b & 0xF)])
        }
      }
      flush(to: bytes.count)
    }
    out += "\""
  }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByIntegerLiteral {
  public init(stringLiteral value: String) { self = .string(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
}
