import Foundation

/// Content-Transfer-Encoding decoders (RFC 2045 section 6), tolerant of damaged input.
public enum TransferEncoding {
  /// Decodes base64, skipping whitespace and any byte outside the alphabet; a group of two
  /// or three characters ended by padding or by the end still gives its whole bytes.
  ///
  /// Padding inside the data ends its group, so text encoded line by line (`SGk=` `IQ==`)
  /// decodes as each piece would alone instead of shifting every later bit.
  public static func decodeBase64<C: Collection>(_ input: C) -> [UInt8] where C.Element == UInt8 {
    var out = [UInt8]()
    out.reserveCapacity(input.count / 4 * 3)
    var acc: UInt32 = 0
    var count = 0
    func flushPartialGroup() {
      if count == 2 {
        out.append(UInt8(acc >> 4 & 0xFF))
      } else if count == 3 {
        out.append(UInt8(acc >> 10 & 0xFF))
        out.append(UInt8(acc >> 2 & 0xFF))
      }
      acc = 0
      count = 0
    }
    for b in input {
      let v: UInt32
      switch b {
      case 0x3D:  // `=`: padding
        if count > 0 { flushPartialGroup() }
        continue
      case 0x41...0x5A: v = UInt32(b - 0x41)
      case 0x61...0x7A: v = UInt32(b - 0x61 + 26)
      case 0x30...0x39: v = UInt32(b - 0x30 + 52)
      case 0x2B, 0x2D: v = 62  // `+`, and `-` from the URL-safe alphabet
      case 0x2F, 0x5F: v = 63  // `/`, and `_` from the URL-safe alphabet
      default: continue
      }
      acc = acc << 6 | v
      count += 1
      if count == 4 {
        out.append(UInt8(acc >> 16 & 0xFF))
        out.append(UInt8(acc >> 8 & 0xFF))
        out.append(UInt8(acc & 0xFF))
        acc = 0
        count = 0
      }
    }
    flushPartialGroup()
    return out
  }

  /// Decodes quoted-printable: `=XX` (either case) is a byte, `=` before a line break is a
  /// soft break, whitespace before a line break is dropped, and an `=` that starts neither is
  /// kept as written.
  public static func decodeQuotedPrintable<C: Collection>(_ input: C) -> [UInt8]
  where C.Element == UInt8, C.Index == Int {
    var out = [UInt8]()
    out.reserveCapacity(input.count)
    var i = input.startIndex
    let end = input.endIndex
    while i < end {
      let b = input[i]
      if b == 0x3D {
        // Soft line break: `=`, optional trailing whitespace, then a line break or the end.
        var j = i + 1
        while j < end, input[j] == 0x20 || input[j] == 0x09 { j += 1 }
        if j >= end { i = j; continue }
        if input[j] == 0x0D || input[j] == 0x0A {
          if input[j] == 0x0D, j + 1 < end, input[j + 1] == 0x0A { j += 1 }
          i = j + 1
          continue
        }
        if i + 2 < end, let h = EncodedWords.hexValue(input[i + 1]),
           let l = EncodedWords.hexValue(input[i + 2]) {
          out.append(h << 4 | l)
          i += 3
          continue
        }
        out.append(b)
        i += 1
      } else if b == 0x20 || b == 0x09 {
        // Whitespace at the end of a line was added in transport: drop it.
        var j = i
        while j < end, input[j] == 0x20 || input[j] == 0x09 { j += 1 }
        if j < end, input[j] != 0x0D, input[j] != 0x0A {
          out.append(contentsOf: input[i..<j])
        } else if j >= end {
          // Trailing whitespace at the very end is dropped too.
        }
        i = j
      } else {
        out.append(b)
        i += 1
      }
    }
    return out
  }

  /// Decodes `body` for the named Content-Transfer-Encoding; unknown names and 7bit, 8bit,
  /// binary give the bytes unchanged.
  public static func decode(_ body: [UInt8], encoding: String?) -> [UInt8] {
    switch encoding?.lowercased().trimmingCharacters(in: [" ", "\t", "\""]) {
    case "base64": return decodeBase64(body)
    case "quoted-printable": return decodeQuotedPrintable(body)
    default: return body
    }
  }
}
