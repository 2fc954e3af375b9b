/// Parses Message-ID, In-Reply-To and References values (RFC 5322 3.6.4).
///
/// Ids keep their angle brackets (`<abc@example>`); whitespace and comments inside are
/// dropped. An id written without brackets gets them. In-Reply-To often carries a phrase
/// (`<id> (Ann's message of ...)`): when bracketed ids are present only they count; without
/// any, the words containing `@` are taken as ids.
public enum MessageIDs {
  /// The first id in a Message-ID value, or nil when there is none.
  public static func parseFirst(_ value: String) -> String? {
    Array(value.utf8).withUnsafeBufferPointer { parse($0, limit: 1).first }
  }

  /// Every id in an In-Reply-To or References value, in order.
  public static func parseList(_ value: String) -> [String] {
    Array(value.utf8).withUnsafeBufferPointer { parse($0, limit: Int.max) }
  }

  /// Up to `limit` ids from unfolded value bytes.
  static func parse(_ v: UnsafeBufferPointer<UInt8>, limit: Int) -> [String] {
    var ids: [String] = []
    var bare: [[UInt8]] = []
    var word: [UInt8] = []
    let n = v.count
    var i = 0
    func endWord() {
      if !word.isEmpty { bare.append(word); word.removeAll() }
    }
    while i < n, ids.count < limit {
      let b = v[i]
      switch b {
      case 0x28:  // comment
        endWord()
        i = AddressList.readComment(v, from: i).1
      case 0x3C:  // <id>
        endWord()
        // Fast path: `<...>` with nothing to drop inside.
        var k = i + 1
        while k < n {
          let c = v[k]
          if c == 0x3E || c == 0x3C || c == 0x28 || c == 0x20 || c == 0x09 || c == 0x0D
            || c == 0x0A { break }
          k += 1
        }
        if k < n, v[k] == 0x3E {
          if k > i + 1 {
            ids.append(Charsets.decodeUTF8OrLatin1(UnsafeBufferPointer(rebasing: v[i...k])))
          }
          i = k + 1
          continue
        }
        var id: [UInt8] = [0x3C]
        var j = i + 1
        while j < n, v[j] != 0x3E, v[j] != 0x3C {
          let c = v[j]
          if c == 0x28 {
            j = AddressList.readComment(v, from: j).1
            continue
          }
          if c != 0x20, c != 0x09, c != 0x0D, c != 0x0A { id.append(c) }
          j += 1
        }
        if j < n, v[j] == 0x3E { j += 1 }
        if id.count > 1 {
          id.append(0x3E)
          ids.append(Charsets.decodeUTF8OrLatin1(id))
        }
        i = j
      case 0x20, 0x09, 0x0D, 0x0A, 0x2C:
        endWord()
        i += 1
      default:
        word.append(b)
        i += 1
      }
    }
    endWord()
    if ids.isEmpty {
      let candidates = limit == 1 ? bare.prefix(1) : bare.filter { $0.contains(0x40) }[...]
      for w in candidates.prefix(limit) {
        var trimmed = w[...]
        while let last = trimmed.last, last == 0x3E || last == 0x22 { trimmed.removeLast() }
        while let first = trimmed.first, first == 0x22 { trimmed.removeFirst() }
        guard !trimmed.isEmpty else { continue }
        ids.append("<" + Charsets.decodeUTF8OrLatin1(trimmed) + ">")
      }
    }
    return ids
  }
}
