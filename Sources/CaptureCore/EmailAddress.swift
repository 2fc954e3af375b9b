import Foundation

/// Why a string was refused as an email address.
public enum EmailAddressError: Error, Equatable, Sendable, CustomStringConvertible {
  case empty
  case missingAt(String)
  case emptyLocalPart(String)
  case emptyDomain(String)
  case containsWhitespace(String)
  case invalidCharacter(String, Character)

  public var description: String {
    switch self {
    case .empty: return "empty email address"
    case .missingAt(let s): return "'\(s)' has no @"
    case .emptyLocalPart(let s): return "'\(s)' has an empty local part"
    case .emptyDomain(let s): return "'\(s)' has an empty domain"
    case .containsWhitespace(let s): return "'\(s)' contains spaces"
    case .invalidCharacter(let s, let c): return "'\(s)' contains the character '\(c)'"
    }
  }
}

/// A normalized email address: trimmed, without a leading `mailto:`, lowercased, its domain
/// in Unicode form when it was written as `xn--` (InternationalDomain).
///
/// Addresses compare case-insensitively throughout the product (docs/capture-rules.md), so the
/// normalized form is the identity: two `EmailAddress` values are equal exactly when the
/// rules say the addresses are the same.
public struct EmailAddress: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
  /// The normalized text, e.g. `ann@fabrikam.example`.
  public let value: String

  public init(_ raw: String) throws(EmailAddressError) {
    var s = raw.trimmingWhitespace()
    if let first = s.utf8.first, first | 0x20 == UInt8(ascii: "m"),
       s.utf8.count >= 7, s.prefix(7).lowercased() == "mailto:" {
      s = s.dropFirst(7).trimmingWhitespace()
    }
    guard !s.isEmpty else { throw .empty }
    // Addresses are nearly always ASCII: check bytes, and look up Unicode whitespace
    // properties only for the rare address that is not (indexing calls this per address).
    if s.utf8.allSatisfy({ $0 < 0x80 }) {
      if s.utf8.contains(where: { $0 == 0x20 || (0x09...0x0D).contains($0) }) {
        throw .containsWhitespace(raw)
      }
      for byte in s.utf8 where byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
        || byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: "\"") {
        throw .invalidCharacter(raw, Character(Unicode.Scalar(byte)))
      }
    } else {
      if s.contains(where: { $0.isWhitespace }) { throw .containsWhitespace(raw) }
      for c in s where c == "<" || c == ">" || c == "," || c == ";" || c == "\"" {
        throw .invalidCharacter(raw, c)
      }
    }
    guard let at = s.lastIndex(of: "@") else { throw .missingAt(raw) }
    if at == s.startIndex { throw .emptyLocalPart(raw) }
    if s.index(after: at) == s.endIndex { throw .emptyDomain(raw) }
    let domain = InternationalDomain.normalized(s[s.index(after: at)...])
    value = s[...at].lowercased() + domain.lowercased()
  }

  /// Wraps text already known to be normalized (read back from our own storage).
  public init(normalized: String) { value = normalized }

  /// Returns nil instead of throwing; for lenient inputs such as mail headers.
  public static func parse(_ raw: String) -> EmailAddress? { try? EmailAddress(raw) }

  public var description: String { value }
  public static func < (a: EmailAddress, b: EmailAddress) -> Bool { a.value < b.value }

  public init(from decoder: Decoder) throws {
    let raw = try decoder.singleValueContainer().decode(String.self)
    do { try self.init(raw) } catch {
      throw DecodingError.dataCorrupted(
        .init(codingPath: decoder.codingPath, debugDescription: error.description))
    }
  }
  public func encode(to encoder: Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(value)
  }
}
