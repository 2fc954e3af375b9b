import Foundation

/// One header field, unfolded.
public struct HeaderField: Hashable, Sendable {
  /// As written (case kept); compare with `HeaderFields` lookups, which ignore case.
  public var name: String
  /// The unfolded value bytes, whitespace trimmed, nothing decoded.
  public var rawBytes: [UInt8]

  public init(name: String, rawBytes: [UInt8]) {
    self.name = name; self.rawBytes = rawBytes
  }

  /// The unfolded value as text (UTF-8, or Latin-1 when not valid UTF-8), not RFC 2047
  /// decoded: right for structured fields such as Content-Type.
  public var rawValue: String { Charsets.decodeUTF8OrLatin1(rawBytes) }

  /// The unfolded value with RFC 2047 encoded words decoded: right for Subject and other
  /// unstructured text.
  public var decodedValue: String { rawBytes.withUnsafeBufferPointer { EncodedWords.decode($0) } }
}

/// Every field of a header block in order, unfolded, for MIME part headers and any field
/// `MessageHeaders` does not hold.
public struct HeaderFields: Hashable, Sendable {
  public var fields: [HeaderField]
  /// Where the body starts in the parsed bytes: after the empty separator line, or at the
  /// first line that is neither a field nor a continuation.
  public var bodyOffset: Int

  public init(fields: [HeaderField] = [], bodyOffset: Int = 0) {
    self.fields = fields; self.bodyOffset = bodyOffset
  }

  /// Parses the header block at the start of `bytes` (a leading byte-order mark and mbox
  /// `From ` line are skipped; a missing separator is tolerated).
  public static func parse(_ bytes: UnsafeRawBufferPointer) -> HeaderFields {
    var fields: [HeaderField] = []
    let bodyOffset = HeaderScanner.scan(bytes) { f in
      let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[f.nameStart..<f.nameEnd])
      let name = Charsets.decodeLatin1(nameBytes)
      fields.append(HeaderField(name: name, rawBytes: HeaderScanner.unfold(bytes, f)))
    }
    return HeaderFields(fields: fields, bodyOffset: bodyOffset)
  }

  /// Parses the header block at the start of `data`.
  public static func parse(_ data: Data) -> HeaderFields {
    data.withUnsafeBytes { parse($0) }
  }

  /// Where the body starts, without keeping any field: lets a reader that loaded only the
  /// head of a file check that the whole header block was inside it (a result equal to
  /// `bytes.count` means the block may continue).
  public static func bodyOffset(_ bytes: UnsafeRawBufferPointer) -> Int {
    HeaderScanner.scan(bytes) { _ in }
  }

  /// The first field named `name` (any case).
  public func first(_ name: String) -> HeaderField? {
    fields.first { $0.name.caseInsensitiveEquals(name) }
  }

  /// All fields named `name` (any case), in order.
  public func all(_ name: String) -> [HeaderField] {
    fields.filter { $0.name.caseInsensitiveEquals(name) }
  }

  /// The raw (undecoded) value of the first field named `name`.
  public subscript(_ name: String) -> String? { first(name)?.rawValue }

  /// The RFC 2047 decoded value of the first field named `name`.
  public func decoded(_ name: String) -> String? { first(name)?.decodedValue }
}

extension String {
  /// ASCII case-insensitive equality, enough for header field names.
  func caseInsensitiveEquals(_ other: String) -> Bool {
    let a = utf8, b = other.utf8
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) {
      let lx = x >= 0x41 && x <= 0x5A ? x | 0x20 : x
      let ly = y >= 0x41 && y <= 0x5A ? y | 0x20 : y
      if lx != ly { return false }
    }
    return true
  }
}
