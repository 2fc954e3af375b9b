import Foundation

/// The Maildir++ folders the demo writes into.
enum MailFolder: String, CaseIterable, Sendable {
  case inbox = ""
  case sent = ".Sent"
  case archive = ".Archive"
  case trash = ".Trash"
  case drafts = ".Drafts"
}

/// A file attached to a demo message.
struct DemoAttachment: Sendable {
  enum NameEncoding: Sendable {
    /// `filename="plain.txt"`.
    case plain
    /// `filename*=UTF-8''...` (RFC 2231).
    case rfc2231
    /// `filename="=?UTF-8?B?...?="` (RFC 2047 in a parameter, as many mailers still do).
    case rfc2047
  }

  let name: String
  let contentType: String
  let data: Data
  let nameEncoding: NameEncoding
}

/// How a message's body is written.
enum DemoBody: Sendable {
  /// text/plain; 7bit when ASCII, else 8bit UTF-8.
  case plain(String)
  /// text/plain UTF-8 in quoted-printable.
  case quotedPrintable(String)
  /// text/plain UTF-8 in base64.
  case base64(String)
  /// text/html only, no plain alternative.
  case html(String)
  /// multipart/mixed: a text/plain part and attachments in base64.
  case mixed(String, [DemoAttachment])
}

/// One demo email, before it is rendered to RFC 5322 text.
struct DemoMail: Sendable {
  /// Unique key; also the left part of the Message-ID.
  let key: String
  let folders: [MailFolder]
  /// Sent about this many calendar days before the user's today, on a working day
  /// (`DemoClock.workdayBefore`), never today, so never after `now`...
  let daysAgo: Int
  /// ...at this wall-clock time in the user's zone.
  let time: (hour: Int, minute: Int)
  /// Unread messages go to `new/` without an info suffix.
  var unread = false
  let from: DemoPerson
  let to: [DemoPerson]
  var cc: [DemoPerson] = []
  /// Decoded subject; written as RFC 2047 when not ASCII unless `rawSubject` is set.
  let subject: String
  /// A pre-encoded Subject header value (e.g. ISO-8859-1 Q encoding), written verbatim.
  var rawSubject: String? = nil
  /// Key of the message this one answers.
  var parent: String? = nil
  let body: DemoBody
  var extraHeaders: [(String, String)] = []

  var messageId: String { "<\(key)@\(from.domain)>" }
}

/// Renders a `DemoMail` as RFC 5322 / MIME text with LF line ends.
enum MailWriter {
  static func render(_ mail: DemoMail, date: String, references: [String]) -> String {
    var headers: [(String, String)] = []
    headers.append(("From", mailbox(mail.from)))
    headers.append(("To", mail.to.map(mailbox).joined(separator: ", ")))
    if !mail.cc.isEmpty { headers.append(("Cc", mail.cc.map(mailbox).joined(separator: ", "))) }
    headers.append(("Subject", mail.rawSubject ?? encodeWords(mail.subject)))
    headers.append(("Date", date))
    headers.append(("Message-ID", mail.messageId))
    if let last = references.last {
      headers.append(("In-Reply-To", last))
      headers.append(("References", references.joined(separator: " ")))
    }
    headers.append(contentsOf: mail.extraHeaders)
    headers.append(("MIME-Version", "1.0"))
    let (mimeHeaders, body) = renderBody(mail.body, boundary: "=_lumen_\(mail.key)")
    headers.append(contentsOf: mimeHeaders)
    return headers.map { fold($0.0 + ": " + $0.1) }.joined(separator: "\n") + "\n\n" + body
  }

  private static func renderBody(_ body: DemoBody, boundary: String)
    -> ([(String, String)], String)
  {
    switch body {
    case .plain(let text):
      let ascii = text.unicodeScalars.allSatisfy(\.isASCII)
      return ([("Content-Type", "text/plain; charset=utf-8"),
               ("Content-Transfer-Encoding", ascii ? "7bit" : "8bit")], text)
    case .quotedPrintable(let text):
      return ([("Content-Type", "text/plain; charset=utf-8"),
               ("Content-Transfer-Encoding", "quoted-printable")], quotedPrintable(text))
    case .base64(let text):
      return ([("Content-Type", "text/plain; charset=utf-8"),
               ("Content-Transfer-Encoding", "base64")], base64Lines(Data(text.utf8)))
    case .html(let html):
      let ascii = html.unicodeScalars.allSatisfy(\.isASCII)
      return ([("Content-Type", "text/html; charset=utf-8"),
               ("Content-Transfer-Encoding", ascii ? "7bit" : "8bit")], html)
    case .mixed(let text, let attachments):
      let ascii = text.unicodeScalars.allSatisfy(\.isASCII)
      var out = "This is a multi-part message in MIME format.\n\n"
      out += "--\(boundary)\n"
      out += "Content-Type: text/plain; charset=utf-8\n"
      out += "Content-Transfer-Encoding: \(ascii ? "7bit" : "8bit")\n\n"
      out += text
      if !out.hasSuffix("\n") { out += "\n" }
      for attachment in attachments {
        out += "\n--\(boundary)\n"
        out += attachmentHeaders(attachment).map { fold($0.0 + ": " + $0.1) }
          .joined(separator: "\n")
        out += "\n\n" + base64Lines(attachment.data)
      }
      out += "\n--\(boundary)--\n"
      return ([("Content-Type", "multipart/mixed;\n boundary=\"\(boundary)\"")], out)
    }
  }

  private static func attachmentHeaders(_ a: DemoAttachment) -> [(String, String)] {
    let typeParam: String, dispositionParam: String
    switch a.nameEncoding {
    case .plain:
      typeParam = "name=\"\(a.name)\""
      dispositionParam = "filename=\"\(a.name)\""
    case .rfc2231:
      let value = "UTF-8''" + percentEncode(a.name)
      typeParam = "name*=" + value
      dispositionParam = "filename*=" + value
    case .rfc2047:
      let word = "\"" + encodeWords(a.name) + "\""
      typeParam = "name=" + word
      dispositionParam = "filename=" + word
    }
    return [("Content-Type", a.contentType + ";\n " + typeParam),
            ("Content-Disposition", "attachment;\n " + dispositionParam),
            ("Content-Transfer-Encoding", "base64")]
  }

  /// `"Name" <addr>`, `Name <addr>`, or an RFC 2047 encoded display name.
  static func mailbox(_ p: DemoPerson) -> String {
    let ascii = p.name.unicodeScalars.allSatisfy(\.isASCII)
    if !ascii { return encodeWords(p.name) + " <\(p.address)>" }
    let specials = CharacterSet(charactersIn: "()<>[]:;@\\,.\"")
    if p.name.unicodeScalars.contains(where: specials.contains) {
      return "\"\(p.name)\" <\(p.address)>"
    }
    return "\(p.name) <\(p.address)>"
  }

  /// RFC 2047 B encoding in UTF-8, split into words of at most 75 characters; ASCII text is
  /// returned unchanged.
  static func encodeWords(_ text: String) -> String {
    if text.unicodeScalars.allSatisfy(\.isASCII) { return text }
    var words: [String] = []
    var chunk = Data()
    for character in text {
      let bytes = Data(String(character).utf8)
      if chunk.count + bytes.count > 42 {
        words.append("=?UTF-8?B?" + chunk.base64EncodedString() + "?=")
        chunk = Data()
      }
      chunk.append(bytes)
    }
    if !chunk.isEmpty { words.append("=?UTF-8?B?" + chunk.base64EncodedString() + "?=") }
    return words.joined(separator: "\n ")
  }

  /// RFC 2231 percent encoding of a parameter value (attribute-char kept as is).
  static func percentEncode(_ text: String) -> String {
    let keep = CharacterSet(
      charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$&+-.^_`|~")
    var out = ""
    for byte in text.utf8 {
      let scalar = Unicode.Scalar(byte)
      if byte < 0x80, keep.contains(scalar) {
        out.unicodeScalars.append(scalar)
      } else {
        out += String(format: "%%%02X", byte)
      }
    }
    return out
  }

  /// Quoted-printable (RFC 2045) of UTF-8 text, soft line breaks at 76 columns.
  static func quotedPrintable(_ text: String) -> String {
    var lines: [String] = []
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var encoded: [String] = []
      let bytes = Array(line.utf8)
      for (i, byte) in bytes.enumerated() {
        let isLast = i == bytes.count - 1
        if byte == 0x3D || byte >= 0x7F || byte < 0x20 || (isLast && byte == 0x20) {
          encoded.append(String(format: "=%02X", byte))
        } else {
          encoded.append(String(UnicodeScalar(byte)))
        }
      }
      var current = ""
      var out: [String] = []
      for token in encoded {
        if current.count + token.count > 75 {
          out.append(current + "=")
          current = ""
        }
        current += token
      }
      out.append(current)
      lines.append(out.joined(separator: "\n"))
    }
    return lines.joined(separator: "\n")
  }

  /// Base64 in lines of 76 characters, ending with a newline.
  static func base64Lines(_ data: Data) -> String {
    let encoded = data.base64EncodedString()
    var lines: [String] = []
    var index = encoded.startIndex
    while index < encoded.endIndex {
      let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
      lines.append(String(encoded[index..<end]))
      index = end
    }
    return lines.joined(separator: "\n") + "\n"
  }

  /// Folds a header line longer than 78 characters at the last ", " before the limit.
  /// Lines already holding a newline (pre-folded) are left alone.
  static func fold(_ line: String) -> String {
    if line.contains("\n") || line.count <= 78 { return line }
    var rest = Substring(line)
    var out: [String] = []
    while rest.count > 78 {
      let window = rest.prefix(78)
      guard let comma = window.range(of: ", ", options: .backwards) else { break }
      out.append(String(rest[..<comma.lowerBound]) + ",")
      rest = Substring(" " + rest[comma.upperBound...])
    }
    out.append(String(rest))
    return out.joined(separator: "\n")
  }
}
