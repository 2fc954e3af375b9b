import Foundation

/// A mailbox as LIST names it.
public struct IMAPMailboxInfo: Hashable, Sendable {
  /// The name as the server sent it (modified UTF-7, or UTF-8 under IMAP4rev2), to be
  /// sent back as is.
  public var name: [UInt8]
  public var delimiter: UInt8?
  /// Attributes, lower case: `\noselect`, `\trash`, `\haschildren`...
  public var attributes: Set<String>

  public var displayName: String { String(decoding: name, as: UTF8.self) }
}

/// What EXAMINE tells of a mailbox.
public struct IMAPFolderStatus: Hashable, Sendable {
  public var uidValidity: UInt32
  public var uidNext: UInt32?
  public var exists: Int
  public var highestModSeq: UInt64?
  /// Under QRESYNC, when EXAMINE named the mod-sequence the client knew: the UIDs expunged
  /// since (`VANISHED (EARLIER)`), empty when none; nil otherwise.
  public var vanished: [UInt32]?
}

/// One message of a UID FETCH.
public struct IMAPFetchedMessage: Hashable, Sendable {
  public var uid: UInt32
  public var internalDate: Date?
  /// Fetched sections by key as the server named them, upper case: `BODY[]<0>`,
  /// `BODY[HEADER.FIELDS (MESSAGE-ID DATE)]`.
  public var sections: [String: [UInt8]]

  /// The first section whose key starts with `prefix` (`BODY[HEADER.FIELDS`, `BODY[]`).
  public func section(startingWith prefix: String) -> [UInt8]? {
    sections.first { $0.key.hasPrefix(prefix) }?.value
  }
}

extension IMAPConnection {
  /// Every mailbox (`LIST "" "*"`), with special-use attributes (RFC 6154) asked for
  /// where the server takes `RETURN (SPECIAL-USE)`.
  public func listMailboxes() throws(IMAPError) -> [IMAPMailboxInfo] {
    let extended = capabilities.contains("SPECIAL-USE") && capabilities.contains("LIST-EXTENDED")
    let result = try run(
      "LIST", [.string(""), .string("*")] + (extended ? [.raw("RETURN (SPECIAL-USE)")] : []))
    var out: [IMAPMailboxInfo] = []
    for response in result.untagged where response.name == "LIST" {
      let v = response.values
      guard v.count >= 4, let attributes = v[1].list, let name = v[3].bytes else { continue }
      out.append(IMAPMailboxInfo(
        name: name, delimiter: v[2].bytes?.first,
        attributes: Set(attributes.compactMap { $0.atom?.lowercased() })))
    }
    return out
  }

  /// ENABLE QRESYNC (RFC 7162, which enables CONDSTORE too) when the server offers it;
  /// true when it is on. Sent once, after login.
  public func enableQResync() throws(IMAPError) -> Bool {
    guard capabilities.contains("QRESYNC"), capabilities.contains("ENABLE") else { return false }
    if qresyncEnabled { return true }
    let result = try run("ENABLE", [.raw("QRESYNC")])
    qresyncEnabled = result.untagged.contains { r in
      r.name == "ENABLED" && r.values.dropFirst().contains { $0.atom?.uppercased() == "QRESYNC" }
    }
    return qresyncEnabled
  }

  /// EXAMINE: opens `mailbox` read-only, so nothing the client does can change a flag.
  /// With QRESYNC enabled and `known` (the UIDVALIDITY and HIGHESTMODSEQ of an earlier
  /// read), the server also names the UIDs expunged since (`vanished`).
  public func examine(_ mailbox: [UInt8], known: (uidValidity: UInt32, modSeq: UInt64)? = nil)
    throws(IMAPError) -> IMAPFolderStatus
  {
    let condstore = capabilities.contains("CONDSTORE") || qresyncEnabled
    var parameters: [IMAPArgument] = []
    if qresyncEnabled, let known, known.modSeq > 0 {
      parameters = [.raw("(QRESYNC (\(known.uidValidity) \(known.modSeq)))")]
    } else if condstore {
      parameters = [.raw("(CONDSTORE)")]
    }
    let result = try run("EXAMINE", [.string(mailbox)] + parameters)
    var status = IMAPFolderStatus(uidValidity: 0, uidNext: nil, exists: 0, highestModSeq: nil)
    var sawValidity = false
    if qresyncEnabled, let known, known.modSeq > 0 { status.vanished = [] }
    for response in result.untagged + [result.completion] {
      if response.name == "EXISTS", let n = response.values.first?.uint32 {
        status.exists = Int(n)
      }
      if response.name == "VANISHED", status.vanished != nil {
        // `* VANISHED (EARLIER) 3:5,9`: the set is the last value.
        guard let set = response.values.last?.atom, let uids = IMAPSequenceSet.parse(set) else {
          throw .protocolError("a malformed VANISHED response")
        }
        status.vanished? += uids
      }
      guard let code = response.code, let name = response.codeName, code.count >= 2 else {
        continue
      }
      switch name {
      case "UIDVALIDITY":
        if let n = code[1].uint32 { status.uidValidity = n; sawValidity = true }
      case "UIDNEXT":
        status.uidNext = code[1].uint32
      case "HIGHESTMODSEQ":
        status.highestModSeq = code[1].uint64
      default:
        break
      }
    }
    guard sawValidity else {
      throw .protocolError("the server sent no UIDVALIDITY for a mailbox")
    }
    return status
  }

  /// The UIDs of the selected mailbox, ascending: `UID SEARCH ALL` (ESEARCH's compact
  /// form where the server offers it).
  public func uidSearchAll() throws(IMAPError) -> [UInt32] {
    try uidSearch([.raw("ALL")])
  }

  /// The UIDs of the selected mailbox from `first` on, ascending (`UID SEARCH UID first:*`,
  /// which also names the last message when none is that high: left out).
  public func uidSearch(from first: UInt32) throws(IMAPError) -> [UInt32] {
    try uidSearch([.raw("UID \(first):*")]).filter { $0 >= first }
  }

  /// The UIDs of the selected mailbox's messages with any of `addresses` in From, To or Cc,
  /// ascending. The server matches substrings (`ann@x` finds `joann@x` too): the caller
  /// checks the headers. The criteria are a balanced tree of ORs, so nesting grows with the
  /// logarithm of the number of addresses; callers send a bounded number at a time.
  public func uidSearch(anyAddressOf addresses: [String]) throws(IMAPError) -> [UInt32] {
    guard !addresses.isEmpty else { return [] }
    var keys: [[IMAPArgument]] = []
    for address in addresses {
      for field in ["FROM", "TO", "CC"] { keys.append([.raw(field), .string(address)]) }
    }
    func tree(_ keys: ArraySlice<[IMAPArgument]>) -> [IMAPArgument] {
      if keys.count == 1 { return keys.first! }
      let middle = keys.startIndex + keys.count / 2
      return [.raw("OR")] + tree(keys[..<middle]) + tree(keys[middle...])
    }
    let criteria = tree(keys[...])
    let eightBit = addresses.contains { $0.utf8.contains { $0 >= 0x80 } }
    return try uidSearch((eightBit ? [.raw("CHARSET UTF-8")] : []) + criteria)
  }

  /// `UID SEARCH criteria`: the UIDs, ascending, from SEARCH or ESEARCH responses.
  func uidSearch(_ criteria: [IMAPArgument]) throws(IMAPError) -> [UInt32] {
    let esearch = capabilities.contains("ESEARCH")
    let result = try run("UID SEARCH", (esearch ? [.raw("RETURN (ALL)")] : []) + criteria)
    var uids: [UInt32] = []
    for response in result.untagged {
      switch response.name {
      case "SEARCH":
        uids += response.values.dropFirst().compactMap(\.uint32)
      case "ESEARCH":
        let v = response.values
        for k in v.indices.dropLast() where v[k].atom?.uppercased() == "ALL" {
          guard let set = v[k + 1].atom, let parsed = IMAPSequenceSet.parse(set) else {
            throw .protocolError("a malformed ESEARCH ALL")
          }
          uids += parsed
        }
      default:
        break
      }
    }
    return Array(Set(uids)).sorted()
  }

  /// `UID FETCH set (UID items)`: the messages of the selected mailbox that the server
  /// still has; unsolicited FETCH responses (flag changes) without a UID are left out.
  public func uidFetch(_ uids: [UInt32], items: String) throws(IMAPError)
    -> [IMAPFetchedMessage]
  {
    guard !uids.isEmpty else { return [] }
    let result = try run("UID FETCH", [.raw(IMAPSequenceSet.format(uids)), .raw("(UID \(items))")])
    var out: [IMAPFetchedMessage] = []
    for response in result.untagged where response.name == "FETCH" {
      guard response.values.count >= 3, let attributes = response.values[2].list else {
        continue
      }
      var uid: UInt32?
      var date: Date?
      var sections: [String: [UInt8]] = [:]
      var k = 0
      while k + 1 < attributes.count {
        let key = attributes[k].atom?.uppercased() ?? ""
        let value = attributes[k + 1]
        switch key {
        case "UID": uid = value.uint32
        case "INTERNALDATE": date = value.bytes.flatMap { IMAPDate.parse($0) }
        default:
          if key.hasPrefix("BODY[") || key.hasPrefix("BINARY[") {
            sections[key] = value.bytes ?? []
          }
        }
        k += 2
      }
      if let uid { out.append(IMAPFetchedMessage(uid: uid, internalDate: date, sections: sections)) }
    }
    return out
  }
}

/// Sequence sets (`1:5,7,9:*`), written compactly and read back with bounds.
public enum IMAPSequenceSet {
  /// Ascending runs of `uids` as `1:5,7`.
  public static func format(_ uids: [UInt32]) -> String {
    let sorted = Array(Set(uids)).sorted()
    var parts: [String] = []
    var k = 0
    while k < sorted.count {
      var j = k
      while j + 1 < sorted.count, sorted[j + 1] == sorted[j] &+ 1 { j += 1 }
      parts.append(j == k ? "\(sorted[k])" : "\(sorted[k]):\(sorted[j])")
      k = j + 1
    }
    return parts.joined(separator: ",")
  }

  /// The numbers of a set without `*`; nil when malformed or when it names more than
  /// `limit` numbers (a hostile `1:4294967295` must not fill memory).
  public static func parse(_ text: String, limit: Int = 10_000_000) -> [UInt32]? {
    var out: [UInt32] = []
    for part in text.split(separator: ",", omittingEmptySubsequences: false) {
      let ends = part.split(separator: ":", omittingEmptySubsequences: false)
      guard ends.count == 1 || ends.count == 2,
        let a = UInt32(ends[0]), let b = UInt32(ends.last!) else { return nil }
      let (lo, hi) = (min(a, b), max(a, b))
      guard Int(hi - lo) < limit - out.count else { return nil }
      out.append(contentsOf: lo...hi)
    }
    return out
  }
}

/// INTERNALDATE: `"17-Jul-1996 02:44:25 -0700"` (a leading space for one-digit days).
public enum IMAPDate {
  private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
                               "oct", "nov", "dec"]

  public static func parse(_ bytes: [UInt8]) -> Date? {
    let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespaces)
    let parts = text.split(separator: " ")
    guard parts.count == 3 else { return nil }
    let dmy = parts[0].split(separator: "-")
    let hms = parts[1].split(separator: ":")
    let zone = parts[2]
    guard dmy.count == 3, hms.count == 3, zone.count == 5,
      let day = Int(dmy[0]), (1...31).contains(day),
      let monthIndex = months.firstIndex(of: dmy[1].lowercased()),
      let year = Int(dmy[2]), (1...9999).contains(year),
      let h = Int(hms[0]), let m = Int(hms[1]), let s = Int(hms[2]),
      (0...23).contains(h), (0...59).contains(m), (0...60).contains(s),
      let sign = zone.first, sign == "+" || sign == "-",
      let zh = Int(zone.dropFirst().prefix(2)), let zm = Int(zone.suffix(2)),
      zh <= 23, zm <= 59
    else { return nil }
    var components = DateComponents()
    components.year = year; components.month = monthIndex + 1; components.day = day
    components.hour = h; components.minute = m; components.second = s
    components.timeZone = TimeZone(secondsFromGMT: 0)
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(secondsFromGMT: 0)!
    guard let utc = calendar.date(from: components) else { return nil }
    let offset = (zh * 3600 + zm * 60) * (sign == "-" ? -1 : 1)
    return utc.addingTimeInterval(TimeInterval(-offset))
  }
}
