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

  /// PLACEHOLDER: the text after the header block, no MIME; to be replaced (same signature).
  public static func extract(from message: Data) -> MessageBody {
    let s = String(decoding: message, as: UTF8.self)
    if let r = s.range(of: "\r\n\r\n") ?? s.range(of: "\n\n") {
      return MessageBody(text: String(s[r.upperBound...]), attachments: [])
    }
    return MessageBody(text: "", attachments: [])
  }
}
