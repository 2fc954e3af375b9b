import Foundation

/// An attachment of a message: name (RFC 2231/2047 decoded), media type, decoded content.
public struct MessageAttachment: Hashable, Sendable {
  public var name: String
  public var contentType: String
  public var data: Data
  public init(name: String, contentType: String, data: Data) {
    self.name = name; self.contentType = contentType; self.data = data
  }
}

/// The readable content of a whole message, read on demand (never while indexing).
///
/// CONTRACT (used by Mailbox): `MessageBody.extract(from:)` takes a whole message (headers
/// and body) and never fails; it prefers text/plain, turns text/html into readable text,
/// and lists attachments.
public struct MessageBody: Hashable, Sendable {
  public var text: String
  public var attachments: [MessageAttachment]
  public init(text: String, attachments: [MessageAttachment]) {
    self.text = text; self.attachments = attachments
  }

  /// Walks the MIME structure of a whole message (RFC 2045, 2046).
  ///
  /// - multipart/alternative: one part is read, text/plain first, then a nested multipart,
  ///   then text/html, else the first part.
  /// - multipart/mixed, related, signed, report and unknown subtypes: every part is read;
  ///   multipart/digest parts default to message/rfc822.
  /// - text/plain and text/html parts become the text, joined by blank lines (html turned
  ///   into readable text), unless their disposition is `attachment` or they have a file
  ///   name and no `inline` disposition.
  /// - message/rfc822 parts are listed as attachments (not inlined: the text stays the
  ///   message's own), named by their file name, else their subject plus `.eml`, else
  ///   `message.eml`; their data is the encapsulated message.
  /// - Every other part is an attachment with its decoded data.
  /// - A multipart without a boundary parameter, or whose boundary never appears, is read
  ///   as text/plain; a missing close delimiter ends the last part at the end of the data.
  /// Line breaks in the text are `\n`.
  public static func extract(from message: Data) -> MessageBody {
    var walker = MIMEWalker()
    message.withUnsafeBytes { walker.walk($0, defaultType: "text/plain", depth: 0) }
    var text = walker.texts.map { $0.trimmingBlankLines() }
      .filter { !$0.isEmpty }.joined(separator: "\n\n")
    if text.contains("\r") {
      text = text.replacingOccurrences(of: "\r\n", with: "\n")
        .replacingOccurrences(of: "\r", with: "\n")
    }
    return MessageBody(text: text, attachments: walker.attachments)
  }
}

/// The recursive MIME walk behind `MessageBody.extract(from:)`.
struct MIMEWalker {
  var texts: [String] = []
  var attachments: [MessageAttachment] = []

  /// Deeper nesting than this is read as opaque data (no real mail comes close).
  static let maximumDepth = 40

  mutating func walk(_ entity: UnsafeRawBufferPointer, defaultType: String, depth: Int) {
    let headers = HeaderFields.parse(entity)
    let body = UnsafeRawBufferPointer(rebasing: entity[min(headers.bodyOffset, entity.count)...])
    let contentType = headers["content-type"].map(MIMEHeaderValue.parse)
    var mediaType = defaultType
    if let value = contentType?.value, isMediaType(value) { mediaType = value }
    let disposition = headers["content-disposition"].map(MIMEHeaderValue.parse)
    let charset = contentType?.parameters["charset"]

    if mediaType.hasPrefix("multipart/"), depth < Self.maximumDepth {
      guard let boundary = contentType?.parameters["boundary"], !boundary.isEmpty,
            let parts = Self.splitMultipart(body, boundary: Array(boundary.utf8)) else {
        texts.append(Charsets.decode(body, charset: charset))
        return
      }
      let subtype = mediaType.dropFirst("multipart/".count)
      if subtype == "alternative" {
        if let chosen = Self.preferredAlternative(body, parts) {
          walk(UnsafeRawBufferPointer(rebasing: body[chosen]), defaultType: "text/plain",
               depth: depth + 1)
        }
        return
      }
      let childDefault = subtype == "digest" ? "message/rfc822" : "text/plain"
      for part in parts {
        walk(UnsafeRawBufferPointer(rebasing: body[part]), defaultType: childDefault,
             depth: depth + 1)
      }
      return
    }

    let encoding = headers["content-transfer-encoding"]
    let data = TransferEncoding.decode(Array(body), encoding: encoding)
    var name = disposition?.parameters["filename"] ?? contentType?.parameters["name"]
    name = name.map(EncodedWords.decode)
    // `inline` wins over a file name (mailers name inline text parts too); without any
    // disposition, a name makes the part an attachment.
    let hasName = name.map { !$0.isEmpty } ?? false
    let isAttachment = disposition?.value == "attachment"
      || (disposition?.value != "inline" && hasName)

    if !isAttachment, mediaType == "text/plain" || mediaType == "text/html" {
      let text = Charsets.decode(data, charset: charset)
      texts.append(mediaType == "text/html" ? HTMLText.text(fromHTML: text) : text)
      return
    }
    if mediaType == "message/rfc822" || mediaType == "message/global" {
      if name == nil || name?.isEmpty == true {
        let subject = data.withUnsafeBytes { HeaderFields.parse($0).decoded("subject") }
        let trimmed = subject?.trimmingCharacters(in: .whitespaces) ?? ""
        name = trimmed.isEmpty ? "message.eml" : trimmed + ".eml"
      }
    }
    let finalName = name.flatMap { $0.isEmpty ? nil : $0 } ?? "attachment"
    attachments.append(MessageAttachment(name: finalName, contentType: mediaType, data: Data(data)))
  }

  func isMediaType(_ value: String) -> Bool {
    guard let slash = value.firstIndex(of: "/") else { return false }
    return slash != value.startIndex && value.index(after: slash) != value.endIndex
  }

  /// The index range of the part to read in a multipart/alternative.
  static func preferredAlternative(
    _ body: UnsafeRawBufferPointer, _ parts: [Range<Int>]
  ) -> Range<Int>? {
    var types: [String] = []
    for part in parts {
      let headers = HeaderFields.parse(UnsafeRawBufferPointer(rebasing: body[part]))
      let type = headers["content-type"].map { MIMEHeaderValue.parse($0).value } ?? "text/plain"
      types.append(type)
    }
    if let i = types.firstIndex(of: "text/plain") { return parts[i] }
    if let i = types.firstIndex(where: { $0.hasPrefix("multipart/") }) { return parts[i] }
    if let i = types.firstIndex(of: "text/html") { return parts[i] }
    return parts.first
  }

  /// The body ranges of the parts of a multipart body (RFC 2046 5.1.1): a delimiter is a line
  /// `--boundary` followed only by whitespace (transport padding); `--boundary--` closes. The
  /// line break before a delimiter belongs to it. Nil when no delimiter appears; without a
  /// close delimiter the last part runs to the end.
  static func splitMultipart(_ body: UnsafeRawBufferPointer, boundary: [UInt8]) -> [Range<Int>]? {
    let n = body.count
    var parts: [Range<Int>] = []
    var partStart: Int? = nil
    var lineStart = 0
    while lineStart < n {
      let lineEnd = HeaderScanner.lineEnd(body, from: lineStart)
      let next = HeaderScanner.nextLine(body, from: lineEnd)
      if let kind = delimiterKind(body, lineStart, lineEnd, boundary) {
        if let start = partStart {
          // Drop the line break before the delimiter.
          var end = lineStart
          if end > start, body[end - 1] == 0x0A { end -= 1 }
          if end > start, body[end - 1] == 0x0D { end -= 1 }
          parts.append(start..<max(start, end))
        }
        if kind == .close { return parts }
        partStart = next
      }
      lineStart = next
    }
    guard let start = partStart else { return nil }
    if start < n { parts.append(start..<n) }
    return parts
  }

  enum Delimiter { case open, close }

  static func delimiterKind(
    _ p: UnsafeRawBufferPointer, _ start: Int, _ end: Int, _ boundary: [UInt8]
  ) -> Delimiter? {
    let length = 2 + boundary.count
    guard end - start >= length, p[start] == 0x2D, p[start + 1] == 0x2D else { return nil }
    for k in 0..<boundary.count where p[start + 2 + k] != boundary[k] { return nil }
    var i = start + length
    var kind = Delimiter.open
    if i + 2 <= end, p[i] == 0x2D, p[i + 1] == 0x2D {
      kind = .close
      i += 2
    }
    while i < end {
      if p[i] != 0x20, p[i] != 0x09 { return kind == .close ? .close : nil }
      i += 1
    }
    return kind
  }
}

extension String {
  /// Without line breaks at the start and the end (indentation of the first line is kept).
  func trimmingBlankLines() -> String {
    var s = Substring(self)
    while let last = s.last, last == "\n" || last == "\r" || last == "\r\n" { s.removeLast() }
    while let first = s.first, first == "\n" || first == "\r" || first == "\r\n" {
      s.removeFirst()
    }
    return String(s)
  }
}
