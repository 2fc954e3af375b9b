import CaptureCore
import Foundation
import MailFormats

/// The folders of a Maildir tree that capture reads, and how message file names are read.
///
/// Maildir++ keeps subfolders beside `cur`/`new` as `.Sent`, `.Archive.2024`; a plain
/// nested layout (`Archive/2024/cur`) is accepted too. Drafts, trash and junk folders
/// (docs/capture-rules.md) are left out with all their subfolders.
public enum MaildirLayout {
  /// Top-level folder names that are never captured, lowercased.
  static let excludedTopLevelNames: Set<String> = [
    "drafts", "trash", "deleted items", "deleted messages", "junk", "junk e-mail", "spam",
  ]

  /// One folder of a Maildir: its display name (`INBOX`, `.Sent`, `Archive/2024`) and path.
  public struct Folder: Hashable, Sendable {
    public var name: String
    public var path: String
  }

  /// Whether a folder name is a drafts, trash or junk folder or one of their subfolders.
  ///
  /// `.Trash.2025`, `.junk`, `Deleted Items/Old` are excluded; `.Sent`, `.Trashy` are not.
  public static func isExcluded(folderName: String) -> Bool {
    var name = Substring(folderName)
    let separator: Character
    if name.first == "." {
      name = name.dropFirst()
      separator = "."
    } else {
      separator = "/"
    }
    let top = name.split(separator: separator, maxSplits: 1, omittingEmptySubsequences: false)
      .first ?? ""
    return excludedTopLevelNames.contains(top.lowercased())
  }

  /// The captured folders under `root`; folders that cannot be listed go to `problems`.
  static func folders(root: String, problems: inout [MailSourceFailure]) -> [Folder] {
    var out: [Folder] = []
    let entries: [FileSystem.Entry]
    do {
      entries = try FileSystem.list(root, includeHidden: true)
    } catch {
      problems.append(error)
      return []
    }
    let names = Set(entries.map(\.name))
    if names.contains("cur") || names.contains("new") {
      out.append(Folder(name: "INBOX", path: root))
    }
    for entry in entries.sorted(by: { $0.name < $1.name }) {
      let name = entry.name
      if name == "cur" || name == "new" || name == "tmp" { continue }
      guard FileSystem.isDirectory(root, entry) else { continue }
      if name.hasPrefix(".") {
        if isExcluded(folderName: name) { continue }
        out.append(Folder(name: name, path: root + "/" + name))
      } else {
        if isExcluded(folderName: name) { continue }
        nested(root + "/" + name, name: name, depth: 1, into: &out, problems: &problems)
      }
    }
    return out
  }

  /// Walks a plain nested layout: a directory holding `cur` or `new` is a folder.
  static func nested(_ path: String, name: String, depth: Int, into out: inout [Folder],
                             problems: inout [MailSourceFailure]) {
    guard depth <= 8 else { return }
    let entries: [FileSystem.Entry]
    do {
      entries = try FileSystem.list(path, includeHidden: false)
    } catch {
      problems.append(error)
      return
    }
    if entries.contains(where: { $0.name == "cur" || $0.name == "new" }) {
      out.append(Folder(name: name, path: path))
    }
    for entry in entries.sorted(by: { $0.name < $1.name }) {
      if entry.name == "cur" || entry.name == "new" || entry.name == "tmp" { continue }
      guard FileSystem.isDirectory(path, entry) else { continue }
      nested(path + "/" + entry.name, name: name + "/" + entry.name, depth: depth + 1,
             into: &out, problems: &problems)
    }
  }

  /// The unique part of a Maildir file name (before `:2,`), which survives flag changes.
  public static func uniquePart(of fileName: String) -> Substring {
    if let colon = fileName.utf8.firstIndex(of: UInt8(ascii: ":")) {
      return fileName[..<colon]
    }
    return Substring(fileName)
  }

  /// The flags of a Maildir file name: the letters after `:2,` (`FS` in `123.x:2,FS`).
  public static func flags(of fileName: String) -> String {
    guard let r = fileName.range(of: ":2,") else { return "" }
    return String(fileName[r.upperBound...])
  }
}

/// Where messages start and end in an mbox file.
///
/// A message begins after a separator line that opens the file or follows an empty line
/// (every mbox writer puts that empty line); it ends before the empty line that precedes the
/// next separator. LF, CRLF and bare-CR files (classic Mac OS exports) are read; the file's
/// first line end tells which. Messages are addressed by byte offset and length, so the
/// index never copies mbox contents.
///
/// A separator is a `From ` line as mutt's `is_from` reads it: `From`, the sender (an
/// address, `-`, or `"quoted words"@host`; pipermail's `ann at host`; or none), then an
/// asctime-like date: an optional weekday (two, when the sender is named like one), a month
/// name, a day, a time `hh:mm` or `hh:mm:ss`, up to two zone words (`+0000`, `MET DST`) and
/// a 4-digit year; anything after the year (`remote from host`) is ignored. An RFC 5322
/// date (`Tue, 18 Apr 2023 13:38:40 +0000`), which a few exporters write there, is taken
/// too. So
/// `From - Mon Jan  1 00:00:00 2024` (Thunderbird) and
/// `From 1234@xxx Sat Nov 07 12:18:47 +0000 2020` (Gmail Takeout) begin messages, while an
/// unquoted body line such as `From here on, all prices are in EUR.` (mboxcl and mboxcl2
/// writers do not quote body lines) stays in its message, even after an empty line.
public enum MboxLayout {
  /// One message of an mbox: byte offset of its first header line, and its length.
  public struct Slice: Hashable, Sendable {
    public var offset: Int
    public var length: Int
  }

  /// How many bytes come before the first message's `From ` line: 0 for a well-formed mbox
  /// (blank lines before it aside), the whole size when no message begins anywhere (a single
  /// message saved as a file, a text file named by mistake). Those bytes are never read as
  /// mail, so the caller reports them. Only the lines up to that `From ` line are read: the
  /// caller scans the whole file for its messages anyway.
  public static func bytesBeforeFirstMessage(_ bytes: UnsafeRawBufferPointer) -> Int {
    let first = separators(bytes, from: 0, lineEnd: lineEnd(of: bytes), firstOnly: true).first?
      .fromLine ?? bytes.count
    let blank: Set<UInt8> = [0x20, 0x09, 0x0D, 0x0A]
    return bytes[..<first].allSatisfy { blank.contains($0) } ? 0 : first
  }

  /// The messages of `bytes` starting at `from` (0, or where an earlier scan ended when the
  /// file only grew); `from` itself may hold a `From ` line.
  public static func slices(_ bytes: UnsafeRawBufferPointer, from: Int = 0) -> [Slice] {
    let count = bytes.count
    let terminator = lineEnd(of: bytes)
    let starts = separators(bytes, from: from, lineEnd: terminator, firstOnly: false)
    var out: [Slice] = []
    out.reserveCapacity(starts.count)
    for (k, start) in starts.enumerated() {
      var end = k + 1 < starts.count ? starts[k + 1].fromLine : count
      // Drop the empty line that separates this message from the next (or ends the file).
      if terminator == 0x0D {
        if end - start.body >= 2, bytes[end - 1] == 0x0D, bytes[end - 2] == 0x0D { end -= 1 }
      } else if end - start.body >= 2, bytes[end - 1] == 0x0A {
        if bytes[end - 2] == 0x0A {
          end -= 1
        } else if end - start.body >= 4, bytes[end - 2] == 0x0D, bytes[end - 3] == 0x0A {
          end -= 2
        } else if end - start.body >= 4, bytes[end - 2] == 0x0D, bytes[end - 3] == 0x0D {
          end -= 2
        }
      }
      out.append(Slice(offset: start.body, length: max(0, end - start.body)))
    }
    return out
  }

  /// The byte that ends the file's lines: CR when its first line ends in a CR that no LF
  /// follows, else LF (LF and CRLF files). Classic Mac OS wrote a whole file one way.
  private static func lineEnd(of bytes: UnsafeRawBufferPointer) -> UInt8 {
    guard let k = bytes.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }), bytes[k] == 0x0D,
      k + 1 == bytes.count || bytes[k + 1] != 0x0A
    else { return 0x0A }
    return 0x0D
  }

  /// The separator lines from `from` on (the rule in the type's doc), in lines ended by
  /// `terminator` (LF, with or without a CR before it, or a bare CR): where each begins and
  /// where its message's first header line begins; only the first when `firstOnly`.
  private static func separators(_ bytes: UnsafeRawBufferPointer, from: Int,
                                 lineEnd terminator: UInt8, firstOnly: Bool)
    -> [(fromLine: Int, body: Int)]
  {
    guard let base = bytes.baseAddress else { return [] }
    let count = bytes.count
    var starts: [(fromLine: Int, body: Int)] = []
    func isFromLine(_ i: Int) -> Bool {
      i + 5 <= count && bytes[i] == 0x46 && bytes[i + 1] == 0x72 && bytes[i + 2] == 0x6F
        && bytes[i + 3] == 0x6D && bytes[i + 4] == 0x20
    }
    func lineEnd(_ i: Int) -> Int {
      guard i < count, let p = memchr(base + i, Int32(terminator), count - i) else {
        return count
      }
      return base.distance(to: UnsafeRawPointer(p)) + 1
    }
    var i = from
    var previousLineEmpty = true
    while i < count {
      let end = lineEnd(i)
      if previousLineEmpty && isFromLine(i)
        && isSeparator(UnsafeRawBufferPointer(rebasing: bytes[i..<end]))
      {
        starts.append((i, end))
        if firstOnly { break }
      }
      let length = end - i
      previousLineEmpty =
        (length == 1 && bytes[i] == terminator) || (terminator == 0x0A && length == 2
          && bytes[i] == 0x0D && bytes[i + 1] == 0x0A)
      i = end
    }
    return starts
  }

  /// Whether `line` (a line starting `From `, its line break included or not) is a
  /// separator: `From `, a sender, and a date (the rule in the type's doc).
  static func isSeparator(_ line: UnsafeRawBufferPointer) -> Bool {
    var end = line.count
    while end > 0, line[end - 1] == 0x0A || line[end - 1] == 0x0D { end -= 1 }
    let text = UnsafeRawBufferPointer(rebasing: line[0..<end])
    guard text.count > 5 else { return false }
    func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 }
    func skipSpaces(_ k: Int) -> Int {
      var k = k
      while k < text.count, isSpace(text[k]) { k += 1 }
      return k
    }
    let senderStart = skipSpaces(5)
    // No sender: the date follows `From ` directly.
    if isSeparatorDate(text, from: senderStart) { return true }
    // The sender: up to the first blank outside double quotes (`"Ann Lee"@host`).
    var k = senderStart
    var quoted = false
    while k < text.count, quoted || !isSpace(text[k]) {
      if text[k] == 0x5C {  // backslash: the next byte is taken as it is
        k += 1
      } else if text[k] == 0x22 {
        quoted.toggle()
      }
      k += 1
    }
    guard !quoted, k > senderStart else { return false }
    let afterSender = skipSpaces(k)
    if isSeparatorDate(text, from: afterSender) { return true }
    // pipermail archives write the sender as `ann at example.org`.
    let words = MboxLayout.words(text, from: afterSender, limit: 2)
    guard words.count == 2, text[words[0]].elementsEqual("at".utf8) else { return false }
    return isSeparatorDate(text, from: skipSpaces(words[1].upperBound))
  }

  /// Whether the words from `from` are a date as mbox writers put it: asctime's
  /// `[Weekday [Weekday]] Month Day hh:mm[:ss] [zone [zone]] yyyy`, or RFC 5322's
  /// `[Weekday,] Day Month yyyy hh:mm[:ss]` (a few exporters write that one); anything may
  /// follow.
  private static func isSeparatorDate(_ text: UnsafeRawBufferPointer, from: Int) -> Bool {
    let w = words(text, from: from, limit: 9).map { text[$0] }
    func isWeekday(_ k: Int) -> Bool {
      guard k < w.count else { return false }
      let word = w[k].last == 0x2C ? w[k].dropLast() : w[k]  // `Tue,`
      return word.count == 3 && weekdays.contains(lowercased(word))
    }
    func isMonth(_ k: Int) -> Bool {
      k < w.count && w[k].count >= 3 && w[k].allSatisfy(isLetter)
        && months.contains(lowercased(w[k].prefix(3)))
    }
    func isNumber(_ k: Int, digits: ClosedRange<Int>) -> Bool {
      k < w.count && digits.contains(w[k].count) && w[k].allSatisfy(isDigit)
    }
    func isTime(_ k: Int) -> Bool { k < w.count && MboxLayout.isTime(w[k]) }
    func startsZone(_ k: Int, signed: Bool) -> Bool {
      guard k < w.count, let first = w[k].first else { return false }
      return isLetter(first) || signed && (first == 0x2B || first == 0x2D)
    }
    var i = 0
    while i < 2, isWeekday(i) { i += 1 }
    if isMonth(i), isNumber(i + 1, digits: 1...2), isTime(i + 2) {
      i += 3
      if startsZone(i, signed: true) {
        i += 1
        if startsZone(i, signed: false) { i += 1 }
      }
      return isNumber(i, digits: 4...4)
    }
    i = isWeekday(0) ? 1 : 0
    return isNumber(i, digits: 1...2) && isMonth(i + 1) && isNumber(i + 2, digits: 4...4)
      && isTime(i + 3)
  }

  private static let weekdays: Set<String> = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]
  private static let months: Set<String> = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  ]

  private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
  private static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
  private static func lowercased(_ word: some Sequence<UInt8>) -> String {
    String(decoding: word.map { isLetter($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
  }

  /// `h:mm`, `hh:mm`, `h:mm:ss` or `hh:mm:ss`.
  private static func isTime(_ word: Swift.Slice<UnsafeRawBufferPointer>) -> Bool {
    let parts = word.split(separator: 0x3A, omittingEmptySubsequences: false)
    guard parts.count == 2 || parts.count == 3 else { return false }
    for (k, part) in parts.enumerated() {
      guard part.allSatisfy(isDigit), k == 0 ? (1...2).contains(part.count) : part.count == 2
      else { return false }
    }
    return true
  }

  /// The ranges of up to `limit` blank-separated words of `text` from `from`.
  private static func words(_ text: UnsafeRawBufferPointer, from: Int, limit: Int)
    -> [Range<Int>]
  {
    var out: [Range<Int>] = []
    var k = from
    while k < text.count, out.count < limit {
      while k < text.count, text[k] == 0x20 || text[k] == 0x09 { k += 1 }
      let start = k
      while k < text.count, text[k] != 0x20, text[k] != 0x09 { k += 1 }
      if k > start { out.append(start..<k) }
    }
    return out
  }

  /// A message's bytes with `From ` quoting undone: one `>` is removed from each line that
  /// reads `>From `, `>>From `... (mboxrd; mboxo quoted only `>From `, read the same way).
  /// A line begins after LF or CR, so bare-CR files are unquoted too.
  public static func unquoted(_ message: Data) -> Data {
    var out = Data()
    out.reserveCapacity(message.count)
    var lineStart = true
    var i = message.startIndex
    while i < message.endIndex {
      if lineStart, message[i] == 0x3E {
        var j = i
        while j < message.endIndex, message[j] == 0x3E { j += 1 }
        if message.endIndex - j >= 5, message[j..<(j + 5)].elementsEqual("From ".utf8) {
          i += 1  // skip one '>'
        }
      }
      let b = message[i]
      out.append(b)
      lineStart = b == 0x0A || b == 0x0D
      i += 1
    }
    return out
  }
}

/// The header facts of one message as the index stores them, addresses normalized.
struct IndexedHeader: Sendable {
  var messageId: String
  /// For a message without Message-ID, the synthetic id of index schema 3 and before: the
  /// same form over the header block alone. Activities tracked then carry it, so the
  /// timeline still meets them (`CapturedEmail.formerMessageId`).
  var formerMessageId: String?
  var date: Double
  /// Where `date` came from when the Date header could not give it; nil when it did.
  var dateFallback: DateFallback?
  var subject: String
  var from: String?
  var fromName: String?
  var to: [String]
  var cc: [String]
  /// The ids its In-Reply-To and References name, bounded (`MessageReferences`).
  var references: [String]

  /// What dates a message whose Date header is missing or unreadable.
  enum DateFallback: Sendable {
    /// Its newest (topmost) Received header: when the message reached the mailbox.
    case received
    /// The file's mtime (an mbox's, for each of its messages): a guess, never "now".
    case fileTime
  }

  var dateIsFallback: Bool { dateFallback != nil }

  /// Parses a header block; a missing or unusable Date becomes the date of the newest
  /// Received header, else `mtime` (flagged, and named by the refresh that adds it).
  ///
  /// A missing Message-ID becomes a stable synthetic one from `wholeMessageHash`, the
  /// FNV-1a of the whole message, header block and body, which is asked for only then:
  /// such messages are rare, and every other one is read no further than its header block.
  /// As in notmuch (which hashes the file too), two messages whose header blocks match byte
  /// for byte but whose bodies differ (two cron reports sent in one second) are two items,
  /// and a true copy in another folder is one.
  init(headerBlock: UnsafeRawBufferPointer, mtime: Double,
       wholeMessageHash: () throws(MailSourceFailure) -> Int64) throws(MailSourceFailure) {
    let h = MessageHeaders.parse(headerBlock)
    let mid = h.messageId?.trimmingWhitespace() ?? ""
    if mid.isEmpty {
      messageId = IndexedHeader.syntheticMessageId(hash: try wholeMessageHash())
      formerMessageId = IndexedHeader.syntheticMessageId(hash: IndexSchema.fnv1a(headerBlock))
    } else {
      messageId = mid
    }
    if let d = h.date, d.timeIntervalSince1970.isFinite {
      date = d.timeIntervalSince1970
    } else if let d = h.receivedDate, d.timeIntervalSince1970.isFinite {
      date = d.timeIntervalSince1970
      dateFallback = .received
    } else {
      date = mtime
      dateFallback = .fileTime
    }
    subject = h.subject ?? ""
    if let first = h.from.first {
      from = EmailAddress.parse(first.address)?.value
      fromName = first.displayName.flatMap { $0.isEmpty ? nil : $0 }
    }
    to = IndexedHeader.normalized(h.to)
    cc = IndexedHeader.normalized(h.cc)
    references = MessageReferences.bounded(inReplyTo: h.inReplyTo, references: h.references)
  }

  private static func normalized(_ list: [MailboxAddress]) -> [String] {
    var seen = Set<String>()
    var out: [String] = []
    for m in list {
      guard let a = EmailAddress.parse(m.address)?.value, seen.insert(a).inserted else {
        continue
      }
      out.append(a)
    }
    return out
  }

  /// `<fnv1a64-hex@autocapture.invalid>` for the hash of a whole message: the same bytes
  /// always give the same id, so a message without Message-ID keeps its identity across
  /// indexings.
  static func syntheticMessageId(hash: Int64) -> String {
    let hex = String(UInt64(bitPattern: hash), radix: 16)
    return "<" + String(repeating: "0", count: 16 - hex.count) + hex + "@autocapture.invalid>"
  }

  /// Every address of From, To and Cc, once each.
  var allAddresses: [String] {
    var seen = Set<String>()
    var out: [String] = []
    for a in (from.map { [$0] } ?? []) + to + cc where seen.insert(a).inserted { out.append(a) }
    return out
  }
}
