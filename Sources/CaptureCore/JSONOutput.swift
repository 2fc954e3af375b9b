import Foundation

/// JSON the program writes, with ordered object keys, for output whose shape a contract
/// fixes (docs/commands.md prints `"direction": null`, which `Codable` would leave out).
/// Import files are read by CRMStore's `ImportJSON`.
public indirect enum JSONOutput: Hashable, Sendable {
  case null
  case bool(Bool)
  case int(Int)
  case string(String)
  case array([JSONOutput])
  case object([(String, JSONOutput)])

  public static func == (a: JSONOutput, b: JSONOutput) -> Bool { a.serialized() == b.serialized() }
  public func hash(into h: inout Hasher) { h.combine(serialized()) }

  public static func optional(_ s: String?) -> JSONOutput { s.map(JSONOutput.string) ?? .null }
  public static func optional(_ b: Bool?) -> JSONOutput { b.map(JSONOutput.bool) ?? .null }

  /// Serializes compactly, or with two-space indentation when `pretty`.
  public func serialized(pretty: Bool = false) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    write(into: &out, pretty: pretty, indent: 0)
    return String(decoding: out, as: UTF8.self)
  }

  /// Appends the UTF-8 of the value to `out`. Building a 25 KB `timeline --json` from small
  /// `String` appends, with a new indentation string per line, was 3–4 % of the process's
  /// perf samples; bytes took up to 0.2 ms off a 6 ms run.
  private func write(into out: inout [UInt8], pretty: Bool, indent: Int) {
    func newline(_ depth: Int) {
      guard pretty else { return }
      out.append(UInt8(ascii: "\n"))
      out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .int(let i): out.append(contentsOf: String(i).utf8)
    case .string(let s): JSONOutput.quote(s, into: &out)
    case .array(let items):
      if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
      // Short arrays of scalars stay on one line when pretty: easier for people to read.
      if pretty, items.allSatisfy({ $0.isScalar }) {
        let start = out.count
        out.append(UInt8(ascii: "["))
        for (n, item) in items.enumerated() {
          if n > 0 { out.append(contentsOf: ", ".utf8) }
          item.write(into: &out, pretty: false, indent: 0)
        }
        out.append(UInt8(ascii: "]"))
        // The limit counts characters, as people see the line, not bytes.
        let line = String(decoding: out[start...], as: UTF8.self)
        if line.count + indent * 2 <= 96 { return }
        out.removeSubrange(start...)
      }
      out.append(UInt8(ascii: "["))
      for (n, item) in items.enumerated() {
        if n > 0 { out.append(UInt8(ascii: ",")) }
        newline(indent + 1)
        item.write(into: &out, pretty: pretty, indent: indent + 1)
      }
      newline(indent)
      out.append(UInt8(ascii: "]"))
    case .object(let fields):
      if fields.isEmpty { out.append(contentsOf: "{}".utf8); return }
      out.append(UInt8(ascii: "{"))
      for (n, (key, value)) in fields.enumerated() {
        if n > 0 { out.append(UInt8(ascii: ",")) }
        newline(indent + 1)
        JSONOutput.quote(key, into: &out)
        out.append(contentsOf: (pretty ? ": " : ":").utf8)
        value.write(into: &out, pretty: pretty, indent: indent + 1)
      }
      newline(indent)
      out.append(UInt8(ascii: "}"))
    }
  }

  private var isScalar: Bool {
    switch self {
    case .array, .object: return false
    default: return true
    }
  }

  /// Appends `s` as a JSON string. Besides what JSON requires, DEL, the C1 controls, the
  /// bidirectional formatting characters and the line and paragraph separators are written
  /// as `\uXXXX`: the value is the same, but a script that prints it raw shows no terminal
  /// control or invisible reordering from a sender's text. Runs of bytes that need no
  /// escape are copied whole: a timeline is mostly such text, and copying scalar by scalar
  /// was a quarter of a whole `timeline --json` process.
  private static func quote(_ s: String, into out: inout [UInt8]) {
    let hex = Array("0123456789abcdef".utf8)
    func escape(_ value: UInt32) {
      out.append(contentsOf: "\\u".utf8)
      for shift in stride(from: 12, through: 0, by: -4) {
        out.append(hex[Int((value >> UInt32(shift)) & 0xF)])
      }
    }
    out.append(UInt8(ascii: "\""))
    var text = s
    text.withUTF8 { bytes in
      var run = 0
      var i = 0
      while i < bytes.count {
        let b = bytes[i]
        // The scalar this byte starts when it is one to escape, and its length in bytes.
        var escaped: (UInt32, Int)? = nil
        if b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") || b == 0x7F {
          escaped = (UInt32(b), 1)
        } else if b == 0xC2, i + 1 < bytes.count, (0x80...0x9F).contains(bytes[i + 1]) {
          escaped = (UInt32(bytes[i + 1]), 2)
        } else if b == 0xD8, i + 1 < bytes.count, bytes[i + 1] == 0x9C {
          escaped = (0x061C, 2)
        } else if b == 0xE2, i + 2 < bytes.count, bytes[i + 1] == 0x80 || bytes[i + 1] == 0x81 {
          let value = 0x2000 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
          switch value {
          case 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: escaped = (value, 3)
          default: break
          }
        }
        guard let (value, length) = escaped else {
          i += 1
          continue
        }
        out.append(contentsOf: bytes[run..<i])
        switch value {
        case 0x22: out.append(contentsOf: "\\\"".utf8)
        case 0x5C: out.append(contentsOf: "\\\\".utf8)
        case 0x0A: out.append(contentsOf: "\\n".utf8)
        case 0x0D: out.append(contentsOf: "\\r".utf8)
        case 0x09: out.append(contentsOf: "\\t".utf8)
        default: escape(value)
        }
        i += length
        run = i
      }
      out.append(contentsOf: bytes[run...])
    }
    out.append(UInt8(ascii: "\""))
  }
}

extension JSONOutput: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
  ExpressibleByIntegerLiteral {
  public init(stringLiteral value: String) { self = .string(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
}
